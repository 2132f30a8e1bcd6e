#!/usr/bin/env python3
"""Where `quotalevy run`'s instructions go, thread by thread: the reading
thread against the workers (issue 18, the pipeline).

    bench/pipe_threads.py QUOTALEVY [--rows 50000] [--threads 2]
                          [--input UNITS.CSV] [--to-devnull]

Runs the command under callgrind (--separate-threads=yes) on ROWS and on
2 × ROWS rows of bench/gen_units.py (or the first rows of --input), Jilin
rules on 2024-06-30, `-o FILE`, and prints each thread's instructions a
row of the difference — (2 × ROWS run − ROWS run) / ROWS, so start-up and
the end are left out.  Thread 1 is the reading thread (the process's
first); the workers follow, then the writer thread.  Instruction counts
do not depend on the machine's load, unlike times: the figures to
compare before and after a change of the pipeline.  Times are for farm-bench's pairs (see
docs/performance.md, the pipeline section).
"""
import argparse
import glob
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
RULES = os.path.join(ROOT, "rules", "cn", "jilin.yaml")


def rows_file(folder, n, source):
    path = os.path.join(folder, "u%d.csv" % n)
    with open(path, "w") as out:
        if source:
            with open(source) as f:
                for i, line in enumerate(f):
                    if i > n:
                        break
                    out.write(line)
        else:
            subprocess.run([sys.executable, os.path.join(HERE, "gen_units.py"), str(n)],
                           stdout=out, check=True)
    return path


def per_thread(cli, folder, units, threads, to_devnull):
    """Instructions by thread number (1 = the reading thread)."""
    stem = os.path.join(folder, "cg.%s" % os.path.basename(units))
    out = "/dev/null" if to_devnull else os.path.join(folder, "out.csv")
    subprocess.run(["valgrind", "--tool=callgrind", "--separate-threads=yes",
                    "--callgrind-out-file=" + stem + ".%p", cli, "run", RULES, units,
                    "--date", "2024-06-30", "-q", "-j", str(threads), "-o", out],
                   check=True, capture_output=True)
    got = {}
    for f in glob.glob(stem + ".*-*"):
        t = int(f.rsplit("-", 1)[1])
        with open(f) as fh:
            for line in fh:
                m = re.match(r"summary: (\d+)", line)
                if m:
                    got[t] = int(m.group(1))
        os.remove(f)
    for f in glob.glob(stem + ".*"):
        os.remove(f)
    return got


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("cli")
    ap.add_argument("--rows", type=int, default=50000)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--input")
    ap.add_argument("--to-devnull", action="store_true")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        small = per_thread(a.cli, d, rows_file(d, a.rows, a.input), a.threads, a.to_devnull)
        large = per_thread(a.cli, d, rows_file(d, 2 * a.rows, a.input), a.threads,
                           a.to_devnull)
    if sorted(small) != sorted(large):
        sys.exit("the two runs had different threads: %s, %s" % (sorted(small), sorted(large)))
    total = 0
    print("thread                 instructions a row")
    for t in sorted(large):
        per = (large[t] - small[t]) / a.rows
        total += per
        # started in this order: the workers, then the writer (run_pipe.c)
        role = ("reading" if t == 1 else
                "writer" if t == max(large) and len(large) == a.threads + 2 else "worker")
        print("%-22s %10.0f" % ("%d (%s)" % (t, role), per))
    print("%-22s %10.0f" % ("all", total))


if __name__ == "__main__":
    main()
