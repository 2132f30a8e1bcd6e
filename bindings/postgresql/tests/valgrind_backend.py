#!/usr/bin/env python3
"""The PostgreSQL extension under valgrind memcheck, in a single-user
backend (scripts/test.sh's sanitizer stage for the extension).

AddressSanitizer cannot run the extension: the server is not
instrumented, and with libasan preloaded it hangs at start-up (even
`postgres -V`).  Valgrind needs nothing built differently: the sandbox's
cluster (scripts/pg-sandbox.sh: the extension from the build folder, the
bundled rule sets stored) is prepared by a normal server — tables, types,
a LATIN1 database — and stopped; then `postgres --single` runs under
valgrind over the statements of valgrind.sql, once per database they
name, one backend each.  The test fails when valgrind reports an error
(an invalid read or write, a use of uninitialised memory, a bad free:
exit 99), when the backend does not reach the last statement (a crash),
or when a statement meant to succeed fails or one meant to fail (a
paragraph opening with "-- error") succeeds.  Leaks are not counted: a
backend frees its memory contexts wholesale, which memcheck cannot tell
from a leak.

Usage: valgrind_backend.py SOURCE_DIR BUILD_DIR   (scripts/test.sh runs it)
"""
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time

SETUP = r"""
CREATE TABLE vg_units ({cols});
\copy vg_units FROM '{src}/examples/jilin-units.csv' WITH (FORMAT csv, HEADER true)
SELECT quotalevy.create_result_type('cn/jilin', 'vg_result');
CREATE DOMAIN vg_nonneg AS numeric CHECK (VALUE >= 0);
CREATE DOMAIN vg_lt1000 AS numeric CHECK (VALUE < 1000);
CREATE TYPE vg_dom AS (id text, levy_due vg_nonneg);
CREATE TYPE vg_small AS (levy_due vg_lt1000);
CREATE TABLE vg_bad (id text, employees double precision);
INSERT INTO vg_bad VALUES ('A', 1);
CREATE DATABASE lat1 TEMPLATE template0 ENCODING 'LATIN1' LC_COLLATE 'C' LC_CTYPE 'C';
"""
LATIN1_SETUP = r"""
CREATE EXTENSION quotalevy;
SELECT quotalevy.add_rule_file('t/lat', $r$quotalevy: 1
id: lat
title: "Prélèvement d'essai \u4F01\u4E1A"
jurisdiction: XX
version: "1"
currency: EUR
inputs:
  employes: {type: integer, min: 0, description: Effectif salarié}
  categorie: {type: enum, values: [privée, publique, "\u4F01\u4E1A"]}
computed:
  taux: if(categorie == "privée", 2, 3)
  prelevement: {expr: employes * taux, unit: money}
outputs: [categorie, prelevement]
$r$);
CREATE TABLE unités (id text, employes int, categorie text);
INSERT INTO unités VALUES ('é1', 10, 'privée'), ('é2', 3, 'publiqe');
"""
# each database's encoding, in which a single-user backend reads and writes
ENCODING = {"quotalevy": "utf-8", "lat1": "latin-1"}


