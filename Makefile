# containerd-shim-rune-v2 — build, install, test, demo (wraps Maven).
#   make                 build all modules (unit tests skipped)
#   make install         install into $(PREFIX)/bin and $(PREFIX)/lib (PREFIX=/usr/local)
#   make test            unit tests (launcher and Maven), then end-to-end tests against private containerds (1.6, 1.7, 2.1)
#   make e2e-containerd CONTAINERD=<bin dir>   the end-to-end suites against one containerd
#   make launcher        the native launcher alone, into target/launcher/ (as `make install` would build it)
#   make launcher-test   the launcher's C unit tests
#   make criu            a criu that works on recent kernels (Debian trixie's, private; scripts/criu-fetch.sh)
#   make demo            the main job: run a container through the shim, end to end
PREFIX ?= /usr/local
BINDIR = $(PREFIX)/bin
LIBDIR = $(PREFIX)/lib/containerd-shim-rune-v2
JAVA_HOME := $(shell scripts/find-jdk)
export JAVA_HOME
MVN = ./mvnw -B -q
# tests print Surefire's per-module "Tests run: ..." summaries (no -q)
MVN_TEST = ./mvnw -B -ntp
JAVA_SPEC := $(shell $(JAVA_HOME)/bin/java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
# Small, quick JVM for a per-container process: serial GC, C1 only, no perf data file in /tmp.
# -Xlog:disable: containerd reads start's stdout+stderr as the address, so the JVM must print nothing.
# ArchiveRelocationMode=0 maps the start-up cache at its preferred address: its pages then stay
# clean and shared between the daemons (relocating them makes ~10 MB private per daemon).
# -Xms4m: the AOT cache's archived heap (1.5 MB) must fit in the initial heap (2m fails to load it);
# 8m made a namespace daemon ~0.9 MB bigger for nothing (its old generation holds ~5.5 MB).
# memlimit: a C1 compilation may use at most 2 MB of scratch memory. Four methods need more (6-7 MB
# each: protobuf's MessageSchema serializer/parser switches and the JDK's class-file StackMapGenerator);
# they stay interpreted. Their scratch chunks otherwise stayed with the daemon for up to 5 s after each
# compile (the JVM's chunk pool), 5 MB of a namespace daemon's ~64 right after a burst of starts.
JVM_OPTS = -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:-UsePerfData -Xss512k -Xms4m -Xmx128m \
  -XX:+UnlockDiagnosticVMOptions -XX:ArchiveRelocationMode=0 $(MEMLIMIT_OPT) \
  -Xlog:disable --enable-native-access=ALL-UNNAMED $(UNSAFE_OPT) $(EXIT_OPT) $(TRIM_OPT)
# probed: an older JDK prints its parse error on stdout, where start's answer goes
MEMLIMIT_OPT := $(shell $(JAVA_HOME)/bin/java -XX:CompileCommand=quiet '-XX:CompileCommand=memlimit,*.*,2M' -version 2>&1 \
  | grep -q rror || echo '-XX:CompileCommand=quiet -XX:CompileCommand=memlimit,*.*,2M')
# added by the launcher for a spare's JVM only (docs/launcher.md, "Spare daemons")
SPARE_JVM_OPTS = $(REPLAY_OPT)
# At exit the JVM waits up to 300 ms for threads blocked in native calls (the reaper's waitid, the
# stdio loop's epoll_wait): a daemon would outlive containerd's Shutdown by that much. Not waiting is
# safe here (those threads only ever block); the flag exists from JDK 24 on, so it is probed.
EXIT_OPT := $(shell $(JAVA_HOME)/bin/java -XX:UserThreadWaitAttemptsAtExit=0 -version >/dev/null 2>&1 && echo -XX:UserThreadWaitAttemptsAtExit=0)
# glibc keeps freed C heap (the JIT's arenas after a burst of compiles) mapped: ~6 MB of a daemon's
# resident memory. Trimming every 2 s hands it back (JDK 22+ product flag, so probed).
TRIM_OPT := $(shell $(JAVA_HOME)/bin/java -XX:TrimNativeHeapInterval=2000 -version >/dev/null 2>&1 && echo -XX:TrimNativeHeapInterval=2000)
# A JDK 25 AOT cache also lists the methods the training run compiled, and by default every JVM
# compiles them all at start-up: ~200 ms of CPU per JVM here (of ~500 for a spare's whole warm-up).
# Spares (docs/launcher.md) boot while containers are being started, back to back on a busy node:
# there that CPU is what is short, and without the replay group-scope starts were faster (median
# start ratio to the Go shim 2.2-2.3 -> 1.6-1.9 with two spares; the training's profiles still help,
# 8 rounds against 1: 1.73 against 1.86, mean of 5 runs). Every other JVM replays it: a daemon's
# rarely run calls (exec, kill, delete) would otherwise stay interpreted for their first ~200 runs.
# Probed: the flag is JDK 25's.
REPLAY_OPT := $(shell $(JAVA_HOME)/bin/java -XX:+UnlockDiagnosticVMOptions -XX:-AOTReplayTraining -version >/dev/null 2>&1 && echo -XX:-AOTReplayTraining)
# JDK 24+ warns on stderr when protobuf uses sun.misc.Unsafe
UNSAFE_OPT := $(shell [ "$(JAVA_SPEC)" -ge 24 ] 2>/dev/null && echo --sun-misc-unsafe-memory-access=allow)
# Start-up cache recorded at install by a training run (`containerd-shim-rune-v2 train`):
# JDK 25+ AOT cache (classes loaded and linked, method handles of the FFM calls), else AppCDS.
ifeq ($(shell [ "$(JAVA_SPEC)" -ge 25 ] 2>/dev/null && echo aot),aot)
CACHE_FILE = $(LIBDIR)/shim.aot
CACHE_RECORD = -XX:AOTCacheOutput=$(CACHE_FILE)
CACHE_USE = -XX:AOTCache=$(CACHE_FILE)
else
CACHE_FILE = $(LIBDIR)/shim.jsa
CACHE_RECORD = -XX:ArchiveClassesAtExit=$(CACHE_FILE)
CACHE_USE = -XX:SharedArchiveFile=$(CACHE_FILE)
endif

# The installed binary is the native launcher (docs/launcher.md); these constants are compiled in.
CC ?= cc
LAUNCHER_SRC = launcher/containerd-shim-rune-v2.c
LAUNCHER_CFLAGS = -std=c11 -O2 -Wall -Wextra -Werror -D_GNU_SOURCE
LAUNCHER_DIR = target/launcher
# $(call compile-launcher,output): the launcher for this PREFIX (java, lib dir, its own bin dir, JVM options)
compile-launcher = $(CC) $(LAUNCHER_CFLAGS) -DLAUNCHER_JAVA='"$(JAVA_HOME)/bin/java"' -DLAUNCHER_LIBDIR='"$(LIBDIR)"' \
	-DLAUNCHER_BINDIR='"$(BINDIR)"' -DLAUNCHER_JVM_OPTS='"$(strip $(JVM_OPTS) $(CACHE_USE))"' \
	-DLAUNCHER_SPARE_JVM_OPTS='"$(strip $(SPARE_JVM_OPTS))"' -o $(1) $(LAUNCHER_SRC)

print-jvm-opts:
	@echo '$(JVM_OPTS)'

.PHONY: print-jvm-opts all build install uninstall test unit-test e2e-test e2e-test-namespace e2e-containerd soak demo clean launcher launcher-test criu

all: build

build:
	@test -n "$(JAVA_HOME)" || exit 1
	$(MVN) install -DskipTests

install: build
	install -d $(BINDIR) $(LIBDIR)
	rm -f $(LIBDIR)/*.jar $(LIBDIR)/shim.jsa $(LIBDIR)/shim.aot
	install -m 0644 shim-main/target/lib/*.jar $(LIBDIR)/
	install -m 0644 shim-main/target/shim-main-*.jar $(LIBDIR)/
	$(call compile-launcher,$(BINDIR)/containerd-shim-rune-v2.tmp)
	chmod 0755 $(BINDIR)/containerd-shim-rune-v2.tmp
	mv -f $(BINDIR)/containerd-shim-rune-v2.tmp $(BINDIR)/containerd-shim-rune-v2
	@# rune is runc plus enclave support; where no real rune exists, runc stands in for it.
	@if [ -e $(BINDIR)/rune ] && [ ! -L $(BINDIR)/rune ]; then echo "rune: using installed $(BINDIR)/rune"; \
	elif r=$$(PATH=$$(echo ":$$PATH:" | sed 's|:$(BINDIR):|:|g') command -v rune); then echo "rune: using $$r"; rm -f $(BINDIR)/rune; \
	elif r=$$(command -v runc); then ln -sfn $$r $(BINDIR)/rune; echo "rune: no real rune installed; $(BINDIR)/rune -> $$r (runc stands in for rune)"; \
	else echo "rune: neither rune nor runc found; install runc (apt-get install runc)" >&2; exit 1; fi
	@# record the start-up cache with a training run (also a smoke test of the installed build)
	@$(JAVA_HOME)/bin/java $(JVM_OPTS) $(CACHE_RECORD) -cp '$(LIBDIR)/*' io.rune.shim.main.Main train \
	    >$(LIBDIR)/train.log 2>&1 || { cat $(LIBDIR)/train.log; echo "training run failed" >&2; exit 1; }
	@rm -f $(LIBDIR)/train.log
	@# the launcher's way to the JVM, with the cache just recorded
	@$(BINDIR)/containerd-shim-rune-v2 -v >/dev/null || { echo "$(BINDIR)/containerd-shim-rune-v2 -v failed" >&2; exit 1; }
	@echo "installed $(BINDIR)/containerd-shim-rune-v2 (start-up cache $(CACHE_FILE))"

uninstall:
	rm -rf $(LIBDIR) $(BINDIR)/containerd-shim-rune-v2
	if [ -L $(BINDIR)/rune ]; then rm -f $(BINDIR)/rune; fi

launcher:
	@mkdir -p $(LAUNCHER_DIR)
	$(call compile-launcher,$(LAUNCHER_DIR)/containerd-shim-rune-v2)

launcher-test:
	@mkdir -p $(LAUNCHER_DIR)
	$(CC) $(LAUNCHER_CFLAGS) -DLAUNCHER_TEST -o $(LAUNCHER_DIR)/launcher-test launcher/test/launcher_test.c
	$(LAUNCHER_DIR)/launcher-test

unit-test: launcher-test
	$(MVN_TEST) install

E2E_PREFIX ?= $(CURDIR)/target/e2e-prefix
# Namespace scope set node-wide for the second run: the shim's config file, named to the shims through
# containerd's environment.
E2E_NS_CONFIG = $(CURDIR)/e2e/namespace-scope.toml
# The criu the checkpoint scenarios use, first on the private containerd's PATH (for runc and rune alike):
# trixie's criu 4.1 with its own libraries, unpacked into CRIU_DIR and never installed system-wide.
# Without it (no apt access) the suite still runs, with the system's criu; the scenarios that need a
# working criu are then skipped.
CRIU_DIR ?= /var/cache/containerd-shim-rune-v2/criu-trixie
criu:
	@scripts/criu-fetch.sh $(CRIU_DIR) >/dev/null || echo "make criu: no working criu 4 in $(CRIU_DIR); checkpoint/restore scenarios will be skipped" >&2
E2E_CRIU = -De2e.criu=$(CRIU_DIR)/bin
# Newer containerd releases, each with its own ctr and containerd-shim-runc-v2 (the reference shim),
# fetched from the Debian suite that ships them into a cache under target/ (never installed
# system-wide): 1.7 from trixie, 2.1 from sid. `make containerd-2.1` fetches one alone.
CONTAINERD_CACHE ?= $(CURDIR)/target/containerd
CONTAINERD_SUITE_1.7 = trixie
CONTAINERD_SUITE_2.1 = sid
CONTAINERD_RELEASES = 1.7 2.1
containerd-%:
	@test -n "$(CONTAINERD_SUITE_$*)" || { echo "no Debian suite known for containerd $*" >&2; exit 1; }
	scripts/debian-fetch.sh $(CONTAINERD_SUITE_$*) $(CONTAINERD_CACHE)/$* containerd
	@$(CONTAINERD_CACHE)/$*/usr/bin/containerd --version

# The suites against one containerd (CONTAINERD=<its bin dir>; default the system's /usr/bin).
CONTAINERD ?=
E2E_CONTAINERD_OPT = $(if $(CONTAINERD),-De2e.containerd=$(abspath $(CONTAINERD)))
# The suites twice against the system containerd (1.6): in the default (group) scope, then with
# namespace scope set node-wide; a short soak (the full one is `make soak`): lifecycles through a
# private containerd in both scopes; then the suites in the default scope against each newer release.
e2e-test: criu
	$(MAKE) install PREFIX=$(E2E_PREFIX)
	$(MVN_TEST) -pl e2e,cri-e2e test -De2e.bin=$(E2E_PREFIX)/bin $(E2E_CRIU)
	CONTAINERD_SHIM_RUNE_CONFIG=$(E2E_NS_CONFIG) $(MVN_TEST) -pl e2e,cri-e2e test -De2e.bin=$(E2E_PREFIX)/bin -De2e.scope=namespace $(E2E_CRIU)
	CYCLES=60 SAMPLE=20 scripts/soak.sh $(E2E_PREFIX)
	set -e; for r in $(CONTAINERD_RELEASES); do \
	  $(MAKE) containerd-$$r; \
	  $(MVN_TEST) -pl e2e,cri-e2e test -De2e.bin=$(E2E_PREFIX)/bin -De2e.containerd=$(CONTAINERD_CACHE)/$$r/usr/bin; \
	done

# One containerd: e.g. `make e2e-containerd CONTAINERD=target/containerd/2.1/usr/bin` (after `make containerd-2.1`)
e2e-containerd:
	$(MAKE) install PREFIX=$(E2E_PREFIX)
	$(MVN_TEST) -pl e2e,cri-e2e test -De2e.bin=$(E2E_PREFIX)/bin $(E2E_CONTAINERD_OPT)

SOAK_PREFIX ?= $(CURDIR)/target/soak-prefix
soak:
	$(MAKE) install PREFIX=$(SOAK_PREFIX)
	CYCLES=$${CYCLES:-500} scripts/soak.sh $(SOAK_PREFIX)

e2e-test-namespace: criu
	$(MAKE) install PREFIX=$(E2E_PREFIX)
	CONTAINERD_SHIM_RUNE_CONFIG=$(E2E_NS_CONFIG) $(MVN_TEST) -pl e2e,cri-e2e test -De2e.bin=$(E2E_PREFIX)/bin -De2e.scope=namespace $(E2E_CRIU)

test: unit-test e2e-test

demo:
	scripts/demo.sh

clean:
	$(MVN) clean
	rm -rf target
