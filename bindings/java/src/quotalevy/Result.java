package quotalevy;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The outcome of one evaluation: every output and check, as the library
 * wrote them.  Immutable and independent of the library's memory.
 *
 * <p>{@link #output(String)} gives a number or money as a
 * {@code BigDecimal} built from the library's own digits, so it has the
 * output's scale ({@code 18000.00}); a bool as {@code Boolean}, an enum or
 * string as {@code String}, a date as {@code LocalDate}; {@code null}
 * when there is no value (a check that does not apply, an empty input
 * passed through).
 */
public final class Result {
    private static final int NUMBER = NativeConstants.QL_TYPE_NUMBER;
    private static final int BOOL = NativeConstants.QL_TYPE_BOOL;
    private static final int DATE = NativeConstants.QL_TYPE_DATE;

    private final RuleSet ruleset;
    private final LocalDate date;
    private final String[] texts; /* outputs ("=" text, "" none), then 5 fields per check */
    private final byte[] packed;  /* the record, for explain() */
    private final int from, to;

    Result(RuleSet ruleset, LocalDate date, String[] texts, byte[] packed, int from, int to) {
        this.ruleset = ruleset;
        this.date = date;
        this.texts = texts;
        this.packed = packed;
        this.from = from;
        this.to = to;
    }

    /** The rule set that computed it. */
    public RuleSet ruleSet() {
        return ruleset;
    }

    /** The evaluation date. */
    public LocalDate date() {
        return date;
    }

    /* An output as the batch writes it: "" for none, else "=" and its
     * text, so that an empty string is "" and not null. */
    private static Object outValue(int type, String tagged) {
        if (tagged.isEmpty())
            return null;
        String text = tagged.substring(1);
        return type == NUMBER || type == BOOL || type == DATE ? value(type, text) : text;
    }

    private static Object value(int type, String text) {
        if (text.isEmpty())
            return null;
        if (type == NUMBER)
            return new BigDecimal(text);
        if (type == BOOL)
            return Boolean.valueOf(text.equals("true"));
        if (type == DATE)
            return LocalDate.parse(text);
        return text;
    }

    /**
     * Output {@code name}: {@code BigDecimal}, {@code Boolean},
     * {@code String}, {@code LocalDate} or {@code null}.  A check's output
     * is its compliance ({@code null} when it does not apply).
     *
     * @throws IllegalArgumentException for a name that is not an output
     */
    public Object output(String name) {
        int i = ruleset.outputIndex(name);
        return outValue(ruleset.outputType(i), texts[i]);
    }

    /**
     * Output {@code name} as a number.
     *
     * @throws IllegalArgumentException if it is not an output or not a number
     */
    public BigDecimal decimal(String name) {
        int i = ruleset.outputIndex(name);
        if (ruleset.outputType(i) != NUMBER)
            throw new IllegalArgumentException("output " + Utf8.quoted(name) + " is not a number");
        return (BigDecimal)outValue(NUMBER, texts[i]);
    }

    /** Output {@code name} exactly as the command line writes it ("" for none). */
    public String text(String name) {
        String t = texts[ruleset.outputIndex(name)];
        return t.isEmpty() ? t : t.substring(1);
    }

    /** Every output by name, in the rule set's order. */
    public Map<String, Object> outputs() {
        Map<String, Object> m = new LinkedHashMap<>();
        int i = 0;
        for (String name : ruleset.outputs()) {
            m.put(name, outValue(ruleset.outputType(i), texts[i]));
            i++;
        }
        return Collections.unmodifiableMap(m);
    }

    /**
     * The outcome of check {@code name}.
     *
     * @throws IllegalArgumentException for a name that is not a check
     */
    public CheckResult check(String name) {
        int k = ruleset.outputs().size() + 5 * ruleset.checkIndex(name);
        boolean applicable = texts[k].equals("true");
        return new CheckResult(name, applicable, (Boolean)value(BOOL, texts[k + 1]),
                               (BigDecimal)value(NUMBER, texts[k + 2]),
                               (BigDecimal)value(NUMBER, texts[k + 3]),
                               (BigDecimal)value(NUMBER, texts[k + 4]));
    }

    /** Field {@code f} (0 applicable … 4 shortfall) of a check, as text. */
    String checkText(String name, int f) {
        return texts[ruleset.outputs().size() + 5 * ruleset.checkIndex(name) + f];
    }

    /**
     * The calculation step by step, as {@code quotalevy explain} prints it:
     * every input read, parameter in force (with its dates and citation),
     * computed value with its formula, and check.  The record is evaluated
     * again with a trace (the rule set is immutable, so it is the same
     * calculation).
     *
     * @throws IllegalStateException if the rule set has been closed
     */
    public String explain() {
        return ruleset.explain(Arrays.copyOfRange(packed, from, to), date);
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("Result(");
        int i = 0;
        for (String name : ruleset.outputs()) {
            if (i > 0)
                b.append(", ");
            b.append(name).append('=').append(texts[i].isEmpty() ? "null" : texts[i].substring(1));
            i++;
        }
        return b.append(')').toString();
    }
}
