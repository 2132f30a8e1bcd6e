"""The columnar path's shape of a batch: how many rows (every column
counts, id and ignored ones too), which columns are paired (pandas
Series only on one index), list inputs given whole (a column of
sequences), and the error columns of errors='column' never taking the
place of outputs.  Each test here failed before its fix (probe2 P2-08,
P2-09, P2-20, P2-24)."""
import csv
import os
import re
import subprocess
import sys
import warnings
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

import quotalevy

SRC = os.path.abspath(os.environ.get("QL_SOURCE_DIR",
                                    os.path.join(os.path.dirname(__file__), "..", "..", "..")))

DEFAULTED = """
quotalevy: 1
id: defaulted
title: Every input defaulted
jurisdiction: XX
version: "1"
inputs:
  a: {type: decimal, scale: 2, default: 7}
  b: {type: decimal, scale: 2, default: 0}
computed:
  t: a + b
outputs: [t]
"""

# outputs named as the error columns errors='column' adds
CLASH = """
quotalevy: 1
id: clash
title: Outputs named as error columns
jurisdiction: XX
version: "1"
inputs:
  a: {type: decimal, scale: 2}
  error_message: string
computed:
  error_status: a + 1
outputs: [error_status, error_message]
"""


@pytest.fixture(scope="module")
def rs():
    return quotalevy.RuleSet.from_string(DEFAULTED)


