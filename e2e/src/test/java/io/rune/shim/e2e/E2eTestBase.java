package io.rune.shim.e2e;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.ExtendWith;

/** Common fixture access for the scenario classes; removes the test's containers after each test. */
@ExtendWith(PrivateContainerd.Extension.class)
abstract class E2eTestBase {
    /** A container that stays up until killed; exits 143 on SIGTERM (busybox sleep as PID 1 would ignore it). */
    static final String[] SLEEPER = {"/bin/sh", "-c", "trap 'exit 143' TERM; /bin/sleep 1000 & wait"};

    protected final PrivateContainerd ctd;
    protected final Ctr ctr;
    protected final EventStream events;
    protected final ShimRuntime ref;
    protected final ShimRuntime ut;
    protected final TestContainers containers;

    E2eTestBase(PrivateContainerd ctd) {
        this.ctd = ctd;
        this.ctr = ctd.ctr();
        this.events = ctd.events();
        this.ref = ctd.config().referenceRuntime();
        this.ut = ctd.config().underTest();
        this.containers = new TestContainers(ctd);
    }

    @AfterEach
    void removeContainers() {
        containers.close();
    }
}
