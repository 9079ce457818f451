package io.rune.shim.frame;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * The main package path a Go executable records about itself (what {@code go version -m} shows as
 * {@code path}), read from its {@code .go.buildinfo} ELF section: a few small reads, never the whole
 * file. Only 64-bit little-endian ELF and the inline format of Go 1.18 and later are understood;
 * anything else answers empty.
 */
final class GoBuildInfo {
    private static final byte[] MAGIC = "\u00ff Go buildinf:".getBytes(StandardCharsets.ISO_8859_1);
    private static final int FLAG_INLINE_STRINGS = 2;
    private static final int MAX_SECTION = 1 << 16;

    private GoBuildInfo() {}

    /** The {@code path} line of the executable's module info, or empty when it cannot be read. */
    static Optional<String> mainPackage(Path executable) {
        try (FileChannel ch = FileChannel.open(executable, StandardOpenOption.READ)) {
            ByteBuffer section = buildInfoSection(ch);
            return section == null ? Optional.empty() : pathLine(section);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The contents of the {@code .go.buildinfo} section, or null. */
    private static ByteBuffer buildInfoSection(FileChannel ch) throws IOException {
        ByteBuffer eh = read(ch, 0, 64);
        if (eh.getInt(0) != 0x464c457f || eh.get(4) != 2 || eh.get(5) != 1) return null; // ELF, 64-bit, little-endian
        long shoff = eh.getLong(0x28);
        int shentsize = Short.toUnsignedInt(eh.getShort(0x3a));
        int shnum = Short.toUnsignedInt(eh.getShort(0x3c));
        int shstrndx = Short.toUnsignedInt(eh.getShort(0x3e));
        if (shoff <= 0 || shentsize < 64 || shnum == 0 || shstrndx >= shnum) return null;
        ByteBuffer sh = read(ch, shoff, shentsize * shnum);
        ByteBuffer names = section(ch, sh, shstrndx * shentsize);
        if (names == null) return null;
        for (int i = 0; i < shnum; i++) {
            if (".go.buildinfo".equals(cString(names, sh.getInt(i * shentsize)))) return section(ch, sh, i * shentsize);
        }
        return null;
    }

    private static ByteBuffer section(FileChannel ch, ByteBuffer sh, int at) throws IOException {
        long offset = sh.getLong(at + 0x18);
        long size = sh.getLong(at + 0x20);
        return size <= 0 || size > MAX_SECTION ? null : read(ch, offset, (int) size);
    }

    /** Header: magic, pointer size, flags, padding to 32 bytes; then varint-prefixed Go version and module info. */
    private static Optional<String> pathLine(ByteBuffer b) {
        for (int i = 0; i < MAGIC.length; i++) {
            if (b.get(i) != MAGIC[i]) return Optional.empty();
        }
        if ((b.get(15) & FLAG_INLINE_STRINGS) == 0) return Optional.empty(); // before Go 1.18: pointers into data
        b.position(32);
        skip(b, uvarint(b)); // the Go version
        byte[] info = new byte[(int) uvarint(b)];
        b.get(info);
        for (String line : new String(info, StandardCharsets.UTF_8).split("\n")) {
            int at = line.indexOf("path\t"); // the first line is preceded by a 16-byte sentinel
            if (at >= 0) return Optional.of(line.substring(at + "path\t".length()).strip());
        }
        return Optional.empty();
    }

    private static long uvarint(ByteBuffer b) {
        long x = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            int c = Byte.toUnsignedInt(b.get());
            x |= (long) (c & 0x7f) << shift;
            if (c < 0x80) return x;
        }
        throw new IllegalArgumentException("bad varint");
    }

    private static void skip(ByteBuffer b, long n) {
        b.position(Math.addExact(b.position(), Math.toIntExact(n)));
    }

    private static String cString(ByteBuffer b, int at) {
        int end = at;
        while (end < b.limit() && b.get(end) != 0) end++;
        byte[] s = new byte[end - at];
        b.get(at, s);
        return new String(s, StandardCharsets.ISO_8859_1);
    }

    private static ByteBuffer read(FileChannel ch, long offset, int size) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        while (b.hasRemaining()) {
            if (ch.read(b, offset + b.position()) < 0) throw new IOException("short file");
        }
        return b.flip();
    }
}
