package io.rune.shim.ttrpc;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A server on a fresh socket under /tmp (Unix paths must stay under 108 bytes, so no deep
 * JUnit temp dirs). The fixture binds the socket, as the shim does, and hands it over.
 */
final class ServerFixture implements AutoCloseable {

    final Path dir;
    final UnixDomainSocketAddress address;
    final TtrpcServer server;

    ServerFixture(TtrpcServer server) throws IOException {
        this.server = server;
        this.dir = Files.createTempDirectory(Path.of("/tmp"), "ttrpc-test");
        this.address = UnixDomainSocketAddress.of(dir.resolve("s.sock"));
        ServerSocketChannel listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        listener.bind(address);
        server.start(listener);
    }

    ServerFixture(ServiceRegistry registry) throws IOException {
        this(new TtrpcServer(registry));
    }

    RawConnection raw() throws IOException {
        return new RawConnection(address);
    }

    TtrpcClient client() throws IOException {
        return TtrpcClient.connect("unix://" + address.getPath());
    }

    @Override
    public void close() throws Exception {
        server.close();
        server.awaitTermination(Duration.ofSeconds(5));
        Files.deleteIfExists(address.getPath());
        Files.deleteIfExists(dir);
    }
}
