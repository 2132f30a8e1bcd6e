package quotalevy;

import static org.junit.jupiter.api.Assertions.*;
import static quotalevy.Fixtures.*;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/* The public API call by call: loading, values in and out, each
 * exception with its location, batches, closing. */
class RuleSetTest {
    static final LocalDate JUNE = LocalDate.of(2024, 6, 30);
    static RuleSet national, jilin;

    @BeforeAll
    static void load() {
        national = RuleSet.load(NATIONAL);
        jilin = RuleSet.load(JILIN);
    }

    @AfterAll
    static void free() {
        national.close();
        jilin.close();
    }

    @Test
    void aListForAnInputThatIsOneValueIsRefusedNotReadAsEmpty() {
        /* probe18 P18-10: a List was packed as items disabled[1] … that no
         * input reads, so 'disabled' was empty and took its default: a
         * wrong levy without a word, in evaluate and evaluateAll alike */
        Map<String, Object> rec = firm();
        rec.put("disabled", List.of(5));
        RecordException e = assertThrows(RecordException.class, () -> national.evaluate(rec, JUNE));
        assertEquals("disabled", e.getField());
        assertTrue(e.getReason().contains("a List cannot be the value of 'disabled', which is one "
                                          + "value, not a list input"), e.getReason());
        Outcome o = national.evaluateAll(List.of(firm(), rec), JUNE).get(1);
        assertFalse(o.ok());
        assertEquals(e.getReason(), o.error().getReason());
    }

    @Test
    void anItemKeyOfAnInputThatIsOneValueIsRefusedNotPassedOver() {
        /* probe18 P18-10: a key disabled[1] for the one-value disabled was
         * passed over (Extra.IGNORE), disabled read as empty and its
         * default taken; it is a slip of disabled, as in the command, and
         * beside disabled itself two values for one input */
        String one = "'disabled' is one value, not a list: give its value under 'disabled'";
        String[][] cases = {{"disabled[1]", one}, {"Disabled[01]", one}, {"disabled[ 2 ]", one},
                            {"disabld[1]", one}};
        for (String[] c : cases) {
            Map<String, Object> rec = firm();
            Object v = rec.remove("disabled");
            rec.put(c[0], v);
            RecordException e = assertThrows(RecordException.class, () -> national.evaluate(rec, JUNE),
                                             c[0]);
            assertEquals(c[0], e.getField());
            assertTrue(e.getReason().contains(c[1]), e.getReason());
            Outcome o = national.evaluateAll(List.of(firm(), rec), JUNE).get(1);
            assertFalse(o.ok());
            assertEquals(e.getReason(), o.error().getReason());
        }
        Map<String, Object> both = firm();
        both.put("disabled[1]", both.get("disabled"));
        RecordException e = assertThrows(RecordException.class, () -> national.evaluate(both, JUNE));
        assertEquals("disabled[1]", e.getField());
        assertTrue(e.getReason().contains("'disabled' is one value, not a list, and the record gives "
                                          + "it under 'disabled': which of the two is meant?"),
                   e.getReason());
    }

    @Test
    void evaluateAllGivesAnOutcomeForEveryRecordItIterates() {
        /* probe12 P12-09: the outcomes were counted by size() and the
         * records packed by iteration, so a List whose size() was less than
         * it iterates (a lazy view) lost its last records without a word */
        for (int[] c : new int[][] {{3, 5}, {0, 2}, {5, 3}, {2, 0}}) {
            final int size = c[0], real = c[1];
            List<Map<String, Object>> l = new java.util.AbstractList<>() {
                public Map<String, Object> get(int i) { return firm(); }
                public int size() { return size; }
                public java.util.Iterator<Map<String, Object>> iterator() {
                    List<Map<String, Object>> r = new ArrayList<>();
                    for (int i = 0; i < real; i++)
                        r.add(firm());
                    return r.iterator();
                }
            };
            List<Outcome> got = national.evaluateAll(l, JUNE);
            assertEquals(real, got.size(), "size() " + size + ", " + real + " records");
            for (Outcome o : got)
                assertTrue(o.ok(), o.toString());
        }
        NullPointerException e = assertThrows(NullPointerException.class,
                                              () -> national.evaluateAll(null, JUNE));
        assertTrue(e.getMessage().contains("records is null"), e.getMessage());
    }

    @Test
    void aRecordWithNoInputAmongItsKeysIsRefused() {
        /* probe5 P5-07: {} or only an id or keys in another language were
         * levied on the inputs' defaults (Japan's levy 0); the command stops
         * such a header, Python refuses such a record */
        try (RuleSet jp = RuleSet.load(SRC.resolve("rules/jp/levy.yaml").toString())) {
            LocalDate oct = LocalDate.of(2025, 10, 1);
            for (Map<String, Object> r : List.<Map<String, Object>>of(
                     Map.of(), Map.of("id", "a"), Map.of("\u756a\u53f7", "1", "x", "2"))) {
                RecordException e = assertThrows(RecordException.class, () -> jp.evaluate(r, oct));
                assertTrue(e.getMessage().contains("no key is an input of the rule set "
                                                   + "'jp-levy' (the record has "),
                           e.getMessage());
            }
            /* the words of every front end (tools/quotalevy/noinput.h) */
            RecordException id = assertThrows(RecordException.class,
                                              () -> jp.evaluate(Map.of("id", "a"), oct));
            assertTrue(id.getMessage().contains(
                           "no key is an input of the rule set 'jp-levy' (the record has only "
                           + "'id'; the rules read exclusion_rate, industry, full_time[1], "
                           + "\u2026): it would be evaluated on the inputs' defaults alone"),
                       id.getMessage());
            List<Outcome> got = jp.evaluateAll(List.of(Map.of(), Map.of("id", "b")), oct);
            assertEquals(2, got.size());
            assertFalse(got.get(0).ok());
            assertTrue(got.get(1).error().getMessage().contains("defaults alone"));
        }
    }

