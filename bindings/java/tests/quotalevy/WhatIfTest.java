package quotalevy;

import static org.junit.jupiter.api.Assertions.*;
import static quotalevy.Fixtures.*;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/* What-if overrides (issue 19): a rule set loaded with parameter values
 * replaced from a date on, from a file or a text, equal to the command's
 * run --override; every value type; each refusal with its parameter. */
class WhatIfTest {
    static final LocalDate JUNE = LocalDate.of(2024, 6, 30);
    static final LocalDate JAN = LocalDate.of(2024, 1, 1);

    @Test
    void aFloatOverrideIsRefusedForAReasonTrueOfIt() {
        /* probe5 P5-04: 1.5 is exact in binary, yet was said not to hold a
         * decimal exactly; NaN was "NaN is NaN in binary" */
        String[][] cases = {{"1.5", "even 1.5 (exact in binary)"},
                            {"0.1", "0.1 is 0.1000000000000000055511151231257827"},
                            {"NaN", "NaN (not a number) is no value"},
                            {"Infinity", "an infinite Double is no value"}};
        for (String[] c : cases) {
            Exception e = assertThrows(Exception.class,
                () -> ParameterOverride.of("ratio", Double.valueOf(c[0]), JAN));
            assertTrue(e.getMessage().contains(c[1]), e.getMessage());
            assertTrue(e.getMessage().contains("pass a BigDecimal or a String"), e.getMessage());
        }
        Exception f = assertThrows(Exception.class,
            () -> ParameterOverride.of("ratio", Float.valueOf(0.25f), JAN));
        assertTrue(f.getMessage().contains("a Float is refused, even 0.25"), f.getMessage());
    }

    static final String UNITS = String.join("\n",
        "quotalevy: 1", "id: units", "title: Units", "jurisdiction: XX", "version: \"1\"",
        "currency: JPY", "sources:", "  s: {title: Test source (not law)}",
        "inputs:", "  a: {type: decimal, scale: 0}", "parameters:",
        "  factor: {type: decimal, scale: 0, values: [{from: 2000-01-01, value: 2, source: s}]}",
        "  count: {type: integer, values: [{from: 2000-01-01, value: 3, source: s}]}",
        "  amount: {type: money, values: [{from: 2000-01-01, value: 10, source: s}]}",
        "  capped: {type: money, max: 1000000, values: [{from: 2000-01-01, value: 10, source: s}]}",
        "  rate: {unit: percent, values: [{from: 2000-01-01, value: 5%, source: s}]}",
        "computed:", "  x: a * factor * count * rate", "  y: a * amount + capped",
        "outputs: [x, y]", "");

    /* bind14: every BigDecimal was sent as a share in percent, so 1E+34
     * for an amount or a count (35 digits, which a decimal holds) became
     * a 37-digit percent, refused as "number too long"; only a percentage
     * takes the share now, any other number is the number it is */
    @Test
    void aBigDecimalForANumberIsSentAsItIs(@org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        BigDecimal big = new BigDecimal("1E+34");
        Path file = dir.resolve("units.yaml");
        Files.writeString(file, UNITS);
        for (String name : new String[] {"factor", "count", "amount"}) {
            try (RuleSet rs = RuleSet.load(file.toString(), List.of(ParameterOverride.of(name, big, JAN)))) {
                assertEquals(big.toPlainString(), rs.parameter(name, JUNE), name);
            }
            try (RuleSet rs = RuleSet.fromString(UNITS, "units.yaml",
                                                 List.of(ParameterOverride.of(name, big, JAN)))) {
                assertEquals(big.toPlainString(), rs.parameter(name, JUNE), name);
            }
        }
        RulesException e = assertThrows(RulesException.class,
            () -> RuleSet.load(file.toString(), List.of(ParameterOverride.of("capped", big, JAN))));
        assertTrue(e.getMessage().contains("override of parameter 'capped': BigDecimal 1E+34: above its maximum"),
                   e.getMessage());
        assertFalse(e.getMessage().contains("too long"), e.getMessage());
        assertEquals("capped", e.getField());
        /* a percentage still takes the share: 0.07 is 7 % */
        try (RuleSet rs = RuleSet.load(file.toString(), List.of(
                 ParameterOverride.of("rate", new BigDecimal("0.07"), JAN),
                 ParameterOverride.of("amount", new BigDecimal("12"), JAN)))) {
            assertEquals("0.07", rs.parameter("rate", JUNE));
            assertEquals("12", rs.parameter("amount", JUNE));
        }
        RulesException l = assertThrows(RulesException.class,
            () -> RuleSet.load(file.toString(), List.of(ParameterOverride.of("amount", new BigDecimal("1E+40"), JAN))));
        assertTrue(l.getMessage().contains("override of parameter 'amount': BigDecimal 1E+40: number too long"),
                   l.getMessage());
    }

