package quotalevy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.LocalDate;
import java.util.List;

/**
 * A what-if change of one parameter, for {@link RuleSet#load(String, List)}
 * and {@link RuleSet#fromString(String, String, List)}: from {@code from}
 * on, parameter {@code parameter} has {@code value} in place of whatever
 * values it had from that day (the values before it end the day before).
 * A traced value cites "what-if override".
 *
 * <p>{@code value} is a {@code String} as a rules file writes it
 * ({@code "1.7%"}, {@code "2"}, {@code "true"}, {@code "2025-01-01"}), a
 * {@code BigDecimal}, {@code Integer}, {@code Long}, {@code Boolean} or
 * {@code LocalDate}; a {@code Double} or {@code Float} is refused, since it
 * cannot hold a decimal exactly.  A {@code String} is read as a rules file
 * reads it, so a percentage (a parameter with {@code unit: percent}) is
 * written with '%' ({@code "1.7%"}; {@code "1.7"} or {@code "0.017"} is
 * refused); a {@code BigDecimal} is a value: for a percentage the share
 * itself ({@code new BigDecimal("0.017")} is 1.7 %), for any other number
 * the number it is ({@code new BigDecimal("1E+34")} for an amount is that
 * amount, taken or refused by the parameter's own bounds); an integer is the integer
 * it is, with no '%', so a count or an amount takes it and a percentage
 * refuses it (1 meant as 1 % would be the share 1, 100 %).  Whether it fits the
 * parameter's type is checked when the rule set loads.
 *
 * @throws RulesException (status {@code QL_EINVAL}, the parameter as its
 *         field) for a null or empty name or date, or a value of another
 *         type; made before anything reaches the library
 */
public record ParameterOverride(String parameter, Object value, LocalDate from) {
    public ParameterOverride {
        String p = parameter == null ? null : parameter.replace('\0', '?');
        if (parameter == null || parameter.isEmpty() || parameter.indexOf('\0') >= 0)
            throw refused(p, "a parameter override needs a parameter name");
        if (Utf8.notText(parameter) != null)
            throw refused(Utf8.escaped(parameter), "a parameter name with "
                          + Utf8.notText(parameter));
        if (from == null)
            throw refused(p, "an override needs the date it holds from");
        if (from.getYear() < 1 || from.getYear() > 9999)
            throw refused(p, "the date " + from + " is outside 0001-01-01 … 9999-12-31");
        value = plain(value);
        text(p, value);
    }

    /* A BigDecimal or BigInteger of a subclass as the plain number it is:
     * its own toString is not the number (probe14s P14-04: a BigInteger 3
     * whose toString says "5" was sent as 5, a NUL in it broke the packed
     * list), and its class has no name to quote when anonymous. */
    private static Object plain(Object v) {
        if (v instanceof BigDecimal && v.getClass() != BigDecimal.class) {
            BigDecimal b = (BigDecimal)v;
            return new BigDecimal(plainInteger(b.unscaledValue()), b.scale());
        }
        if (v instanceof BigInteger)
            return plainInteger((BigInteger)v);
        return v;
    }

    private static BigInteger plainInteger(BigInteger i) {
        return i.getClass() == BigInteger.class ? i : new BigInteger(i.toByteArray());
    }

    /** The same as the constructor. */
    public static ParameterOverride of(String parameter, Object value, LocalDate from) {
        return new ParameterOverride(parameter, value, from);
    }

    /* The value as the text the library parses. */
    String text() {
        return text(parameter, value);
    }

    /* Whether text() is a number the library takes in the parameter's own
     * unit (QL_OVERRIDE_NUMBER): a BigDecimal, the share itself for a
     * percentage, so the rules are loaded once, not first to learn each
     * parameter's unit. */
    boolean isNumber() {
        return value instanceof BigDecimal;
    }