    @Test
    void loadAndMetadata() {
        assertEquals("cn-jilin", jilin.id());
        assertEquals("CN-JL", jilin.jurisdiction());
        assertTrue(jilin.title().contains("quota"));
        assertEquals(JILIN, jilin.file());
        assertEquals(List.of("id", "unit_type", "admin_level"),
                     jilin.inputs().subList(0, 3).stream().map(Input::name).toList());
        Map<String, String> types = new HashMap<>();
        for (Input i : jilin.inputs())
            types.put(i.name(), i.type());
        assertEquals("decimal", types.get("employees"));
        assertEquals("money", types.get("wage_total"));
        assertEquals("enum", types.get("unit_type"));
        assertEquals("counted_disabled", jilin.outputs().get(0));
        assertEquals(List.of("agency_post_minimum", "institution_post_minimum",
                             "federation_cadre_ratio", "service_point_allocation"),
                     jilin.checks().stream().map(Check::name).toList());
        assertTrue(jilin.checks().get(0).source().startsWith("jlplan2022"));
        assertTrue(jilin.isCheck("agency_post_minimum"));
        assertFalse(jilin.isCheck("levy_due"));
        assertEquals("RuleSet(cn-jilin, version " + jilin.version() + ")", jilin.toString());
        assertThrows(UnsupportedOperationException.class, () -> jilin.inputs().clear());
    }

    @Test
    void currency() {
        /* jilin keeps national's yuan; Japan's yen have no minor unit */
        assertEquals("CNY", jilin.currency());
        assertEquals(2, jilin.currencyPlaces());
        assertEquals(2, ((BigDecimal)jilin.evaluate(firm(), JUNE).output("levy_due")).scale());
        try (RuleSet jp = RuleSet.load("jp/levy")) {
            assertEquals("JPY", jp.currency());
            assertEquals(0, jp.currencyPlaces());
        }
        try (RuleSet none = RuleSet.fromString(SMALL)) {
            assertNull(none.currency());
            assertEquals(-1, none.currencyPlaces());
        }
    }

    @Test
    void ruleSetsByName() {
        /* QUOTALEVY_RULES_PATH is the source tree's rules/ (meson.build) */
        try (RuleSet byName = RuleSet.load("cn/jilin")) {
            assertEquals("cn-jilin", byName.id());
            assertEquals(jilin.evaluate(firm(), JUNE).outputs(), byName.evaluate(firm(), JUNE).outputs());
        }
        RulesException e = assertThrows(RulesException.class, () -> RuleSet.load("cn/nowhere"));
        assertEquals("QL_EIO", e.getStatus());
    }

    @Test
    void parameters() {
        assertEquals("0.016", jilin.parameter("ratio", JUNE));
        assertEquals("3", jilin.parameter("wage_cap_multiple", LocalDate.of(2018, 3, 31)));
        RecordException e = assertThrows(RecordException.class,
            () -> jilin.parameter("levy_share", LocalDate.of(2028, 1, 1)));
        assertEquals("QL_ENODATA", e.getStatus());
        assertThrows(IllegalArgumentException.class, () -> jilin.parameter("nope", JUNE));
    }

    @Test
    void fromString() {
        try (RuleSet rs = RuleSet.fromString(SMALL)) {
            assertEquals("small", rs.id());
            Result r = rs.evaluate(Map.of("n", "1"), LocalDate.of(2024, 1, 1));
            assertEquals(new BigDecimal("0.3333333333333333333"), r.output("third"));
        }
    }

    @Test
    void rulesErrorsHaveLocations() {
        RulesException e = assertThrows(RulesException.class,
            () -> RuleSet.fromString(SMALL.replace("n * 2", "n * nope"), "inline.yaml"));
        assertEquals("QL_ENAME", e.getStatus());
        assertEquals("inline.yaml", e.getFile());
        assertEquals(14, e.getLine());
        assertEquals(15, e.getColumn());
        assertTrue(e.getReason().contains("unknown name 'nope'"), e.getReason());
        assertTrue(e.getMessage().startsWith("inline.yaml:14:15:"), e.getMessage());
        assertInstanceOf(QuotaLevyException.class, e);
        RulesException io = assertThrows(RulesException.class,
            () -> RuleSet.load("/nonexistent/rules.yaml"));
        assertEquals("QL_EIO", io.getStatus());
        RulesException yaml = assertThrows(RulesException.class,
            () -> RuleSet.fromString("a: [1,\n", "bad.yaml"));
        assertEquals("QL_EPARSE", yaml.getStatus());
        assertEquals("bad.yaml", yaml.getFile());
        assertTrue(yaml.getLine() > 0);
    }

