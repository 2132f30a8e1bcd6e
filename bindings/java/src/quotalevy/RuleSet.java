package quotalevy;

import java.lang.ref.Cleaner;
import java.lang.ref.Reference;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A loaded, compiled rule set: immutable, and safe to share between any
 * number of threads, each evaluating at once.
 *
 * <pre>{@code
 * try (RuleSet rs = RuleSet.load("rules/cn/jilin.yaml")) {
 *     Result r = rs.evaluate(Map.of("unit_type", "enterprise",
 *                                   "employees", new BigDecimal("100"), ...),
 *                            LocalDate.of(2024, 6, 30));
 *     BigDecimal levy = (BigDecimal) r.output("levy_due");   // 18000.00
 * }
 * }</pre>
 *
 * Close it when done ({@link AutoCloseable}); one that is only dropped is
 * freed when the garbage collector finds it.  Results stay valid after
 * close, except {@link Result#explain()}.
 */
public final class RuleSet implements AutoCloseable {
    private static final Cleaner CLEANER = Cleaner.create();

    /* What the cleaner frees: it must not reach the RuleSet itself. */
    private static final class Handles implements Runnable {
        final NativeRuleSet rs;
        final ConcurrentLinkedDeque<NativeBatch> batches = new ConcurrentLinkedDeque<>();

        Handles(NativeRuleSet rs) {
            this.rs = rs;
        }

        @Override
        public void run() {
            for (NativeBatch b; (b = batches.poll()) != null;)
                b.delete();
            rs.delete();
        }
    }

    private final Handles handles;
    private final Cleaner.Cleanable cleanable;
    /* Evaluations hold the read lock, close() the write lock, so a close
     * never frees what another thread is using. */
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private volatile boolean closed;

    private final Map<String, String> meta = new HashMap<>();
    private final String currency;
    private final int currencyPlaces;
    private final List<Input> inputs;
    /* inputs that are one value, not a list: a List given to one is refused */
    private final java.util.Set<String> scalarInputs = new java.util.HashSet<>();
    private final List<String> outputs;
    private final int[] outputTypes;
    private final Map<String, Integer> outputIndex = new HashMap<>();
    private final List<Check> checks;
    private final Map<String, Integer> checkIndex = new HashMap<>();

    private RuleSet(NativeRuleSet rs) {
        handles = new Handles(rs);
        cleanable = CLEANER.register(this, handles);
        for (String k : new String[] {"id", "title", "jurisdiction", "version",
                                      "description", "file"})
            meta.put(k, rs.meta(k));
        currency = rs.currency();
        currencyPlaces = rs.currency_places();
        int ni = (int)rs.input_count();
        List<Input> in = new ArrayList<>(ni);
        for (int i = 0; i < ni; i++) {
            in.add(new Input(rs.input_name(i), rs.input_type(i), rs.input_description(i)));
            if (!rs.input_name(i).endsWith("]"))
                scalarInputs.add(rs.input_name(i));
        }
        inputs = Collections.unmodifiableList(in);
        int no = (int)rs.output_count();
        List<String> out = new ArrayList<>(no);
        outputTypes = new int[no];
        for (int i = 0; i < no; i++) {
            out.add(rs.output_name(i));
            outputTypes[i] = rs.output_type(i);
            outputIndex.put(out.get(i), i);
        }
        outputs = Collections.unmodifiableList(out);
        int nc = (int)rs.check_count();
        List<Check> ck = new ArrayList<>(nc);
        for (int i = 0; i < nc; i++) {
            ck.add(new Check(rs.check_name(i), rs.check_title(i), rs.check_source(i)));
            checkIndex.put(rs.check_name(i), i);
        }
        checks = Collections.unmodifiableList(ck);
    }

    /**
     * Loads the rules file at {@code path}, following its {@code extends}
     * chain.
     *
     * @throws RulesException with the file, line and column of the problem
     */
    public static RuleSet load(String path) {
        if (path == null) /* was the library's bare "NULL argument" */
            throw new NullPointerException("path is null: pass a rules file's path or a rule set's name");
        return new RuleSet(new NativeRuleSet(path));
    }

    /**
     * Loads rules from YAML text; {@code name} is used in messages and as
     * the base of relative {@code extends} paths ({@code null}:
     * "&lt;memory&gt;", relative to the working directory).
     *
     * @throws RulesException as {@link #load}
     */
    public static RuleSet fromString(String yaml, String name) {
        if (yaml == null)
            throw new NullPointerException("yaml is null: pass the rules' YAML text");
        int bad = Utf8.loneSurrogate(yaml);
        if (bad >= 0) { /* getBytes would make it a '?' the loader never sees */
            int line = 1, column = 1;
            for (int i = 0; i < bad; i++) {
                if (yaml.charAt(i) == '\n') {
                    line++;
                    column = 1;
                } else if (!Character.isLowSurrogate(yaml.charAt(i))) {
                    column++;
                }
            }
            String file = name == null ? "<memory>" : name;
            String why = Utf8.notText(yaml.substring(bad, bad + 1));
            throw new RulesException("QL_EPARSE", why, file, line, column, null,
                                     file + ":" + line + ":" + column + ": " + why);
        }
        byte[] b = yaml.getBytes(StandardCharsets.UTF_8);
        return new RuleSet(Native.ql_swig_load_buffer(b, name));
    }

    /**
     * Loads the rules file at {@code path} (or the installed rule set of
     * that name) with what-if parameter values: each override replaces
     * its parameter's values from its date on, before the rules are
     * compiled, so every evaluation of the rule set runs under the
     * changed law.  An empty list is {@link #load(String)}.
     *
     * @throws RulesException as {@link #load}, and {@code QL_ENAME} for
     *         an unknown parameter, {@code QL_ETYPE} for a table of
     *         brackets, {@code QL_ESCHEMA} for a value that does not fit
     *         the parameter's type, each with the parameter as
     *         {@link QuotaLevyException#getField()}
     */
    public static RuleSet load(String path, List<ParameterOverride> overrides) {
        if (overrides == null)
            throw new NullPointerException("overrides is null: pass a List (List.of() for none)");
        if (path == null)
            throw new NullPointerException("path is null: pass a rules file's path or a rule set's name");
        if (overrides.isEmpty())
            return load(path);
        return new RuleSet(Native.ql_swig_load_ext(path, null, ParameterOverride.pack(overrides)));
    }

    /**
     * As {@link #fromString(String, String)}, with what-if parameter
     * values as {@link #load(String, List)} applies them.
     */
    public static RuleSet fromString(String yaml, String name,
                                     List<ParameterOverride> overrides) {
        if (overrides == null)
            throw new NullPointerException("overrides is null: pass a List (List.of() for none)");
        if (yaml == null)
            throw new NullPointerException("yaml is null: pass the rules' YAML text");
        if (overrides.isEmpty())
            return fromString(yaml, name);
        if (yaml.indexOf('\0') >= 0)
            throw new RulesException("QL_EPARSE", "a NUL character in the rules text",
                                     name, 0, 0, null, null);
        return new RuleSet(Native.ql_swig_load_ext(name, yaml, ParameterOverride.pack(overrides)));
    }

    /** As {@link #fromString(String, String)} with no name. */
    public static RuleSet fromString(String yaml) {
        return fromString(yaml, null);
    }

    public String id() { return meta.get("id"); }
    public String title() { return meta.get("title"); }
    public String jurisdiction() { return meta.get("jurisdiction"); }
    public String version() { return meta.get("version"); }
    public String description() { return meta.get("description"); }
    /** The rules file it was loaded from. */
    public String file() { return meta.get("file"); }

    /**
     * The ISO 4217 code of the currency every money value of the rule set
     * is in ({@code "CNY"}, {@code "EUR"}, {@code "JPY"}), or {@code null}
     * when it declares none (it then has no money).  A file that extends
     * another keeps its currency.
     */
    public String currency() { return currency; }

    /**
     * The decimal places of that currency's minor unit (2 for CNY and EUR,
     * 0 for JPY): every money {@code BigDecimal} a {@link Result} holds has
     * this scale.  {@code -1} when the rule set declares no currency.
     */
    public int currencyPlaces() { return currencyPlaces; }

    /** The inputs (record fields), in declaration order. */
    public List<Input> inputs() { return inputs; }

    /** The outputs (computed values and checks), in declared order. */
    public List<String> outputs() { return outputs; }

    /** The checks, in declaration order. */
    public List<Check> checks() { return checks; }

    /** True if output {@code name} is a check. */
    public boolean isCheck(String name) {
        return checkIndex.containsKey(name) && outputIndex.containsKey(name);
    }

    /**
     * The value of parameter {@code name} in force on {@code date}, as the
     * rules file would write it ({@code "0.015"}, a table as its text).
     *
     * @throws RecordException {@code QL_ENODATA} if no value is in force
     * @throws IllegalArgumentException for an unknown name
     */
    public String parameter(String name, LocalDate date) {
        if (name == null) /* was "no parameter called 'null'" */
            throw new NullPointerException("name is null: pass a parameter's name");
        int days = days(date);
        return withHandle(rs -> {
            for (int i = 0; i < rs.param_count(); i++)
                if (rs.param_name(i).equals(name))
                    return rs.param_text(i, days);
            throw new IllegalArgumentException("the rule set " + Utf8.quoted(id())
                                               + " has no parameter called " + Utf8.quoted(name));
        });
    }

    /**
     * Evaluates one record on {@code date}.  Values may be {@code String}
     * (as a CSV would hold it), {@code BigDecimal}, {@code Integer},
     * {@code Long}, {@code Boolean}, {@code LocalDate}, a {@code List} for
     * a list input (its items), or {@code null} for an empty field.  A
     * {@code Double} or {@code Float} is refused: it cannot hold a decimal
     * exactly.
     *
     * A key that is neither an input nor {@code id} is passed over, unless
     * it is a near miss of an input the record gives no value ({@link Extra}).
     *
     * @throws RecordException naming the field: a refused or invalid
     *         value, a near miss of an input's name, an empty field that is
     *         needed, a broken validation; {@code QL_ENODATA} if a
     *         parameter has no value on the date
     */
    public Result evaluate(Map<String, ?> record, LocalDate date) {
        return evaluate(record, date, Extra.IGNORE);
    }

    /**
     * What a record's key that is neither an input nor {@code id} does
     * (docs/architecture.md, "Keys that are not inputs"): a near miss of an
     * input that has no value in the record ({@code "Employees"} for
     * {@code employees}) is always refused with "did you mean"; any other
     * key is passed over ({@link #IGNORE}, the default) or refused
     * ({@link #ERROR}).
     */
    public enum Extra {
        IGNORE,
        ERROR
    }

    /**
     * As {@link #evaluate(Map, LocalDate)}; {@code extra} says what a key
     * that is no input does.  Of a record's problems the one reported is
     * the first in the rule set's input declaration order, whatever the
     * Map's iteration order.
     */
    public Result evaluate(Map<String, ?> record, LocalDate date, Extra extra) {
        if (record == null)
            throw new NullPointerException("record is null: pass a Map of field names to values");
        Packer p = new Packer(scalarInputs);
        p.record(record);
        Object o = run(p, 1, days(date), date, flags(extra)).get(0);
        if (o instanceof RecordException)
            throw (RecordException)o;
        return (Result)o;
    }

    /**
     * Evaluates a list of records on {@code date} in one call into the
     * library, and returns their outcomes in order: each a {@link Result}
     * or the {@link RecordException} of a record that failed (the others
     * are evaluated all the same).  Thread-safe like {@link #evaluate}.
     */
    public List<Outcome> evaluateAll(List<? extends Map<String, ?>> records, LocalDate date) {
        return evaluateAll(records, date, Extra.IGNORE);
    }

    /** As {@link #evaluateAll(List, LocalDate)}, keys that are no input as {@code extra} says. */
    public List<Outcome> evaluateAll(List<? extends Map<String, ?>> records, LocalDate date,
                                     Extra extra) {
        if (records == null)
            throw new NullPointerException("records is null: pass a List of Maps");
        int days = days(date), flags = flags(extra);
        Packer p = new Packer(scalarInputs);
        int n = 0;
        for (Map<String, ?> r : records) {
            if (r == null)
                throw new NullPointerException("records.get(" + n + ") is null: pass a Map for each record");
            p.record(r);
            n++;
        }
        /* as many outcomes as records read, whatever size() says: a List
         * whose size() was less than it iterates lost the rest unsaid */
        List<Object> got = run(p, n, days, date, flags);
        List<Outcome> out = new ArrayList<>(n);
        for (int j = 0; j < n; j++) {
            Object o = got.get(j);
            out.add(o instanceof RecordException
                        ? new Outcome(j, null, (RecordException)o)
                        : new Outcome(j, (Result)o, null));
        }
        return out;
    }

    private static int flags(Extra extra) {
        if (extra == null)
            throw new NullPointerException("extra is null: Extra.IGNORE or Extra.ERROR");
        return extra == Extra.ERROR ? NativeConstants.QL_SWIG_NO_EXTRA : 0;
    }

    /* Runs the n packed records through a batch; returns a Result or a
     * RecordException for each. */
    private List<Object> run(Packer p, int n, int days, LocalDate date, int flags) {
        List<Object> out = new ArrayList<>(n);
        if (n == 0)
            return out;
        byte[] packed = p.bytes();
        byte[] got = withBatch(b -> b.evaluate(packed, days, flags));
        Utf8.Fields f = new Utf8.Fields(got);
        int no = outputs.size(), nc = checks.size();
        for (int i = 0; i < n; i++) {
            String tag = f.next();
            if (tag.equals("E")) {
                out.add(QuotaLevyException.read(f, true));
                continue;
            }
            String[] texts = new String[no + 5 * nc];
            for (int k = 0; k < texts.length; k++)
                texts[k] = f.next();
            out.add(new Result(this, date, texts, packed, p.start(i), p.start(i + 1)));
        }
        return out;
    }

    /* The explanation of a packed record, evaluated again with a trace. */
    String explain(byte[] record, LocalDate date) {
        int days = days(date);
        byte[] packed = record;
        byte[] got = withBatch(b -> b.evaluate(packed, days, NativeConstants.QL_EVAL_TRACE));
        Utf8.Fields f = new Utf8.Fields(got);
        if (f.next().equals("E"))
            throw QuotaLevyException.read(f, true);
        for (int k = 0; k < outputs.size() + 5 * checks.size(); k++)
            f.next();
        return f.next();
    }

    int outputIndex(String name) {
        Integer i = outputIndex.get(name);
        if (i == null)
            throw new IllegalArgumentException("the rule set " + Utf8.quoted(id())
                                               + " has no output called " + Utf8.quoted(name) + "; it has " + outputs);
        return i;
    }

    int outputType(int i) {
        return outputTypes[i];
    }

    int checkIndex(String name) {
        Integer i = checkIndex.get(name);
        if (i == null)
            throw new IllegalArgumentException("the rule set " + Utf8.quoted(id())
                                               + " has no check called " + Utf8.quoted(name));
        return i;
    }

    private interface Use<T, R> {
        R apply(T t);
    }

    private <R> R withHandle(Use<NativeRuleSet, R> use) {
        ReentrantReadWriteLock.ReadLock r = lock.readLock();
        r.lock();
        try {
            if (closed)
                throw new IllegalStateException("the rule set '" + id() + "' is closed");
            return use.apply(handles.rs);
        } finally {
            r.unlock();
            /* The cleaner frees the handles once this RuleSet is
             * unreachable, and a compiled caller may drop its last
             * reference before the native call returns
             * (RuleSet.load(p).evaluate(...)): keep it reachable until
             * here. */
            Reference.reachabilityFence(this);
        }
    }

    /* A batch of this thread's own for the call: taken from the pool or
     * made, and put back after. */
    private <R> R withBatch(Use<NativeBatch, R> use) {
        return withHandle(rs -> {
            NativeBatch b = handles.batches.poll();
            if (b == null)
                b = new NativeBatch(rs);
            try {
                return use.apply(b);
            } finally {
                handles.batches.push(b);
            }
        });
    }

    private static int days(LocalDate date) {
        if (date == null)
            throw new NullPointerException("date is null");
        if (date.getYear() < 1 || date.getYear() > 9999)
            throw new IllegalArgumentException("a date must be in the years 1 to 9999, not " + date);
        return (int)date.toEpochDay();
    }

    /**
     * Frees the rule set now rather than when the garbage collector finds
     * it; waits for evaluations running in other threads.  Later calls
     * throw {@link IllegalStateException}; closing twice is harmless.
     */
    @Override
    public void close() {
        ReentrantReadWriteLock.WriteLock w = lock.writeLock();
        w.lock();
        try {
            closed = true;
            cleanable.clean();
        } finally {
            w.unlock();
        }
    }

    @Override
    public String toString() {
        return "RuleSet(" + id() + ", version " + version() + ")";
    }
}
