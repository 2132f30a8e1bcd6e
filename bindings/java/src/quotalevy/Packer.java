package quotalevy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/*
 * Records packed for the batch path (bindings/swig_batch.h): each field
 * as "name\0text\0", each record ended by one more "\0".  Values become
 * the text a rules file or CSV would hold; the library checks them
 * against the field's type.  A binary floating-point value is refused:
 * a Double cannot hold 0.015 exactly, and guessing its decimal would be
 * a silent wrong number.
 */
final class Packer {
    private byte[] buf = new byte[1024];
    private int len;
    /* where each packed record begins; starts[count] is the end */
    private int[] starts = new int[17];
    private int count;
    /* the rule set's inputs that are one value: a List for one of them is
     * refused, not packed as items name[1] … that no input reads (the
     * input was then empty and took its default: a wrong levy without a
     * word, probe18 P18-10) */
    private final java.util.Set<String> scalars;

    Packer(java.util.Set<String> scalars) {
        this.scalars = scalars;
    }

    byte[] bytes() {
        return Arrays.copyOf(buf, len);
    }

    /* Record k's bytes are [start(k), start(k + 1)). */
    int start(int k) {
        return k < count ? starts[k] : len;
    }

    private void room(int n) {
        if (buf.length - len < n)
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
    }

    private void put(String s) {
        int n = s.length();
        room(n + 1);
        int i = 0;
        for (; i < n; i++) { /* ASCII straight in, the common case */
            char c = s.charAt(i);
            if (c >= 0x80)
                break;
            buf[len + i] = (byte)c;
        }
        if (i == n) {
            len += n;
        } else {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            room(b.length + 1);
            System.arraycopy(b, 0, buf, len, b.length);
            len += b.length;
        }
        buf[len++] = 0;
    }

    void end() {
        room(1);
        buf[len++] = 0;
    }

    /* Appends one record's fields.  A value or key the binding cannot send
     * is packed as a refusal in its place ("\1" name, or "\1\1" for a
     * key that cannot be a name: bindings/swig_batch.h), so the library
     * ranks it among the record's other problems in the rule set's
     * declaration order: the error reported does not depend on the Map's
     * iteration order (a HashMap's, P4-05). */
    void record(Map<?, ?> record) {
        int start = len;
        for (Map.Entry<?, ?> e : record.entrySet()) {
            Object key = e.getKey();
            if (!(key instanceof String)) {
                malformed(String.valueOf(key),
                          "a field name must be a String, not " + article(typeName(key)));
                continue;
            }
            String name = (String)key;
            String why = Utf8.notText(name);
            if (name.isEmpty() || name.indexOf('\0') >= 0 || name.charAt(0) == '\1') {
                malformed(name.isEmpty() ? "\"\"" : Utf8.escaped(name).replace("\0", "\\0")
                                                                  .replace("\1", "\\x01"),
                          "a field name cannot be empty, hold a NUL or start with \\x01");
                continue;
            }
            if (why != null) {
                malformed(Utf8.escaped(name), "a field name with " + why);
                continue;
            }
            Object v = e.getValue();
            if (v instanceof List<?> && scalars.contains(name)) {
                put("\1" + name);
                put("a List cannot be the value of '" + Utf8.escaped(name)
                    + "', which is one value, not a list input: pass the value itself");
            } else if (v instanceof List<?>) {
                List<?> items = (List<?>)v;
                for (int k = 0; k < items.size(); k++)
                    field(name + "[" + (k + 1) + "]", items.get(k));
            } else {
                field(name, v);
            }
        }
        end();
        if (count + 1 >= starts.length)
            starts = Arrays.copyOf(starts, starts.length * 2);
        starts[count++] = start;
    }

    private void malformed(String shown, String why) {
        put("\1\1" + shown);
        put(why);
    }

    private void field(String name, Object v) {
        String text;
        try {
            text = text(name, v);
        } catch (RecordException refused) {
            put("\1" + name);
            put(refused.getReason());
            return;
        }
        /* null: the field is given, and empty ("" packed), so that a list's
         * item given as null is not taken for an item left out */
        put(name);
        put(text == null ? "" : text);
    }

    /* The text of a value, or null for an empty field. */
    static String text(String name, Object v) {
        if (v == null)
            return null;
        if (v instanceof String) {
            String s = (String)v;
            if (s.indexOf('\0') >= 0)
                throw RecordException.refused(name,
                    "a NUL character cannot be part of a value");
            String why = Utf8.notText(s);
            if (why != null) /* never a '?' in its place */
                throw RecordException.refused(name, Utf8.quoted(s) + ": " + why);
            return s;
        }
        if (v instanceof BigDecimal)
            return plainOrAsWritten((BigDecimal)v);
        if (v instanceof Integer || v instanceof Long || v instanceof Short
            || v instanceof Byte || v instanceof BigInteger)
            return v.toString();
        if (v instanceof Boolean)
            return ((Boolean)v) ? "true" : "false";
        if (v instanceof LocalDate)
            return v.toString();
        if (v instanceof Double || v instanceof Float)
            throw RecordException.refused(name, article(typeName(v))
                + " is refused: binary floating point holds most decimals only"
                + " nearly (0.1 is " + new BigDecimal(0.1).toPlainString()
                + " in binary), so no float is taken for a decimal: pass a"
                + " BigDecimal or a String");
        throw RecordException.refused(name, article(typeName(v))
            + " cannot be a field's value: pass a String, BigDecimal, Integer,"
            + " Long, Boolean, LocalDate or null");
    }

    /* A BigDecimal in plain notation — unless written out it holds more
     * than a decimal can (36 significant digits, or a nonzero digit past
     * 36 places; trailing zeros aside, which the library drops): then as
     * Java writes it (1E+40), which the library refuses as "number too
     * long", saying how long, so that the message quotes the caller's
     * value, not 41 digits they never wrote (probe8 P8-02's class), and
     * 1E+100000000 is not written out in full first (P8-03's class). */
    static String plainOrAsWritten(BigDecimal b) {
        return pastLimits(b) ? b.toString() : b.toPlainString();
    }

    /* Whether b written out holds more than a decimal can (above). */
    static boolean pastLimits(BigDecimal b) {
        if (b.signum() == 0)
            return false;
        BigDecimal s = b.stripTrailingZeros();
        long digits = s.precision(), exp = -(long)s.scale();
        return digits > 36 || digits + exp > 36 || exp < -36;
    }

    /* "a Set", "an AtomicInteger", "an Integer": the article the noun's
     * first letter takes. */
    static String article(String noun) {
        return ("AEIOUaeiou".indexOf(noun.isEmpty() ? 'x' : noun.charAt(0)) >= 0 ? "an " : "a ")
            + noun;
    }

    /* A type as a caller wrote it: the public interface of a JDK
     * collection (Set, Map, Collection), never its inner class (Set12). */
    private static String typeName(Object o) {
        if (o == null)
            return "null";
        if (o instanceof java.util.Set)
            return "Set (unordered: a list input takes a List)";
        if (o instanceof java.util.Map)
            return "Map";
        if (o instanceof java.util.Collection)
            return "Collection (a list input takes a List)";
        if (o.getClass().isArray())
            return "array (a list input takes a List)";
        return o.getClass().getSimpleName();
    }
}