    @Test
    void workedExample() {
        Result r = national.evaluate(firm(), JUNE);
        assertEquals(new BigDecimal("1.88250"), r.output("required_disabled"));
        assertEquals(new BigDecimal("71713.15"), r.output("average_wage"));
        BigDecimal due = r.decimal("levy_due");
        assertEquals("56958.16", due.toPlainString());
        assertEquals(2, due.scale());
        assertEquals(Boolean.FALSE, r.output("exempt"));
        assertEquals(national.outputs(), new ArrayList<>(r.outputs().keySet()));
        assertEquals(r.text("levy_due"), due.toPlainString());
        assertEquals(JUNE, r.date());
    }

    @Test
    void checks() {
        Map<String, Object> rec = new HashMap<>();
        rec.put("unit_type", "agency");
        rec.put("admin_level", "province");
        rec.put("posts", 50);
        rec.put("employees", 45);
        rec.put("disabled", 0);
        rec.put("disabled_severe", 0);
        rec.put("wage_total", 4500000);
        rec.put("local_avg_wage", 50000);
        rec.put("disability_federation", false);
        Result r = jilin.evaluate(rec, JUNE);
        CheckResult c = r.check("agency_post_minimum");
        assertTrue(c.applicable());
        assertEquals(Boolean.FALSE, c.compliant());
        assertEquals(BigDecimal.ONE, c.required());
        assertEquals(0, c.actual().signum());
        assertEquals(new BigDecimal("1.00"), c.shortfall());
        CheckResult n = r.check("institution_post_minimum");
        assertFalse(n.applicable());
        assertNull(n.compliant());
        assertNull(n.shortfall());
        assertEquals(Boolean.FALSE, r.output("agency_post_minimum"));
        assertNull(r.output("institution_post_minimum"));
        assertThrows(IllegalArgumentException.class, () -> r.check("levy_due"));
        assertThrows(IllegalArgumentException.class, () -> r.output("nope"));
    }

    @Test
    void everyValueTypeIn() {
        Map<String, Object> base = firm();
        for (Object employees : new Object[] {new BigDecimal("125.5"), "125.5", "125.50",
                                              new BigDecimal("1.255E+2")}) {
            Map<String, Object> rec = new HashMap<>(base);
            rec.put("employees", employees);
            BigDecimal got = jilin.evaluate(rec, JUNE).decimal("required_disabled");
            assertEquals(0, new BigDecimal("2.008").compareTo(got), employees + " gave " + got);
        }
        for (Object employees : new Object[] {125, 125L, (short)125, new java.math.BigInteger("125")}) {
            Map<String, Object> rec = new HashMap<>(base);
            rec.put("employees", employees);
            assertEquals(0, new BigDecimal("2").compareTo(
                                jilin.evaluate(rec, JUNE).decimal("required_disabled")));
        }
        try (RuleSet rs = RuleSet.fromString(SMALL)) {
            Map<String, Object> rec = new HashMap<>();
            rec.put("n", 3);
            rec.put("flag", true);
            rec.put("kind", "b");
            rec.put("day", LocalDate.of(2024, 2, 28));
            rec.put("label", "吉林 😀");
            Result r = rs.evaluate(rec, LocalDate.of(2024, 1, 1));
            assertEquals(0, BigDecimal.ONE.compareTo((BigDecimal)r.output("third")));
            assertEquals(0, new BigDecimal(6).compareTo((BigDecimal)r.output("double")));
            assertEquals(Boolean.TRUE, r.output("flag"));
            assertEquals("b", r.output("kind"));
            assertEquals(LocalDate.of(2024, 2, 29), r.output("later"));
            assertEquals("吉林 😀", r.output("label"));
            rec.put("flag", null);
            rec.remove("day");
            r = rs.evaluate(rec, LocalDate.of(2024, 1, 1));
            assertNull(r.output("flag"));
            assertEquals(LocalDate.of(2024, 1, 1), r.output("later"));
        }
    }

    @Test
    void anEmptyStringOutputIsNotNull() {
        /* the batch wrote "" for an empty string and for no value alike,
         * and Java gave null for both (P2-16) */
        String yaml = SMALL.replace("  label: string", "  label: {type: string, default: \"\"}");
        try (RuleSet rs = RuleSet.fromString(yaml)) {
            Map<String, Object> rec = new HashMap<>();
            rec.put("n", 3);
            Result r = rs.evaluate(rec, LocalDate.of(2024, 1, 1));
            assertEquals("", r.output("label"));
            assertEquals("", r.outputs().get("label"));
            assertEquals("", r.text("label"));
            assertNull(r.output("flag"));
            assertEquals("", r.text("flag"));
            assertEquals("6", r.text("double"));
            assertEquals(new BigDecimal("6"), r.decimal("double"));
            assertTrue(r.toString().contains("label=,") || r.toString().endsWith("label=)"),
                       r.toString());
            assertTrue(r.toString().contains("flag=null"), r.toString());
        }
    }

