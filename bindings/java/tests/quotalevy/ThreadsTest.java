package quotalevy;

import static org.junit.jupiter.api.Assertions.*;
import static quotalevy.Fixtures.*;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/* One RuleSet shared by 8 threads, evaluating one record at a time and in
 * batches, all at once: every result equal to the one computed alone. */
class ThreadsTest {
    @Test
    void eightThreadsShareOneRuleSet() throws Exception {
        LocalDate date = LocalDate.of(2024, 6, 30);
        try (RuleSet rs = RuleSet.load(JILIN)) {
            Csv in = Csv.read(SRC.resolve("examples/jilin-units.csv"));
            List<Map<String, Object>> recs = new ArrayList<>();
            for (int k = 0; k < in.rows.size(); k++)
                recs.add(in.record(k, rs));
            List<String> want = new ArrayList<>();
            for (Map<String, Object> r : recs)
                want.add(outcome(rs, r, date));

            int threads = 8, rounds = 60;
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            CountDownLatch start = new CountDownLatch(1);
            List<Future<int[]>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                final int id = t;
                futures.add(pool.submit(() -> {
                    start.await();
                    int wrong = 0, done = 0;
                    for (int round = 0; round < rounds; round++) {
                        if ((round + id) % 2 == 0) {
                            for (int k = 0; k < recs.size(); k++, done++)
                                if (!outcome(rs, recs.get(k), date).equals(want.get(k)))
                                    wrong++;
                        } else {
                            List<Outcome> got = rs.evaluateAll(recs, date);
                            for (int k = 0; k < recs.size(); k++, done++)
                                if (!text(got.get(k)).equals(want.get(k)))
                                    wrong++;
                        }
                    }
                    return new int[] {wrong, done};
                }));
            }
            start.countDown();
            int wrong = 0, done = 0;
            for (Future<int[]> f : futures) {
                int[] r = f.get(5, TimeUnit.MINUTES);
                wrong += r[0];
                done += r[1];
            }
            pool.shutdown();
            assertEquals(threads * rounds * recs.size(), done);
            assertEquals(0, wrong, wrong + " wrong results of " + done);
        }
    }

    /* close() while other threads evaluate: it waits for the running
     * calls, later ones throw IllegalStateException; nothing crashes and
     * no result is wrong. */
    @Test
    void closeWhileOthersEvaluate() throws Exception {
        LocalDate date = LocalDate.of(2024, 6, 30);
        for (int round = 0; round < 20; round++) {
            RuleSet rs = RuleSet.load(NATIONAL);
            String want = rs.evaluate(firm(), date).toString();
            ExecutorService pool = Executors.newFixedThreadPool(4);
            CountDownLatch running = new CountDownLatch(4);
            List<Future<Integer>> futures = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                final boolean batch = t % 2 == 0;
                futures.add(pool.submit(() -> {
                    int wrong = 0;
                    running.countDown();
                    try {
                        for (;;) {
                            String got = batch ? rs.evaluateAll(List.of(firm()), date).get(0).result().toString()
                                               : rs.evaluate(firm(), date).toString();
                            if (!got.equals(want))
                                wrong++;
                        }
                    } catch (IllegalStateException closed) {
                        return wrong;
                    }
                }));
            }
            running.await();
            Thread.sleep(2);
            rs.close();
            for (Future<Integer> f : futures)
                assertEquals(0, f.get(1, TimeUnit.MINUTES));
            pool.shutdown();
        }
    }

    private static String outcome(RuleSet rs, Map<String, Object> r, LocalDate date) {
        try {
            return rs.evaluate(r, date).toString();
        } catch (RecordException e) {
            return "error " + e.getField() + ": " + e.getMessage();
        }
    }

    private static String text(Outcome o) {
        return o.ok() ? o.result().toString()
                      : "error " + o.error().getField() + ": " + o.error().getMessage();
    }
}
