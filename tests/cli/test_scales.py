#!/usr/bin/env python3
"""Every number of every bundled example has its output's scale, in every
front end of the command: CSV, JSONL and explain.

For each rule set and its example data: a number column has one number of
decimal places in every row and every format (never dependent on the
input's digits), money columns have the currency's minor unit, and JSONL
writes numbers as strings so no parser loses their places.

Usage: test_scales.py QUOTALEVY_BINARY SOURCE_DIR   (run by meson test)
"""
import csv
import io
import json
import os
import re
import subprocess
from decimal import Decimal
import sys
import tempfile
import unittest

BIN = None
SRC = None
WRAP = os.environ.get("QL_WRAP", "").split()

NUMBER = re.compile(r"^-?\d+(\.\d+)?$")

# rule set, example data, date, currency places, its money outputs
EXAMPLES = [
    ("rules/cn/jilin.yaml", "examples/jilin-units.csv", "2024-06-30", 2,
     {"average_wage", "levy_wage", "levy_gross", "levy_due"}),
    ("rules/cn/national.yaml", "examples/jilin-units.csv", "2024-06-30", 2,
     {"average_wage", "levy_wage", "levy_gross", "levy_due"}),
    ("rules/cn/jilin-pool.yaml", "examples/jilin-units.csv", "2024-06-30", 2,
     set()),
    ("rules/de/sgb9.yaml", "examples/de-employers.csv", "2024-12-31", 2,
     {"amount_per_position", "gross_levy", "workshop_credit", "levy"}),
    ("rules/jp/levy.yaml", "examples/jp-employers.csv", "2025-10-01", 0,
     {"levy", "adjustment", "net"}),
    ("rules/fr/oeth.yaml", "examples/fr-companies.csv", "2024-12-31", 2,
     {"smic", "contribution"}),
]


def run(*args):
    p = subprocess.run([*WRAP, BIN, *args], capture_output=True, text=True,
                       cwd=SRC)
    if p.returncode not in (0, 1):
        raise AssertionError(f"{args}: exit {p.returncode}\n{p.stderr}")
    return p.stdout


def places(text):
    return len(text.split(".")[1]) if "." in text else 0


class Scales(unittest.TestCase):
    def column_places(self, rules, data, date):
        """{column: {places seen}} over the CSV and JSONL outputs."""
        seen = {}
        out = run("run", rules, data, "--date", date, "-q")
        for row in csv.DictReader(io.StringIO(out)):
            for k, v in row.items():
                if k != "id" and NUMBER.match(v or ""):
                    seen.setdefault(k, set()).add(places(v))
        for line in run("run", rules, data, "--date", date, "-q",
                        "--format", "jsonl").splitlines():
            obj = json.loads(line)
            for k, v in obj.items():
                if isinstance(v, dict):  # an applicable check
                    for f, x in v.items():
                        if isinstance(x, bool):
                            continue
                        self.assertNotIsInstance(x, (int, float), (k, f, line))
                        if isinstance(x, str):
                            seen.setdefault(f"{k}_{f}", set()).add(places(x))
                    continue
                # numbers are strings, never JSON numbers
                self.assertNotIsInstance(v, float, (k, line))
                self.assertFalse(isinstance(v, int) and not isinstance(v, bool),
                                 (k, line))
                if isinstance(v, str) and k != "id" and NUMBER.match(v):
                    seen.setdefault(k, set()).add(places(v))
        return seen, out

    def test_every_output_of_every_example_has_one_scale(self):
        for rules, data, date, minor, money in EXAMPLES:
            with self.subTest(rules=rules):
                seen, out = self.column_places(rules, data, date)
                self.assertTrue(seen)
                for col, ps in seen.items():
                    self.assertEqual(len(ps), 1, f"{rules}: {col} has places {ps}")
                for col in money:
                    self.assertEqual(seen[col], {minor}, f"{rules}: {col}")
                # explain shows the same places, for every row of the file
                ids = [r["id"] for r in csv.DictReader(io.StringIO(out))]
                for uid in ids:
                    text = run("explain", rules, "--date", date, "--row", uid,
                               data)
                    outputs = text.split("\nOutputs\n", 1)[1]
                    for line in outputs.splitlines():
                        parts = line.split()
                        if len(parts) == 2 and NUMBER.match(parts[1]):
                            self.assertEqual(
                                {places(parts[1])}, seen[parts[0]],
                                f"{rules} explain {uid}: {line}")

    def test_a_check_that_does_not_apply_is_null_in_jsonl(self):
        line = run("run", "rules/cn/jilin.yaml", "examples/jilin-units.csv",
                   "--date", "2024-06-30", "-q", "--format",
                   "jsonl").splitlines()[0]
        obj = json.loads(line)
        self.assertIsNone(obj["agency_post_minimum"])
        self.assertEqual(obj["levy_due"], "110000.00")
        self.assertEqual(obj["required_disabled"], "20.00000")


