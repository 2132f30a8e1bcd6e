"""The command against SQL over generated data (run by test_pg.py, which
starts the server): every bundled rule set evaluates a few hundred rows —
bench/gen_units.py's for Jilin and the national rules, each rule set's example
rows with their numbers redrawn for the others, and in both some fields
spoiled — through `quotalevy run` (CSV) and through
quotalevy.try_evaluate over the same rows loaded into a table, and every
output's text (its scale included) and every reject (field, status,
message) must be the same.
"""
import csv
import os
import random
import re
import subprocess
import sys
import tempfile
import unittest
from decimal import Decimal

import pgenv
from pgenv import psql, sql_results

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..",
                                "tests"))
import example_table  # noqa: E402  (every rule set with its example data)

ROWS = 300
NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
# what a spoilt field holds: text that is no number, a thousands
# separator, a sign, an exponent, blanks, too many places, nothing
SPOILT = ["abc", "1,5", "-3", "1e3", " 7 ", "0.0000001", "", "12.5.1", "NaN"]


def redrawn(value, r):
    """A number like `value`, with as many places, scaled by 0 … 3."""
    d = Decimal(value)
    places = -d.as_tuple().exponent if d.as_tuple().exponent < 0 else 0
    new = d * Decimal(r.randint(0, 300)) / 100
    return str(new.quantize(Decimal(1).scaleb(-places)))


def generated(ex, r):
    """ROWS rows (a header and dicts) for an example of the table."""
    if ex.name in ("cn/jilin", "cn/national"):  # the units gen_units.py makes
        out = subprocess.run([sys.executable, os.path.join(pgenv.SRC, "bench/gen_units.py"),
                              str(ROWS), "--seed", str(r.randint(1, 10 ** 6))],
                             capture_output=True, text=True, check=True).stdout
        rows = list(csv.DictReader(out.splitlines()))
    else:
        with open(os.path.join(pgenv.SRC, ex.data), encoding="utf-8", newline="") as f:
            seed = list(csv.DictReader(f))
        rows = []
        for i in range(ROWS):
            row = dict(r.choice(seed), id="M%05d" % i)
            for k, v in row.items():
                if k != "id" and NUMBER.match(v.strip()) and r.random() < 0.6:
                    row[k] = redrawn(v.strip(), r)
            rows.append(row)
    header = list(rows[0])
    for row in rows:
        if r.random() < 0.06:
            row[r.choice(header[1:])] = r.choice(SPOILT)
    return header, rows


def cli_run(rules, data, date):
    """The command's output rows and rejects, by id, as text."""
    with tempfile.TemporaryDirectory() as d:
        out, rej = os.path.join(d, "o.csv"), os.path.join(d, "r.csv")
        p = subprocess.run([pgenv.CLI, "run", rules, data, "--date", date, "-o", out,
                            "-r", rej, "--quiet"], cwd=pgenv.SRC, capture_output=True,
                           text=True)
        if p.returncode not in (0, 1):
            raise AssertionError(f"quotalevy run failed: {p.stderr}")
        with open(out, encoding="utf-8", newline="") as f:
            rows = {r["id"]: r for r in csv.DictReader(f)}
        with open(rej, encoding="utf-8", newline="") as f:
            rejects = {r["id"]: r for r in csv.DictReader(f)}
    return rows, rejects


def as_text(v):
    """A jsonb value as the command's CSV writes it."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


def sql_row(result, columns):
    """A try_evaluate result as the command's CSV row: a check's fields
    under CHECK_applicable, …"""
    row = {}
    for c in columns:
        if c in result:
            row[c] = as_text(result[c])
            continue
        check, _, part = c.rpartition("_")
        v = result.get(check)
        if not isinstance(v, dict) or part not in v:
            raise AssertionError(f"column {c} is in no result: {sorted(result)}")
        row[c] = as_text(v[part])
    return row


class CommandAndSql(unittest.TestCase):
    def test_generated_rows_of_every_rule_set_give_the_same_text_and_rejects(self):
        r = random.Random(20261203)
        seen = set()
        for ex in example_table.rows(pgenv.SRC):
            if ex.name in seen:
                continue
            seen.add(ex.name)
            header, rows = generated(ex, r)
            with tempfile.TemporaryDirectory() as d:
                data = os.path.join(d, "units.csv")
                with open(data, "w", encoding="utf-8", newline="") as f:
                    w = csv.DictWriter(f, header)
                    w.writeheader()
                    w.writerows(rows)
                want, rejects = cli_run(ex.rules, data, ex.date)
                self.assertEqual(len(want) + len(rejects), ROWS, ex.name)
                self.assertGreater(len(rejects), 0, ex.name)
                self.assertGreater(len(want), ROWS // 3, ex.name)
                cols = ", ".join('"%s" text' % h.replace('"', '""') for h in header)
                psql(f"DROP TABLE IF EXISTS diff_units; CREATE TABLE diff_units ({cols});\n"
                     f"\\copy diff_units FROM '{data}' WITH (FORMAT csv, HEADER true)\n")
            try:
                got = sql_results("SET client_min_messages = warning; "
                                  f"SELECT quotalevy.try_evaluate('{ex.name}', t, "
                                  f"'{ex.date}') FROM diff_units t")
            finally:
                psql("DROP TABLE IF EXISTS diff_units")
            self.assertEqual(len(got), ROWS, ex.name)
            columns = [c for c in next(iter(want.values())) if c != "id"]
            ok = {g["id"]: g for g in got if "error" not in g}
            bad = {g["id"]: g["error"] for g in got if "error" in g}
            self.assertEqual(set(ok), set(want), ex.name)
            self.assertEqual(set(bad), set(rejects), ex.name)
            for rid, row in want.items():
                self.assertEqual(sql_row(ok[rid], columns), {c: row[c] for c in columns},
                                 f"{ex.name} {rid}")
            for rid, e in bad.items():
                cli = rejects[rid]
                # the command writes a rule's position before the message
                # (rules/cn/national.yaml:310:38: …), SQL in its own fields
                # (file as the table names it, cn/national)
                where = f"{e['file']}.yaml:{e['line']}:{e['column']}: " if e["line"] else ""
                self.assertEqual((e["field"], e["status"]), (cli["field"], cli["status"]),
                                 f"{ex.name} {rid}")
                self.assertTrue(cli["message"].endswith(where + e["message"]) and
                                (where or cli["message"] == e["message"]),
                                f"{ex.name} {rid}: {cli['message']!r} vs {e!r}")
        self.assertEqual(len(seen), 7)


def setUpModule():
    pgenv.start()  # the server test_pg.py runs the tests in
