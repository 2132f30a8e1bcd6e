#!/usr/bin/env python3
"""The summary's totals by group (`run --summary --group-by`, `compare
--summary --group-by`): exact whatever the values (sums past 64 bits and
past 36 digits, every scale, negative), the same on one thread and many,
and memory bounded per group — a province summarised by unit has one
group per row (P16-01: 7.3 KB a group, 1.44 GB for 200,000 groups).

Usage: test_totals.py QUOTALEVY_BINARY SOURCE_DIR   (run by meson test)
"""
import csv
import io
import os
import random
import subprocess
import sys
import tempfile
import unittest
from decimal import Decimal, getcontext

BIN = None
SRC = None
getcontext().prec = 120  # exact: sums of 36 + 36 digits, 30,000 of them

# the documented bound (docs/security.md, "Memory of a run"): a group
# costs at most this many bytes in each thread that saw it, Jilin's 30
# outputs and a key of 16 bytes
GROUP_BYTES = 1024

WIDE = ("quotalevy: 1\nid: wide\ntitle: wide\njurisdiction: test\n"
        "version: '1'\nsources:\n  s: {title: test data}\n"
        "inputs:\n  g: {type: string, default: ''}\n"
        "  n: {type: decimal, scale: 0}\n  m: {type: decimal, scale: 36}\n"
        "  k: {type: decimal, scale: 2}\n"
        "parameters:\n  p:\n    type: integer\n"
        "    values: [{from: 2020-01-01, value: 1, source: s}]\n"
        "computed:\n  y: {expr: n * p, aggregate: sum}\n"
        "  z: {expr: m, aggregate: sum}\n"
        "  c: {expr: k * p, scale: 2, aggregate: sum}\n"
        "  lo: {expr: k, scale: 2, aggregate: min}\n"
        "  pos: {expr: n > 0, aggregate: count}\n"
        "outputs: [y, z, c, lo, pos]\n")


def rows(text):
    return list(csv.DictReader(io.StringIO(text)))


def wide_data(seed, n, groups, most=36):
    """Values that leave 64 bits and come back: 1 to `most` digits,
    negative, at 0, 2 and 36 places."""
    r = random.Random(seed)
    out = ["id,g,n,m,k"]
    for i in range(n):
        digits = min(most, r.choice((1, 3, 17, 18, 19, 19, 20, 30, 36)))
        v = r.randrange(10 ** (digits - 1), 10 ** digits) * r.choice((1, -1))
        fd = r.choice((1, 18, 19, 36))
        frac = r.randrange(10 ** fd) * r.choice((1, -1))
        m = f"{Decimal(frac).scaleb(-36):f}"
        k = f"{Decimal(r.randrange(-10 ** 18, 10 ** 18)).scaleb(-2):f}"
        out.append(f"r{i},G{r.randrange(groups)},{v},{m},{k}")
    return "\n".join(out) + "\n"