def csv_rows(path):
    with open(path, encoding="utf-8") as f:
        return list(csv.DictReader(f))


class Totals(unittest.TestCase):
    def test_summary_by_group_adds_up_only_what_adds_up(self):
        with tempfile.TemporaryDirectory() as d:
            out, summ = os.path.join(d, "o.csv"), os.path.join(d, "s.csv")
            run("run", "rules/cn/jilin.yaml", "examples/jilin-units.csv",
                "--date", "2024-06-30", "-q", "-o", out, "--summary", summ,
                "--keep", "unit_type", "--group-by", "unit_type")
            units, groups = csv_rows(out), csv_rows(summ)
        total = groups[-1]
        self.assertEqual(total["scope"], "total")
        self.assertEqual([g["unit_type"] for g in groups[:-1]],
                         sorted(g["unit_type"] for g in groups[:-1]))
        # an average wage and a rate are never added up
        self.assertNotIn("average_wage", total)
        self.assertNotIn("levy_rate", total)
        self.assertEqual(int(total["rows"]), len(units))
        for col in ("levy_due", "levy_gross", "shortfall", "required_disabled"):
            want = sum(Decimal(u[col]) for u in units)
            self.assertEqual(Decimal(total[col]), want, col)
            self.assertEqual(sum(Decimal(g[col]) for g in groups[:-1]), want)
            # the totals keep the output's scale
            self.assertEqual(places(total[col]), places(units[0][col]), col)
        for g in groups[:-1]:
            mine = [u for u in units if u["unit_type"] == g["unit_type"]]
            self.assertEqual(int(g["rows"]), len(mine))
            self.assertEqual(Decimal(g["levy_due"]),
                             sum(Decimal(u["levy_due"]) for u in mine))
        # a check: applicable, compliant, short
        app = sum(u["agency_post_minimum_applicable"] == "true" for u in units)
        ok = sum(u["agency_post_minimum_compliant"] == "true" for u in units)
        self.assertEqual(int(total["agency_post_minimum_applicable"]), app)
        self.assertEqual(int(total["agency_post_minimum_compliant"]), ok)
        self.assertEqual(int(total["agency_post_minimum_short"]), app - ok)
        self.assertEqual(int(total["ratio_met_count"]),
                         sum(u["ratio_met"] == "true" for u in units))

    def test_group_by_needs_a_summary_and_a_known_column(self):
        p = subprocess.run([*WRAP, BIN, "run", "rules/cn/jilin.yaml",
                            "examples/jilin-units.csv", "--date", "2024-06-30",
                            "--group-by", "unit_type"], capture_output=True,
                           text=True, cwd=SRC)
        self.assertEqual(p.returncode, 2)
        self.assertIn("give --summary too", p.stderr)
        with tempfile.TemporaryDirectory() as d:
            p = subprocess.run([*WRAP, BIN, "run", "rules/cn/jilin.yaml",
                                "examples/jilin-units.csv", "--date",
                                "2024-06-30", "--summary",
                                os.path.join(d, "s.csv"), "--group-by", "region"],
                               capture_output=True, text=True, cwd=SRC)
            self.assertEqual(p.returncode, 2)
            self.assertIn("'region' is neither an input", p.stderr)
            self.assertEqual(os.listdir(d), [])

    def test_compare_only_csv_and_groups(self):
        with tempfile.TemporaryDirectory() as d:
            u, summ = os.path.join(d, "u.csv"), os.path.join(d, "s.csv")
            report = run("compare", "rules/cn/jilin.yaml",
                         "examples/jilin-units.csv", "--date", "2024-06-30",
                         "--override", "ratio=1.7%@2024-01-01", "--only",
                         "levy_due", "-o", u, "--summary", summ,
                         "--group-by", "unit_type")
            changed, groups = csv_rows(u), csv_rows(summ)
        # only units whose levy changes; required_disabled always changes
        self.assertTrue(changed)
        for r in changed:
            self.assertNotEqual(r["levy_due_current"], r["levy_due_override"])
        self.assertIn(f", {len(changed)} change,", report)
        total = groups[-1]
        self.assertEqual(int(total["changed"]), len(changed))
        self.assertEqual(Decimal(total["levy_due_override"])
                         - Decimal(total["levy_due_current"]),
                         Decimal(total["levy_due_change"]))
        self.assertEqual(sum(Decimal(g["levy_due_change"]) for g in groups[:-1]),
                         Decimal(total["levy_due_change"]))
        self.assertIn("levy_due_newly_liable", total)
        self.assertNotIn("average_wage_current", total)
        # the report's totals leave out what does not add up
        self.assertNotIn("\naverage_wage ", report)
        self.assertNotIn("\nlevy_rate ", report)


