package quotalevy;

import java.nio.charset.StandardCharsets;

/*
 * How strings cross to C: UTF-8 bytes, NUL-terminated going in.  JNI's
 * own string functions use "modified UTF-8", which differs for NUL and
 * for characters outside the Basic Multilingual Plane; bytes do not.
 */
final class Utf8 {
    private Utf8() {}

    /* The index of the first lone surrogate in s (a UTF-16 unit that is
     * half of no pair), or −1.  String.getBytes turns one into '?', so a
     * value would change on its way — and could even match an enum's. */
    static int loneSurrogate(String s) {
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < n
                && Character.isLowSurrogate(s.charAt(i + 1)))
                i++;
            else if (Character.isSurrogate(c))
                return i;
        }
        return -1;
    }

    /* s for a message: a lone surrogate as \uD800, a NUL as \u0000. */
    static String escaped(String s) {
        StringBuilder b = new StringBuilder(s.length() + 8);
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            boolean pair = Character.isHighSurrogate(c) && i + 1 < n
                && Character.isLowSurrogate(s.charAt(i + 1));
            if (pair) {
                b.append(c).append(s.charAt(++i));
            } else if (Character.isSurrogate(c) || c == 0) {
                b.append(String.format("\\u%04X", (int)c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    /* s quoted for a message as the library quotes one (ql_text_quote):
     * between single quotes, a line break, a control, an invisible
     * character or a lone surrogate as an escape, cut at a character past
     * 60 characters with its length — so a caller's name or value never
     * puts a raw line break or 100 KB into a message. */
    static String quoted(String s) {
        byte[] b = escaped(s).getBytes(StandardCharsets.UTF_8);
        return new String(Native.ql_swig_quote(b), StandardCharsets.UTF_8);
    }

    /* Why s cannot be text for the library (a lone surrogate), or null. */
    static String notText(String s) {
        int i = loneSurrogate(s);
        return i < 0 ? null
                     : String.format("a lone surrogate (\\u%04X at character %d) is not "
                                     + "text: it has no UTF-8 form",
                                     (int)s.charAt(i), i + 1);
    }

    /* The UTF-8 bytes of s with a terminating NUL; null stays null. */
    static byte[] cstring(String s) {
        if (s == null)
            return null;
        if (s.indexOf('\0') >= 0)
            throw new IllegalArgumentException(
                "a NUL character cannot cross to the library: " + quoted(s));
        String why = notText(s);
        if (why != null)
            throw new IllegalArgumentException(
                quoted(s) + " cannot cross to the library: " + why);
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[b.length + 1];
        System.arraycopy(b, 0, out, 0, b.length);
        return out;
    }

    static String string(byte[] b) {
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }

    /* A cursor over NUL-separated UTF-8 fields, as the batch packs them. */
    static final class Fields {
        private final byte[] b;
        private int pos;

        Fields(byte[] b) {
            this.b = b;
        }

        boolean more() {
            return pos < b.length;
        }

        String next() {
            int end = pos;
            while (end < b.length && b[end] != 0)
                end++;
            if (end >= b.length)
                throw new IllegalStateException("quotalevy: a packed result is cut short");
            String s = new String(b, pos, end - pos, StandardCharsets.UTF_8);
            pos = end + 1;
            return s;
        }
    }
}
