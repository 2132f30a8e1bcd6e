#!/usr/bin/env python3
"""The PostgreSQL benchmark: one generated table of employer records,
levied in the database and by the command, in one run.

    bench/pg_levy.py [--rows 1000000] [--repeats 3] [--build build]

Measured, each the median of the repeats, all on the same rows
(bench/gen_units.py, Jilin rules, 2024-06-30), the configurations taken
in turn within each repeat so that a change in the machine's load falls on
all of them alike:
  1. the extension, serial (max_parallel_workers_per_gather = 0) and
     parallel (2 workers): sum((quotalevy.evaluate_as(…, NULL::levy)).levy_due)
     in the select list — a result type of the one column needed — with
     jit off and on; and the LATERAL form, parallel;
  2. the levy written by hand in exact SQL (integer fen, as
     bench/duckdb_levy.mjs), serial and parallel, jit off and on;
  3. the command over the CSV (quotalevy run, every core).
Before any timing is printed, the three levy totals must agree to the fen.
Then the serving backend's memory is read (RssAnon) after 10 % of the
rows and after all of them: flat means it does not grow with the input.
The server is a throwaway one (scripts/pg-sandbox.sh) under a temporary
folder in /tmp.
"""
import argparse
import os
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
DATE = "2024-06-30"

COLUMNS = """id text, unit_type text, admin_level text, school boolean,
  disability_federation boolean, posts integer, employees numeric,
  disabled integer, disabled_severe integer, wage_total numeric,
  local_avg_wage numeric, cadres integer, disabled_cadres integer,
  new_service_points integer, service_points_to_disabled integer"""

EXTENSION = (f"SELECT count(*), sum((quotalevy.evaluate_as('cn/jilin', u, "
             f"'{DATE}', NULL::levy)).levy_due) FROM units u")
LATERAL = (f"SELECT count(*), sum(r.levy_due) FROM units u, LATERAL "
           f"quotalevy.evaluate_as('cn/jilin', u, '{DATE}', NULL::levy) r")

# The levy by hand, exactly: headcounts in hundredths of a person, money in
# fen, every division an integer one that rounds half up where the rules
# round (the same arithmetic as bench/duckdb_levy.mjs).
HAND = """
WITH u AS (
  SELECT unit_type, (employees * 100)::bigint AS e, (wage_total * 100)::bigint AS w,
         (local_avg_wage * 100)::bigint AS lw,
         (disabled + 2 * disabled_severe)::bigint AS c
  FROM units),
v AS (
  SELECT *, e * 16 AS r5, c * 100000 AS c5,
         CASE WHEN e > 0 THEN (200 * w + e) / (2 * e) ELSE 0 END AS avg_fen
  FROM u),
x AS (
  SELECT *, greatest(r5 - c5, 0) AS s5, least(avg_fen, 2 * lw) AS wage_fen,
         c5 >= r5 AS met
  FROM v),
y AS (
  SELECT *, (2 * s5 * wage_fen + 100000) / 200000 AS gross_fen,
         CASE WHEN met THEN 10 WHEN c * 10000 >= e THEN 5 ELSE 9 END AS rate10,
         unit_type = 'enterprise' AND e <= 3000 AS exempt
  FROM x)
SELECT count(*),
       sum(CASE WHEN exempt THEN 0
                ELSE gross_fen - (gross_fen * (10 - rate10) + 5) / 10 END) / 100.0
FROM y"""

SERIAL = "SET max_parallel_workers_per_gather = 0;"
PARALLEL = "SET max_parallel_workers_per_gather = 2;"
JIT_OFF = "SET jit = off;"
JIT_ON = "SET jit = on;"


def sh(cmd, **kw):
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kw)


def psql(env, sql):
    return sh(["psql", "-X", "-At", "-q", "-v", "ON_ERROR_STOP=1", "-c", sql],
              env=env).stdout.strip()


def timed_in_turn(fns, repeats):
    """{name: median seconds}, the fns run in turn within each repeat."""
    times = {name: [] for name in fns}
    for _ in range(repeats):
        for name, fn in fns.items():
            t0 = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - t0)
    return {name: statistics.median(t) for name, t in times.items()}


def fen(text):
    return Decimal(text).quantize(Decimal("0.01"))


