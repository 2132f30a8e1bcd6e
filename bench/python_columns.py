#!/usr/bin/env python3
"""The Python binding's columnar path against its targets (issue #17),
timed beside the command in the same run, on one generated file
(bench/gen_units.py, Jilin rules).  One command:

    PYTHONPATH=build/bindings/python python3 bench/python_columns.py
        [--rows 1000000] [--repeats 5] [--build build] [--no-dask] [--smoke]

Measured, each the median of the repeats:
  1. quotalevy run on one thread, CSV -> CSV (the peer for the ratios);
  2. RuleSet.evaluate_columns from lists of strings, outputs as columns
     (their values made when read), and the same with every column then
     read as a list of objects;
  3. RuleSet.evaluate_frame from a DataFrame of strings, the output
     DataFrame of Decimal / bool / None built;
  4. the record way against the typed way of evaluate_columns and
     evaluate_frame (bindings/python/typedcols.h), paired: in turn within
     each repeat, on Jilin and on the pool's rules (rules/cn/jilin-pool.yaml:
     Jilin's inputs without its two date outputs, the 'id' column left out
     and an enterprise's empty posts 0 at county level, so that every row
     is evaluated in place);
  5. examples/dask_levy.py's levy on a LocalCluster of 1 and of 2 worker
     processes (the cluster started before the clock; reading the CSV,
     levying and the totals timed).
The two one-core paths are one thread each: their rows per second are
given per second of the process's CPU time (what one core delivers, less
disturbed by a shared machine than the wall clock) and of wall time; the
command's as its wall time and, for the ratio, its CPU time (user +
system of the child: it runs a reading and a writing thread besides the
worker).  Nothing is printed before every path's levy total equals the
command's to the fen.  Ends with one line per target: met / not met.
--smoke: 20,000 rows, one repeat, agreement only.
"""
import argparse
import csv
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
RULES = os.path.join(ROOT, "rules", "cn", "jilin.yaml")
POOL = os.path.join(ROOT, "rules", "cn", "jilin-pool.yaml")
DATE = "2024-06-30"

TARGET_COLUMNS = 1_000_000   # rows/s, one core, lists of str in, columns out
TARGET_FRAME = 500_000       # rows/s, one core, the DataFrame built
TARGET_DASK = 1.6            # 2 workers' throughput over 1 worker's


def children_cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def measure(fn, repeats, cpu=time.process_time):
    """(median wall seconds, median CPU seconds, last result)."""
    walls, cpus, out = [], [], None
    for _ in range(repeats):
        # the previous repeat's result is freed before the clock starts:
        # freeing a million rows' objects is not the next call's work
        out = None
        c0, t0 = cpu(), time.perf_counter()
        out = fn()
        walls.append(time.perf_counter() - t0)
        cpus.append(cpu() - c0)
    return statistics.median(walls), statistics.median(cpus), out


