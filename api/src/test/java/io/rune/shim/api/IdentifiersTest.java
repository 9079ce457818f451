package io.rune.shim.api;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class IdentifiersTest {
    @Test
    void containerdsRule() {
        for (String ok : new String[] {"a", "c1", "ut-fd1-d11af7", "k8s.io", "A_b.c-d", "x".repeat(76)}) {
            assertNull(Identifiers.problem(ok), ok);
        }
        assertEquals("identifier must not be empty", Identifiers.problem(""));
        assertEquals("identifier \"../../tmp/x\" must match ^[A-Za-z0-9]+(?:[._-](?:[A-Za-z0-9]+))*$",
                Identifiers.problem("../../tmp/x"));
        for (String bad : new String[] {"a/b", ".a", "a.", "a..b", "a b", "-a", "a\nb", "é"}) {
            assertNotNull(Identifiers.problem(bad), bad);
        }
        assertTrue(Identifiers.problem("x".repeat(77)).endsWith("greater than maximum length (76 characters)"));
    }
}
