package quotalevy;

import static org.junit.jupiter.api.Assertions.*;
import static quotalevy.Fixtures.*;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/* examples/Payroll.java, the nightly run, books exactly the levies the
 * command computes for the same organisations and lists the rows the
 * command rejects. */
class PayrollTest {
    @Test
    void theNightlyRunBooksTheCommandsLevies() throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int status;
        try (PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8)) {
            status = (Integer)Class.forName("Payroll")
                         .getMethod("run", String[].class, PrintStream.class)
                         .invoke(null, new String[] {JILIN, SRC.resolve("examples/jilin-units.csv").toString(),
                                                     "2024-06-30"}, out);
        }
        String text = buf.toString(StandardCharsets.UTF_8);
        assertEquals(1, status, text); /* six rows are wrong on purpose */

        /* The rejects go to a file of the test's own, never to a device. */
        java.nio.file.Path rejects = java.nio.file.Files.createTempFile("payroll-rejects", ".csv");
        Csv cli;
        try {
            cli = Csv.parse(cli("run", "rules/cn/jilin.yaml", "examples/jilin-units.csv",
                                "--date", "2024-06-30", "-q", "--rejects", rejects.toString()));
        } finally {
            java.nio.file.Files.deleteIfExists(rejects);
        }
        Map<String, String> booked = new HashMap<>();
        for (String line : text.split("\n")) {
            String[] w = line.trim().split(" +");
            if (w.length >= 5 && w[1].equals("levy"))
                booked.put(w[0], w[2]);
        }
        assertEquals(cli.rows.size(), booked.size(), text);
        BigDecimal total = BigDecimal.ZERO;
        for (int k = 0; k < cli.rows.size(); k++) {
            String levy = cli.get(k, "levy_due");
            assertEquals(levy, booked.get(cli.get(k, "id")), cli.get(k, "id"));
            total = total.add(new BigDecimal(levy));
        }
        assertTrue(text.contains(cli.rows.size() + " organisations booked, levy due "
                                 + total.toPlainString() + " in total"), text);
        assertTrue(text.contains("6 organisations not evaluated"), text);
        assertTrue(text.contains("JL-X003  wage_total "), text);
        assertTrue(text.contains("JL-X004  unit_type "), text);
    }
}
