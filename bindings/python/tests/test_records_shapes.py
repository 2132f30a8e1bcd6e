"""The record API's shape of a record: a list given whole must have the
list's length and must not be given by item too, `id` is taken as the
command and the columnar path take it, and in evaluate_many a record
that is not a mapping is that record's error, not the stream's.  Each
test failed before its fix (probe2 P2-22, P2-25, P2-27)."""
import csv
import os
import re
from decimal import Decimal

import pytest

import quotalevy

SRC = os.path.abspath(os.environ.get("QL_SOURCE_DIR",
                                    os.path.join(os.path.dirname(__file__), "..", "..", "..")))

SMALL = """
quotalevy: 1
id: small-records
title: Small
jurisdiction: XX
version: "1"
inputs:
  a: {type: decimal, scale: 2}
computed:
  t: a + 1
outputs: [t]
"""


@pytest.fixture(scope="module")
def de():
    return quotalevy.RuleSet.load(os.path.join(SRC, "rules", "de", "sgb9.yaml"))


def de_record():
    return {"positions": ["121"] * 12, "severely_disabled": ["3"] * 12}


def test_a_list_of_another_length_is_refused_both_ways(de):
    r = de_record()
    base = de.evaluate(r, "2024-12-31").outputs["levy"]
    for n in (11, 1, 0, 13):
        bad = dict(r, positions=r["positions"][:1] * n)
        with pytest.raises(quotalevy.FieldValueError, match="has 12 items, got %d" % n) as e:
            de.evaluate(bad, "2024-12-31")
        assert isinstance(e.value, ValueError) and e.value.field == "positions"
    # None for an empty month is how a short year is said
    short = dict(r, positions=r["positions"][:11] + [None])
    assert de.evaluate(short, "2024-12-31").outputs["levy"] != base


def test_a_list_given_by_some_of_its_items_is_refused(de):
    """A record with 11 of a list's 12 item keys read the twelfth as empty:
    levy 6065.00 -> 4595.00, no error (P3-21, as the command's JSON Lines
    and SQL's jsonb refuse it)."""
    full = {"positions[%d]" % k: "121" for k in range(1, 13)}
    full.update(severely_disabled=["3"] * 12, workshop_labour="6000")
    assert str(de.evaluate(full, "2024-12-31").outputs["levy"]) == "6065.00"
    for gone in (["positions[12]"], ["positions[1]", "positions[5]"]):
        bad = {k: v for k, v in full.items() if k not in gone}
        with pytest.raises(quotalevy.FieldValueError,
                           match="has %d of the 12 items of the list 'positions': no key %s"
                           % (12 - len(gone), re.escape(", ".join(gone)))) as e:
            de.evaluate(bad, "2024-12-31")
        assert e.value.field == gone[0]
        got = list(de.evaluate_many([full, bad, full], "2024-12-31", errors="yield"))
        assert isinstance(got[1], quotalevy.FieldValueError) and got[1].row == 1
        assert got[0].outputs == got[2].outputs
        # None: an item meant empty, said so
        said = dict(bad, **{g: None for g in gone})
        assert str(de.evaluate(said, "2024-12-31").outputs["levy"]) != "6065.00"


def test_a_list_given_in_part_ranks_after_an_earlier_slip(de):
    """bind14: with positions[2] missing and a key positions[13] (a slip,
    ranked at positions' first item), Python said "has 11 of the 12
    items", where the command and the C fill report the slip, which ranks
    first; a list given in part is ranked at its first missing item now,
    in any key order, one record or many, and a later slip loses to it."""
    full = {"positions[%d]" % k: "121" for k in range(1, 13)}
    full.update(severely_disabled=["3"] * 12, workshop_labour="6000")
    part = {k: v for k, v in full.items() if k != "positions[2]"}
    slip = dict(part, **{"positions[13]": "5"})
    for rec in (slip, dict(reversed(list(slip.items())))):
        with pytest.raises(quotalevy.RecordError,
                           match=r"no input called 'positions\[13\]': 'positions' is a "
                                 r"list of 12 items") as e:
            de.evaluate(rec, "2024-12-31")
        assert e.value.field == "positions[13]"
        got = list(de.evaluate_many([full, rec], "2024-12-31", errors="yield"))
        assert got[1].field == "positions[13]", got[1]
    # a slip that ranks later (past the list) loses to the missing item
    later = dict(part, severly_disabled=["3"] * 12)
    del later["severely_disabled"]
    with pytest.raises(quotalevy.FieldValueError,
                       match="has 11 of the 12 items of the list 'positions': no key "
                             r"positions\[2\]") as e:
        de.evaluate(later, "2024-12-31")
    assert e.value.field == "positions[2]"
    # a list given whole with None items is given whole
    whole = dict(full)
    for k in range(1, 13):
        del whole["positions[%d]" % k]
    whole["positions"] = ["121"] + [None] * 11
    try:
        de.evaluate(whole, "2024-12-31")
    except quotalevy.RecordError as e:
        assert "items of the list" not in str(e), e


