package quotalevy;

import java.nio.charset.StandardCharsets;

/*
 * How strings cross to C: UTF-8 bytes, NUL-terminated going in.  JNI's
 * own string functions use "modified UTF-8", which differs for NUL and
 * for characters outside the Basic Multilingual Plane; bytes do not.
 */
final class Utf8 {
    private Utf8() {}

    /* The UTF-8 bytes of s with a terminating NUL; null stays null. */
    static byte[] cstring(String s) {
        if (s == null)
            return null;
        if (s.indexOf('\0') >= 0)
            throw new IllegalArgumentException(
                "a NUL character cannot cross to the library: " + s.replace('\0', '?'));
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
