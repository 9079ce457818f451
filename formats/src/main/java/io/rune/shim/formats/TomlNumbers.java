package io.rune.shim.formats;

/**
 * TOML integers and floats as JSON numbers: underscores dropped, a leading {@code +} dropped,
 * hex/octal/binary turned decimal. TOML's decimal grammar (no leading zeros, digits on both sides
 * of a point) is JSON's, so what remains is a valid JSON lexeme, kept as written otherwise.
 */
final class TomlNumbers {
    private TomlNumbers() {}

    /**
     * The number {@code token} denotes, or null when it is not a TOML integer or float.
     * @throws ArithmeticException for an integer beyond 64 bits
     */
    static JsonNumber parse(String token) {
        if (token.length() > 2 && token.charAt(0) == '0') {
            int radix = switch (token.charAt(1)) {
                case 'x' -> 16;
                case 'o' -> 8;
                case 'b' -> 2;
                default -> 0;
            };
            if (radix != 0) return radixInteger(token.substring(2), radix);
        }
        String s = token;
        boolean negative = false;
        if (!s.isEmpty() && (s.charAt(0) == '+' || s.charAt(0) == '-')) {
            negative = s.charAt(0) == '-';
            s = s.substring(1);
        }
        int exp = indexOfAny(s, 'e', 'E');
        String mantissa = exp < 0 ? s : s.substring(0, exp);
        int point = mantissa.indexOf('.');
        String intPart = point < 0 ? mantissa : mantissa.substring(0, point);
        if (!digits(intPart, 10) || intPart.length() > 1 && intPart.charAt(0) == '0') return null;
        if (point >= 0 && !digits(mantissa.substring(point + 1), 10)) return null;
        if (exp >= 0) {
            String e = s.substring(exp + 1);
            if (!e.isEmpty() && (e.charAt(0) == '+' || e.charAt(0) == '-')) e = e.substring(1);
            if (!digits(e, 10)) return null;
        }
        String lexeme = (negative ? "-" : "") + s.replace("_", "");
        if (point < 0 && exp < 0) {
            // TOML integers are 64-bit
            try {
                Long.parseLong(lexeme);
            } catch (NumberFormatException tooBig) {
                throw new ArithmeticException("out of range");
            }
        }
        return new JsonNumber(lexeme);
    }

    /** Whether the token starts like a number (or a date): a digit, or a sign and a digit. */
    static boolean looksNumeric(String token) {
        int i = !token.isEmpty() && (token.charAt(0) == '+' || token.charAt(0) == '-') ? 1 : 0;
        return i < token.length() && token.charAt(i) >= '0' && token.charAt(i) <= '9';
    }

    private static JsonNumber radixInteger(String s, int radix) {
        if (!digits(s, radix)) return null;
        try {
            return JsonNumber.of(Long.parseLong(s.replace("_", ""), radix));
        } catch (NumberFormatException tooBig) {
            throw new ArithmeticException("out of range");
        }
    }

    /** Digits of the radix, an underscore only between two digits; not empty. */
    private static boolean digits(String s, int radix) {
        if (s.isEmpty()) return false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '_') {
                if (i == 0 || i == s.length() - 1 || s.charAt(i + 1) == '_') return false;
            } else if (Character.digit(c, radix) < 0 || c > 'z') {
                return false;
            }
        }
        return true;
    }

    private static int indexOfAny(String s, char a, char b) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == a || s.charAt(i) == b) return i;
        }
        return -1;
    }
}