def paragraphs(path):
    """{database: [(statement, must_fail)]} from the statements file."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    out, db = {}, "quotalevy"
    for para in re.split(r";\n\n+", text):
        lines = [l for l in para.strip().splitlines()]
        m = re.match(r"-- database: (\w+)$", lines[0]) if lines else None
        if m:
            db = m.group(1)
            lines = lines[1:]
        must_fail = bool(lines) and lines[0] == "-- error"
        body = "\n".join(l for l in lines if not l.startswith("--")).strip()
        if body:
            out.setdefault(db, []).append((body, must_fail))
    return out


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__.strip().splitlines()[-1])
    src, build = (os.path.abspath(a) for a in sys.argv[1:3])
    sandbox = tempfile.mkdtemp(prefix="ql-vg.", dir="/tmp")
    sb = os.path.join(src, "scripts/pg-sandbox.sh")
    env = dict(os.environ, QL_BUILD_DIR=build, QL_RULES_DIR=os.path.join(src, "rules"))
    try:
        p = subprocess.run([sb, "start", sandbox], capture_output=True, text=True, env=env)
        if p.returncode:
            sys.exit(f"the sandbox did not start: {p.stderr}")
        pg_env = dict(os.environ, PGCLIENTENCODING="UTF8")
        pg_env.update(w.split("=", 1) for w in shlex.split(p.stdout.strip())[1:])
        with open(os.path.join(src, "examples/jilin-units.csv"), encoding="utf-8") as f:
            header = f.readline().strip().split(",")
        cols = ", ".join(f'"{h}" text' for h in header)
        for db, sql in (("quotalevy", SETUP.format(cols=cols, src=src)),
                        ("lat1", LATIN1_SETUP)):
            r = subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", db],
                               input=sql, text=True, capture_output=True, env=pg_env)
            if r.returncode:
                sys.exit(f"setting up {db} failed: {r.stderr}")
        subprocess.run([sb, "stop", sandbox], capture_output=True, env=env, check=True)

        bindir = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True,
                                check=True).stdout.strip()
        postgres = os.path.join(sandbox, "pg" + bindir, "postgres")
        as_pg = ["runuser", "-u", "postgres", "--"] if os.getuid() == 0 else []
        failed = False
        here = os.path.join(src, "bindings/postgresql/tests")
        for db, statements in paragraphs(os.path.join(here, "valgrind.sql")).items():
            log = os.path.join(sandbox, f"valgrind-{db}.log")
            # each statement's outcome, in order: a marker after each one
            # (an error ends a statement, not the backend)
            marked = "".join(f"{s};\n\nSELECT 'vg-step-{i}';\n\n"
                             for i, (s, _) in enumerate(statements))
            start = time.monotonic()
            r = subprocess.run(
                as_pg + ["valgrind", "--error-exitcode=99", "--leak-check=no",
                         "--track-origins=yes", "--num-callers=30",
                         "--suppressions=" + os.path.join(here, "valgrind.supp"),
                         f"--log-file={log}", postgres, "--single", "-j",
                         "-D", os.path.join(sandbox, "data"), db],
                input=marked.encode(ENCODING.get(db, "utf-8")), stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT)
            took = time.monotonic() - start
            # a single-user backend converts nothing: its input and output
            # are in the database's encoding
            out = r.stdout.decode(ENCODING.get(db, "utf-8"), "replace")
            with open(log, encoding="utf-8", errors="replace") as f:
                vlog = f.read()
            summary = re.findall(r"ERROR SUMMARY: (\d+) errors", vlog)
            print(f"{db}: {len(statements)} statements under valgrind in {took:.0f} s, "
                  f"exit {r.returncode}, {summary[-1] if summary else '?'} errors")
            if r.returncode != 0 or not summary or summary[-1] != "0":
                print(vlog[-20000:])
                failed = True
            # the output between step markers says how each statement ended
            pieces = re.split(r'"vg-step-(\d+)"', out)
            seen = [int(n) for n in pieces[1::2]]
            if seen != list(range(len(statements))):
                print(f"{db}: the backend stopped after step {seen[-1] if seen else -1} "
                      f"of {len(statements)}:\n{out[-5000:]}")
                failed = True
                continue
            for i, (stmt, must_fail) in enumerate(statements):
                errored = "ERROR:" in pieces[2 * i]
                if errored != must_fail:
                    print(f"{db}: statement {i} {'succeeded' if must_fail else 'failed'}, "
                          f"which it must not:\n{stmt}\n{pieces[2 * i][-3000:]}")
                    failed = True
        sys.exit(1 if failed else 0)
    finally:
        subprocess.run([sb, "stop", sandbox], capture_output=True, env=env)
        shutil.rmtree(sandbox, ignore_errors=True)


if __name__ == "__main__":
    main()
