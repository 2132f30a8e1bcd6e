#!/usr/bin/env python3
"""Two builds of `quotalevy run`, the same bytes: a differential check
for work on the command's pipeline (reading, setting fields, writing
rows), where the output must not change by a byte.

    same_output.py OLD_BINARY NEW_BINARY [--rows N] [--src DIR]

Runs both binaries on every bundled example with its rule set, and on
N rows of bench/gen_units.py (default 1,000,000) with bad rows mixed in
(a value that is no number, a negative one, a ragged row, a stray quote,
bytes that are not UTF-8, a bad date in a date column), each with -j 1
and -j 2, CSV and JSON Lines output, --keep, --rejects and --summary
(grouped), and compares every file and the closing message.  The same
rows with every field quoted (as many exports write them), spoilt with
quotes the grammar refuses (text after a closing quote, a blank before
an opening one) and fields that hold commas, quotes and line breaks, at
-j 1, 2 and 8; a quoted file with CR-only line ends, one whose last
quote never closes, and one with a quoted field past the record limit.
Exit 0
when all are identical; otherwise names the first difference of each
case that differs.  Outputs go to a temporary folder.
"""
import argparse
import os
import random
import subprocess
import sys
import tempfile

EXAMPLES = [
    ("rules/cn/jilin.yaml", "examples/jilin-units.csv", "2024-06-30", ["--keep", "name"]),
    ("rules/cn/jilin.yaml", "examples/jilin-agencies.csv", "2024-06-30", ["--keep", "name"]),
    ("rules/cn/jilin.yaml", "examples/jilin-units.csv", "2026-06-30", []),
    ("rules/cn/national.yaml", "examples/jilin-units.csv", "2019-12-31", []),
    ("rules/de/sgb9.yaml", "examples/de-employers.csv", "2024-12-31", []),
    ("rules/jp/levy.yaml", "examples/jp-employers.csv", "2025-10-01", []),
    ("rules/fr/oeth.yaml", "examples/fr-companies.csv", "2024-12-31", []),
]


def generated(src, path, rows):
    """gen_units.py's rows, about 1 % of them spoilt, and a date column
    (a few of its dates bad or empty)."""
    gen = subprocess.run([sys.executable, os.path.join(src, "bench", "gen_units.py"),
                          str(rows), "--seed", "9"], capture_output=True, check=True)
    lines = [l for l in gen.stdout.split(b"\n") if l]
    r = random.Random(13)
    spoil = [lambda f: f.__setitem__(6, b"12x"), lambda f: f.__setitem__(7, b"-5"),
             lambda f: f.append(b"extra"), lambda f: f.__setitem__(1, b'a"b'),
             lambda f: f.__setitem__(0, b"\xff" + f[0]),
             lambda f: f.__setitem__(15, b"2024-02-30"), lambda f: f.__setitem__(15, b"")]
    with open(path, "wb") as out:
        out.write(lines[0] + b",date\n")
        for l in lines[1:]:
            f = l.split(b",") + [b"2024-06-30"]
            if r.random() < 0.01:
                r.choice(spoil)(f)
            out.write(b",".join(f) + b"\n")


def quote(f):
    return b'"' + f.replace(b'"', b'""') + b'"'


def quoted(src, plain, path, rows):
    """The generated rows (plain: generated()'s file) with every field
    quoted, about 1 % of them spoilt or holding what only quotes can."""
    r = random.Random(17)
    spoil = [lambda f: f.__setitem__(1, b'"enter"prise"'),  # text after a close
             lambda f: f.__setitem__(1, b' "enterprise"'),   # a blank before
             lambda f: f.__setitem__(0, quote(f[0][1:-1] + b',"x"')),
             lambda f: f.__setitem__(0, quote(f[0][1:-1] + b"\nnext line")),
             lambda f: f.__setitem__(6, b'"12""x"'),
             lambda f: f.__setitem__(6, quote(b"1\r2"))]
    with open(plain, "rb") as f, open(path, "wb") as out:
        for k, l in enumerate(f.read().split(b"\n")):
            if not l:
                continue
            fields = [quote(x) for x in l.split(b",")]
            if k and r.random() < 0.01:
                r.choice(spoil)(fields)
            out.write(b",".join(fields) + b"\n")


