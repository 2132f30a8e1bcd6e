package quotalevy;

import static org.junit.jupiter.api.Assertions.*;
import static quotalevy.Fixtures.*;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/* The binding's own messages quote what the user gave as the library
 * quotes it (ql_text_quote): a key or value of 120 × 企 (360 bytes) and a
 * control gives a message that is valid UTF-8 (no U+FFFD: swig_batch.h's
 * '%.200s' cut inside a 企, and Java showed the half as U+FFFD), bounded,
 * and still naming the key, cut at a character with its length. */
class MessagesTest {
    static final LocalDate JUNE = LocalDate.of(2024, 6, 30);
    static final String LONG = "企".repeat(120) + "\u007f";
    static final String CUT = "'" + "企".repeat(50) + "…' (121 characters)";

    static String valid(String msg) {
        assertFalse(msg.contains("\uFFFD"), msg);
        assertFalse(msg.contains("\u007f"), msg);
        assertTrue(msg.getBytes(StandardCharsets.UTF_8).length < 1024, msg);
        return msg;
    }

    @Test
    void aLongKeyThatIsNoInputIsQuotedInWholeCharacters() {
        try (RuleSet rs = RuleSet.fromString(SMALL, "small.yaml")) {
            Map<String, Object> rec = new HashMap<>();
            rec.put("n", 1);
            rec.put(LONG, "5");
            RecordException e = assertThrows(RecordException.class,
                () -> rs.evaluate(rec, JUNE, RuleSet.Extra.ERROR));
            String msg = valid(e.getMessage());
            assertTrue(msg.contains("has no input called " + CUT), msg);
            Outcome o = rs.evaluateAll(List.of(rec), JUNE, RuleSet.Extra.ERROR).get(0);
            assertFalse(o.ok());
            assertTrue(valid(o.error().getMessage()).contains(CUT), o.toString());
        }
    }

    @Test
    void aLongKeyPastAListIsQuotedInWholeCharacters() {
        try (RuleSet rs = RuleSet.fromString(
                 SMALL.replace("  flag: bool", "  flag: bool\n  p: {type: integer, count: 2}"),
                 "small.yaml")) {
            Map<String, Object> rec = new HashMap<>();
            rec.put("n", 1);
            rec.put("p[" + "企".repeat(60) + "\u007f]", "5");
            RecordException e = assertThrows(RecordException.class, () -> rs.evaluate(rec, JUNE));
            String msg = valid(e.getMessage());
            assertTrue(msg.contains("it has no item '[" + "企".repeat(49) + "…' (63 characters)"),
                       msg);
            valid(e.getField());
        }
    }

    @Test
    void aLongValueIsQuotedByTheLibrary() {
        try (RuleSet rs = RuleSet.fromString(SMALL, "small.yaml")) {
            Map<String, Object> rec = new HashMap<>();
            rec.put("n", LONG);
            RecordException e = assertThrows(RecordException.class, () -> rs.evaluate(rec, JUNE));
            assertTrue(valid(e.getMessage()).contains(CUT), e.getMessage());
        }
    }

    /* The Java side's own messages (probe18 P18-08): a name or value the
     * caller gave went in raw — a line break made a message of two lines,
     * and 120 × 企 went whole. */
    static String oneLine(String msg) {
        valid(msg);
        assertFalse(msg.contains("\n"), msg);
        assertTrue(msg.contains("\\n"), msg); /* shown as the escape */
        return msg;
    }

    @Test
    void theBindingsOwnMessagesQuoteANameOrValueOnOneLine() {
        String name = "a\n" + LONG;
        try (RuleSet rs = RuleSet.fromString(SMALL, "small.yaml")) {
            String m = oneLine(assertThrows(IllegalArgumentException.class,
                () -> rs.parameter(name, JUNE)).getMessage());
            assertTrue(m.contains("has no parameter called 'a\\n企企"), m);
            assertTrue(m.endsWith("…' (123 characters)"), m);
            Result r = rs.evaluate(Map.of("n", 3), JUNE);
            oneLine(assertThrows(IllegalArgumentException.class, () -> r.output(name))
                        .getMessage());
            oneLine(assertThrows(IllegalArgumentException.class, () -> r.decimal(name))
                        .getMessage());
            oneLine(assertThrows(IllegalArgumentException.class, () -> r.check(name))
                        .getMessage());
            Map<String, Object> rec = new HashMap<>();
            rec.put("n", 1);
            rec.put("label", List.of("x"));
            rec.put("x\ny", List.of("x"));
            RecordException e = assertThrows(RecordException.class, () -> rs.evaluate(rec, JUNE));
            valid(e.getMessage());
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
            Map<String, Object> bad = new HashMap<>();
            bad.put("n", 1);
            bad.put("label", "x\n\uD800" + LONG);
            oneLine(assertThrows(RecordException.class, () -> rs.evaluate(bad, JUNE))
                        .getMessage());
        }
    }
}