    /* A BigDecimal override loaded the rules twice: once without overrides
     * to ask each parameter's unit (ql_ruleset_param_unit), then with them,
     * and a file changed in between was refused.  It goes as the number it
     * is now (QL_OVERRIDE_NUMBER), read in the parameter's own unit by the
     * one load: a file changed between calls, a percentage in one and a
     * plain number in the next, gives 0.07 each time, from a file and
     * from a text. */
    @Test
    void aBigDecimalIsReadInTheUnitOfTheRulesLoaded(@org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        String plain = UNITS.replace("rate: {unit: percent, values: [{from: 2000-01-01, value: 5%",
                                     "rate: {values: [{from: 2000-01-01, value: 0.05");
        assertNotEquals(UNITS, plain);
        Path file = dir.resolve("units.yaml");
        List<ParameterOverride> o = List.of(ParameterOverride.of("rate", new BigDecimal("0.07"), JAN),
                                            ParameterOverride.of("amount", new BigDecimal("1E+3"), JAN));
        for (String text : new String[] {UNITS, plain, UNITS}) {
            Files.writeString(file, text);
            try (RuleSet rs = RuleSet.load(file.toString(), o)) {
                assertEquals("0.07", rs.parameter("rate", JUNE));
                assertEquals("1000", rs.parameter("amount", JUNE));
            }
            try (RuleSet rs = RuleSet.fromString(text, "units.yaml", o)) {
                assertEquals("0.07", rs.parameter("rate", JUNE));
            }
        }
        /* a String is still a rules file's text: a percentage's '%' written out */
        RulesException e = assertThrows(RulesException.class,
            () -> RuleSet.fromString(UNITS, "units.yaml",
                                     List.of(ParameterOverride.of("rate", "0.07", JAN))));
        assertTrue(e.getMessage().contains("write it with '%'"), e.getMessage());
    }

