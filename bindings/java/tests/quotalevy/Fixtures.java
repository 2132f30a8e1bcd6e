package quotalevy;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/* What the tests share: paths from the system properties meson passes,
 * the records of the Python tests, a CSV reader and a way to run the
 * command-line tool. */
final class Fixtures {
    private Fixtures() {}

    static final Path SRC = Path.of(System.getProperty("quotalevy.source", "."));
    static final String CLI = System.getProperty("quotalevy.cli");
    static final String JILIN = SRC.resolve("rules/cn/jilin.yaml").toString();
    static final String NATIONAL = SRC.resolve("rules/cn/national.yaml").toString();

    /* The worked example of the Python tests (docs/cn-rules.md). */
    static Map<String, Object> firm() {
        Map<String, Object> m = new HashMap<>();
        m.put("unit_type", "enterprise");
        m.put("employees", "125.5");
        m.put("disabled", 1);
        m.put("disabled_severe", 0L);
        m.put("wage_total", new BigDecimal("9000000"));
        m.put("local_avg_wage", 60000);
        return m;
    }

    static final String SMALL = String.join("\n",
        "quotalevy: 1",
        "id: small",
        "title: Small",
        "jurisdiction: XX",
        "version: \"1\"",
        "inputs:",
        "  n: {type: decimal, scale: 0}",
        "  flag: bool",
        "  kind: {type: enum, values: [a, b]}",
        "  day: date",
        "  label: string",
        "computed:",
        "  third: {expr: n / 3, scale: 19, display: half_even}",
        "  double: n * 2",
        "  later: if(present(day), add_days(day, 1), date)",
        "outputs: [third, double, flag, kind, later, label]",
        "");

    /* RFC 4180 rows: the header, then each row; each row's line number. */
    static final class Csv {
        final List<String> header = new ArrayList<>();
        final List<List<String>> rows = new ArrayList<>();
        final List<Integer> lines = new ArrayList<>();

        static Csv read(Path p) throws IOException {
            return parse(Files.readString(p, StandardCharsets.UTF_8));
        }

        static Csv parse(String s) {
            Csv c = new Csv();
            List<String> row = new ArrayList<>();
            StringBuilder f = new StringBuilder();
            int line = 1, start = 1;
            boolean quoted = false, any = false;
            for (int i = 0; i < s.length(); i++) {
                char ch = s.charAt(i);
                if (quoted) {
                    if (ch == '"' && i + 1 < s.length() && s.charAt(i + 1) == '"') {
                        f.append('"');
                        i++;
                    } else if (ch == '"') {
                        quoted = false;
                    } else {
                        if (ch == '\n')
                            line++;
                        f.append(ch);
                    }
                } else if (ch == '"') {
                    quoted = any = true;
                } else if (ch == ',') {
                    row.add(f.toString());
                    f.setLength(0);
                    any = true;
                } else if (ch == '\n' || ch == '\r') {
                    if (ch == '\r' && i + 1 < s.length() && s.charAt(i + 1) == '\n')
                        i++;
                    if (any || f.length() > 0 || !row.isEmpty()) {
                        row.add(f.toString());
                        c.add(row, start);
                    }
                    row = new ArrayList<>();
                    f.setLength(0);
                    any = false;
                    start = ++line;
                } else {
                    f.append(ch);
                    any = true;
                }
            }
            if (any || f.length() > 0 || !row.isEmpty()) {
                row.add(f.toString());
                c.add(row, start);
            }
            return c;
        }

        private void add(List<String> row, int line) {
            if (header.isEmpty()) {
                header.addAll(row);
            } else {
                rows.add(row);
                lines.add(line);
            }
        }

        /* Row k as a record: the columns that are inputs of rs, "" as null
         * (given, empty: a list's empty month is not a month left out). */
        Map<String, Object> record(int k, RuleSet rs) {
            Map<String, Object> m = new LinkedHashMap<>();
            List<String> row = rows.get(k);
            for (Input in : rs.inputs()) {
                int c = header.indexOf(in.name());
                if (c >= 0 && c < row.size())
                    m.put(in.name(), row.get(c).isEmpty() ? null : row.get(c));
            }
            return m;
        }

        String get(int k, String column) {
            int c = header.indexOf(column);
            return c < 0 ? "" : rows.get(k).get(c);
        }
    }

    static String csvField(String s) {
        if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0
            && s.indexOf('\r') < 0)
            return s;
        return '"' + s.replace("\"", "\"\"") + '"';
    }

    /* Runs the command-line tool; returns its standard output. */
    static String cli(String... args) throws IOException, InterruptedException {
        if (CLI == null)
            throw new IllegalStateException("quotalevy.cli is not set");
        List<String> cmd = new ArrayList<>();
        cmd.add(CLI);
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(SRC.toFile())
                        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out;
        try (InputStream in = p.getInputStream()) {
            out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        if (!p.waitFor(120, TimeUnit.SECONDS))
            throw new IllegalStateException("the command did not finish");
        return out;
    }
}
