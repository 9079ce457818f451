package io.rune.shim.frame;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BootstrapTest {
    private static final String ADDRESS = "unix:///run/containerd/s/abc";

    @TempDir
    Path tmp;

    @Test
    void containerd2GetsTheVersion3Json() throws IOException {
        Path bin = goBinary("github.com/containerd/containerd/v2/cmd/containerd");
        assertEquals(Optional.of("github.com/containerd/containerd/v2/cmd/containerd"), GoBuildInfo.mainPackage(bin));
        Bootstrap b = Bootstrap.forContainerd(ADDRESS, bin.toString());
        assertEquals("{\"version\":3,\"address\":\"unix:///run/containerd/s/abc\",\"protocol\":\"ttrpc\"}", b.text());
        assertFalse(b.writesAddressFile());
    }

    @Test
    void containerd1GetsTheBareAddress() throws IOException {
        Bootstrap b = Bootstrap.forContainerd(ADDRESS, goBinary("github.com/containerd/containerd/cmd/containerd").toString());
        assertEquals(ADDRESS, b.text());
        assertTrue(b.writesAddressFile());
    }

    @Test
    void anUnreadableOrForeignBinaryGetsTheBareAddress() throws IOException {
        Path text = Files.writeString(tmp.resolve("script"), "#!/bin/sh\n");
        assertEquals(Optional.empty(), GoBuildInfo.mainPackage(text));
        assertEquals(ADDRESS, Bootstrap.forContainerd(ADDRESS, text.toString()).text());
        assertEquals(ADDRESS, Bootstrap.forContainerd(ADDRESS, tmp.resolve("missing").toString()).text());
        assertEquals(ADDRESS, Bootstrap.forContainerd(ADDRESS, "").text());
        assertEquals(ADDRESS, Bootstrap.forContainerd(ADDRESS, goBinary("example.com/containerd/v2/cmd/x").toString()).text());
    }

    @Test
    void readsTheRealExecutableOfThisJvm() {
        // a C program, not Go: no .go.buildinfo section, but a well-formed ELF to walk
        assertEquals(Optional.empty(), GoBuildInfo.mainPackage(Path.of(System.getProperty("java.home"), "bin", "java")));
    }

    /**
     * A minimal 64-bit little-endian ELF: header, a .shstrtab and a .go.buildinfo section in the
     * inline-string format of Go 1.18+, and the section header table.
     */
    private Path goBinary(String mainPackage) throws IOException {
        byte[] names = "\0.shstrtab\0.go.buildinfo\0".getBytes(StandardCharsets.ISO_8859_1);
        ByteArrayOutputStream info = new ByteArrayOutputStream();
        info.write("\u00ff Go buildinf:".getBytes(StandardCharsets.ISO_8859_1));
        info.write(8); // pointer size
        info.write(2); // flags: inline strings
        info.write(new byte[16]);
        byte[] go = "go1.24.4".getBytes(StandardCharsets.UTF_8);
        byte[] mod = ("0123456789abcdef" + "path\t" + mainPackage + "\nbuild\t-compiler=gc\n" + "fedcba9876543210")
                .getBytes(StandardCharsets.UTF_8);
        uvarint(info, go.length);
        info.write(go);
        uvarint(info, mod.length);
        info.write(mod);
        byte[] bi = info.toByteArray();
        int namesAt = 64, biAt = namesAt + names.length, shAt = biAt + bi.length;
        ByteBuffer f = ByteBuffer.allocate(shAt + 3 * 64).order(ByteOrder.LITTLE_ENDIAN);
        f.putInt(0, 0x464c457f).put(4, (byte) 2).put(5, (byte) 1).put(6, (byte) 1);
        f.putLong(0x28, shAt).putShort(0x3a, (short) 64).putShort(0x3c, (short) 3).putShort(0x3e, (short) 1);
        f.put(namesAt, names).put(biAt, bi);
        section(f, shAt + 64, 1, namesAt, names.length); // .shstrtab
        section(f, shAt + 128, 11, biAt, bi.length);     // .go.buildinfo
        Path p = tmp.resolve("containerd-" + Integer.toHexString(mainPackage.hashCode()));
        Files.write(p, f.array());
        return p;
    }

    private static void uvarint(ByteArrayOutputStream out, int n) {
        for (; n >= 0x80; n >>>= 7) out.write(n & 0x7f | 0x80);
        out.write(n);
    }

    private static void section(ByteBuffer f, int at, int name, long offset, long size) {
        f.putInt(at, name).putInt(at + 4, 1).putLong(at + 0x18, offset).putLong(at + 0x20, size);
    }
}
