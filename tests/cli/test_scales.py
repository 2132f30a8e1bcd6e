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
import glob
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

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import example_table  # noqa: E402  (tests/example-table.txt: every rule set and its data)


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

    def test_the_examples_are_every_rule_set_and_every_data_file(self):
        """This file's list of examples, written by hand, left out
        cn/late-fee and examples/jilin-agencies.csv: it is now the table
        every front end reads, which must run everything on disk."""
        self.assertEqual(example_table.uncovered(SRC), [])

    def test_every_output_of_every_example_has_one_scale(self):
        for ex in example_table.rows(SRC):
            rules, data, date, minor, money = ex.rules, ex.data, ex.date, ex.places, ex.money
            with self.subTest(example=repr(ex)):
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
    def test_the_summary_file_reconciles_with_the_input(self):
        """The summary file said neither how many rows were read nor how
        many rejected: with -q, nothing said 6 of Jilin's 51 units were left
        out of the province's total (P3-07)."""
        with open(os.path.join(SRC, "examples/jilin-units.csv"), encoding="utf-8") as f:
            nread = len(list(csv.reader(f))) - 1
        with tempfile.TemporaryDirectory() as d:
            out, rej, summ = (os.path.join(d, n) for n in ("o.csv", "r.csv", "s.csv"))
            for group in ((), ("--keep", "unit_type", "--group-by", "unit_type")):
                p = run_p("run", "rules/cn/jilin.yaml", "examples/jilin-units.csv",
                        "--date", "2024-06-30", "--ignore-columns", "name", "-q", "-o",
                        out, "-r", rej, "--summary", summ, *group)
                self.assertEqual(p.returncode, 1)
                self.assertEqual(p.stderr, "")
                written, rejected = len(csv_rows(out)), len(csv_rows(rej))
                self.assertGreater(rejected, 0)
                sums = csv_rows(summ)
                total = sums[-1]
                self.assertEqual(total["scope"], "total")
                self.assertEqual((int(total["read"]), int(total["rows"]),
                                  int(total["rejected"])), (nread, written, rejected))
                self.assertEqual(int(total["read"]), int(total["rows"]) + int(total["rejected"]))
                for g in sums[:-1]:  # a rejected row's group was never read
                    self.assertEqual((g["read"], g["rejected"]), ("", ""))
        # an output named as one of these columns is refused, as for 'rows'
        with tempfile.TemporaryDirectory() as d:
            rules = os.path.join(d, "r.yaml")
            with open(rules, "w", encoding="utf-8") as f:
                f.write("quotalevy: 1\nid: r\ntitle: r\njurisdiction: XX\nversion: \"1\"\n"
                        "inputs:\n  n: {type: integer, default: 0}\n"
                        "computed:\n  rejected: {expr: n + 0, aggregate: sum}\n"
                        "outputs: [rejected]\n")
            p = run_p("run", rules, "-", "--date", "2024-01-01", "--summary",
                    os.path.join(d, "s.csv"), stdin="id,n\nA,1\n")
            self.assertEqual(p.returncode, 2, p.stderr)
            self.assertIn("rejected", p.stderr)

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

    def test_a_check_of_shares_says_how_its_shortfalls_combine(self):
        """P3-11: a check comparing shares (1.5 % against a unit's own
        disabled / employees) totalled percentage points of different
        units.  Without `aggregate:` it is now a load error at the check;
        `aggregate: none` leaves the shortfall out of the summary (the
        units short still counted); min and max say what they are; a
        check of persons still sums by default."""
        base = ("quotalevy: 1\nid: ck\ntitle: ck\njurisdiction: XX\n"
                "version: \"1\"\nsources:\n  s: {title: test data}\n"
                "inputs:\n  employees: {type: integer, min: 1}\n"
                "  disabled: {type: integer, min: 0}\n"
                "checks:\n  share:\n    title: share\n    source: s\n"
                "    required: 1.5%\n    actual: round(disabled / employees, 4)\n"
                "{agg}"
                "  persons:\n    title: persons\n    source: s\n"
                "    required: 2\n    actual: disabled\n"
                "outputs: [share, persons]\n")
        data = "id,employees,disabled\nA,100,1\nB,1000,2\nC,50,0\n"
        with tempfile.TemporaryDirectory() as d:
            rules, csvp = os.path.join(d, "ck.yaml"), os.path.join(d, "ck.csv")
            summ = os.path.join(d, "s.csv")
            with open(csvp, "w") as f:
                f.write(data)
            with open(rules, "w") as f:
                f.write(base.replace("{agg}", ""))
            p = run_p("check", rules)
            self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
            self.assertIn(f"{rules}:12:3: check 'share' compares shares",
                          p.stdout + p.stderr)
            self.assertIn("declare 'aggregate: none'", p.stdout + p.stderr)
            for agg, col, want in (("none", None, None),
                                   ("max", "share_shortfall_max", "0.0150"),
                                   ("min", "share_shortfall_min", "0.0050"),
                                   ("sum", "share_shortfall", "0.0330")):
                with self.subTest(agg):
                    with open(rules, "w") as f:
                        f.write(base.replace("{agg}", f"    aggregate: {agg}\n"))
                    p = run_p("run", rules, csvp, "-d", "2024-01-01", "-q",
                              "-o", os.path.join(d, "o.csv"), "--summary", summ)
                    self.assertEqual(p.returncode, 0, p.stderr)
                    total = csv_rows(summ)[-1]
                    self.assertEqual(total["share_short"], "3")
                    shorts = {k: v for k, v in total.items()
                              if k.startswith("share_shortfall")}
                    self.assertEqual(shorts, {col: want} if col else {})
                    # persons short add up by default
                    self.assertEqual(total["persons_shortfall"], "3")
            with open(rules, "w") as f:
                f.write(base.replace("{agg}", "    aggregate: count\n"))
            p = run_p("check", rules)
            self.assertEqual(p.returncode, 1)
            self.assertIn("'aggregate: count' is for bools", p.stdout + p.stderr)

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