def test_a_list_given_whole_and_by_item_is_refused(de):
    r = dict(de_record(), **{"positions[3]": "999"})
    with pytest.raises(quotalevy.FieldValueError, match="'positions'.*'positions\\[3\\]'"):
        de.evaluate(r, "2024-12-31")
    got = list(de.evaluate_many([de_record(), r, de_record()], "2024-12-31", errors="yield"))
    assert isinstance(got[1], quotalevy.FieldValueError) and got[1].row == 1
    assert got[0].outputs == got[2].outputs


@pytest.mark.parametrize("rules,data,date", [
    ("rules/jp/levy.yaml", "examples/jp-employers.csv", "2025-03-31"),
    ("rules/de/sgb9.yaml", "examples/de-employers.csv", "2024-12-31"),
    ("rules/fr/oeth.yaml", "examples/fr-companies.csv", "2024-12-31"),
])
def test_id_is_taken_as_the_command_takes_it(rules, data, date):
    rs = quotalevy.RuleSet.load(os.path.join(SRC, rules))
    assert "id" not in [i.name for i in rs.inputs]
    with open(os.path.join(SRC, data), newline="") as f:
        # an empty cell is None (given, empty): a month left out is refused
        recs = [{k: v or None for k, v in r.items()} for r in csv.DictReader(f)][:5]
    assert all("id" in r for r in recs)
    bare = [{k: v for k, v in r.items() if k != "id"} for r in recs]
    want = [rs.evaluate(b, date).as_dict() for b in bare]
    assert [rs.evaluate(r, date).as_dict() for r in recs] == want
    assert [m.as_dict() for m in rs.evaluate_many(recs, date, batch=2)] == want
    cols = {k: [r.get(k) for r in recs] for k in set().union(*recs)}
    out = rs.evaluate_columns(cols, date)
    assert [{k: out[k][i] for k in out} for i in range(len(recs))] == want


@pytest.mark.parametrize("bad,what", [(None, "None"), (["a"], "a list"), ("a", "a str"),
                                      (3, "a int"), (("a", "1"), "a tuple")])
def test_a_record_that_is_no_mapping_is_its_own_error(bad, what):
    rs = quotalevy.RuleSet.from_string(SMALL)
    recs = [{"a": "1"}] * 3 + [bad] + [{"a": "2"}] * 3
    got = list(rs.evaluate_many(recs, "2024-01-01", errors="yield", batch=2))
    assert len(got) == 7
    assert isinstance(got[3], quotalevy.FieldTypeError) and got[3].row == 3
    assert "record 3 is %s, not a mapping" % what in str(got[3])
    assert [g.outputs["t"] for g in got[4:]] == [Decimal("3.00")] * 3
    with pytest.raises(quotalevy.FieldTypeError, match="record 3 is") as e:
        list(rs.evaluate_many(recs, "2024-01-01", batch=2))
    assert isinstance(e.value, TypeError)


LIST_TAIL = "'positions' is a list of 12 items, positions\\[1\\] … positions\\[12\\]"


@pytest.mark.parametrize("bad", ["positions[13]", "positions[0]", "Positions[13]",
                                 "Positions[1]", "positions[01]"])
def test_a_key_past_a_list_is_refused_as_columns_and_the_command_refuse_it(de, bad):
    """A dict record with positions[13] (of twelve) was evaluated with the
    key passed over, a warning at most, where evaluate_columns, the
    command and SQL refuse it: month 13 (or a month written Positions[1]
    beside positions[1]) was dropped.  Refused in evaluate and
    evaluate_many, whatever `extra` says, items given by key or whole."""
    by_key = {"positions[%d]" % k: "121" for k in range(1, 13)}
    by_key.update(severely_disabled=["3"] * 12, workshop_labour="6000")
    for r in (dict(by_key, **{bad: "5"}), dict(de_record(), **{bad: "5"})):
        for extra in ("warn", "ignore", "error"):
            with pytest.raises(quotalevy.RecordError, match=LIST_TAIL) as e:
                de.evaluate(r, "2024-12-31", extra=extra)
            assert e.value.field == bad and "did you mean" not in str(e.value)
        got = list(de.evaluate_many([de_record(), r], "2024-12-31", errors="yield"))
        assert isinstance(got[1], quotalevy.RecordError) and got[1].row == 1
        assert got[1].field == bad and re.search(LIST_TAIL, str(got[1]))