    @Test
    void floatsAreRefusedNamingTheField() {
        for (Object v : new Object[] {125.5, 125.5f}) {
            Map<String, Object> rec = firm();
            rec.put("employees", v);
            RecordException e = assertThrows(RecordException.class, () -> jilin.evaluate(rec, JUNE));
            assertEquals("employees", e.getField());
            assertTrue(e.getMessage().contains(v.getClass().getSimpleName()), e.getMessage());
            assertTrue(e.getMessage().contains("BigDecimal"), e.getMessage());
            /* 125.5 is exact in binary: the message must not say otherwise */
            assertFalse(e.getMessage().contains("cannot hold"), e.getMessage());
        }
        Map<String, Object> rec = firm();
        rec.put("employees", new Object());
        assertEquals("employees",
                     assertThrows(RecordException.class, () -> jilin.evaluate(rec, JUNE)).getField());
        /* a Set was "a Set12", a JDK inner class's name (P3-20) */
        rec.put("employees", java.util.Set.of(1, 2));
        RecordException e = assertThrows(RecordException.class, () -> jilin.evaluate(rec, JUNE));
        assertTrue(e.getMessage().contains("a Set (unordered: a list input takes a List)"),
                   e.getMessage());
        assertFalse(e.getMessage().contains("Set12"), e.getMessage());
    }

    @Test
    void recordErrorsNameTheField() {
        Map<String, Object> rec = firm();
        rec.put("employees", "abc");
        RecordException e = assertThrows(RecordException.class, () -> jilin.evaluate(rec, JUNE));
        assertEquals("employees", e.getField());
        assertEquals("QL_ERECORD", e.getStatus());
        Map<String, Object> missing = firm();
        missing.remove("wage_total");
        e = assertThrows(RecordException.class, () -> jilin.evaluate(missing, JUNE));
        assertEquals("wage_total", e.getField());
        assertTrue(e.getFile().endsWith("national.yaml"), e.getFile());
        assertTrue(e.getLine() > 0 && e.getColumn() > 0);
        Map<String, Object> broken = firm();
        broken.put("disabled", 200);
        assertEquals("disabled",
                     assertThrows(RecordException.class, () -> jilin.evaluate(broken, JUNE)).getField());
        Map<String, Object> unknown = firm();
        unknown.put("colour", "red");
        assertEquals("colour", assertThrows(RecordException.class,
            () -> jilin.evaluate(unknown, JUNE, RuleSet.Extra.ERROR)).getField());
        Map<String, Object> nul = firm();
        nul.put("unit_type", "enter\0prise");
        assertEquals("unit_type",
                     assertThrows(RecordException.class, () -> jilin.evaluate(nul, JUNE)).getField());
        e = assertThrows(RecordException.class, () -> jilin.evaluate(firm(), LocalDate.of(2028, 1, 1)));
        assertEquals("QL_ENODATA", e.getStatus());
        assertThrows(NullPointerException.class, () -> jilin.evaluate(firm(), null));
        assertThrows(IllegalArgumentException.class,
                     () -> jilin.evaluate(firm(), LocalDate.of(10000, 1, 1)));
    }

    @Test
    void listInputsTakeLists() {
        try (RuleSet rs = RuleSet.load(SRC.resolve("rules/de/sgb9.yaml").toString())) {
            Map<String, Object> year = new HashMap<>();
            year.put("positions", java.util.Collections.nCopies(12, 121));
            year.put("severely_disabled", java.util.Collections.nCopies(12, 3));
            Result r = rs.evaluate(year, LocalDate.of(2020, 6, 30));
            assertEquals(0, new BigDecimal(73).compareTo(r.decimal("yearly_mandatory")));
            assertEquals(0, new BigDecimal(8140).compareTo(r.decimal("levy")));
            List<Integer> part = new ArrayList<>(java.util.Collections.nCopies(12, 100));
            for (int k = 0; k < 6; k++)
                part.set(k, null);
            year.put("positions", part);
            year.put("severely_disabled", java.util.Collections.nCopies(12, 5));
            assertEquals(0, new BigDecimal(6).compareTo(
                                rs.evaluate(year, LocalDate.of(2024, 12, 31)).decimal("months")));
            year.put("positions", java.util.Collections.nCopies(13, 1));
            assertEquals("positions[13]",
                         assertThrows(RecordException.class,
                                      () -> rs.evaluate(year, LocalDate.of(2024, 6, 30))).getField());
        }
    }

    @Test
    void aListShortOfItemsOrGivenWithAnItemIsRefused() {
        /* 11 months read December as empty (levy 6065.00 -> 4595.00, no
         * error), and an item beside its list was dropped (P3-09) */
        try (RuleSet rs = RuleSet.load(SRC.resolve("rules/de/sgb9.yaml").toString())) {
            LocalDate dec = LocalDate.of(2024, 12, 31);
            Map<String, Object> full = new HashMap<>();
            full.put("positions", java.util.Collections.nCopies(12, 121));
            full.put("severely_disabled", java.util.Collections.nCopies(12, 3));
            full.put("workshop_labour", "6000");
            assertEquals("6065.00", rs.evaluate(full, dec).text("levy"));
            Map<String, Object> eleven = new HashMap<>(full);
            eleven.put("positions", java.util.Collections.nCopies(11, 121));
            Map<String, Object> both = new HashMap<>(full);
            both.put("positions[2]", "999");
            Map<String, Object> items = new HashMap<>(full);
            items.remove("positions");
            for (int k = 1; k <= 11; k++)
                items.put("positions[" + k + "]", 121);
            Object[][] bad = {
                {eleven, "positions[12]", "the record has 11 of the 12 items of the list "
                                          + "'positions': no item positions[12]"},
                {items, "positions[12]", "11 of the 12 items"},
                {both, "positions[2]", "'positions[2]' is given twice"},
            };
            List<Map<String, ?>> recs = new ArrayList<>();
            for (Object[] b : bad) {
                @SuppressWarnings("unchecked")
                Map<String, Object> rec = (Map<String, Object>)b[0];
                RecordException e = assertThrows(RecordException.class, () -> rs.evaluate(rec, dec));
                assertEquals(b[1], e.getField());
                assertTrue(e.getMessage().contains((String)b[2]), e.getMessage());
                recs.add(rec);
            }
            recs.add(full);
            List<Outcome> out = rs.evaluateAll(recs, dec);
            for (int k = 0; k < bad.length; k++)
                assertEquals(bad[k][1], out.get(k).error().getField());
            assertEquals("6065.00", out.get(3).result().text("levy"));
            /* null says an item is meant empty, in a list or as an item */
            List<Integer> nulled = new ArrayList<>(java.util.Collections.nCopies(12, 121));
            nulled.set(11, null);
            eleven.put("positions", nulled);
            assertEquals("4595.00", rs.evaluate(eleven, dec).text("levy"));
            items.put("positions[12]", null);
            assertEquals("4595.00", rs.evaluate(items, dec).text("levy"));
            /* a list longer than it is says so */
            full.put("positions", java.util.Collections.nCopies(13, 1));
            RecordException e = assertThrows(RecordException.class, () -> rs.evaluate(full, dec));
            assertEquals("positions[13]", e.getField());
            assertTrue(e.getMessage().contains("'positions' is a list of 12 items: it has no "
                                               + "item '[13]'"), e.getMessage());
        }
    }

