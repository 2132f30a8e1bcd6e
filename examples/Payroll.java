/*
 * Payroll.java — an HR system's nightly run with the Java binding: every
 * organisation it runs payroll for is evaluated against its province's
 * quota rules in one batch, each levy is booked as an exact BigDecimal,
 * and organisations whose data cannot be evaluated are listed with the
 * field to fix.
 *
 *     java -cp /usr/local/share/java/quotalevy.jar:. Payroll \
 *         rules/cn/jilin.yaml examples/jilin-units.csv 2024-06-30
 *
 * Here the organisations come from a CSV file; an HR system would read
 * them from its database.  Exit status: 0, or 1 if any was rejected.
 * Runs in the test suite (bindings/java/tests/quotalevy/PayrollTest.java).
 */
import java.io.IOException;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import quotalevy.Input;
import quotalevy.Outcome;
import quotalevy.RecordException;
import quotalevy.Result;
import quotalevy.RuleSet;

public final class Payroll {
    private Payroll() {}

    public static void main(String[] args) throws IOException {
        System.exit(run(args, System.out));
    }

    public static int run(String[] args, PrintStream out) throws IOException {
        if (args.length != 3) {
            out.println("usage: Payroll RULES ORGANISATIONS.csv YYYY-MM-DD");
            return 2;
        }
        LocalDate date = LocalDate.parse(args[2]);
        try (RuleSet rules = RuleSet.load(args[0])) {
            List<Map<String, Object>> organisations = readOrganisations(Path.of(args[1]), rules);
            out.printf("Nightly quota levy run: %s %s on %s%n", rules.id(), rules.version(), date);

            BigDecimal total = BigDecimal.ZERO;
            int booked = 0;
            List<String> rejected = new ArrayList<>();
            for (Outcome o : rules.evaluateAll(organisations, date)) {
                Object id = organisations.get(o.index()).get("id");
                if (!o.ok()) {
                    RecordException e = o.error();
                    rejected.add(String.format("  %-8s %-22s %s", id, e.getField(), e.getReason()));
                    continue;
                }
                Result r = o.result();
                BigDecimal levy = r.decimal("levy_due");
                total = total.add(levy);
                booked++;
                out.printf("  %-8s levy %12s  quota %s%n", id, levy.toPlainString(),
                           Boolean.TRUE.equals(r.output("compliant")) ? "met" : "not met");
            }
            out.printf("%d organisations booked, levy due %s in total%n", booked, total.toPlainString());
            if (!rejected.isEmpty()) {
                out.printf("%d organisations not evaluated, to fix before the next run:%n", rejected.size());
                rejected.forEach(out::println);
            }
            return rejected.isEmpty() ? 0 : 1;
        }
    }

    /* Each row of the file as a record of the rule set's inputs.  Amounts
     * go in as BigDecimal where they parse (a Double never would: it cannot
     * hold 0.1), everything else as the text the file holds, which the
     * library checks against each field's type. */
    static List<Map<String, Object>> readOrganisations(Path file, RuleSet rules) throws IOException {
        Map<String, String> types = new HashMap<>();
        for (Input in : rules.inputs())
            types.put(in.name(), in.type());
        List<List<String>> rows = csv(Files.readString(file, StandardCharsets.UTF_8));
        List<String> header = rows.get(0);
        List<Map<String, Object>> out = new ArrayList<>();
        for (List<String> row : rows.subList(1, rows.size())) {
            Map<String, Object> rec = new HashMap<>();
            for (int c = 0; c < header.size() && c < row.size(); c++) {
                String name = header.get(c), text = row.get(c);
                if (!types.containsKey(name) || text.isEmpty())
                    continue;
                rec.put(name, types.get(name).equals("money") && text.matches("-?[0-9]+(\\.[0-9]+)?")
                                  ? new BigDecimal(text) : text);
            }
            out.add(rec);
        }
        return out;
    }

    /* RFC 4180: quoted fields with commas, doubled quotes and newlines. */
    static List<List<String>> csv(String s) {
        List<List<String>> rows = new ArrayList<>();
        List<String> row = new ArrayList<>();
        StringBuilder f = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (quoted) {
                if (ch == '"' && i + 1 < s.length() && s.charAt(i + 1) == '"') {
                    f.append('"');
                    i++;
                } else if (ch == '"') {
                    quoted = false;
                } else {
                    f.append(ch);
                }
            } else if (ch == '"') {
                quoted = true;
            } else if (ch == ',') {
                row.add(f.toString());
                f.setLength(0);
            } else if (ch == '\n') {
                row.add(f.toString().replaceAll("\r$", ""));
                rows.add(row);
                row = new ArrayList<>();
                f.setLength(0);
            } else {
                f.append(ch);
            }
        }
        if (f.length() > 0 || !row.isEmpty()) {
            row.add(f.toString());
            rows.add(row);
        }
        return rows;
    }
}
