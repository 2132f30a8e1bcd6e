#!/usr/bin/env python3
"""The same data as CSV and as JSON Lines: the same output, the same rejects.

For every bundled rule set and its example data (tests/example-table.txt),
and for hostile rows made from the example's first row (each column given
odd or bad text: blanks, signs, leading zeros, `.5`, exponents, too many
digits, other scripts' digits, look-alikes, a byte order mark, quotes and
commas, bad dates and enum values), the command reads the table once as
CSV and once as JSON Lines — each value a JSON string, and again with the
values that are JSON numbers written bare — and must write byte for byte
the same output and closing line, and the same rejects (line, field,
status, message, id).  Only the column differs, by each format's
documented scheme (docs/architecture.md, "Where a reject points"): a CSV
field's number, a JSON Lines value's first byte, which this test checks
points at the value of the field named.

Usage: test_formats.py QUOTALEVY_BINARY SOURCE_DIR   (run by meson test)
"""
import csv
import io
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import unittest

BIN = None
SRC = None
WRAP = os.environ.get("QL_WRAP", "").split()

HOSTILE = ["", " ", "12x", "-5", " 7 ", "\t3.50", "1e3", "0100", ".5", "5.", "-0", "+4",
           "00012.50", "1.000000000000000000001", "9" * 40, "0." + "0" * 37 + "1",
           "\uff11\uff12", "\u22123", "\u0661", "1\u200b", "NaN", "yes",
           "maybe", "true", "agency", "enterprise ", "ünïcode", 'a"b', "a,b",
           "2024-02-30", "30/06/2024", " 2024-06-30", "1%", "1,000"]
# (a byte order mark at a CSV field's start is a fault of that reader,
# files joined together: tests/cli/test_cli.py holds it; in JSON it is the
# text of a string like any other)
JSON_NUMBER = re.compile(r"-?(0|[1-9][0-9]*)(\.[0-9]+)?\Z")  # no exponent: its text


def run(*args):
    return subprocess.run([*WRAP, BIN, *args], capture_output=True, cwd=SRC)


def examples():
    sys.path.insert(0, os.path.join(SRC, "tests"))
    import example_table
    return example_table.rows(SRC), example_table.uncovered(SRC)


class SameDataBothWays(unittest.TestCase):
    def both_ways(self, ex, header, table, d, bare):
        """(output, rejects table, closing line) from CSV and JSON Lines."""
        src_csv, src_jl = os.path.join(d, "in.csv"), os.path.join(d, "in.jsonl")
        with open(src_csv, "w", encoding="utf-8", newline="") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(header)
            w.writerows(table)
        with open(src_jl, "w", encoding="utf-8") as f:
            f.write("\n")  # the header's line: the line numbers agree
            for row in table:
                f.write("{" + ", ".join(
                    "%s: %s" % (json.dumps(k), v if bare and JSON_NUMBER.match(v)
                                else json.dumps(v, ensure_ascii=False))
                    for k, v in zip(header, row)) + "}\n")
        dated = [] if "date" in header else ["--date", ex.date]
        got = []
        for src in (src_csv, src_jl):
            out, rej = os.path.join(d, "out.csv"), os.path.join(d, "rej.csv")
            p = run("run", ex.rules, src, *dated, "-o", out, "--rejects", rej, "-j", "2",
                    "--ignore-columns", "*")
            self.assertIn(p.returncode, (0, 1), p.stderr.decode("utf-8", "replace"))
            with open(out, "rb") as f, open(rej, encoding="utf-8", newline="") as g:
                got.append((f.read(), list(csv.reader(g)), p.stderr))
        with open(src_jl, "rb") as f:
            lines = f.read().split(b"\n")
        return got, lines

    def check(self, ex, header, table, what):
        for bare in (False, True):
            with self.subTest(example=repr(ex), rows=what, bare=bare), \
                    tempfile.TemporaryDirectory() as d:
                (c, j), lines = self.both_ways(ex, header, table, d, bare)
                self.assertEqual(c[0], j[0], "output differs")
                self.assertEqual(c[2], j[2], "closing line differs")
                self.assertEqual([r[:1] + r[2:] for r in c[1]],
                                 [r[:1] + r[2:] for r in j[1]], "rejects differ")
                for r in j[1][1:]:  # a JSON Lines column is at its field's value
                    if r[1]:
                        before = lines[int(r[0]) - 1][:int(r[1]) - 1]
                        self.assertTrue(before.endswith(json.dumps(r[2]).encode() + b": "),
                                        (r, before[-40:]))
                yield c

    def test_every_example_and_hostile_rows_read_alike(self):
        table_rows, missing = examples()
        self.assertEqual(missing, [])
        rnd = random.Random(12)
        rejected = 0
        for ex in table_rows:
            with open(os.path.join(SRC, ex.data), encoding="utf-8", newline="") as f:
                data = list(csv.reader(f))
            header, body = data[0], data[1:]
            self.assertTrue(body, ex)
            for _ in self.check(ex, header, body, "example"):
                pass
            # hostile rows: every column of the first row spoilt, each with
            # several of the hostile texts
            spoilt = []
            for k in range(len(header)):
                for h in rnd.sample(HOSTILE, 6):
                    row = list(body[0])
                    row[k] = h
                    spoilt.append(row)
            for c in self.check(ex, header, spoilt, "hostile"):
                rejected += len(c[1]) - 1
        self.assertGreater(rejected, 1000)  # the hostile rows mostly refused


if __name__ == "__main__":
    BIN = os.path.abspath(sys.argv[1])
    SRC = os.path.abspath(sys.argv[2])
    unittest.main(argv=sys.argv[:1] + sys.argv[3:], verbosity=1)