    @Test
    void anIdIsTheRecordsIdAsInEveryFrontEnd() {
        /* refused before with "did you mean 'i'?" where the command, SQL and
         * Python take it as the record's id (P3-05) */
        try (RuleSet rs = RuleSet.fromString("quotalevy: 1\nid: xi\ntitle: xi\njurisdiction: XX\n"
                                             + "version: \"1\"\ninputs:\n  i: {type: integer, "
                                             + "default: 0}\n  n: {type: integer, default: 0}\n"
                                             + "computed:\n  n2: n * 2\noutputs: [n2]\n")) {
            Map<String, Object> rec = new HashMap<>();
            rec.put("n", 1);
            rec.put("id", "A");
            assertEquals("2", rs.evaluate(rec, JUNE).text("n2"));
            assertEquals("2", rs.evaluateAll(List.of(rec), JUNE).get(0).result().text("n2"));
            rec.put("zz", "5"); /* no input: passed over, or refused on request */
            assertEquals("2", rs.evaluate(rec, JUNE).text("n2"));
            assertEquals("zz", assertThrows(RecordException.class,
                () -> rs.evaluate(rec, JUNE, RuleSet.Extra.ERROR)).getField());
        }
    }

    @Test
    void batchesEqualSingleEvaluations() {
        List<Map<String, Object>> recs = new ArrayList<>();
        for (int i = 0; i < 2500; i++) {
            Map<String, Object> r = firm();
            r.put("employees", String.valueOf(40 + i));
            r.put("disabled", i % 3);
            recs.add(r);
        }
        List<Outcome> many = jilin.evaluateAll(recs, JUNE);
        assertEquals(2500, many.size());
        for (int i : new int[] {0, 999, 1000, 2499}) {
            assertEquals(i, many.get(i).index());
            assertEquals(jilin.evaluate(recs.get(i), JUNE).outputs(), many.get(i).result().outputs());
        }
        assertEquals(List.of(), jilin.evaluateAll(List.of(), JUNE));
    }

    /* 35 digits have no room for an output's 2 places: a RecordException
     * naming the output, never a BigDecimal with fewer places. */
    @Test
    void aNumberTooLongForItsPlacesIsAnError() {
        String yaml = "quotalevy: 1\nid: places\ntitle: Places\njurisdiction: XX\n"
                      + "version: \"1\"\ninputs:\n  n: {type: decimal, scale: 0}\n"
                      + "computed:\n  x: {expr: n * 1, scale: 2}\noutputs: [x]\n";
        String fits = "1".repeat(34), tooLong = "1".repeat(35);
        LocalDate day = LocalDate.of(2024, 1, 1);
        try (RuleSet rs = RuleSet.fromString(yaml, "places.yaml")) {
            assertEquals(new BigDecimal(fits + ".00"), rs.evaluate(Map.of("n", fits), day).output("x"));
            RecordException e = assertThrows(RecordException.class,
                () -> rs.evaluate(Map.of("n", tooLong), day));
            assertEquals("QL_ERANGE", e.getStatus());
            assertEquals("places.yaml", e.getFile());
            assertTrue(e.getReason().startsWith("output 'x' is " + tooLong
                                                + ", which with its 2 decimal places"),
                       e.getReason());
            List<Outcome> out = rs.evaluateAll(List.of(Map.of("n", fits), Map.of("n", tooLong)), day);
            assertEquals(new BigDecimal(fits + ".00"), out.get(0).result().output("x"));
            assertEquals("QL_ERANGE", out.get(1).error().getStatus());
        }
    }

