#!/usr/bin/env python3
"""The Python binding's columnar path, timed against the command in the
same run, on one generated file (bench/gen_units.py, Jilin rules).

    bench/python_columns.py [--rows 1000000] [--repeats 5] [--build build]
                            [--no-dask] [--smoke]

Measured, each the median of the repeats:
  1. quotalevy run on one thread, CSV -> CSV (the peer for the ratios);
  2. RuleSet.evaluate_columns from lists of strings, outputs as columns
     (one core: the call is one thread);
  3. RuleSet.evaluate_frame from a DataFrame of strings, the output
     DataFrame of Decimal / bool / None built;
  4. examples/dask_levy.py's levy on a LocalCluster of 1 and of 2 worker
     processes (the cluster started before the clock; reading the CSV,
     levying and the totals timed).
Nothing is printed before every path's levy total equals the command's
to the fen.  --smoke: 20,000 rows, one repeat, agreement only.
Run it with the Python that has the binding's build on its path, e.g.
    PYTHONPATH=build/bindings/python python3 bench/python_columns.py
"""
import argparse
import csv
import os
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
RULES = os.path.join(ROOT, "rules", "cn", "jilin.yaml")
DATE = "2024-06-30"


def median_time(fn, repeats):
    times, out = [], None
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out


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
    results = []
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

        t_cli, want = median_time(run_cli, a.repeats)
        results.append(("quotalevy run, 1 thread, CSV -> CSV", t_cli))

        df = pd.read_csv(data, dtype=str, keep_default_na=False)
        columns = {c: df[c].tolist() for c in df.columns}
        t, cols = median_time(lambda: rs.evaluate_columns(columns, DATE), a.repeats)
        got = sum((v for v in cols["levy_due"]), Decimal(0))
        assert got == want, ("evaluate_columns", got, want)
        results.append(("evaluate_columns, lists of str in, columns out", t))

        t, frame = median_time(lambda: rs.evaluate_frame(df, DATE, keep=["id"]), a.repeats)
        got = sum(frame["levy_due"], Decimal(0))
        assert got == want, ("evaluate_frame", got, want)
        results.append(("evaluate_frame, DataFrame of str in, DataFrame out", t))
        del frame, cols

        dask_times = {}
        if not a.no_dask:
            from dask.distributed import Client, LocalCluster
            import dask_levy
            for workers in (1, 2):
                with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, Client(cluster) as client:
                    blocksize = max(1 << 20, os.path.getsize(data) // (8 * workers))
                    t, got = median_time(lambda: dask_levy.levy(data, RULES, DATE, client,
                                                                blocksize), a.repeats)
                    assert got[2] == want and got[0] == a.rows, ("dask", got, want)
                    dask_times[workers] = t
                    results.append(("Dask, %d worker process%s, CSV -> totals"
                                    % (workers, "es" * (workers > 1)), t))
    print("levy total of every path: %s (%d rows, %s)" % (want, a.rows, rs.id))
    if a.smoke:
        return 0
    print("| path | rows/s | × `quotalevy run` 1 thread |")
    print("|---|---:|---:|")
    for name, t in results:
        print("| %s | %s | %.2f |" % (name, format(int(a.rows / t), ","), t_cli / t))
    if len(dask_times) == 2:
        print("Dask 2 workers / 1 worker: %.2f×" % (dask_times[1] / dask_times[2]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