def run_p(*args, stdin=None):
    """The command's CompletedProcess, whatever its exit."""
    return subprocess.run([*WRAP, BIN, *args], capture_output=True, text=True,
                          cwd=SRC, input=stdin)


def jilin_rows():
    with open(os.path.join(SRC, "examples/jilin-units.csv"), encoding="utf-8") as f:
        return list(csv.DictReader(f))


def as_csv(rows, names):
    out = io.StringIO()
    w = csv.DictWriter(out, names, lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    return out.getvalue()


SUMMED_RULES = """quotalevy: 1
id: q
title: q
jurisdiction: XX
version: "1"
sources:
  s: {title: s}
inputs:
  a: integer
  b: integer
computed:
  q:
    expr: %s
    scale: 2
    display: half_up
    aggregate: %s
checks:
  k:
    title: k
    source: s
    required: %s
    actual: 0
    scale: 2
%soutputs: [q, k]
"""


class HonestTotals(unittest.TestCase):
    def test_a_total_of_no_values_is_zero_at_its_places(self):
        # a summary over zero written rows left every sum empty (while the
        # counts said 0): the sum of no amounts is 0.00, of no headcounts
        # 0 at their places
        rows = jilin_rows()
        good = rows[0]
        bad = dict(good, employees="many")
        names = list(good)
        with tempfile.TemporaryDirectory() as d:
            ok, summ = os.path.join(d, "ok.csv"), os.path.join(d, "s.csv")
            run_p("run", "rules/cn/jilin.yaml", "-", "--date", "2024-06-30", "-q",
                  "-o", ok, "--ignore-columns", "name", stdin=as_csv([good], names))
            shown = csv_rows(ok)[0]
            for group in ([], ["-g", "unit_type"]):
                with self.subTest(group=group):
                    p = run_p("run", "rules/cn/jilin.yaml", "-", "--date", "2024-06-30",
                              "-q", "-o", os.path.join(d, "o.csv"), "-r",
                              os.path.join(d, "r.csv"), "--ignore-columns", "name",
                              "--summary", summ, *group, stdin=as_csv([bad], names))
                    self.assertEqual(p.returncode, 1, p.stderr)
                    total = csv_rows(summ)
                    self.assertEqual(len(total), 1)
                    total = total[0]
                    self.assertEqual(total["rows"], "0")
                    for col in ("levy_due", "levy_gross", "shortfall", "required_disabled",
                                "counted_disabled"):
                        self.assertEqual(Decimal(total[col]), 0, col)
                        self.assertEqual(places(total[col]), places(shown[col]), col)
                    self.assertEqual(total["levy_due"], "0.00")
                    for col, v in total.items():  # min/max of nothing stay empty
                        if col not in ("unit_type",) and not col.endswith(("_min", "_max")):
                            self.assertNotEqual(v, "", col)
            # compare: its summary and its report's totals alike
            p = run_p("compare", "rules/cn/jilin.yaml", "-", "--date", "2024-06-30",
                      "--ignore-columns", "name", "--override", "ratio=1.7%@2024-01-01",
                      "--summary", summ, stdin=as_csv([bad], names))
            self.assertEqual(p.returncode, 1, p.stderr)
            total = csv_rows(summ)[-1]
            self.assertEqual(total["levy_due_current"], "0.00")
            self.assertEqual(total["levy_due_override"], "0.00")
            self.assertEqual(total["levy_due_change"], "0.00")
            self.assertEqual(total["required_disabled_change"],
                             "0." + "0" * places(shown["required_disabled"]))
            self.assertRegex(p.stdout, r"\nlevy_due +0\.00 +0\.00 +0\.00\n")

    def test_a_value_rounded_for_display_only_is_never_summed(self):
        # three rows of 2/3 shown at 2 places totalled 2.01, not 2.00
        with tempfile.TemporaryDirectory() as d:
            rules = os.path.join(d, "q.yaml")
            with open(rules, "w") as f:
                f.write(SUMMED_RULES % ("a / b", "sum", "0", ""))
            p = run_p("check", rules)
            self.assertEqual(p.returncode, 1)
            self.assertIn("q.yaml:16:16: output 'q' is added up in totals ('aggregate: "
                          "sum') but is rounded to its 2 places for display only "
                          "('display:'), and a total of rounded values is not the total "
                          "of the values: round it in the formula", p.stdout)
            # a check whose shortfall is summed (a share: it must say so)
            with open(rules, "w") as f:
                f.write(SUMMED_RULES % ("a / b", "none", "a / b",
                                        "    display: up\n    aggregate: sum\n"))
            p = run_p("check", rules)
            self.assertEqual(p.returncode, 1)
            self.assertIn("q.yaml:25:16: check 'k' shortfall is added up in totals", p.stdout)
            self.assertNotIn("output 'q'", p.stdout)
            # rounded in the formula, the total is the total of what is shown
            with open(rules, "w") as f:
                f.write(SUMMED_RULES % ('round(a / b, 2, "half_up")', "sum", "a", ""))
            run_p("check", rules).check_returncode()
            summ = os.path.join(d, "s.csv")
            p = run_p("run", rules, "-", "--date", "2024-01-01", "-q", "--summary", summ,
                      stdin="id,a,b\n1,2,3\n2,2,3\n3,2,3\n")
            self.assertEqual(p.returncode, 0, p.stderr)
            self.assertEqual([r["q"] for r in csv.DictReader(io.StringIO(p.stdout))],
                             ["0.67"] * 3)
            self.assertEqual(csv_rows(summ)[-1]["q"], "2.01")

    def test_every_bundled_rule_set_loads(self):
        # the load check above refuses none of them
        for rules in sorted(glob.glob(os.path.join(SRC, "rules", "*", "*.yaml"))):
            with self.subTest(rules=rules):
                p = run_p("check", rules)
                self.assertEqual(p.returncode, 0, p.stdout + p.stderr)

    def test_a_list_input_is_grouped_by_one_item(self):
        # -g positions said "'positions' is neither an input of the rule
        # set nor a --keep column": it is an input, a list of 12
        with tempfile.TemporaryDirectory() as d:
            summ = os.path.join(d, "s.csv")
            for cmd in (["run", "-o", os.path.join(d, "o.csv")],
                        ["compare", "--override", "obligation_threshold=30@2024-01-01"]):
                with self.subTest(cmd=cmd[0]):
                    p = run_p(cmd[0], "rules/de/sgb9.yaml", "examples/de-employers.csv",
                              *cmd[1:], "--date", "2024-12-31", "--summary", summ,
                              "-g", "positions")
                    self.assertEqual(p.returncode, 2, p.stderr)
                    self.assertIn("--group-by: 'positions' is a list input of 12 items: "
                                  "group by one of them, positions[1] … positions[12]",
                                  p.stderr)
                    self.assertEqual(os.listdir(d), [])
            p = run_p("run", "rules/de/sgb9.yaml", "examples/de-employers.csv", "-q",
                      "-o", os.path.join(d, "o.csv"), "--date", "2024-12-31",
                      "--summary", summ, "-g", "positions[1]")
            self.assertEqual(p.returncode, 0, p.stderr)
            keys = [g["positions[1]"] for g in csv_rows(summ)[:-1]]
            self.assertEqual(keys, sorted(keys, key=lambda k: Decimal(k) if k else -1))

    def test_groups_are_the_values_the_rules_read(self):
        # --group-by grouped by the raw text: true/yes/1/TRUE made four
        # groups, 118 and 118.0 two, and numbers sorted as text
        rows = jilin_rows()[:45]
        spell = {"true": ["true", "yes", "1", "TRUE"], "false": ["false", "no", "0", "No"]}
        data = []
        for i, r in enumerate(rows * 2):
            r = dict(r)
            if r["disability_federation"]:
                r["disability_federation"] = spell[r["disability_federation"]][i % 4]
            if i >= len(rows) and "." not in r["employees"]:
                r["employees"] += ".0"
            r["id"] += "-%d" % i
            data.append(r)
        text = as_csv(data, list(rows[0]))
        with tempfile.TemporaryDirectory() as d:
            summ = os.path.join(d, "s.csv")
            for cmd in (["run"], ["compare", "--override", "ratio=1.7%@2024-01-01"]):
                with self.subTest(cmd=cmd[0]):
                    args = [cmd[0], "rules/cn/jilin.yaml", "-", "--date", "2024-06-30",
                            "--ignore-columns", "name", *cmd[1:], "--summary", summ]
                    if cmd == ["run"]:
                        args += ["-q", "-o", os.path.join(d, "o.csv")]
                    p = run_p(*args, "-g", "disability_federation", stdin=text)
                    self.assertEqual(p.returncode, 0, p.stderr)
                    groups = csv_rows(summ)[:-1]
                    self.assertEqual([g["disability_federation"] for g in groups],
                                     ["", "false", "true"])
                    want = {v: 2 * sum(r["disability_federation"] == v for r in rows)
                            for v in ("", "false", "true")}
                    self.assertEqual({g["disability_federation"]: int(g["rows"])
                                      for g in groups}, want)
                    p = run_p(*args, "-g", "employees", stdin=text)
                    self.assertEqual(p.returncode, 0, p.stderr)
                    keys = [g["employees"] for g in csv_rows(summ)[:-1]]
                    values = sorted({Decimal(r["employees"]) for r in rows})
                    self.assertEqual([Decimal(k) for k in keys], values)
                    self.assertFalse([k for k in keys if k.endswith(".0")], keys)
                    self.assertEqual(len(keys), len(set(keys)))
            # a --keep column is grouped by its text, as it is
            p = run_p("run", "rules/cn/jilin.yaml", "-", "--date", "2024-06-30", "-q",
                      "-o", os.path.join(d, "o.csv"), "-k", "name", "-g", "name",
                      "--summary", summ,
                      stdin="id,name,unit_type,employees,disabled,disabled_severe,"
                            "wage_total,local_avg_wage\n"
                            "1,x,enterprise,10,0,0,100,1\n2,X,enterprise,10,0,0,100,1\n")
            self.assertEqual(p.returncode, 0, p.stderr)
            self.assertEqual([g["name"] for g in csv_rows(summ)[:-1]], ["X", "x"])

    def test_group_keys_have_the_inputs_places(self):
        """P13-11: a number input's group was written at its value's
        digits, so one column had several scales and money was not in its
        minor unit (90437 for CNY, 7 for KWD).  A row compare cannot read
        joins its value's group, whatever its digits."""
        head = ("id,unit_type,employees,disabled,disabled_severe,wage_total,"
                "local_avg_wage\n")
        text = head + ("1,enterprise,10,0,0,100,90437\n"
                       "2,enterprise,10.5,0,0,100,90437.0\n"
                       "3,enterprise,10.50,0,0,100,5000.5\n"
                       "4,enterprise,-1,0,0,100, 90437.00\n")
        with tempfile.TemporaryDirectory() as d:
            summ = os.path.join(d, "s.csv")
            for cmd in (["run", "-q", "-o", os.path.join(d, "o.csv")],
                        ["compare", "--override", "ratio=1.7%@2024-01-01"]):
                with self.subTest(cmd=cmd[0]):
                    for col, want in (("local_avg_wage", ["5000.50", "90437.00"]),
                                      ("employees", ["10.00", "10.50"])):
                        p = run_p(cmd[0], "rules/cn/jilin.yaml", "-", "--date",
                                  "2024-06-30", *cmd[1:], "--summary", summ,
                                  "-g", col, stdin=text)
                        self.assertEqual(p.returncode, 1, p.stderr)
                        keys = [g[col] for g in csv_rows(summ)[:-1]]
                        if cmd[0] == "compare" and col == "employees":
                            want = ["-1.00"] + want  # the row not compared
                        self.assertEqual(keys, want)


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
        real = os.path.realpath(os.path.join(SRC, "rules/cn"))
        self.assertEqual(p.stdout, f"{t}: rules {real}/jilin.yaml (cn-jilin version "
                         f"2026.1), which extends {real}/national.yaml\n"
                         "1 passed, 0 failed\n")

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