    /* probe6 P6-03: a percentage's override text was taken without its
     * '%' ("1" for Germany's quota, 100 %); a number is the share itself */
    @Test
    void aPercentageIsWrittenWithItsPercentSignAndANumberIsTheShare() {
        for (String v : new String[] {"0.017", "1.7", "1", "0"}) {
            RulesException e = assertThrows(RulesException.class,
                () -> RuleSet.load(NATIONAL, List.of(ParameterOverride.of("ratio", v, JAN))), v);
            assertEquals("QL_ESCHEMA", e.getStatus(), v);
            assertEquals("ratio", e.getField(), v);
            assertTrue(e.getMessage().contains("override of parameter 'ratio': '" + v + "': the parameter is a percentage: write it with '%', e.g. '" + v + "%'"), e.getMessage());
        }
        for (Object v : new Object[] {"1.7%", new BigDecimal("0.017"), new BigDecimal("0.0170")}) {
            try (RuleSet rs = RuleSet.load(NATIONAL, List.of(ParameterOverride.of("ratio", v, JAN)))) {
                assertEquals("0.017", rs.parameter("ratio", JUNE), v.toString());
            }
        }
        /* a BigDecimal 1 is the share 1, 100 %, with the parameter's
         * places (P5-03); an integer is the integer it is, so 1 meant as
         * 1 % is refused as the text "1" is (probe8 P8-01: it was 100 %) */
        try (RuleSet rs = RuleSet.load(NATIONAL, List.of(ParameterOverride.of("ratio", BigDecimal.ONE, JAN)))) {
            assertEquals("1.000", rs.parameter("ratio", JUNE));
        }
        /* a BigDecimal far past 36 digits is refused by the library as too
         * long, not written out in full first (probe8 P8-03: 1E+100000000
         * took seconds and hundreds of MB) */
        for (String big : new String[] {"1E+100000000", "1E-100000000"}) {
            RulesException e = assertThrows(RulesException.class,
                () -> RuleSet.load(NATIONAL, List.of(ParameterOverride.of("ratio", new BigDecimal(big), JAN))), big);
            assertTrue(e.getMessage().contains("number too long"), e.getMessage());
            assertTrue(e.getMessage().contains("override of parameter 'ratio': BigDecimal " + big + ":"),
                       e.getMessage());
        }
        /* probe8 P8-02: a BigDecimal is sent as the share it is, as percent
         * text ("1000%" for 1E+1), and the message quoted that text, which
         * the caller never wrote: it quotes the value as given now */
        Object[][] quoted = {
            {new BigDecimal("1E+1"), "BigDecimal 1E+1: above its maximum of 100%"},
            {new BigDecimal("0.01713"), "BigDecimal 0.01713 has 3 decimal places in percent"},
            {new BigDecimal("1E+40"), "BigDecimal 1E+40: number too long: at most 36 significant digits"
                                      + " and 36 digits after the point (written out, it has 41 digits"
                                      + " before the point)"},
            {10, "Integer 10: the parameter is a percentage"}};
        for (Object[] q : quoted) {
            RulesException e = assertThrows(RulesException.class,
                () -> RuleSet.load(NATIONAL, List.of(ParameterOverride.of("ratio", q[0], JAN))));
            assertTrue(e.getMessage().contains("override of parameter 'ratio': " + q[1]), e.getMessage());
            assertFalse(e.getMessage().contains("1000%"), e.getMessage());
        }
        /* probe14s P14-04: a subclass's own toString was sent and quoted
         * ("override of parameter 'ratio':  5" for a BigInteger 3, an
         * anonymous class's empty name before it); a NUL in it broke the
         * packed list ("malformed override list") */
        Object[][] subclassed = {
            {new java.math.BigInteger("3") { @Override public String toString() { return "5\0x"; } },
             "BigInteger 3: the parameter is a percentage: write it with '%', e.g. '3%'"},
            {new BigDecimal("10") { @Override public String toString() { return "EVIL\0"; } },
             "BigDecimal 10: above its maximum of 100%"}};
        for (Object[] q : subclassed) {
            RulesException e = assertThrows(RulesException.class,
                () -> RuleSet.load(NATIONAL, List.of(ParameterOverride.of("ratio", q[0], JAN))));
            assertTrue(e.getMessage().contains("override of parameter 'ratio': " + q[1]), e.getMessage());
        }
        for (Object v : new Object[] {1, 0, 1L, (short)1, java.math.BigInteger.ONE}) {
            RulesException e = assertThrows(RulesException.class,
                () -> RuleSet.load(NATIONAL, List.of(ParameterOverride.of("ratio", v, JAN))), v.toString());
            assertEquals("QL_ESCHEMA", e.getStatus(), v.toString());
            assertTrue(e.getMessage().contains("override of parameter 'ratio': ") && e.getMessage().contains("the parameter is a percentage: write it with '%'") && !e.getMessage().contains("field '"), e.getMessage());
        }
    }