class GroupTotals(unittest.TestCase):
    def run_cli(self, *args, rc=(0,)):
        p = subprocess.run([BIN, *args], capture_output=True, text=True, cwd=SRC)
        self.assertIn(p.returncode, rc, p.stderr)
        return p

    def test_totals_are_exact_past_64_bits_on_any_thread_count(self):
        """Each group's sums equal Python's exact sums of the rows the run
        wrote, for values whose totals leave 64 bits; the summary is byte
        for byte the same at -j 1, 2 and 8 (threads' tables merged)."""
        with tempfile.TemporaryDirectory() as d:
            rules, data = os.path.join(d, "w.yaml"), os.path.join(d, "w.csv")
            with open(rules, "w") as f:
                f.write(WIDE)
            with open(data, "w") as f:
                f.write(wide_data(7, 30000, 40))
            got = {}
            for j in ("1", "2", "8"):
                summ, out = os.path.join(d, f"s{j}.csv"), os.path.join(d, "o.csv")
                self.run_cli("run", rules, data, "-d", "2024-01-01", "-q", "-j", j,
                             "-o", out, "--summary", summ, "--keep", "g",
                             "--group-by", "g")
                with open(summ) as f:
                    got[j] = f.read()
                with open(out) as f:
                    units = rows(f.read())
            self.assertEqual(got["1"], got["2"])
            self.assertEqual(got["1"], got["8"])
            self.assertEqual(len(units), 30000)
            summary = rows(got["1"])
            by = {}
            for u in units:
                by.setdefault(u["g"], []).append(u)
            self.assertEqual(len(summary), len(by) + 1)
            for s in summary:
                mine = by[s["g"]] if s["scope"] == "group" else units
                self.assertEqual(int(s["rows"]), len(mine))
                for col in ("y", "z", "c"):
                    want = sum(Decimal(u[col]) for u in mine)
                    self.assertEqual(Decimal(s[col]), want, (s["g"], col))
                self.assertEqual(Decimal(s["lo_min"]), min(Decimal(u["lo"]) for u in mine))
                self.assertEqual(int(s["pos_count"]), sum(u["pos"] == "true" for u in mine))
                # at the largest scale added: the output's places
                self.assertEqual(len(s["z"].split(".")[1]), 36)
                self.assertEqual(len(s["c"].split(".")[1]), 2)
            # a total past 64 bits was reached (the spill was taken)
            self.assertTrue(any(abs(Decimal(s["y"])) >= 2 ** 63 for s in summary))

    def test_compare_totals_are_exact_past_64_bits(self):
        """compare's summary by group: the totals under the current rules
        and the override, and their change, exact past 64 bits."""
        with tempfile.TemporaryDirectory() as d:
            rules, data = os.path.join(d, "w.yaml"), os.path.join(d, "w.csv")
            with open(rules, "w") as f:
                f.write(WIDE)
            with open(data, "w") as f:
                f.write(wide_data(11, 6000, 7, most=35))  # × 3 fits 36 digits
            summ = os.path.join(d, "s.csv")
            self.run_cli("compare", rules, data, "-d", "2024-01-01", "--override",
                         "p=3@2020-01-01", "--summary", summ, "--group-by", "g",
                         "-o", os.path.join(d, "c.csv"), rc=(0, 1))
            with open(summ) as f:
                summary = rows(f.read())
            with open(data) as f:
                units = rows(f.read())
            by = {}
            for u in units:
                by.setdefault(u["g"], []).append(u)
            self.assertEqual(len(summary), len(by) + 1)
            for s in summary:
                mine = by[s["g"]] if s["scope"] == "group" else units
                self.assertEqual(int(s["compared"]), len(mine))
                for col, name in (("n", "y"), ("k", "c")):
                    now = sum(Decimal(u[col]) for u in mine)
                    self.assertEqual(Decimal(s[f"{name}_current"]), now, (s["g"], name))
                    self.assertEqual(Decimal(s[f"{name}_override"]), 3 * now)
                    self.assertEqual(Decimal(s[f"{name}_change"]), 2 * now)


class GroupMemory(unittest.TestCase):
    # measured from a small fresh interpreter: a child forked from this
    # one would count its pages in the peak; under ASan, freed memory
    # waits in a quarantine that is not the run's
    PROBE = ("import os, subprocess, sys\n"
             "p = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL)\n"
             "_, status, usage = os.wait4(p.pid, 0)\n"
             "print(os.waitstatus_to_exitcode(status), usage.ru_maxrss)\n")

    def peak_kib(self, *args):
        env = dict(os.environ, ASAN_OPTIONS=os.environ.get("ASAN_OPTIONS", "") +
                   ":quarantine_size_mb=1")
        p = subprocess.run([sys.executable, "-c", self.PROBE, BIN, *args],
                           capture_output=True, text=True, cwd=SRC, env=env)
        rc, kib = p.stdout.split()
        self.assertEqual(rc, "0", p.stderr)
        return int(kib)

    def test_memory_per_group_is_bounded(self):
        """100,000 units, each its own group: the peak memory grows by at
        most GROUP_BYTES a group and thread over the same run without
        groups (4.9 KB a group on one thread, 7.3 KB on two before)."""
        n = 100000
        with tempfile.TemporaryDirectory() as d:
            data = os.path.join(d, "u.csv")
            with open(data, "w") as f:
                f.write("id,unit_type,employees,disabled,disabled_severe,"
                        "wage_total,local_avg_wage\n")
                for i in range(n):
                    f.write(f"U{i:07d},enterprise,{100 + i % 900},{i % 3},0,"
                            f"{6000000 + i}.{i % 100:02d},50000\n")
            common = ("run", "rules/cn/jilin.yaml", data, "--date", "2024-06-30",
                      "-q", "-o", os.devnull, "--summary", os.path.join(d, "s.csv"))
            for j in (1, 2):
                with self.subTest(threads=j):
                    base = self.peak_kib(*common, "-j", str(j))
                    peak = self.peak_kib(*common, "-j", str(j), "--group-by", "wage_total")
                    per_group = (peak - base) * 1024 / n
                    # with two threads each group is in one worker's
                    # table, then in the merged one: twice at most
                    self.assertLess(per_group, GROUP_BYTES * j,
                                    f"{per_group:.0f} bytes a group at -j {j}")
            with open(os.path.join(d, "s.csv")) as f:
                self.assertEqual(len(f.read().splitlines()), n + 2)


if __name__ == "__main__":
    BIN = os.path.abspath(sys.argv[1])
    SRC = os.path.abspath(sys.argv[2])
    unittest.main(argv=sys.argv[:1])