def load():
    return "%.1f" % os.getloadavg()[0]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--no-dask", action="store_true")
    ap.add_argument("--smoke", action="store_true")
    a = ap.parse_args()
    if a.smoke:
        a.rows, a.repeats = 20_000, 1
    sys.path.insert(0, os.path.join(ROOT, "examples"))
    import pandas as pd
    import quotalevy
    cli = os.path.join(a.build, "tools", "quotalevy")
    rs = quotalevy.RuleSet.load(RULES)
    results = []          # (name, wall, cpu or None)
    paired = []           # (name, record way / typed way CPU, rows/s each, rows in place)
    load_before = load()
    with tempfile.TemporaryDirectory() as d:
        data = os.path.join(d, "units.csv")
        with open(data, "w") as f:
            subprocess.run([sys.executable, os.path.join(HERE, "gen_units.py"),
                            str(a.rows)], stdout=f, check=True)
        out = os.path.join(d, "out.csv")

        def run_cli():
            summ = os.path.join(d, "summary.csv")
            p = subprocess.run([cli, "run", RULES, data, "--date", DATE, "-j", "1",
                                "--summary", summ, "-o", out], capture_output=True, text=True)
            assert p.returncode == 0, p.stderr
            with open(summ, newline="") as f:
                total = [r for r in csv.DictReader(f) if r["scope"] == "total"][0]
            return Decimal(total["levy_due"])

        t_cli, c_cli, want = measure(run_cli, a.repeats, children_cpu)
        results.append(("quotalevy run, 1 thread, CSV -> CSV", t_cli, c_cli))

        df = pd.read_csv(data, dtype=str, keep_default_na=False)
        columns = {c: df[c].tolist() for c in df.columns}
        t, c, cols = measure(lambda: rs.evaluate_columns(columns, DATE), a.repeats)
        got = sum((v for v in cols["levy_due"]), Decimal(0))
        assert got == want, ("evaluate_columns", got, want)
        results.append(("evaluate_columns, lists of str in, columns out", t, c))
        del cols

        # the columns' values are made when read: every one of them read
        t, c, lists = measure(lambda: {k: v.tolist() for k, v in
                                       rs.evaluate_columns(columns, DATE).items()}, a.repeats)
        got = sum(lists["levy_due"], Decimal(0))
        assert got == want, ("evaluate_columns, read", got, want)
        results.append(("evaluate_columns, and every column read as objects", t, c))
        del lists

        # the same call the record way (every row a record: the way before
        # typedcols.h) and the typed way, in turn within each repeat, on
        # Jilin and on the pool's rules (Jilin's inputs; no date output,
        # no 'id' column: every row in place)
        from quotalevy import _frame
        pool = quotalevy.RuleSet.load(POOL)
        # an enterprise has no posts and no administrative level, which the
        # pool's rules need: 0 posts, at county level
        pool_columns = {k: v for k, v in columns.items() if k != "id"}
        pool_columns["posts"] = [p if p else "0" for p in pool_columns["posts"]]
        pool_columns["admin_level"] = [v if v else "county" for v in pool_columns["admin_level"]]
        pool_df = pd.DataFrame(pool_columns)
        for label, fn, key in (
                ("evaluate_columns, Jilin",
                 lambda typed: rs._evaluate_columns(columns, DATE, typed=typed), "levy_due"),
                ("evaluate_columns, pool rules, no id",
                 lambda typed: pool._evaluate_columns(pool_columns, DATE, errors="column",
                                                      typed=typed), "pool_shortfall"),
                ("evaluate_frame, pool rules, no id",
                 lambda typed: _frame.evaluate_frame(pool, pool_df, DATE, [], "column",
                                                     "refuse", "warn", typed=typed),
                 "pool_shortfall")):
            ratios, rates, in_place = [], [], 0
            for _ in range(a.repeats):
                cpu, cells = {}, {}
                for typed in (False, True):
                    out = None
                    c0 = time.process_time()
                    out = fn(typed)
                    cpu[typed] = time.process_time() - c0
                    in_place = out[1] if typed else in_place
                    cells[typed] = [str(v) for v in out[0][key]]
                    del out
                assert cells[False] == cells[True], (label, "the two ways differ")
                ratios.append(cpu[False] / cpu[True])
                rates.append((a.rows / cpu[False], a.rows / cpu[True]))
            paired.append((label, statistics.median(ratios),
                           statistics.median(r[0] for r in rates),
                           statistics.median(r[1] for r in rates), in_place))

        t, c, frame = measure(lambda: rs.evaluate_frame(df, DATE, keep=["id"]), a.repeats)
        got = sum(frame["levy_due"], Decimal(0))
        assert got == want, ("evaluate_frame", got, want)
        results.append(("evaluate_frame, DataFrame of str in, DataFrame out", t, c))
        del frame

        dask_times = {}
        if not a.no_dask:
            from dask.distributed import Client, LocalCluster
            import dask_levy
            for workers in (1, 2):
                with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, Client(cluster) as client:
                    blocksize = max(1 << 20, os.path.getsize(data) // (8 * workers))
                    t, _, got = measure(lambda: dask_levy.levy(data, RULES, DATE, client,
                                                               blocksize), a.repeats)
                    assert got[2] == want and got[0] == a.rows, ("dask", got, want)
                    dask_times[workers] = t
                    results.append(("Dask, %d worker process%s, CSV -> totals"
                                    % (workers, "es" * (workers > 1)), t, None))
    print("levy total of every path: %s (%d rows, %s)" % (want, a.rows, rs.id))
    if a.smoke:
        return 0
    print("load average (1 min) before %s, after %s, on %d cores"
          % (load_before, load(), os.cpu_count() or 0))
    print()
    print("| path | rows/s (wall) | rows/s (CPU) | × `quotalevy run` 1 thread, wall | × run, CPU |")
    print("|---|---:|---:|---:|---:|")
    for name, t, c in results:
        print("| %s | %s | %s | %.2f | %s |" % (
            name, format(int(a.rows / t), ","),
            format(int(a.rows / c), ",") if c else "–", t_cli / t,
            "%.2f" % (c_cli / c) if c else "–"))
    print()
    print("Paired, the record way against the typed way (typedcols.h), CPU time, "
          "median of %d repeats:" % a.repeats)
    print()
    print("| call | record way rows/s | typed way rows/s | record ÷ typed CPU | rows in place |")
    print("|---|---:|---:|---:|---:|")
    for label, ratio, r_rec, r_typed, in_place in paired:
        print("| %s | %s | %s | %.2f | %s |" % (label, format(int(r_rec), ","),
                                               format(int(r_typed), ","), ratio,
                                               format(in_place, ",")))
    print()
    by = {name: (t, c) for name, t, c in results}

    def judge(label, value, target, unit):
        ok = value >= target
        what = "rows/s" if unit == ",.0f" else "×"
        print("target %s: %s %s (target %s %s): %s"
              % (label, format(value, unit), what, format(target, unit), what,
                 "met" if ok else "not met"))

    t, c = by["evaluate_columns, lists of str in, columns out"]
    judge("evaluate_columns >= 1,000,000 rows/s on one core", a.rows / c,
          TARGET_COLUMNS, ",.0f")
    t, c = by["evaluate_frame, DataFrame of str in, DataFrame out"]
    judge("evaluate_frame >= 500,000 rows/s, DataFrame built", a.rows / c,
          TARGET_FRAME, ",.0f")
    if len(dask_times) == 2:
        judge("Dask 2 workers >= 1.6x 1 worker", dask_times[1] / dask_times[2],
              TARGET_DASK, ".2f")
    else:
        print("target Dask 2 workers >= 1.6x 1 worker: not measured (--no-dask)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
