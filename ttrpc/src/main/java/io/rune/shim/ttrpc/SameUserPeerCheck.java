package io.rune.shim.ttrpc;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.List;

import jdk.net.UnixDomainPrincipal;

/**
 * Accepts peers whose uid and gid equal given ids (by default this process's effective ones).
 *
 * <p>Why this shape: the JDK reports peer credentials only as principals, and exposes no
 * numeric uid. The JDK's Unix principals compare equal by numeric id, and looking up a purely
 * numeric name falls back to that number when no user/group has that name, so we turn our own
 * ids into principals once and compare with {@code equals}. Our effective ids come from
 * {@code /proc/self/status} (Linux only, like the shim), avoiding any native call.
 */
public final class SameUserPeerCheck implements PeerCheck {

    private static final Path STATUS = Path.of("/proc/self/status");

    private final int uid;
    private final int gid;
    private final UserPrincipal user;
    private final GroupPrincipal group;

    private SameUserPeerCheck(int uid, int gid, UserPrincipal user, GroupPrincipal group) {
        this.uid = uid;
        this.gid = gid;
        this.user = user;
        this.group = group;
    }

    /** Requires the given numeric uid and gid. */
    public static SameUserPeerCheck of(int uid, int gid) throws IOException {
        UserPrincipalLookupService lookup = FileSystems.getDefault().getUserPrincipalLookupService();
        return new SameUserPeerCheck(uid, gid,
                lookup.lookupPrincipalByName(Integer.toString(uid)),
                lookup.lookupPrincipalByGroupName(Integer.toString(gid)));
    }

    /** Requires this process's effective uid and gid. */
    public static SameUserPeerCheck ofCurrentProcess() throws IOException {
        List<String> lines = Files.readAllLines(STATUS);
        return of(effectiveId(lines, "Uid:"), effectiveId(lines, "Gid:"));
    }

    /** {@code Uid:} / {@code Gid:} lines list real, effective, saved, fs ids; we want the second. */
    static int effectiveId(List<String> statusLines, String prefix) throws IOException {
        for (String line : statusLines) {
            if (line.startsWith(prefix)) {
                String[] fields = line.substring(prefix.length()).trim().split("\\s+");
                if (fields.length >= 2) {
                    return Integer.parseInt(fields[1]);
                }
            }
        }
        throw new IOException("no " + prefix + " line with an effective id in " + STATUS);
    }

    public int uid() {
        return uid;
    }

    public int gid() {
        return gid;
    }

    @Override
    public boolean permits(UnixDomainPrincipal peer) {
        return user.equals(peer.user()) && group.equals(peer.group());
    }

    @Override
    public String toString() {
        return "SameUserPeerCheck{uid=" + uid + ", gid=" + gid + "}";
    }
}
