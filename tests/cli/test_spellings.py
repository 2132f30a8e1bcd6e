#!/usr/bin/env python3
"""Number spellings read alike from CSV and JSON Lines: a differential test.

The command reads a number's text through the library whichever format it
comes in, so one spelling has one outcome — the value, or a reject with
one message.  Each spelling of a list (signs, leading zeros, `.5`, `5.`,
exponents small, huge and of zero, too many digits either side of the
point, `-0`, digits of other scripts and characters that only look like a
number's) is put in a decimal and an integer input and read:

- from a CSV field, and from a JSON Lines string ("…"): a string is text,
  read as a CSV field is — the same outcome and message;
- from a bare JSON Lines value: a JSON number without an exponent is the
  text it is, so the same as the CSV field; one with an exponent is the
  plain decimal it writes (as PostgreSQL's numeric reads it: max(0,
  places − exponent) places), so the same as a CSV field of that plain
  form — unless no decimal holds it written out, when it is refused as
  the CSV field is, in the same words ("number too long … written out";
  probe: `0E+40` was read as 0, `1e50` refused in other words); anything
  else is no JSON number and refused by the reader.

Usage: test_spellings.py QUOTALEVY_BINARY SOURCE_DIR   (run by meson test)
"""
import csv
import io
import json
import os
import re
import subprocess
import sys
import tempfile
import unittest
from decimal import Decimal

BIN = None
SRC = None
WRAP = os.environ.get("QL_WRAP", "").split()

RULES = """quotalevy: 1
id: spell
title: spellings
jurisdiction: XX
version: "1"
inputs:
  n: {type: decimal, scale: 6, default: 0}
  k: {type: integer, default: 0}
outputs: [n, k]
"""

D36 = "123456789012345678901234567890123456"
SPELLINGS = [
    # plain, signs, zeros
    "0", "1", "-1", "+1", "-0", "+0", "-0.0", "0.0", "00", "01", "-01", "007",
    "1.", "-1.", ".5", "-.5", "+.5", "5.0", "0.5", "1.500000", "1.5000000",
    "1.0000001", "12.75", "-12.75",
    # digits: at and past the 36 a decimal holds, either side of the point
    D36, D36 + "7", "-" + D36, "0." + "0" * 35 + "1", "0." + "0" * 36 + "1",
    "1" + "0" * 40, "0" * 40 + "1",
    # exponents that fit, and that do not once written out
    "1e2", "1E2", "1e+2", "1E-2", "1.5e1", "-1.5e1", "2.50e-3", "0e0", "0e5",
    "-0e5", "0.000e2", "12e0", "1e-6", "1e-7", "1e17", "1e18", "1e19", "1e35",
    "1e36", "9.99e35", "1e-36", "1e-37", "1e50", "1e-50", "1e400", "1e-400",
    "0E+30", "0E+36", "0E+37", "0E+40", "0e-30", "0e-36", "0e-37", "0e-40",
    "0e-400", "0E+999999", "1E+99999999999", "-0.0e-37", "1e-0", "1e+0",
    "100.0e-1", "10.00000000e-1", "123456e-3",
    # not numbers, or not in either notation
    "1e", "1e+", "e1", "1e1.5", ".5e1", "1.e2", "01e2", "-", "+", "", " 1",
    "1 ", "1 000", "1,000", "1_000", "0x10", "NaN", "nan", "Infinity",
    "-Infinity", "inf", "true", "false", "1/2", "1%",
    # other scripts' digits and look-alikes
    "\uff11", "\uff11\uff0e\uff15", "\u0663", "\u06f3", "\u2212" + "1",
    "\u2013" + "1", "1\u0661", "1\u200b", "\u0661e2", "1e\u0661", "\u00b9",
    "1\u00a0", "\u0d67",
]

JSON_NUMBER = re.compile(r"-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?\Z")


def plain(s):
    """The plain decimal a JSON number with an exponent writes, as
    PostgreSQL's numeric writes it out."""
    return format(Decimal(s), "f")


def run(*args, stdin=None):
    return subprocess.run([*WRAP, BIN, *args], input=stdin, capture_output=True, cwd=SRC)


