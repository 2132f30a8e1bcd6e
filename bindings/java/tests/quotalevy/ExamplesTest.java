package quotalevy;

import static org.junit.jupiter.api.Assertions.*;
import static quotalevy.Fixtures.*;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/* Every rule set with every example data file it runs on (the table
 * tests/example-table.txt, which every front end's tests read), evaluated
 * from Java and written as the command writes it: byte for byte the
 * command's own output, run beside it, the same rows rejected with the
 * same fields, and every number at its output's one scale (money at the
 * currency's places). */
class ExamplesTest {
    /* The table's rows: rules, data, date, currency places, money outputs
     * ("-": none). */
    static List<String[]> table() throws IOException {
        List<String[]> rows = new ArrayList<>();
        for (String line : Files.readAllLines(SRC.resolve("tests/example-table.txt"), StandardCharsets.UTF_8)) {
            if (line.isBlank() || line.startsWith("#"))
                continue;
            String[] f = line.trim().split("\\s+");
            assertEquals(5, f.length, line);
            rows.add(f);
        }
        return rows;
    }

    static Stream<Arguments> examples() throws IOException {
        return table().stream().map(f -> Arguments.of(f[0], f[1], f[2], Integer.parseInt(f[3]),
                                                      f[4].equals("-") ? Set.of() : Set.of(f[4].split(","))));
    }

    /* The list of examples was this file's own (4 rule sets of 7): the
     * table must run every rule set and example data file on disk. */
    @Test
    void theTableRunsEveryRuleSetAndExampleFile() throws IOException {
        Set<String> onDisk = new TreeSet<>();
        try (Stream<Path> dirs = Files.list(SRC.resolve("rules"))) {
            for (Path d : (Iterable<Path>)dirs.filter(Files::isDirectory)::iterator)
                try (Stream<Path> files = Files.list(d)) {
                    files.filter(f -> f.toString().endsWith(".yaml"))
                        .forEach(f -> onDisk.add(SRC.relativize(f).toString()));
                }
        }
        try (Stream<Path> files = Files.list(SRC.resolve("examples"))) {
            files.map(f -> SRC.relativize(f).toString())
                .filter(f -> f.endsWith(".csv") && !f.endsWith(".expected.csv") && !f.endsWith(".rejects.csv"))
                .forEach(onDisk::add);
        }
        for (String[] row : table()) {
            onDisk.remove(row[0]);
            onDisk.remove(row[1]);
        }
        assertEquals(Set.of(), onDisk);
    }

    @ParameterizedTest
    @MethodSource("examples")
    void equalToTheCommandLine(String rules, String data, String date, int places, Set<String> money)
        throws Exception {
        Path rejects = Files.createTempFile("quotalevy-rejects", ".csv");
        try (RuleSet rs = RuleSet.load(SRC.resolve(rules).toString())) {
            assertEquals(places, rs.currencyPlaces(), rules);
            Csv in = Csv.read(SRC.resolve(data));
            String keep = in.header.contains("name") ? "name" : "";
            List<String> args = new ArrayList<>(List.of("run", rules, data, "--date", date,
                                                        "-o", "-", "-q", "--rejects", rejects.toString()));
            if (!keep.isEmpty())
                args.addAll(List.of("--keep", keep));
            String cli = cli(args.toArray(new String[0]));
            Csv cliRejects = Csv.read(rejects);

            List<Map<String, Object>> records = new ArrayList<>();
            for (int k = 0; k < in.rows.size(); k++)
                records.add(in.record(k, rs));
            List<Outcome> outcomes = rs.evaluateAll(records, LocalDate.parse(date));

            StringBuilder out = new StringBuilder();
            List<String> header = new ArrayList<>(List.of("id"));
            if (!keep.isEmpty())
                header.add(keep);
            for (String o : rs.outputs()) {
                if (rs.isCheck(o))
                    for (String f : new String[] {"applicable", "compliant", "required", "actual", "shortfall"})
                        header.add(o + "_" + f);
                else
                    header.add(o);
            }
            out.append(String.join(",", header)).append('\n');
            List<String> rejected = new ArrayList<>();
            Map<String, Set<Integer>> scales = new HashMap<>(); /* output: scales seen */
            for (Outcome oc : outcomes) {
                int k = oc.index();
                if (!oc.ok()) {
                    RecordException e = oc.error();
                    rejected.add(in.lines.get(k) + "," + (in.header.indexOf(e.getField()) + 1) + ","
                                 + e.getField() + "," + e.getStatus() + "," + in.get(k, "id"));
                    continue;
                }
                Result r = oc.result();
                for (String o : rs.outputs())
                    if (!rs.isCheck(o) && r.output(o) instanceof BigDecimal d)
                        scales.computeIfAbsent(o, x -> new HashSet<>()).add(d.scale());
                List<String> row = new ArrayList<>(List.of(csvField(in.get(k, "id"))));
                if (!keep.isEmpty())
                    row.add(csvField(in.get(k, keep)));
                for (String o : rs.outputs()) {
                    if (rs.isCheck(o))
                        for (int f = 0; f < 5; f++)
                            row.add(csvField(r.checkText(o, f)));
                    else
                        row.add(csvField(r.text(o)));
                }
                out.append(String.join(",", row)).append('\n');
            }
            assertEquals(cli, out.toString());
            assertTrue(outcomes.size() > 3);
            assertFalse(scales.isEmpty(), rules);
            scales.forEach((o, seen) -> assertEquals(1, seen.size(), rules + ": " + o + " has scales " + seen));
            for (String o : money)
                assertEquals(Set.of(places), scales.get(o), rules + ": money output " + o);

            List<String> want = new ArrayList<>();
            for (List<String> row : cliRejects.rows) /* line, column, field, status, message, id */
                want.add(row.get(0) + "," + row.get(1) + "," + row.get(2) + "," + row.get(3) + "," + row.get(5));
            assertEquals(want, rejected);
        } finally {
            Files.deleteIfExists(rejects);
        }
    }
}