def quiet(fn, *args, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", quotalevy.ExtraColumnsWarning)
        return fn(*args, **kw)


# ------------------------------------------------------- P2-08: row count


def test_rows_counted_from_any_column(rs):
    # no input column at all, knowingly (extra='ignore'): the batch is as
    # long as the columns given
    out = rs.evaluate_columns({"zz": ["1", "2", "3"]}, "2024-01-01", extra="ignore")
    assert list(out["t"]) == [Decimal("7.00")] * 3
    out = rs.evaluate_columns({"id": ["u1", "u2", "u3"]}, "2024-01-01", extra="ignore")
    assert len(out["t"]) == 3
    out = rs.evaluate_columns({"id": np.array(["u1", "u2"])}, "2024-01-01", extra="ignore")
    assert len(out["t"]) == 2
    # the frame path agrees
    f = rs.evaluate_frame(pd.DataFrame({"zz": ["1", "2", "3"]}), "2024-01-01", extra="ignore")
    assert list(f["t"]) == list(out["t"]) + [Decimal("7.00")]
    assert rs.evaluate_columns({}, "2024-01-01")["t"] == []


@pytest.mark.parametrize("cols", [
    {"zz": ["1", "2", "3"]},
    {"id": ["u1", "u2"]},
    {0: ["1"], 1: ["2"]},
    {"id;a;b": ["u1;1;2"]},
    {"id\ta": ["u1\t1"]},
])
def test_no_input_column_is_refused_as_the_command_refuses_it(rs, cols):
    # every row would be evaluated on the defaults alone: a ';'-separated
    # export read with pandas' default separator, headers in another
    # language (probe5 P5-07; the command stops such a header)
    for call in (rs.evaluate_columns, lambda c, d: rs.evaluate_frame(pd.DataFrame(c), d)):
        with pytest.raises(quotalevy.RecordError, match="no column is an input|separated by"):
            quiet(call, cols, "2024-01-01")
    with pytest.raises(quotalevy.RecordError, match="no column is an input"):
        rs.evaluate_frame(pd.DataFrame(index=range(3)), "2024-01-01")


@pytest.mark.parametrize("rec", [{}, {"id": "u1"}])
def test_a_record_with_no_input_key_is_refused(rs, rec):
    with pytest.raises(quotalevy.RecordError, match="no key is an input"):
        rs.evaluate(rec, "2024-01-01")
    got = list(rs.evaluate_many([rec, {"a": "1"}], "2024-01-01", errors="yield"))
    assert isinstance(got[0], quotalevy.RecordError) and "no key is an input" in str(got[0])
    assert not isinstance(got[1], Exception)


@pytest.mark.parametrize("rec", [{"zz": "1"}, {"id": "u1", "Betrag": "5", "naam": "x"}])
@pytest.mark.parametrize("extra", ["warn", "ignore"])
def test_a_record_whose_keys_are_all_unknown_is_refused(rs, rec, extra):
    # probe8 P8-06: only {} and {'id'} were refused; keys in another
    # language were passed over with a warning and the record evaluated on
    # the defaults alone (Japan's levy 0), where the command's JSON Lines,
    # Java and Lua refuse the same record whatever extra says
    with pytest.raises(quotalevy.RecordError, match="no key is an input"):
        quiet(rs.evaluate, rec, "2024-01-01", extra=extra)
    got = quiet(lambda: list(rs.evaluate_many([rec, {"a": "1"}], "2024-01-01",
                                              errors="yield", extra=extra)))
    assert isinstance(got[0], quotalevy.RecordError) and "no key is an input" in str(got[0])
    assert not isinstance(got[1], Exception)


def test_a_near_miss_says_did_you_mean_before_no_input(jp):
    # a key that is a near miss of an input keeps its own, better message
    with pytest.raises(quotalevy.RecordError, match="did you mean 'industry'"):
        quiet(jp.evaluate, {"Industry": "manufacturing"}, "2025-10-01")
    with pytest.raises(quotalevy.RecordError) as e:
        quiet(jp.evaluate, {"id": "a", "Vollzeit": "400"}, "2025-10-01")
    assert e.value.message == "no key is an input of the rule set 'jp-levy' (the record has 'Vollzeit'; the rules read exclusion_rate, industry, full_time[1], …): it would be evaluated on the inputs' defaults alone"


def test_no_input_is_worded_as_in_every_front_end():
    # one decision and one message for the command, Java, Lua, PostgreSQL
    # and Python (tools/quotalevy/noinput.h, through the binding)
    jp = quotalevy.RuleSet.load(os.path.join(SRC, "rules", "jp", "levy.yaml"))
    with pytest.raises(quotalevy.RecordError) as e:
        jp.evaluate({"id": "a"}, "2025-10-01")
    assert e.value.message == "no key is an input of the rule set 'jp-levy' (the record has only 'id'; the rules read exclusion_rate, industry, full_time[1], …): it would be evaluated on the inputs' defaults alone"
    with pytest.raises(quotalevy.RecordError) as e:
        jp.evaluate_columns({"id": ["a"], "Vollzeit": ["400"]}, "2025-10-01")
    assert str(e.value.message).startswith(
        "no column is an input of the rule set 'jp-levy' (the batch has 'Vollzeit'; the "
        "rules read exclusion_rate, industry, full_time[1], …): every row would be "
        "evaluated on the inputs' defaults alone; name the columns after the inputs")


@pytest.mark.parametrize("cols", [
    {"a": ["1", "2"], "zz": ["1", "2", "3"]},
    {"a": ["1", "2"], "id": ["u1"]},
    {"id": ["u1", "u2"], "zz": ("1", "2", "3")},
    {"a": ["1", "2"], "b": ["1", "2"], "zz": pd.Series(["1", "2", "3"])},
    {"zz": ["1"], "a": ["1", "2"]},
])
def test_every_column_has_the_same_length(rs, cols):
    with pytest.raises(ValueError, match="columns of different lengths") as e:
        quiet(rs.evaluate_columns, cols, "2024-01-01")
    for name, v in cols.items():
        assert "%r %d" % (name, len(v)) in str(e.value)


def test_an_ignored_column_must_be_a_sequence(rs):
    for bad in ("abc", 5, {"x": 1}, {2, 1}):
        with pytest.raises(TypeError, match="'zz'"):
            quiet(rs.evaluate_columns, {"a": ["1"], "zz": bad}, "2024-01-01")
    # a generator counts as its cells
    out = rs.evaluate_columns({"zz": (x for x in "12")}, "2024-01-01", extra="ignore")
    assert len(out["t"]) == 2


# ------------------------------------------- P2-09: Series and their index


def test_series_on_different_indexes_are_refused(rs):
    s1 = pd.Series(["1", "2"], index=[5, 3])
    s2 = pd.Series(["10", "20"], index=[3, 5])
    with pytest.raises(ValueError, match="different indexes.*evaluate_frame"):
        rs.evaluate_columns({"a": s1, "b": s2}, "2024-01-01")
    with pytest.raises(ValueError, match="different indexes"):
        rs.evaluate_columns({"a": s1, "id": pd.Series(["x", "y"])}, "2024-01-01")
    # one index: paired by position, as the frame pairs them by label
    s3 = pd.Series(["10", "20"], index=[5, 3])
    out = rs.evaluate_columns({"a": s1, "b": s3}, "2024-01-01")
    assert list(out["t"]) == [Decimal("11.00"), Decimal("22.00")]
    f = rs.evaluate_frame(pd.DataFrame({"a": s1, "b": s2}), "2024-01-01")
    assert f.loc[5, "t"] == Decimal("21.00") and f.loc[3, "t"] == Decimal("12.00")
    # a Series with a list: by position (a list has no index)
    out = rs.evaluate_columns({"a": s1, "b": ["10", "20"]}, "2024-01-01")
    assert list(out["t"]) == [Decimal("11.00"), Decimal("22.00")]


def test_unordered_columns_are_refused(rs):
    for bad in ({"x": "1"}, {"2", "1"}, frozenset(["1"]), {"x": 1}.keys()):
        with pytest.raises(TypeError, match="'a'.*sequence"):
            rs.evaluate_columns({"a": bad}, "2024-01-01")


# ---------------------------------------- P2-20: error columns vs outputs


def test_error_columns_never_replace_outputs():
    rs = quotalevy.RuleSet.from_string(CLASH)
    cols = {"a": ["1", "x"], "error_message": ["m1", "m2"]}
    with pytest.raises(ValueError, match="errors='column'.*'error_status', 'error_message'"):
        rs.evaluate_columns(cols, "2024-01-01", errors="column")
    with pytest.raises(ValueError, match="errors='column'.*'error_status'"):
        rs.evaluate_frame(pd.DataFrame(cols), "2024-01-01", errors="column")
    # errors='raise' has no such columns: the good row is right
    out = rs.evaluate_columns({"a": ["1"], "error_message": ["m1"]}, "2024-01-01")
    assert out["error_status"][0] == Decimal("2.00") and out["error_message"][0] == "m1"


# ------------------------------------------- P2-24: a list input given whole


@pytest.fixture(scope="module")
def jp():
    return quotalevy.RuleSet.load(os.path.join(SRC, "rules", "jp", "levy.yaml"))


def jp_records():
    with open(os.path.join(SRC, "examples", "jp-employers.csv"), newline="") as f:
        return [{k: v or None for k, v in r.items() if k != "id"} for r in csv.DictReader(f)]


def whole(rec, names=("full_time", "short_time", "disabled_full")):
    out = {k: v for k, v in rec.items() if k.split("[")[0] not in names}
    for n in names:
        out[n] = [rec.get("%s[%d]" % (n, k)) for k in range(1, 13)]
    return out


def test_a_list_input_given_whole_is_read_as_its_items(jp):
    recs = jp_records()[:6]
    want = [jp.evaluate(r, "2025-03-31").as_dict() for r in recs]
    assert any(w["levy"] for w in want)
    rows = [whole(r) for r in recs]
    keys = sorted(set().union(*rows))
    cols = {k: [r.get(k) for r in rows] for k in keys}
    with warnings.catch_warnings():
        warnings.simplefilter("error", quotalevy.ExtraColumnsWarning)
        out = jp.evaluate_columns(cols, "2025-03-31")
        assert [{k: out[k][i] for k in out} for i in range(len(recs))] == want
        # tuples and numpy arrays as cells, and the frame path alike
        cols["full_time"] = [tuple(c) for c in cols["full_time"]]
        cols["short_time"] = [np.array(c, dtype=object) for c in cols["short_time"]]
        f = jp.evaluate_frame(pd.DataFrame(cols), "2025-03-31")
    assert [f.iloc[i].to_dict() for i in range(len(recs))] == want
    # a whole list that is kept is read too, as a kept input is
    k = jp.evaluate_frame(pd.DataFrame(cols), "2025-03-31", keep=["full_time"])
    assert list(k["levy"]) == list(f["levy"]) and list(k["full_time"]) == cols["full_time"]
    # only the list columns given: the row count comes from them
    one = {k: cols[k][:1] for k in ("full_time", "short_time", "disabled_full")}
    assert len(jp.evaluate_columns(one, "2025-03-31")["levy"]) == 1
    # None: every item empty
    got = jp.evaluate_columns(dict(one, short_time=[None]), "2025-03-31")
    bare = jp.evaluate_columns({k: one[k] for k in ("full_time", "disabled_full")},
                               "2025-03-31")
    assert {k: list(v) for k, v in got.items()} == {k: list(v) for k, v in bare.items()}


def test_a_whole_list_of_another_length_or_given_twice_is_refused(jp):
    twelve = [["400"] * 12, ["400"] * 12]
    for bad, what in ((["400"] * 11, "not 11"), (["400"] * 13, "not 13"),
                      ("400", "not str"), (400, "not int")):
        with pytest.raises(quotalevy.FieldTypeError, match="'full_time', row 1.*%s" % what):
            jp.evaluate_columns({"full_time": [twelve[0], bad]}, "2025-03-31")
        with pytest.raises(quotalevy.FieldTypeError, match="row 1 \\(index 'b'\\).*%s" % what):
            jp.evaluate_frame(pd.DataFrame({"full_time": [twelve[0], bad]}, index=["a", "b"]),
                              "2025-03-31")
    with pytest.raises(ValueError, match="'full_time'.*'full_time\\[3\\]'"):
        jp.evaluate_columns({"full_time": twelve, "full_time[3]": ["1", "1"]}, "2025-03-31")
    with pytest.raises(ValueError, match="'full_time'.*'full_time\\[3\\]'"):
        jp.evaluate_frame(pd.DataFrame({"full_time": twelve, "full_time[3]": ["1", "1"]}),
                          "2025-03-31")


def test_a_near_miss_of_a_whole_list_is_refused(jp):
    twelve = [["400"] * 12]
    for bad in ("Full_time", "full_tim", "fulltime"):
        with pytest.raises(quotalevy.RecordError, match="did you mean 'full_time'"):
            jp.evaluate_columns({bad: twelve, "disabled_full": twelve}, "2025-03-31")
    # an item given: the list has a column, the near miss is only extra
    items = {"full_time[%d]" % k: ["400"] for k in range(1, 13)}
    with pytest.warns(quotalevy.ExtraColumnsWarning, match="Full_time"):
        jp.evaluate_columns(dict(items, Full_time=twelve), "2025-03-31")


def test_a_list_with_some_item_columns_missing_is_refused(jp):
    """A frame with 11 of a list's 12 item columns read the missing month
    as empty: de/sgb9's levy 6065.00 became 4595.00, no warning (P3-21).
    Columns and frames, any items missing; a column of None says an item
    is meant empty."""
    de = quotalevy.RuleSet.load(os.path.join(SRC, "rules/de/sgb9.yaml"))
    with open(os.path.join(SRC, "examples/de-employers.csv"), encoding="utf-8") as f:
        table = list(csv.DictReader(f))
    full = {k: [r[k] for r in table] for k in table[0]}
    for gone in (["positions[12]"], ["severely_disabled[2]", "severely_disabled[9]"],
                 ["trainee_positions[%d]" % k for k in range(1, 12)]):
        cols = {k: v for k, v in full.items() if k not in gone}
        lst = gone[0].split("[")[0]
        msg = r"give %d of the 12 items of the list '%s': %s" % (
            12 - len(gone), lst, re.escape(", ".join(gone[:6])))
        with pytest.raises(quotalevy.RecordError, match=msg) as e:
            de.evaluate_columns(cols, "2024-12-31")
        assert e.value.field == gone[0]
        with pytest.raises(quotalevy.RecordError, match=msg):
            de.evaluate_frame(pd.DataFrame(cols), "2024-12-31", errors="column")
        # None: meant empty, said so
        out = de.evaluate_columns(dict(cols, **{g: [None] * len(table) for g in gone}),
                                  "2024-12-31", errors="column")
        assert len(out["levy"]) == len(table)
    assert list(de.evaluate_columns(full, "2024-12-31")["levy"]) == [
        Decimal(x) for x in ("6065.00", "43200.00", "840.00", "0.00", "700.00")]


def test_the_near_miss_index_finds_what_measuring_every_pair_finds():
    """match_columns measured every extra column against every input
    without a column (500 × 5,000 took 265 s, P3-23); its index must still
    offer every name near_miss accepts.  Random names over a small
    alphabet (case, zero padding and look-alikes included) and random
    edits of them, against the pairwise check."""
    import random
    from quotalevy import _columns
    rnd = random.Random(20261202)
    alphabet = "abAB_01[]-\uff11\u200b"

    def name():
        return "".join(rnd.choice(alphabet) for _ in range(rnd.randint(1, 30)))

    def edit(s):
        for _ in range(rnd.randint(0, 2)):
            at = rnd.randint(0, len(s))
            op = rnd.randint(0, 2)
            c = rnd.choice(alphabet)
            s = (s[:at] + c + s[at:] if op == 0 else
                 s[:at] + s[at + 1:] if op == 1 and len(s) > 1 else s[:at] + c + s[at + 1:])
        return s

    names = [name() for _ in range(250)]
    names += [edit(rnd.choice(names)) for _ in range(250)]
    index = _columns._NearIndex(names)
    found = 0
    for _ in range(200):
        q = edit(rnd.choice(names))
        cands = index.candidates(q)
        want = {p for p, n in enumerate(names) if _columns.near_miss(q, n)}
        assert want <= cands, (q, [names[p] for p in want - cands])
        found += len(want)
        assert len(cands) < len(names) // 2
    assert found >= 100


# ---------------------------------------------- probe4: cells read as asked


def test_a_decimal_nan_is_the_rows_error_in_a_frame_too(rs):
    """probe4 P4-07: evaluate, evaluate_many and evaluate_columns refuse a
    Decimal NaN, but evaluate_frame read it as an empty cell, so an input
    with a default took the default (t = 7.00 + b).  A Decimal NaN is a
    broken value (0/0 upstream), not a missing one: the row's error in
    every path; float NaN, None and pd.NA stay empty cells."""
    for bad in (Decimal("NaN"), Decimal("-NaN"), Decimal("sNaN"), Decimal("Infinity")):
        df = pd.DataFrame({"a": pd.Series([Decimal("1"), bad], dtype=object),
                           "b": ["2", "3"]})
        out = rs.evaluate_frame(df, "2024-06-30", errors="column")
        assert list(out["t"]) == [Decimal("3.00"), None], bad
        assert list(out["error_field"]) == [None, "a"], bad
        cols = rs.evaluate_columns({"a": [Decimal("1"), bad], "b": ["2", "3"]}, "2024-06-30",
                                   errors="column")
        assert list(cols["error_field"]) == [None, "a"], bad
    empty = pd.DataFrame({"a": pd.Series([None, np.nan, pd.NA], dtype=object),
                          "b": ["1", "1", "1"]})
    assert list(rs.evaluate_frame(empty, "2024-06-30")["t"]) == [Decimal("8.00")] * 3


def test_a_date_column_is_never_dropped_without_a_word(rs):
    """probe4 P4-12: a frame's or columns' 'date' column (each row's own
    evaluation date, as the command reads it) was ignored with the generic
    extra-columns warning and every row evaluated on the call's date; the
    command refuses exactly this.  Refused, kept or not, unless
    extra='ignore' says so knowingly."""
    df = pd.DataFrame({"a": ["1", "2"], "date": ["1990-01-01", "2030-01-01"]})
    for call in (lambda **kw: rs.evaluate_frame(df, "2024-06-30", **kw),
                 lambda **kw: rs.evaluate_frame(df, "2024-06-30", keep=["date"], **kw),
                 lambda **kw: rs.evaluate_columns({"a": ["1", "2"], "date": ["x", "y"]},
                                                  "2024-06-30", **kw)):
        with pytest.raises(quotalevy.RecordError, match="column 'date' gives each row"):
            call()
        with pytest.raises(quotalevy.RecordError, match="column 'date' gives each row"):
            call(extra="error")
        assert list(call(extra="ignore")["t"]) == [Decimal("1.00"), Decimal("2.00")]


@pytest.mark.parametrize("column", [bytearray(b"12"), memoryview(b"12"),
                                    __import__("array").array("u", "12")],
                         ids=["bytearray", "memoryview", "array-u"])
def test_a_buffer_of_bytes_or_characters_is_no_column(rs, column):
    """probe4 P4-14: bytes and str were refused as a column, but a
    bytearray or memoryview was read as a column of byte codes: the text
    "12" became two rows, a = 49 and 50."""
    with pytest.raises(TypeError, match="expected a sequence of cells"):
        rs.evaluate_columns({"a": column}, "2024-06-30")
    import array
    ints = rs.evaluate_columns({"a": array.array("i", [1, 2])}, "2024-06-30")
    assert list(ints["t"]) == [Decimal("1.00"), Decimal("2.00")]


# ------------------------------------- a caller's list changed while it is read

SHORTENED = r"""
import sys
from decimal import Decimal
import quotalevy

rs = quotalevy.RuleSet.from_string(sys.argv[1])
n, at, keep = (int(x) for x in sys.argv[2:5])

class Shrinking(Decimal):
    # a cell C hands to the package's converter, which formats it: the
    # formatting (the caller's code) shortens the caller's column
    def __format__(self, spec):
        del column[keep:]
        return Decimal.__format__(self, spec)

column = ["1"] * n
column[at] = Shrinking("2")
try:
    rs.evaluate_columns({"a": column, "b": ["1"] * n}, "2024-06-30")
except RuntimeError as e:
    print("RuntimeError:", e)
else:
    print("no error")
"""


@pytest.mark.parametrize("n,at,keep", [(10, 3, 0), (2000, 0, 600), (3000, 1500, 1100),
                                       (3000, 1500, 0)],
                         ids=["cleared", "shortened-in-its-chunk", "shortened-in-the-next-chunk",
                              "cleared-in-a-later-chunk"])
def test_a_column_shortened_while_it_is_read_is_an_error_not_a_read_past_its_end(n, at, keep):
    """The cells of a list column were read at the index the list had when
    the call began, while a cell that is not a str goes through the
    package's converter, Python code that can run the caller's (here a
    Decimal subclass's __format__): a list cleared by it was read through
    a NULL array (a crash), a shortened one past its end.  Each cell is now
    read against the list's length at that moment: a RuntimeError.  Run in
    a child, so that a crash is this test's failure, not the suite's end."""
    p = subprocess.run([sys.executable, "-c", SHORTENED, DEFAULTED, str(n), str(at), str(keep)],
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, (p.returncode, p.stderr[-2000:])
    assert p.stdout == "RuntimeError: a column's list was shortened while it was read\n"


def test_a_column_lengthened_while_it_is_read_gives_the_rows_it_had(rs):
    """The other way round: a list grown by the converter is read for the
    rows the call counted, no more."""
    class Growing(Decimal):
        def __format__(self, spec):
            column.extend(["5"] * 5000)
            return Decimal.__format__(self, spec)
    column = ["1"] * 1500
    column[1] = Growing("2")
    out = rs.evaluate_columns({"a": column, "b": ["1"] * 1500}, "2024-06-30")
    assert len(out["t"]) == 1500
    assert list(out["t"])[:3] == [Decimal("2.00"), Decimal("3.00"), Decimal("2.00")]