class Spellings(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.d = self.tmp.name
        self.rules = os.path.join(self.d, "spell.yaml")
        with open(self.rules, "w", encoding="utf-8") as f:
            f.write(RULES)

    def tearDown(self):
        self.tmp.cleanup()

    def outcomes(self, name, data):
        """Per id, ("value", n, k) or ("reject", field, status, message)."""
        src = os.path.join(self.d, name)
        with open(src, "wb") as f:
            f.write(data.encode("utf-8"))
        out, rej = os.path.join(self.d, "o.csv"), os.path.join(self.d, "r.csv")
        p = run("run", self.rules, src, "--date", "2024-01-01", "-q", "-j", "1", "-o", out,
                "-r", rej)
        self.assertIn(p.returncode, (0, 1), p.stderr.decode("utf-8", "replace"))
        got = {}
        with open(out, encoding="utf-8", newline="") as f:
            for r in csv.DictReader(f):
                got[r["id"]] = ("value", r["n"], r["k"])
        with open(rej, encoding="utf-8", newline="") as f:
            for r in csv.DictReader(f):
                self.assertNotIn(r["id"], got)
                got[r["id"]] = ("reject", r["field"], r["status"], r["message"])
        return got

    def cases(self, spellings):
        """(id, field, text) for each spelling in each input, the other 1."""
        return [("%s%d" % (field, i), field, s)
                for i, s in enumerate(spellings) for field in ("n", "k")]

    def from_csv(self, cases):
        b = io.StringIO()
        w = csv.writer(b, lineterminator="\n")
        w.writerow(["id", "n", "k"])
        for id_, field, s in cases:
            w.writerow([id_, s if field == "n" else "1", s if field == "k" else "1"])
        return self.outcomes("in.csv", b.getvalue())

    def from_jsonl(self, cases, bare):
        lines = []
        for id_, field, s in cases:
            v = s if bare else json.dumps(s, ensure_ascii=False)
            other = "k" if field == "n" else "n"
            lines.append('{"id": "%s", "%s": %s, "%s": 1}\n' % (id_, field, v, other))
        return self.outcomes("in.jsonl", "".join(lines))

    def test_a_json_string_is_read_as_the_csv_field(self):
        cases = self.cases(SPELLINGS)
        a, b = self.from_csv(cases), self.from_jsonl(cases, bare=False)
        self.assertEqual(len(a), len(cases))
        for id_, _, s in cases:
            with self.subTest(id=id_, spelling=s):
                self.assertEqual(b[id_], a[id_])

    def test_a_bare_json_number_is_read_as_the_library_reads_its_text(self):
        bare = [s for s in SPELLINGS
                if s and not any(c in s for c in ' ,"{}\u00a0\u200b')]
        cases = self.cases(bare)
        csv_ = self.from_csv(cases)
        jl = self.from_jsonl(cases, bare=True)
        # the plain form of each exponent that fits, read from CSV
        def too_long(id_):
            return csv_[id_][0] == "reject" and "number too long" in csv_[id_][3]
        plains = [(id_, f, plain(s)) for id_, f, s in cases
                  if JSON_NUMBER.match(s) and re.search("[eE]", s) and not too_long(id_)]
        as_plain = self.from_csv(plains)
        counts = {"same": 0, "plain": 0, "not json": 0}
        for id_, _, s in cases:
            with self.subTest(id=id_, spelling=s):
                got, want = jl[id_], csv_[id_]
                if s in ("true", "false") or (JSON_NUMBER.match(s) and
                                                not re.search("[eE]", s)):
                    self.assertEqual(got, want)
                    counts["same"] += 1
                elif JSON_NUMBER.match(s):
                    if too_long(id_):
                        self.assertEqual(got, want)  # refused in the same words
                        counts["same"] += 1
                    else:
                        self.assertEqual(got, as_plain[id_])
                        counts["plain"] += 1
                else:
                    self.assertEqual(got[0], "reject", got)
                    self.assertRegex(got[3], "not a JSON number|expected a string, number")
                    counts["not json"] += 1
        # every branch is taken, many times
        self.assertTrue(all(v >= 20 for v in counts.values()), counts)

    def test_zero_and_tiny_numbers_past_the_range_are_too_long_in_both(self):
        # the spellings the reader got wrong, spelt out
        cases = self.cases(["0E+40", "0e-40", "1e50", "1e-50"])
        jl = self.from_jsonl(cases, bare=True)
        for id_, field, s in cases:
            with self.subTest(id=id_):
                self.assertEqual(jl[id_][:3], ("reject", field, "QL_ERECORD"), jl[id_])
                self.assertIn("'%s' is not a valid" % s, jl[id_][3])
                self.assertIn("number too long", jl[id_][3])
        self.assertIn("its exponent, 40, puts the point past", jl["n0"][3])
        self.assertIn("written out, it has 51 digits before the point", jl["n2"][3])
        self.assertIn("written out, it has 50 digits after the point", jl["n3"][3])


if __name__ == "__main__":
    BIN = os.path.abspath(sys.argv[1])
    SRC = os.path.abspath(sys.argv[2])
    unittest.main(argv=sys.argv[:1] + sys.argv[3:], verbosity=1)