    @Test
    void batchErrorsStayWithTheirRecords() {
        Map<String, Object> bad = firm();
        bad.put("disabled", 500);
        Map<String, Object> text = firm();
        text.put("employees", "x");
        Map<String, Object> dbl = firm();
        dbl.put("wage_total", 9000000.0);
        List<Outcome> out = jilin.evaluateAll(List.of(firm(), bad, text, dbl, firm()), JUNE);
        assertTrue(out.get(0).ok());
        assertEquals("disabled", out.get(1).error().getField());
        assertEquals("employees", out.get(2).error().getField());
        assertEquals("wage_total", out.get(3).error().getField());
        assertThrows(RecordException.class, () -> out.get(3).result());
        assertEquals(out.get(0).result().outputs(), out.get(4).result().outputs());
    }

    @Test
    void aNulInAFieldNameCannotForgeTheBatchFraming() {
        /* the batch packs "name\0text\0": a name holding NULs would read
         * as more fields or as another record, shifting later results */
        for (String forged : new String[] {"employees\0" + "7\0disabled",
                                           "employees\0" + "1\0\0disabled", "\0"}) {
            Map<String, Object> bad = firm();
            bad.put(forged, "9");
            Map<String, Object> other = firm();
            other.put("employees", "300");
            List<Outcome> out = jilin.evaluateAll(List.of(bad, other, firm()), JUNE);
            assertEquals(3, out.size());
            assertFalse(out.get(0).ok());
            assertEquals(jilin.evaluate(other, JUNE).outputs(), out.get(1).result().outputs());
            assertEquals(jilin.evaluate(firm(), JUNE).outputs(), out.get(2).result().outputs());
            assertThrows(RecordException.class, () -> jilin.evaluate(bad, JUNE));
        }
    }

    @Test
    void aMisspelledFieldNameGetsDidYouMean() {
        /* "no input called 'Employees'" said nothing of 'employees' */
        Map<String, Object> rec = firm();
        rec.put("Employees", rec.remove("employees"));
        RecordException e = assertThrows(RecordException.class, () -> jilin.evaluate(rec, JUNE));
        assertEquals("Employees", e.getField());
        assertTrue(e.getMessage().contains(
                       "has no input called 'Employees': did you mean 'employees'?"),
                   e.getMessage());
        List<Outcome> out = jilin.evaluateAll(List.of(rec), JUNE);
        assertTrue(out.get(0).error().getMessage().contains("did you mean 'employees'?"));
        /* nothing near: no guess, and with employees given the look-alike is
         * another key, passed over (docs/architecture.md) */
        rec.remove("Employees");
        rec.put("zzzzzzzz", "1");
        e = assertThrows(RecordException.class, () -> jilin.evaluate(rec, JUNE, RuleSet.Extra.ERROR));
        assertFalse(e.getMessage().contains("did you mean"), e.getMessage());
        Map<String, Object> both = firm();
        both.put("Employees", "9");
        assertEquals(jilin.evaluate(firm(), JUNE).outputs(), jilin.evaluate(both, JUNE).outputs());
    }

    @Test
    void nullArgumentsAreRefusedNamingWhatIsTaken() {
        /* load(null) gave the library's bare "NULL argument", fromString(null)
         * and a null overrides list a NullPointerException without a word,
         * parameter(null, d) "no parameter called 'null'" */
        Object[][] cases = {
            {(Runnable)() -> RuleSet.load(null), "path is null"},
            {(Runnable)() -> RuleSet.fromString(null), "yaml is null"},
            {(Runnable)() -> RuleSet.fromString(null, "x.yaml"), "yaml is null"},
            {(Runnable)() -> RuleSet.load(JILIN, null), "overrides is null"},
            {(Runnable)() -> RuleSet.load(null, List.of()), "path is null"},
            {(Runnable)() -> RuleSet.fromString("x", "x.yaml", null), "overrides is null"},
            {(Runnable)() -> RuleSet.fromString(null, "x.yaml", List.of()), "yaml is null"},
            {(Runnable)() -> jilin.parameter(null, JUNE), "name is null"}};
        for (Object[] c : cases) {
            NullPointerException e = assertThrows(NullPointerException.class, ((Runnable)c[0])::run);
            assertTrue(String.valueOf(e.getMessage()).startsWith((String)c[1]), e.getMessage());
        }
    }

    @Test
    void aBigDecimalTooLongIsQuotedAsJavaWritesIt() {
        /* written out in full, the message quoted 40 of its digits, which
         * the caller never wrote (probe8 P8-02's class), and 1E+100000000
         * was written out as a hundred million digits first (P8-03's) */
        String[][] cases = {{"1E+40", "41 digits before the point"},
                            {"1E-40", "40 digits after the point"},
                            {"1E+100000000", "more than 1000000 digits before the point"}};
        for (String[] c : cases) {
            Map<String, Object> rec = firm();
            rec.put("employees", new BigDecimal(c[0]));
            RecordException e = assertThrows(RecordException.class, () -> jilin.evaluate(rec, JUNE));
            assertEquals("employees", e.getField());
            assertTrue(e.getMessage().contains("'" + c[0] + "' is not a valid decimal: number too long"),
                       e.getMessage());
            assertTrue(e.getMessage().contains("(written out, it has " + c[1] + ")"), e.getMessage());
            assertEquals("employees", jilin.evaluateAll(List.of(rec), JUNE).get(0).error().getField());
        }
        /* within the limits, plain: trailing zeros and zero itself read */
        Map<String, Object> rec = firm();
        rec.put("employees", new BigDecimal("125.5" + "0".repeat(40)));
        rec.put("disabled_severe", new BigDecimal("0E-50"));
        assertEquals(jilin.evaluate(firm(), JUNE).text("levy_due"), jilin.evaluate(rec, JUNE).text("levy_due"));
    }

