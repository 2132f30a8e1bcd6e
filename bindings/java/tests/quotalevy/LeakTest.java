package quotalevy;

import static org.junit.jupiter.api.Assertions.*;
import static quotalevy.Fixtures.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/* A million evaluations (single and in batches, with rule sets loaded and
 * dropped on the way) leave the Java heap and the process's resident
 * memory where they were after a warm-up: nothing is kept per evaluation
 * on either side of JNI.  The count can be lowered with
 * -Dquotalevy.leak.evaluations for a quick run; the suite runs 1,000,000. */
class LeakTest {
    static final int EVALUATIONS = Integer.getInteger("quotalevy.leak.evaluations", 1_000_000);

    static long heapUsed() throws InterruptedException {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(20);
        }
        return rt.totalMemory() - rt.freeMemory();
    }

    static long rss() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status")))
            if (line.startsWith("VmRSS:"))
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }

    /* n evaluations: 9 in 10 in batches of 1,000, the rest one by one. */
    static int run(RuleSet rs, List<Map<String, Object>> recs, LocalDate date, int n) {
        int done = 0, ok = 0;
        List<Map<String, Object>> batch = new ArrayList<>(1000);
        while (done < n) {
            if ((done / 1000) % 10 != 9) {
                batch.clear();
                for (int k = 0; k < 1000 && done < n; k++, done++)
                    batch.add(recs.get(done % recs.size()));
                for (Outcome o : rs.evaluateAll(batch, date))
                    if (o.ok() && o.result().decimal("levy_due") != null)
                        ok++;
            } else {
                for (int k = 0; k < 1000 && done < n; k++, done++) {
                    try {
                        if (rs.evaluate(recs.get(done % recs.size()), date).decimal("levy_due") != null)
                            ok++;
                    } catch (RecordException e) {
                        /* the example's six wrong rows */
                    }
                }
            }
        }
        return ok;
    }

    @Test
    void aMillionEvaluationsLeaveMemoryAsItWas() throws Exception {
        LocalDate date = LocalDate.of(2024, 6, 30);
        RuleSet rs = RuleSet.load(JILIN);
        Csv in = Csv.read(SRC.resolve("examples/jilin-units.csv"));
        List<Map<String, Object>> recs = new ArrayList<>();
        for (int k = 0; k < in.rows.size(); k++)
            recs.add(in.record(k, rs));

        int warm = Math.max(EVALUATIONS / 10, 1000);
        run(rs, recs, date, warm);
        for (int i = 0; i < 200; i++) { /* rule sets loaded, used and dropped */
            RuleSet.load(JILIN).evaluateAll(recs, date);
            if (i % 20 == 19)
                heapUsed();
        }
        long heap0 = heapUsed(), rss0 = rss();
        long t0 = System.nanoTime();
        int ok = run(rs, recs, date, EVALUATIONS);
        long seconds = (System.nanoTime() - t0) / 1_000_000_000L;
        long heap1 = heapUsed(), rss1 = rss();
        for (int i = 0; i < 200; i++) { /* never closed: the Cleaner frees them */
            RuleSet.load(JILIN).evaluateAll(recs, date);
            if (i % 20 == 19) /* as a busy program's collections would */
                heapUsed();
        }
        long heap2 = heapUsed(), rss2 = rss();
        rs.close();
        System.out.printf("leak: %,d evaluations in %d s; heap %,d -> %,d bytes, RSS %,d -> %,d bytes;"
                          + " 200 rule sets dropped: heap -> %,d, RSS -> %,d bytes%n",
                          EVALUATIONS, seconds, heap0, heap1, rss0, rss1, heap2, rss2);
        assertTrue(ok > EVALUATIONS * 4 / 5, ok + " evaluations succeeded");
        /* A leak of even 8 bytes an evaluation would be 8 MB. */
        assertTrue(heap1 - heap0 < 4L << 20, "the heap grew by " + (heap1 - heap0) + " bytes");
        assertTrue(rss1 - rss0 < 8L << 20, "RSS grew by " + (rss1 - rss0) + " bytes");
        /* Unfreed, 200 Jilin rule sets hold ~45 MB. */
        assertTrue(heap2 - heap1 < 4L << 20, "the heap grew by " + (heap2 - heap1) + " bytes");
        assertTrue(rss2 - rss1 < 16L << 20, "RSS grew by " + (rss2 - rss1) + " bytes");
    }
}