def rss_anon(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("RssAnon:"):
                return int(line.split()[1])
    return -1


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rows", type=int, default=1000000)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    a = ap.parse_args()
    cli = os.path.join(a.build, "tools", "quotalevy")
    tmp = tempfile.mkdtemp(prefix="ql-bench-pg.", dir="/tmp")
    sandbox = os.path.join(tmp, "pg")
    env = dict(os.environ, QL_BUILD_DIR=a.build)
    try:
        csv_path = os.path.join(tmp, "units.csv")
        with open(csv_path, "w") as f:
            subprocess.run([sys.executable, os.path.join(HERE, "gen_units.py"),
                            str(a.rows)], stdout=f, check=True)
        os.chmod(tmp, 0o755)
        os.chmod(csv_path, 0o644)
        out = sh([os.path.join(ROOT, "scripts", "pg-sandbox.sh"), "start", sandbox],
                 env=env).stdout
        env.update(w.split("=", 1) for w in shlex.split(out.strip())[1:])
        psql(env, f"CREATE TABLE units ({COLUMNS})")
        sh(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-c",
            f"\\copy units FROM '{csv_path}' WITH (FORMAT csv, HEADER true)"], env=env)
        psql(env, "ANALYZE units; CREATE TYPE levy AS (levy_due numeric)")
        plan = psql(env, PARALLEL + "EXPLAIN " + EXTENSION)
        workers = re.search(r"Workers Planned: (\d+)", plan)

        # agreement first
        ext_s = psql(env, SERIAL + EXTENSION).split("|")
        ext_p = psql(env, PARALLEL + EXTENSION).split("|")
        ext_l = psql(env, PARALLEL + LATERAL).split("|")
        hand = psql(env, SERIAL + HAND).split("|")
        cli_out = os.path.join(tmp, "levy.csv")

        def run_cli():
            subprocess.run([cli, "run", os.path.join(ROOT, "rules/cn/jilin.yaml"),
                            csv_path, "--date", DATE, "-o", cli_out, "--quiet"],
                           check=True, capture_output=True)
        run_cli()
        import csv as csvmod
        with open(cli_out, newline="") as f:
            rows = list(csvmod.DictReader(f))
        cli_total = sum(Decimal(r["levy_due"]) for r in rows)
        totals = {"extension serial": (int(ext_s[0]), fen(ext_s[1])),
                  "extension parallel": (int(ext_p[0]), fen(ext_p[1])),
                  "extension LATERAL": (int(ext_l[0]), fen(ext_l[1])),
                  "hand-written SQL": (int(hand[0]), fen(hand[1])),
                  "quotalevy run": (len(rows), fen(cli_total))}
        if len(set(totals.values())) != 1:
            for k, v in totals.items():
                print(f"{k:20} rows {v[0]:>9} levy {v[1]}", file=sys.stderr)
            sys.exit("pg_levy: the totals disagree; no timing is shown")
        n, total = totals["quotalevy run"]

        configs = {
            "extension, serial, jit off": SERIAL + JIT_OFF + EXTENSION,
            "extension, parallel (2 workers), jit off": PARALLEL + JIT_OFF + EXTENSION,
            "extension, parallel (2 workers), jit on": PARALLEL + JIT_ON + EXTENSION,
            "extension, LATERAL form, parallel, jit off": PARALLEL + JIT_OFF + LATERAL,
            "hand-written exact SQL, serial, jit off": SERIAL + JIT_OFF + HAND,
            "hand-written exact SQL, parallel (2 workers), jit off": PARALLEL + JIT_OFF + HAND,
            "hand-written exact SQL, parallel (2 workers), jit on": PARALLEL + JIT_ON + HAND,
        }
        fns = {name: (lambda sql=sql: psql(env, sql)) for name, sql in configs.items()}
        fns["quotalevy run over the CSV, 2 threads"] = run_cli
        medians = timed_in_turn(fns, a.repeats)
        results = list(medians.items())

        # memory of the serving backend: after a tenth of the rows, then all
        p = subprocess.Popen(["psql", "-X", "-At", "-q"], env=env, stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, text=True)
        script = (SERIAL + JIT_OFF + "SELECT pg_backend_pid();"
                  f"{EXTENSION.replace('FROM units u', f'FROM (SELECT * FROM units LIMIT {n // 10}) u')};"
                  "SELECT pg_sleep(1);" + EXTENSION + ";SELECT pg_sleep(1);")
        p.stdin.write(script)
        p.stdin.close()
        pid = int(p.stdout.readline())
        p.stdout.readline()
        small = rss_anon(pid)
        p.stdout.readline()
        p.stdout.readline()
        large = rss_anon(pid)
        p.wait()

        print(f"{n:,} rows, levy total {total} yuan (all five agree to the fen); "
              f"planner's workers for the extension query: "
              f"{workers.group(1) if workers else 'none'}")
        base = min(medians["hand-written exact SQL, parallel (2 workers), jit off"],
                   medians["hand-written exact SQL, parallel (2 workers), jit on"])
        cli_t = medians["quotalevy run over the CSV, 2 threads"]
        print(f"medians of {a.repeats}; × hand SQL: against the faster of its two "
              "parallel runs")
        print("| how | seconds | rows/s | × hand SQL parallel | × quotalevy run |")
        print("|---|---:|---:|---:|---:|")
        for name, t in results:
            print(f"| {name} | {t:.2f} | {n / t:,.0f} | {base / t:.2f} | {cli_t / t:.2f} |")
        print(f"backend RssAnon after {n // 10:,} rows: {small} kB; after {n:,}: {large} kB")
    finally:
        subprocess.run([os.path.join(ROOT, "scripts", "pg-sandbox.sh"), "stop", sandbox],
                       capture_output=True)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
