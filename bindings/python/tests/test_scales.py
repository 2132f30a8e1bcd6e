"""Every output of every bundled example, evaluated from Python, is a
Decimal with its output's declared scale: the exponent is the same in
every row (money has its currency's minor unit), and the value is the one
`quotalevy run` writes in its CSV, digit for digit.  Over every rule set
and its example data, by the record API and the columnar one.
"""
import csv
import io
import os
import subprocess
import sys
from decimal import Decimal

import pytest

import quotalevy

SRC = os.environ.get("QL_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "../../.."))
CLI = os.environ.get("QL_CLI")

sys.path.insert(0, os.path.join(SRC, "tests"))
import example_table  # noqa: E402  (tests/example-table.txt: every rule set and its data)

EXAMPLES = example_table.rows(SRC)


def test_the_examples_are_every_rule_set_and_every_data_file():
    """This file's list, written by hand, left out cn/late-fee and
    examples/jilin-agencies.csv: it is now the table every front end
    reads, which must run every rule set and data file on disk."""
    assert example_table.uncovered(SRC) == []


def cli_rows(rules, data, date):
    if not CLI:
        raise RuntimeError("QL_CLI is not set (meson test sets it)")
    p = subprocess.run([CLI, "run", rules, data, "--date", date, "-q"],
                       capture_output=True, text=True, cwd=SRC)
    assert p.returncode in (0, 1), p.stderr
    return {r["id"]: r for r in csv.DictReader(io.StringIO(p.stdout))}


def records(rs, data):
    """The example's rows as records: its non-empty cells of the rule set's
    inputs (a list's items as name[k]), as the command reads them."""
    names = {i.name for i in rs.inputs}
    with open(os.path.join(SRC, data), encoding="utf-8", newline="") as f:
        # an empty cell is None: given, empty (a list's month left out is refused)
        return [(r["id"], {k: (v if v != "" else None) for k, v in r.items()
                           if k in names or k.split("[")[0] in names})
                for r in csv.DictReader(f)]


def text(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    return "" if v is None else str(v)


@pytest.mark.parametrize("ex", EXAMPLES, ids=repr)
def test_every_output_has_its_declared_scale(ex):
    rules, data, date, minor, money = ex.rules, ex.data, ex.date, ex.places, ex.money
    rs = quotalevy.RuleSet.load(os.path.join(SRC, rules))
    assert rs.currency_places == minor
    want = cli_rows(rules, data, date)
    exponents = {}
    evaluated = 0
    for uid, rec in records(rs, data):
        try:
            res = rs.evaluate(rec, date)
        except quotalevy.RecordError:
            assert uid not in want  # rejected by the command too
            continue
        evaluated += 1
        for name, v in res.as_dict().items():
            if isinstance(v, Decimal):
                exponents.setdefault(name, set()).add(v.as_tuple().exponent)
            # the same digits as the command's CSV
            assert text(v) == want[uid][name], (rules, uid, name)
    assert evaluated == len(want) > 0
    for name, exps in exponents.items():
        assert len(exps) == 1, (rules, name, exps)
    for name in money:
        assert exponents[name] == {-minor}, (rules, name)


@pytest.mark.parametrize("ex", EXAMPLES, ids=repr)
def test_columns_have_the_same_scale(ex):
    rules, data, date, minor, money = ex.rules, ex.data, ex.date, ex.places, ex.money
    rs = quotalevy.RuleSet.load(os.path.join(SRC, rules))
    with open(os.path.join(SRC, data), encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    want = cli_rows(rules, data, date)
    ok = [r for r in rows if r["id"] in want]  # the rows the command wrote
    cols = {k: [r[k] for r in ok] for k in ok[0]}
    out = rs.evaluate_columns(cols, date, extra="ignore")
    checked = set()
    for name, values in out.items():
        if name not in want[ok[0]["id"]]:
            continue
        exponents = {v.as_tuple().exponent for v in values if isinstance(v, Decimal)}
        assert len(exponents) <= 1, (rules, name, exponents)
        for r, v in zip(ok, values):
            assert text(v) == want[r["id"]][name], (rules, r["id"], name)
            if name in money and v is not None:
                assert v.as_tuple().exponent == -minor
                checked.add(name)
    assert checked == money, (rules, money - checked)  # every money output seen