def test_a_lists_bare_name_misspelt_gets_did_you_mean(de):
    """'Positions': [...] was passed over (a warning) and every month read
    as empty; SQL and evaluate_columns name the list."""
    r = {"Positions": ["121"] * 12, "severely_disabled": ["3"] * 12}
    with pytest.raises(quotalevy.RecordError, match="did you mean the list 'positions'"):
        de.evaluate(r, "2024-12-31", extra="ignore")


def test_a_near_miss_of_id_gets_did_you_mean(de):
    """'ID' or 'Id' for the record's id was passed over with a warning; as
    the command, columns and SQL suggest 'id' when the record has none."""
    for slip in ("ID", "Id"):
        r = dict(de_record(), **{slip: "E1"})
        with pytest.raises(quotalevy.RecordError, match="did you mean 'id'") as e:
            de.evaluate(r, "2024-12-31", extra="ignore")
        assert e.value.field == slip
        got = list(de.evaluate_many([r], "2024-12-31", errors="yield"))
        assert got[0].field == slip
        # beside an id of its own it is another key, passed over
        with pytest.warns(quotalevy.ExtraColumnsWarning, match=slip):
            de.evaluate(dict(r, id="E1"), "2024-12-31")


@pytest.mark.parametrize("rules,date", [("rules/de/sgb9.yaml", "2024-12-31"),
                                        ("rules/cn/jilin.yaml", "2024-06-30"),
                                        ("rules/jp/levy.yaml", "2025-03-31")])
def test_a_declared_input_never_gets_did_you_mean_whatever_its_value(rules, date):
    """A key that is a declared input is that input, unset (None, '') or
    not, never a slip of another: each input in turn None or '' next to
    a near miss of it, in evaluate, evaluate_many and evaluate_columns —
    no error may suggest a declared key, nor name the near miss as a slip
    of the input that has a key."""
    rs = quotalevy.RuleSet.load(os.path.join(SRC, rules))
    names = [i.name for i in rs.inputs]
    for name in names:
        for unset in (None, ""):
            rec = {n: None for n in names}
            rec[name] = unset
            rec[name.upper()] = "1"  # a near miss of a key that is given
            errs = []
            for call in (lambda: rs.evaluate(rec, date, extra="ignore"),
                         lambda: next(iter(rs.evaluate_many([rec], date, errors="yield",
                                                            extra="ignore"))),
                         lambda: rs.evaluate_columns({k: [v] for k, v in rec.items()}, date,
                                                     errors="column", extra="ignore")):
                try:
                    out = call()
                    if isinstance(out, Exception):
                        errs.append(str(out))
                except quotalevy.Error as e:
                    errs.append(str(e))
            for msg in errs:
                for n in names:
                    assert "did you mean '%s'" % n not in msg, (name, unset, msg)


def test_a_records_own_date_is_never_dropped_without_a_word():
    """A dict record with a 'date' key was evaluated on the call's date
    with the generic extra-keys warning (silently with the warning
    filtered), where evaluate_columns and evaluate_frame refuse the same
    column (probe4 P4-12) and the command's JSON Lines refuses the key
    with --date.  Refused in evaluate and evaluate_many, unless
    extra='ignore' says so knowingly."""
    rs = quotalevy.RuleSet.from_string(SMALL)
    rec = {"a": "1", "date": "1990-01-01"}
    for extra in ("warn", "error"):
        with pytest.raises(quotalevy.RecordError, match="key 'date' gives the record its own") as e:
            rs.evaluate(rec, "2024-06-30", extra=extra)
        assert e.value.field == "date"
        got = list(rs.evaluate_many([{"a": "1"}, rec], "2024-06-30", errors="yield", extra=extra))
        assert isinstance(got[1], quotalevy.RecordError) and got[1].row == 1
        assert got[0].outputs["t"] == Decimal("2.00")
    assert rs.evaluate(rec, "2024-06-30", extra="ignore").outputs["t"] == Decimal("2.00")
    assert [r.outputs["t"] for r in rs.evaluate_many([rec], "2024-06-30", extra="ignore")] \
        == [Decimal("2.00")]
