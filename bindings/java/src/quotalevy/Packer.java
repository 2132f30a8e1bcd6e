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

    /* Appends one record's fields; on a refused value, throws with the
     * packer unchanged from where the record began. */
    void record(Map<?, ?> record) {
        int start = len;
        try {
            for (Map.Entry<?, ?> e : record.entrySet()) {
                Object key = e.getKey();
                if (!(key instanceof String))
                    throw RecordException.refused(String.valueOf(key),
                        "a field name must be a String, not " + typeName(key));
                String name = (String)key;
                Object v = e.getValue();
                if (v instanceof List<?>) {
                    List<?> items = (List<?>)v;
                    for (int k = 0; k < items.size(); k++)
                        field(name + "[" + (k + 1) + "]", items.get(k));
                } else {
                    field(name, v);
                }
            }
        } catch (RuntimeException ex) {
            len = start;
            throw ex;
        }
        end();
        if (count + 1 >= starts.length)
            starts = Arrays.copyOf(starts, starts.length * 2);
        starts[count++] = start;
    }

    private void field(String name, Object v) {
        if (name.isEmpty() || name.indexOf('\0') >= 0)
            throw RecordException.refused(name.replace('\0', '?'),
                "the rule set has no input with this name");
        String why = Utf8.notText(name);
        if (why != null)
            throw RecordException.refused(Utf8.escaped(name), "a field name with " + why);
        String text = text(name, v);
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
                throw RecordException.refused(name, "'" + Utf8.escaped(s) + "': " + why);
            return s;
        }
        if (v instanceof BigDecimal)
            return ((BigDecimal)v).toPlainString();
        if (v instanceof Integer || v instanceof Long || v instanceof Short
            || v instanceof Byte || v instanceof BigInteger)
            return v.toString();
        if (v instanceof Boolean)
            return ((Boolean)v) ? "true" : "false";
        if (v instanceof LocalDate)
            return v.toString();
        if (v instanceof Double || v instanceof Float)
            throw RecordException.refused(name, "a " + typeName(v)
                + " is refused: binary floating point holds most decimals only"
                + " nearly (0.1 is " + new BigDecimal(0.1).toPlainString()
                + " in binary), so no float is taken for a decimal: pass a"
                + " BigDecimal or a String");
        throw RecordException.refused(name, "a " + typeName(v)
            + " cannot be a field's value: pass a String, BigDecimal, Integer,"
            + " Long, Boolean, LocalDate or null");
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
