package io.rune.shim.formats;

import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * A JSON number kept as written: an integer of any size or a float goes back out byte for byte
 * ({@code 1.50} stays {@code 1.50}, a uint64 stays exact). Converted only when asked, with an
 * {@link ArithmeticException} naming the number when it does not fit. Equality is by lexeme.
 */
public record JsonNumber(String lexeme) implements JsonValue {

    /** @throws IllegalArgumentException when {@code lexeme} is not a JSON number */
    public JsonNumber {
        if (lexeme == null || JsonParser.numberEnd(lexeme, 0) != lexeme.length()) {
            throw new IllegalArgumentException("not a JSON number: " + lexeme);
        }
    }

    public static JsonNumber of(long v) {
        return new JsonNumber(Long.toString(v));
    }

    public static JsonNumber of(BigInteger v) {
        return new JsonNumber(v.toString());
    }

    /** @throws IllegalArgumentException for NaN and infinities, which JSON cannot hold */
    public static JsonNumber of(double v) {
        if (!Double.isFinite(v)) throw new IllegalArgumentException("JSON has no " + v);
        return new JsonNumber(Double.toString(v));
    }

    /** Written without fraction or exponent. */
    public boolean isIntegral() {
        for (int i = 0; i < lexeme.length(); i++) {
            char c = lexeme.charAt(i);
            if (c == '.' || c == 'e' || c == 'E') return false;
        }
        return true;
    }

    /** The value as a long; {@code 1e3} and {@code 2.0} are integers too. */
    public long asLong() {
        if (isIntegral()) {
            try {
                return Long.parseLong(lexeme);
            } catch (NumberFormatException e) {
                throw new ArithmeticException("number " + lexeme + " does not fit in a long");
            }
        }
        BigDecimal d = new BigDecimal(lexeme);
        if (d.signum() == 0) return 0;
        // bound the magnitude first: 1e999999999 must not be expanded
        if ((long) d.precision() - d.scale() > 19) throw new ArithmeticException("number " + lexeme + " does not fit in a long");
        if (d.stripTrailingZeros().scale() > 0) throw new ArithmeticException("number " + lexeme + " is not an integer");
        try {
            return d.longValueExact();
        } catch (ArithmeticException e) {
            throw new ArithmeticException("number " + lexeme + " does not fit in a long");
        }
    }

    /** The value as an int. */
    public int asInt() {
        long v = asLong();
        if (v != (int) v) throw new ArithmeticException("number " + lexeme + " does not fit in an int");
        return (int) v;
    }

    /** The nearest double; a number beyond a double's range is an error, not an infinity. */
    public double asDouble() {
        double v = Double.parseDouble(lexeme);
        if (Double.isInfinite(v)) throw new ArithmeticException("number " + lexeme + " is out of the range of a double");
        return v;
    }

    /** The exact value (huge exponents are the caller's concern). */
    public BigDecimal asBigDecimal() {
        return new BigDecimal(lexeme);
    }

    @Override
    public String kind() {
        return "number";
    }

    @Override
    public String toString() {
        return lexeme;
    }
}