    @Test
    void aKeyPastAListOrAListOrIdMisspeltIsRefused() {
        /* Positions[13] and Positions[1] were passed over (a month dropped),
         * a List under "Positions" too (every month read as empty), and
         * "ID" for the record's id, where the command, Python's columns and
         * SQL refuse or name them */
        try (RuleSet rs = RuleSet.load(SRC.resolve("rules/de/sgb9.yaml").toString())) {
            LocalDate dec = LocalDate.of(2024, 12, 31);
            Map<String, Object> full = new HashMap<>();
            full.put("positions", java.util.Collections.nCopies(12, 121));
            full.put("severely_disabled", java.util.Collections.nCopies(12, 3));
            full.put("workshop_labour", "6000");
            String[][] cases = {
                {"Positions[13]", "'positions' is a list of 12 items, positions[1] … positions[12]"},
                {"Positions[1]", "'positions' is a list of 12 items, positions[1] … positions[12]"},
                {"ID", "did you mean 'id'?"},
                /* a List under a misspelt name is its items Positions[1] … */
                {"Positions", "did you mean 'positions[1]'?"}};
            for (String[] c : cases) {
                Map<String, Object> rec = new HashMap<>(full);
                if (c[0].equals("Positions"))
                    rec.put(c[0], rec.remove("positions"));
                else
                    rec.put(c[0], 5);
                String field = c[0].equals("Positions") ? "Positions[1]" : c[0];
                RecordException e = assertThrows(RecordException.class, () -> rs.evaluate(rec, dec));
                assertEquals(field, e.getField());
                assertTrue(e.getMessage().contains(c[1]), e.getMessage());
                List<Outcome> out = rs.evaluateAll(List.of(full, rec), dec);
                assertEquals(field, out.get(1).error().getField());
            }
            Map<String, Object> both = new HashMap<>(full);
            both.put("ID", "E1");
            both.put("id", "E1");
            assertEquals("6065.00", rs.evaluate(both, dec).text("levy"));
        }
    }

    @Test
    void theErrorReportedIsTheFirstInDeclarationOrder() {
        /* P4-05: the first failing field in the Map's order (a HashMap's
         * differs from an insertion order); now employees, declared before
         * disabled and wage_total, in every order, refusals of the binding
         * (a Double) ranked among the library's */
        Map<String, Object> bad = firm();
        bad.put("employees", "22.881");
        bad.put("wage_total", "12345678901234567890.123456789");
        List<String> keys = new ArrayList<>(bad.keySet());
        java.util.Set<String> got = new java.util.TreeSet<>();
        for (int round = 0; round < 24; round++) {
            java.util.Collections.rotate(keys, 1);
            if (round % 6 == 0)
                java.util.Collections.reverse(keys);
            for (int v = 0; v < 3; v++) {
                Map<String, Object> rec = new java.util.LinkedHashMap<>();
                for (String k : keys)
                    rec.put(k, bad.get(k));
                if (v == 1)
                    rec.put("employees", 1.5);
                if (v == 2)
                    rec.put("disabled", new java.util.concurrent.atomic.AtomicInteger(1));
                for (Map<String, Object> m : List.of(rec, new HashMap<>(rec))) {
                    got.add(v + " " + assertThrows(RecordException.class,
                                                   () -> jilin.evaluate(m, JUNE)).getField());
                    got.add(v + " " + jilin.evaluateAll(List.of(m), JUNE).get(0).error().getField());
                }
            }
        }
        assertEquals(java.util.Set.of("0 employees", "1 employees", "2 employees"), got);
    }

    @Test
    void messagesReadRight() {
        /* P4-21: "a AtomicInteger", a bare NullPointerException */
        Map<String, Object> rec = firm();
        rec.put("employees", new java.util.concurrent.atomic.AtomicInteger(126));
        RecordException e = assertThrows(RecordException.class, () -> jilin.evaluate(rec, JUNE));
        assertTrue(e.getMessage().contains("an AtomicInteger cannot be a field's value"), e.getMessage());
        NullPointerException n = assertThrows(NullPointerException.class, () -> jilin.evaluate(null, JUNE));
        assertTrue(n.getMessage().startsWith("record is null"), n.getMessage());
        List<Map<String, Object>> two = new ArrayList<>();
        two.add(firm());
        two.add(null);
        n = assertThrows(NullPointerException.class, () -> jilin.evaluateAll(two, JUNE));
        assertTrue(n.getMessage().startsWith("records.get(1) is null"), n.getMessage());
    }