class Readable(unittest.TestCase):
    def test_test_reads_values_as_rule_files_do(self):
        with tempfile.TemporaryDirectory() as d:
            t = os.path.join(d, "t.yaml")
            with open(t, "w") as f:
                f.write(f"rules: {os.path.join(SRC, 'rules/cn/jilin.yaml')}\n"
                        "cases:\n"
                        "  - name: half\n"
                        "    date: 2024-06-30\n"
                        "    input: {unit_type: enterprise, employees: 100,\n"
                        "            disabled: 1, disabled_severe: 0,\n"
                        "            wage_total: 6000000, local_avg_wage: 50000}\n"
                        "    expect: {levy_rate: 50%, required_disabled: 1.6}\n")
            p = subprocess.run([*WRAP, BIN, "test", t], capture_output=True,
                               text=True)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertEqual(p.stdout, "1 passed, 0 failed\n")

    def test_no_count_when_the_rules_do_not_load(self):
        with tempfile.TemporaryDirectory() as d:
            t = os.path.join(d, "t.yaml")
            with open(t, "w") as f:
                f.write("rules: missing.yaml\ncases: []\n")
            p = subprocess.run([*WRAP, BIN, "test", t], capture_output=True,
                               text=True)
        self.assertEqual(p.returncode, 2)
        self.assertNotIn("passed", p.stdout)
        self.assertIn("1 test file could not be run", p.stderr)

    def test_short_options_as_getopt_reads_them(self):
        with tempfile.TemporaryDirectory() as d:
            out = os.path.join(d, "o.csv")
            p = subprocess.run([*WRAP, BIN, "run", "rules/cn/jilin.yaml",
                                "examples/jilin-units.csv", "-d2024-06-30",
                                "-j2", "-qo" + out, "--format=csv"],
                               capture_output=True, text=True, cwd=SRC)
            self.assertEqual(p.returncode, 1, p.stderr)  # 6 rows rejected
            self.assertNotIn("rows read", p.stderr)       # -q
            with open(out, encoding="utf-8") as f:
                self.assertEqual(len(f.read().splitlines()), 46)
        p = subprocess.run([*WRAP, BIN, "run", "rules/cn/jilin.yaml", "x",
                            "-qz"], capture_output=True, text=True, cwd=SRC)
        self.assertEqual(p.returncode, 2)
        self.assertIn("unknown option '-z' in -qz", p.stderr)

    def test_jsonl_on_standard_input_is_recognised(self):
        data = ('{"id": "J1", "unit_type": "enterprise", "employees": 100, '
                '"disabled": 1, "disabled_severe": 0, "wage_total": 6000000, '
                '"local_avg_wage": 50000}\n')
        p = subprocess.run([*WRAP, BIN, "run", "rules/cn/jilin.yaml", "-",
                            "--date", "2024-06-30"], input=data,
                           capture_output=True, text=True, cwd=SRC)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("J1,", p.stdout)
        p = subprocess.run([*WRAP, BIN, "run", "rules/cn/jilin.yaml", "-",
                            "--input-format", "csv", "--date", "2024-06-30"],
                           input=data, capture_output=True, text=True, cwd=SRC)
        self.assertEqual(p.returncode, 2)
        self.assertIn("--input-format jsonl", p.stderr)


if __name__ == "__main__":
    BIN = os.path.abspath(sys.argv[1])
    SRC = os.path.abspath(sys.argv[2])
    unittest.main(argv=sys.argv[:1])