    private static String text(String p, Object v) {
        if (v instanceof String) {
            String s = (String)v;
            if (s.indexOf('\0') >= 0)
                throw refused(p, "a NUL character cannot be part of a value");
            if (Utf8.notText(s) != null)
                throw refused(p, Utf8.quoted(s) + ": " + Utf8.notText(s));
            return s;
        }
        /* a BigDecimal is a value: written as the plain number it is and
         * sent as one (QL_OVERRIDE_NUMBER), which the library takes in the
         * parameter's own unit — a percentage's share (0.017 is 1.7 %), any
         * other number as it is (as a share in percent, 1E+34 became a
         * 37-digit percent, refused as too long: bind14) —, whereas a
         * String is a rules file's text, where a percentage's '%' is
         * written out.  An integer is written as it is, no '%': a
         * percentage refuses it, since 1 meant as 1 % would be the share
         * 1, 100 % (probe8 P8-01) */
        if (v instanceof BigDecimal) {
            BigDecimal b = (BigDecimal)v;
            /* past what a decimal holds (1E+40, 1E+100000000): handed on
             * as written, refused as "number too long" and how long the
             * value is written out (not its percent), without first
             * writing out a hundred million digits (probe8 P8-03) */
            if (Packer.pastLimits(b))
                return b.toString();
            return b.toPlainString();
        }
        if (v instanceof Integer || v instanceof Long || v instanceof Short
            || v instanceof Byte || v instanceof BigInteger)
            return v.toString();
        if (v instanceof Boolean)
            return ((Boolean)v) ? "true" : "false";
        if (v instanceof LocalDate)
            return v.toString();
        if (v instanceof Double || v instanceof Float)
            throw refused(p, floatReason(v) + ": pass a BigDecimal or a String");
        throw refused(p, (v == null ? "a null" : Packer.article(v.getClass().getSimpleName()))
            + " cannot be a parameter's value: pass a String, BigDecimal,"
            + " Integer, Long, Boolean or LocalDate");
    }

    private static RulesException refused(String p, String reason) {
        return new RulesException("QL_EINVAL", reason, null, 0, 0, p,
                                  "override of parameter " + (p == null ? "null" : Utf8.quoted(p))
                                      + ": " + reason);
    }

    /* The value as the caller gave it, for the library's messages, when
     * text() wrote it otherwise: "BigDecimal 1E+1", not the share text
     * "1000%" it is sent as (probe8 P8-02); "" for a String or LocalDate,
     * whose text is the caller's own. */
    String shown() {
        if (value instanceof BigDecimal)
            return "BigDecimal " + value;
        if (value instanceof Integer || value instanceof Long || value instanceof Short
            || value instanceof Byte || value instanceof BigInteger || value instanceof Boolean)
            return value.getClass().getSimpleName() + " " + value;
        return "";
    }

    /* Overrides packed for the library (ql_swig_load_ext in
     * bindings/quotalevy.i): "parameter\0value\0shown\0kind\0YYYY-MM-DD\0"
     * each, kind "n" for a number in the parameter's unit. */
    static byte[] pack(List<ParameterOverride> overrides) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (ParameterOverride o : overrides) {
            if (o == null)
                throw new NullPointerException("a null ParameterOverride in the list");
            for (String s : new String[] {o.parameter, o.text(), o.shown(),
                                          o.isNumber() ? "n" : "", o.from.toString()}) {
                byte[] b = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
                out.write(b, 0, b.length);
                out.write(0);
            }
        }
        return out.toByteArray();
    }

    /* Why a float is refused, true of the one given (probe5 P5-04: 100.5,
     * exact in binary, was said not to hold a decimal exactly; NaN and
     * infinities have no decimal at all). */
    static String floatReason(Object v) {
        double d = ((Number)v).doubleValue();
        String a = Packer.article(v.getClass().getSimpleName());
        if (Double.isNaN(d))
            return a + " NaN (not a number) is no value";
        if (Double.isInfinite(d))
            return "an infinite " + v.getClass().getSimpleName() + " is no value";
        BigDecimal exact = new BigDecimal(d);
        if (exact.compareTo(new BigDecimal(v.toString())) == 0)
            return a + " is refused, even " + v + " (exact in binary): no float is taken for a decimal";
        return a + " is refused: " + v + " is " + exact.toPlainString()
            + " in binary, not the decimal it reads as";
    }
}