    @Test
    void aLoneSurrogateIsRefusedNamingTheField() {
        /* String.getBytes made it '?': "ab\uD800cd" reached the library
         * as "ab?cd", and "\uDC00x" matched the enum value "?x" */
        RuleSet rs = RuleSet.fromString("quotalevy: 1\nid: s\ntitle: s\njurisdiction: XX\n"
            + "version: \"1\"\ninputs:\n  s: string\n  k: {type: enum, values: [\"?x\", b]}\n"
            + "  n: integer\noutputs: [s, k]\n", "s.yaml");
        try {
            LocalDate d = LocalDate.of(2024, 1, 1);
            Object[][] cases = {{"s", "ab\uD800cd", "\\uD800", "3"}, {"k", "\uDC00x", "\\uDC00", "1"},
                                {"n", "1\uDBFF", "\\uDBFF", "2"}};
            for (Object[] c : cases) {
                Map<String, Object> rec = new HashMap<>(Map.of("s", "a", "k", "b", "n", 1));
                rec.put((String)c[0], c[1]);
                RecordException e = assertThrows(RecordException.class, () -> rs.evaluate(rec, d));
                assertEquals(c[0], e.getField());
                assertTrue(e.getMessage().contains(c[2] + " at character " + c[3]
                                                   + ") is not text"), e.getMessage());
                assertFalse(e.getMessage().contains("?"), e.getMessage());
                /* in a batch, that record's error only */
                List<Outcome> out = rs.evaluateAll(List.of(Map.of("s", "a", "k", "b"), rec,
                                                           Map.of("s", "z", "k", "b")), d);
                assertEquals(3, out.size());
                assertTrue(out.get(0).ok());
                assertEquals(c[0], out.get(1).error().getField());
                assertEquals("z", out.get(2).result().text("s"));
            }
            /* a pair is text: U+1F600 goes through whole */
            assertEquals("a\uD83D\uDE00", rs.evaluate(Map.of("s", "a\uD83D\uDE00", "k", "b"), d)
                                             .text("s"));
            /* a key */
            RecordException e = assertThrows(RecordException.class,
                () -> rs.evaluate(Map.of("s\uD800", "a", "k", "b"), d));
            assertEquals("s\\uD800", e.getField());
            /* an override's name or value, rules text and a path */
            assertThrows(RulesException.class,
                () -> ParameterOverride.of("ratio", "1.7\uD800%", LocalDate.of(2024, 1, 1)));
            assertThrows(RulesException.class,
                () -> ParameterOverride.of("rat\uDC00io", "1.7%", LocalDate.of(2024, 1, 1)));
            RulesException re = assertThrows(RulesException.class,
                () -> RuleSet.fromString("quotalevy: 1\nid: \"a\uD800\"\n", "t.yaml"));
            assertEquals(2, re.getLine());
            assertEquals(7, re.getColumn());
            assertTrue(re.getMessage().startsWith("t.yaml:2:7: a lone surrogate"), re.getMessage());
            assertThrows(IllegalArgumentException.class, () -> RuleSet.load("rules\uD800.yaml"));
        } finally {
            rs.close();
        }
    }

    @Test
    void explainIsTheCommandsText() throws Exception {
        Result r = national.evaluate(firm(), JUNE);
        String cli = cli("explain", "rules/cn/national.yaml", "--date", "2024-06-30",
                         "--set", "unit_type=enterprise", "--set", "employees=125.5",
                         "--set", "disabled=1", "--set", "disabled_severe=0",
                         "--set", "wage_total=9000000", "--set", "local_avg_wage=60000");
        assertTrue(cli.contains("levy_due"), cli);
        assertEquals(cli, r.explain());
        /* a batch's results explain themselves too */
        Map<String, Object> other = firm();
        other.put("employees", "300");
        List<Outcome> two = national.evaluateAll(List.of(firm(), other), JUNE);
        assertEquals(cli, two.get(0).result().explain());
        assertNotEquals(cli, two.get(1).result().explain());
        assertEquals(national.evaluate(other, JUNE).explain(), two.get(1).result().explain());
    }

    @Test
    void closedRuleSet() {
        RuleSet rs = RuleSet.load(NATIONAL);
        Result r;
        try (rs) {
            r = rs.evaluate(firm(), JUNE);
        }
        assertThrows(IllegalStateException.class, () -> rs.evaluate(firm(), JUNE));
        assertThrows(IllegalStateException.class, () -> rs.evaluateAll(List.of(firm()), JUNE));
        assertThrows(IllegalStateException.class, () -> rs.parameter("ratio", JUNE));
        assertEquals(new BigDecimal("56958.16"), r.output("levy_due")); /* still valid */
        assertThrows(IllegalStateException.class, r::explain);
        assertEquals("cn-national", rs.id());
        rs.close(); /* twice is fine */
    }
    /* P18-09's class in Java: a Map whose iteration or get() closes the
     * rule set while the record is read (Lua's __pairs got a bare "NULL
     * argument").  The call throws the words every closed rule set gets:
     * the record is read before the handle is taken, under its lock. */
    @Test
    void aRecordThatClosesTheRuleSetAsItIsRead() {
        for (String call : new String[] {"evaluate", "evaluateAll", "explain"}) {
            RuleSet rs = RuleSet.load(NATIONAL);
            Map<String, Object> closing = new HashMap<>(firm()) {
                @Override
                public java.util.Set<Map.Entry<String, Object>> entrySet() {
                    rs.close();
                    return super.entrySet();
                }

                @Override
                public Object get(Object k) {
                    rs.close();
                    return super.get(k);
                }

                @Override
                public void forEach(java.util.function.BiConsumer<? super String, ? super Object> f) {
                    rs.close();
                    super.forEach(f);
                }
            };
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> {
                if (call.equals("evaluateAll"))
                    rs.evaluateAll(List.of(firm(), closing, firm()), JUNE);
                else if (call.equals("explain"))
                    rs.evaluate(closing, JUNE).explain();
                else
                    rs.evaluate(closing, JUNE);
            });
            assertEquals("the rule set 'cn-national' is closed", e.getMessage(), call);
        }
    }
}
