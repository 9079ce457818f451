package io.rune.shim.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rune.shim.e2e.tasks.Descriptor;
import io.rune.shim.testsupport.CmdResult;
import java.io.IOException;

/**
 * The checkpoint images {@code ctr task checkpoint} records: an OCI index in the content store whose
 * manifests name the CRIU tarball and the spec. A restore through the Tasks API takes the tarball's
 * descriptor, as the Go client's WithTaskCheckpoint does; the image record keeps it from being collected.
 */
final class CheckpointImages {
    static final String CRIU_TAR = "application/vnd.containerd.container.criu.checkpoint.criu.tar";
    private static final ObjectMapper JSON = new ObjectMapper();

    private CheckpointImages() {}

    /** The CRIU tarball of the named checkpoint image; IllegalStateException when ctr cannot tell. */
    static Descriptor criuTar(Ctr ctr, String imageName) {
        CmdResult ls = ctr.exec("images", "ls");
        String digest = ls.stdout().lines().map(l -> l.trim().split("\\s+"))
                .filter(f -> f.length > 2 && f[0].equals(imageName)).map(f -> f[2]).findFirst()
                .orElseThrow(() -> new IllegalStateException("no image " + imageName + " in " + ls));
        CmdResult get = ctr.exec("content", "get", digest);
        try {
            for (JsonNode m : JSON.readTree(get.stdout()).path("manifests")) {
                if (CRIU_TAR.equals(m.path("mediaType").asText())) {
                    return Descriptor.newBuilder().setMediaType(CRIU_TAR).setDigest(m.path("digest").asText())
                            .setSize(m.path("size").asLong()).build();
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("index " + digest + " of " + imageName + ": " + get, e);
        }
        throw new IllegalStateException("no " + CRIU_TAR + " in index " + digest + " of " + imageName);
    }

    /** Removes the image record (its blobs go with containerd's next garbage collection). */
    static void remove(Ctr ctr, String imageName) {
        if (!imageName.isBlank()) ctr.exec("images", "rm", imageName);
    }
}