def edge_files(src, qpath, tmp):
    """Small quoted inputs at the grammar's edges: CR-only line ends, a
    quote still open at the end of the input, a field past the limit."""
    with open(qpath, "rb") as f:
        head = f.read(1 << 20).split(b"\n")[:2001]
    files = {}
    files["CR-only line ends"] = b"\r".join(head) + b"\r"
    files["a quote open at the end"] = (b"\n".join(head) + b"\n" +
                                        b'"U9","enter\n' + b'"x","y\n' * 3)
    files["a field past the record limit"] = (
        b"\n".join(head[:1000]) + b"\n" + b'"L1","' + b"x" * (17 << 20) + b'"\n' +
        b"\n".join(head[1000:]) + b"\n")
    out = []
    for name, data in files.items():
        p = os.path.join(tmp, name.replace(" ", "-") + ".csv")
        with open(p, "wb") as f:
            f.write(data)
        out.append((name, p))
    return out


def run(binary, src, args, d):
    """The files one run writes and its message."""
    os.makedirs(d)
    out, rej, summ = (os.path.join(d, n) for n in ("out", "rej", "sum"))
    p = subprocess.run([binary, "run", *args, "-o", out, "--rejects", rej,
                        "--summary", summ], capture_output=True, cwd=src)
    got = {"exit": str(p.returncode).encode(), "stderr": p.stderr}
    for name, path in (("out", out), ("rejects", rej), ("summary", summ)):
        if os.path.exists(path):
            with open(path, "rb") as f:
                got[name] = f.read()
    return got


def first_difference(a, b):
    for k in sorted(set(a) | set(b)):
        x, y = a.get(k), b.get(k)
        if x != y:
            if x is None or y is None:
                return f"{k}: only one run wrote it"
            i = next((i for i in range(min(len(x), len(y))) if x[i] != y[i]),
                     min(len(x), len(y)))
            line = x[:i].count(b"\n") + 1
            return f"{k}: differs at byte {i} (line {line}): {x[i:i+60]!r} / {y[i:i+60]!r}"
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("old")
    ap.add_argument("new")
    ap.add_argument("--rows", type=int, default=1000000)
    ap.add_argument("--src", default=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    a = ap.parse_args()
    old, new = os.path.abspath(a.old), os.path.abspath(a.new)
    with tempfile.TemporaryDirectory() as tmp:
        gen = os.path.join(tmp, "units.csv")
        generated(a.src, gen, a.rows)
        cases = []
        for rules, csv, date, extra in EXAMPLES:
            cases.append((f"{csv} {rules} {date}", [rules, csv, "--date", date, *extra]))
        for j in ("1", "2"):
            for fmt in ("csv", "jsonl"):
                cases.append((f"{a.rows:,} generated rows -j {j} -f {fmt}",
                              ["rules/cn/jilin.yaml", gen, "-j", j, "-f", fmt, "--keep",
                               "unit_type,wage_total", "--group-by", "unit_type"]))
        qgen = os.path.join(tmp, "quoted.csv")
        quoted(a.src, gen, qgen, a.rows)
        for j in ("1", "2", "8"):
            cases.append((f"{a.rows:,} generated rows, every field quoted, -j {j}",
                          ["rules/cn/jilin.yaml", qgen, "-j", j, "--keep",
                           "unit_type,wage_total", "--group-by", "unit_type"]))
        for name, path in edge_files(a.src, qgen, tmp):
            for j in ("1", "2"):
                cases.append((f"quoted, {name}, -j {j}",
                              ["rules/cn/jilin.yaml", path, "-j", j, "--keep", "unit_type"]))
        bad = 0
        for k, (name, args) in enumerate(cases):
            x = run(old, a.src, args, os.path.join(tmp, f"{k}-old"))
            y = run(new, a.src, args, os.path.join(tmp, f"{k}-new"))
            why = first_difference(x, y)
            size = sum(len(v) for v in x.values())
            print(f"{'same' if not why else 'DIFFERENT'}  {name}  ({size:,} bytes)"
                  + (f"\n    {why}" if why else ""))
            bad += why is not None
            for d in (f"{k}-old", f"{k}-new"):
                for f in os.listdir(os.path.join(tmp, d)):
                    os.remove(os.path.join(tmp, d, f))
    print(f"{len(cases) - bad} of {len(cases)} cases identical")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
