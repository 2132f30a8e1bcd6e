package quotalevy;

import static org.junit.jupiter.api.Assertions.*;
import static quotalevy.Fixtures.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/* Every example data file evaluated from Java and written as the command
 * writes it: byte for byte the command's own output, run beside it, and
 * the same rows rejected with the same fields. */
class ExamplesTest {
    @ParameterizedTest
    @CsvSource({
        "rules/cn/jilin.yaml, examples/jilin-units.csv, 2024-06-30, name",
        "rules/de/sgb9.yaml, examples/de-employers.csv, 2024-12-31, ''",
        "rules/jp/levy.yaml, examples/jp-employers.csv, 2025-10-01, ''",
        "rules/fr/oeth.yaml, examples/fr-companies.csv, 2024-12-31, ''",
    })
    void equalToTheCommandLine(String rules, String data, String date, String keep) throws Exception {
        Path rejects = Files.createTempFile("quotalevy-rejects", ".csv");
        try (RuleSet rs = RuleSet.load(SRC.resolve(rules).toString())) {
            List<String> args = new ArrayList<>(List.of("run", rules, data, "--date", date,
                                                        "-o", "-", "-q", "--rejects", rejects.toString()));
            if (!keep.isEmpty())
                args.addAll(List.of("--keep", keep));
            String cli = cli(args.toArray(new String[0]));
            Csv cliRejects = Csv.read(rejects);

            Csv in = Csv.read(SRC.resolve(data));
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
            for (Outcome oc : outcomes) {
                int k = oc.index();
                if (!oc.ok()) {
                    RecordException e = oc.error();
                    rejected.add(in.lines.get(k) + "," + (in.header.indexOf(e.getField()) + 1) + ","
                                 + e.getField() + "," + e.getStatus() + "," + in.get(k, "id"));
                    continue;
                }
                Result r = oc.result();
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

            List<String> want = new ArrayList<>();
            for (List<String> row : cliRejects.rows) /* line, column, field, status, message, id */
                want.add(row.get(0) + "," + row.get(1) + "," + row.get(2) + "," + row.get(3) + "," + row.get(5));
            assertEquals(want, rejected);
        } finally {
            Files.deleteIfExists(rejects);
        }
    }
}