    @Test
    void overridesHoldFromTheirDate() {
        try (RuleSet plain = RuleSet.load(NATIONAL);
             RuleSet higher = RuleSet.load(NATIONAL,
                 List.of(ParameterOverride.of("ratio", "1.7%", JAN)))) {
            /* 125.5 employees × 1.7 % */
            assertEquals(0, new BigDecimal("2.1335").compareTo(higher.evaluate(firm(), JUNE).decimal("required_disabled")));
            assertEquals(0, new BigDecimal("1.8825").compareTo(plain.evaluate(firm(), JUNE).decimal("required_disabled")));
            /* the day before the override, the rules' own value */
            LocalDate before = JAN.minusDays(1);
            assertEquals(plain.evaluate(firm(), before).outputs(), higher.evaluate(firm(), before).outputs());
            assertEquals("0.017", higher.parameter("ratio", JUNE));
            assertEquals("0.015", higher.parameter("ratio", before));
            assertEquals("0.015", plain.parameter("ratio", JUNE));
            assertTrue(higher.evaluate(firm(), JUNE).explain().contains("what-if override"));
            assertFalse(plain.evaluate(firm(), JUNE).explain().contains("what-if override"));
            /* a batch runs under the changed law too */
            assertEquals(higher.evaluate(firm(), JUNE).outputs(),
                         higher.evaluateAll(List.of(firm()), JUNE).get(0).result().outputs());
            /* an empty list is a plain load */
            try (RuleSet none = RuleSet.load(NATIONAL, List.of())) {
                assertEquals(plain.evaluate(firm(), JUNE).outputs(), none.evaluate(firm(), JUNE).outputs());
            }
        }
    }

    @Test
    void equalToTheCommandsOverride() throws Exception {
        Map<String, Object> f = firm();
        List<String> cols = new ArrayList<>(f.keySet());
        StringBuilder csv = new StringBuilder(String.join(",", cols)).append('\n');
        List<String> vals = new ArrayList<>();
        for (String c : cols)
            vals.add(String.valueOf(f.get(c)));
        csv.append(String.join(",", vals)).append('\n');
        Path in = Files.createTempFile("whatif", ".csv");
        try {
            Files.writeString(in, csv, StandardCharsets.UTF_8);
            String out = cli("run", "rules/cn/national.yaml", in.toString(), "--date", "2024-06-30",
                             "--override", "ratio=1.7%@2024-01-01",
                             "--override", "wage_capped=false@2024-01-01");
            Csv c = Csv.parse(out);
            assertEquals(1, c.rows.size(), out);
            try (RuleSet rs = RuleSet.load(NATIONAL, List.of(
                     ParameterOverride.of("ratio", new BigDecimal("0.017"), JAN),
                     ParameterOverride.of("wage_capped", Boolean.FALSE, JAN)))) {
                Result r = rs.evaluate(f, JUNE);
                int n = 0;
                for (int k = 0; k < c.header.size(); k++) {
                    String col = c.header.get(k);
                    if (rs.outputs().contains(col) && !rs.isCheck(col)) {
                        assertEquals(c.rows.get(0).get(k), r.text(col), col);
                        n++;
                    }
                }
                assertTrue(n > 5, "compared " + n + " columns of " + c.header);
                assertNotEquals(RuleSet.load(NATIONAL).evaluate(f, JUNE).text("levy_due"),
                                r.text("levy_due"));
            }
        } finally {
            Files.delete(in);
        }
    }

    static final String RATED = String.join("\n",
        "quotalevy: 1", "id: rated", "title: Rated", "jurisdiction: XX", "version: \"1\"",
        "sources:", "  t: {title: Test data (not law)}",
        "inputs:", "  n: decimal",
        "parameters:",
        "  rate: {values: [{from: 2000-01-01, value: 2, source: t}]}",
        "  on: {values: [{from: 2000-01-01, value: true, source: t}]}",
        "computed:", "  out: {expr: \"round(if(on, n * rate, 0), 2)\", scale: 2}",
        "outputs: [out]", "");

    @Test
    void fromTextWithOverridesAndEveryValueType() {
        Map<String, Object> rec = Map.of("n", "3");
        for (Object v : new Object[] {"5", 5, 5L, new BigDecimal("5.0"), new java.math.BigInteger("5")}) {
            try (RuleSet rs = RuleSet.fromString(RATED, "rated.yaml",
                     List.of(ParameterOverride.of("rate", v, JAN)))) {
                assertEquals(0, new BigDecimal(15).compareTo(rs.evaluate(rec, JUNE).decimal("out")), v.toString());
                assertEquals(0, new BigDecimal(6).compareTo(rs.evaluate(rec, JAN.minusDays(1)).decimal("out")));
            }
        }
        try (RuleSet rs = RuleSet.fromString(RATED, "rated.yaml",
                 List.of(ParameterOverride.of("on", false, JAN), ParameterOverride.of("rate", "7", JAN)))) {
            assertEquals(0, BigDecimal.ZERO.compareTo(rs.evaluate(rec, JUNE).decimal("out")));
            assertEquals("7", rs.parameter("rate", JUNE));
        }
        /* a value that fits no parameter type: the library says so */
        RulesException e = assertThrows(RulesException.class, () -> RuleSet.fromString(RATED, "rated.yaml",
            List.of(ParameterOverride.of("rate", LocalDate.of(2024, 1, 2), JAN))));
        assertEquals("QL_ESCHEMA", e.getStatus());
        assertEquals("rate", e.getField());
    }

    @Test
    void refusalsNameTheParameter() {
        RulesException e = assertThrows(RulesException.class,
            () -> RuleSet.load(NATIONAL, List.of(ParameterOverride.of("nope", "1", JAN))));
        assertEquals("QL_ENAME", e.getStatus());
        assertEquals("nope", e.getField());
        e = assertThrows(RulesException.class,
            () -> RuleSet.load(NATIONAL, List.of(ParameterOverride.of("ratio", "abc", JAN))));
        assertEquals("QL_ESCHEMA", e.getStatus());
        assertEquals("ratio", e.getField());
        assertTrue(e.getMessage().contains("abc"), e.getMessage());
        for (Object v : new Object[] {0.017, 0.017f}) {
            e = assertThrows(RulesException.class, () -> ParameterOverride.of("ratio", v, JAN));
            assertEquals("ratio", e.getField());
            assertTrue(e.getMessage().contains(v.getClass().getSimpleName()), e.getMessage());
            assertTrue(e.getMessage().contains("BigDecimal"), e.getMessage());
        }
        assertEquals("ratio", assertThrows(RulesException.class,
            () -> ParameterOverride.of("ratio", new Object(), JAN)).getField());
        assertEquals("ratio", assertThrows(RulesException.class,
            () -> ParameterOverride.of("ratio", null, JAN)).getField());
        assertEquals("ratio", assertThrows(RulesException.class,
            () -> ParameterOverride.of("ratio", "1%", null)).getField());
        assertThrows(RulesException.class, () -> ParameterOverride.of(null, "1%", JAN));
        assertThrows(RulesException.class, () -> ParameterOverride.of("", "1%", JAN));
        assertThrows(RulesException.class, () -> ParameterOverride.of("ratio", "1\0", JAN));
        /* a date the library cannot hold: refused with the parameter */
        for (LocalDate d : new LocalDate[] {LocalDate.of(10000, 1, 1), LocalDate.of(0, 12, 31)}) {
            e = assertThrows(RulesException.class, () -> ParameterOverride.of("ratio", "1%", d));
            assertEquals("ratio", e.getField());
            assertTrue(e.getMessage().contains("0001-01-01"), e.getMessage());
        }
        List<ParameterOverride> withNull = new ArrayList<>();
        withNull.add(null);
        assertThrows(NullPointerException.class, () -> RuleSet.load(NATIONAL, withNull));
    }
}
