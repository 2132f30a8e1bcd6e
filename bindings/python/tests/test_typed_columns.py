"""The columnar path's typed way (bindings/python/typedcols.h): rows whose
cells are numbers, bools and enum values evaluated in place by the
library's ql_evaluate_columns, the others the record way.

Held to two references on generated data for every bundled rule set,
with hostile cells mixed in: the record way of the same call (typed off:
today's path, cell for cell — the same value, type, Decimal exponent,
error status, field and message) and evaluate() on each row as a record.
pandas and numpy are required (the suite never skips)."""
import csv
import os
import random
import sys
import threading
import warnings
import zlib
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

import quotalevy
from quotalevy import _frame

SRC = os.path.abspath(os.environ.get("QL_SOURCE_DIR",
                                    os.path.join(os.path.dirname(__file__), "..", "..", "..")))
sys.path.insert(0, os.path.join(SRC, "tests"))
import example_table  # noqa: E402

EXAMPLES = example_table.rows(SRC)
NUMBER_TYPES = ("decimal", "integer", "money")


def quiet(fn, *args, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", quotalevy.ExtraColumnsWarning)
        return fn(*args, **kw)


def same(a, b):
    """a and b are the same cell: the same type, value and, for a
    Decimal, the same exponent (the declared scale)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, Decimal):
        return a == b and a.as_tuple() == b.as_tuple()
    return a == b


def example_values(ex):
    """Each column of the example's data file: its distinct texts."""
    with open(os.path.join(SRC, ex.data), newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    return {k: sorted({r[k] for r in rows}) for k in rows[0]} if rows else {}


def number_cell(r, seen, hostile):
    """A number cell of one of the forms a caller passes."""
    pick = r.random()
    if seen and pick < (0.3 if hostile else 0.8):
        return r.choice(seen)  # the example's own text
    places = r.choice([0, 0, 1, 2, 2, 3, 4])
    mag = r.choice([10, 100, 1000, 10 ** 6, 10 ** 9])
    coef = r.randint(0, mag * 10 ** places)
    d = Decimal(coef).scaleb(-places)
    form = r.random()
    if hostile and form < 0.08:
        return r.choice([" 12", "+5", "007", "1e3", "12.", ".5", "-3", "0.000",
                         "x", "", "12,5", "NaN", "٣", 10 ** 20, -10 ** 19, 2 ** 63,
                         Decimal("NaN"), Decimal("1E+3"), Decimal("-0"),
                         Decimal("123456789012345678.9"), True, "9" * 19,
                         Decimal("0.0000000000000000001"), np.int64(7)])
    if form < 0.35:
        return format(d, "f")
    if form < 0.6 and places == 0:
        return int(coef)
    if form < 0.8:
        return d
    return str(d)


def enum_cell(r, seen, hostile):
    if hostile and r.random() < 0.08:
        v = r.choice(seen) if seen else "x"
        return r.choice([v + "y", " " + v, v.upper(), "", 1, True, v + "\u200b"])
    return r.choice(seen) if seen else "x"


def bool_cell(r, hostile):
    if hostile and r.random() < 0.1:
        return r.choice([2, "2", "TRUE", "Yes", " true", "t", -1, Decimal(1)])
    return r.choice([True, False, "true", "false", "yes", "no", "1", "0", 1, 0])


def generated_columns(rs, ex, n, seed, hostile=True, typed_only=False):
    """n rows for rs: every number, bool and enum input (and, unless
    typed_only, the others from the example's own values), each cell
    None now and then."""
    r = random.Random(seed)
    seen = example_values(ex)
    cols = {}
    for inp in rs.inputs:
        known = [v for v in seen.get(inp.name, []) if v != ""]
        if inp.type in NUMBER_TYPES:
            make = lambda: number_cell(r, known, hostile)  # noqa: E731
        elif inp.type == "bool":
            make = lambda: bool_cell(r, hostile)  # noqa: E731
        elif inp.type == "enum":
            make = lambda: enum_cell(r, known, hostile)  # noqa: E731
        elif typed_only or not known:
            continue
        else:
            make = lambda: r.choice(known)  # noqa: E731
        cols[inp.name] = [None if hostile and r.random() < 0.05 else make()
                          for _ in range(n)]
    return cols


def row_record(cols, k):
    """Row k as a record (None: the field empty, as the column's None)."""
    return {name: c[k] for name, c in cols.items()}


def single(rs, rec, date):
    """evaluate()'s outputs as the columns name them, or its error's
    (status, field, message)."""
    try:
        res = quiet(rs.evaluate, rec, date)
    except quotalevy.RecordError as e:
        return ("error", e.status, e.field or None, e.message)
    out = {}
    for name in rs.outputs:
        if name in res.checks:
            c = res.checks[name]
            for part in ("applicable", "compliant", "required", "actual", "shortfall"):
                out["%s_%s" % (name, part)] = getattr(c, part)
        else:
            out[name] = res.outputs[name]
    return out


def column_row(out, names, k):
    if out["error_status"][k] is not None:
        msg = out["error_message"][k]
        return ("error", out["error_status"][k], out["error_field"][k], msg)
    return {name: out[name][k] for name in names}


def same_row(a, b):
    if isinstance(a, tuple) or isinstance(b, tuple):
        if not (isinstance(a, tuple) and isinstance(b, tuple)):
            return False
        # the column's message is the command's: the rule's place first
        return a[:3] == b[:3] and (a[3] == b[3] or a[3].endswith(": " + b[3]))
    return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)


def typed_case(ex):
    rs = quotalevy.RuleSet.load(os.path.join(SRC, ex.rules))
    return rs


@pytest.mark.parametrize("ex", EXAMPLES, ids=lambda e: "%s+%s" % (e.rules, e.data))
def test_typed_way_is_the_record_way_and_evaluate(ex):
    """Every bundled rule set on 3,000 generated rows with hostile cells:
    the typed way gives, cell for cell, what the record way gives, and
    each row is evaluate()'s on that row as a record."""
    rs = typed_case(ex)
    names = rs.output_columns()
    typed_outputs = all(s[3] in (1, 2) for s in rs._specs()[1])
    for typed_only, hostile in ((True, False), (True, True), (False, True)):
        cols = generated_columns(rs, ex, 3000, seed=zlib.crc32(ex.rules.encode()),
                                 hostile=hostile, typed_only=typed_only)
        got, in_place = quiet(rs._evaluate_columns, cols, ex.date, errors="column")
        want, none = quiet(rs._evaluate_columns, cols, ex.date, errors="column", typed=False)
        assert none == 0
        for name in list(names) + ["error_status", "error_field", "error_message"]:
            g, w = list(got[name]), list(want[name])
            bad = [k for k, (a, b) in enumerate(zip(g, w)) if not same(a, b)]
            assert bad == [], (name, bad[:5], [(g[k], w[k]) for k in bad[:3]])
        for k in range(0, 3000, 7):
            a, b = column_row(got, names, k), single(rs, row_record(cols, k), ex.date)
            assert same_row(a, b), (k, row_record(cols, k), a, b)
        assert in_place <= sum(e is None for e in got["error_status"])


# rows of each example's own data that the typed way evaluates in place
# (a row whose output the int64 columns do not give — Germany's
# quotients shown rounded — is done again the record way)
IN_PLACE = {"rules/cn/jilin.yaml": 1.0, "rules/cn/national.yaml": 1.0,
            "rules/cn/jilin-pool.yaml": 1.0, "rules/cn/late-fee.yaml": 1.0,
            "rules/de/sgb9.yaml": 0.4, "rules/jp/levy.yaml": 1.0, "rules/fr/oeth.yaml": 1.0}


@pytest.mark.parametrize("ex", EXAMPLES, ids=lambda e: "%s+%s" % (e.rules, e.data))
def test_example_rows_in_place(ex):
    """Each example's data as str columns, 50 times over: the same cells
    as the record way, and the rows in place — string inputs (an id) and
    date outputs (Jilin's two deadlines) too, which took the record way
    for every row before ql_columns_set_input_text and
    ql_columns_set_output_date."""
    rs = typed_case(ex)
    with open(os.path.join(SRC, ex.data), newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    types = {i.name: i.type for i in rs.inputs}
    cols = {k: [r[k] for r in rows] for k in rows[0] if k in types}
    # the rows these rules evaluate (an enterprise has no posts for the
    # pool's), 50 times over
    fine, _ = quiet(rs._evaluate_columns, cols, ex.date, errors="column", typed=False)
    keep = [k for k, e in enumerate(fine["error_status"]) if e is None]
    cols = {name: [c[k] for k in keep] * 50 for name, c in cols.items()}
    got, in_place = quiet(rs._evaluate_columns, cols, ex.date)
    want, _ = quiet(rs._evaluate_columns, cols, ex.date, typed=False)
    for name in got:
        assert all(same(a, b) for a, b in zip(got[name], want[name])), name
    assert in_place == int(len(keep) * 50 * IN_PLACE.get(ex.rules, 0)), (in_place, len(keep))


POOL = os.path.join(SRC, "rules", "cn", "jilin-pool.yaml")  # Jilin's inputs, no date output


def test_typed_way_takes_the_rows_it_reads(tmp_path):
    """Jilin's generated units (bench/gen_units.py) as lists of str, with
    the pool's rules: every row that evaluates is evaluated in place (an
    enterprise has no posts: its row fails, the record way), and the
    frame's too."""
    rs = quotalevy.RuleSet.load(POOL)
    import subprocess
    data = tmp_path / "units.csv"
    with open(data, "w") as f:
        subprocess.run([sys.executable, os.path.join(SRC, "bench", "gen_units.py"), "5000"],
                       stdout=f, check=True)
    df = pd.read_csv(data, dtype=str, keep_default_na=False).drop(columns=["id"])
    df = df[df["posts"] != ""].reset_index(drop=True)
    cols = {c: df[c].tolist() for c in df.columns}
    got, in_place = rs._evaluate_columns(cols, "2024-06-30")
    want, _ = rs._evaluate_columns(cols, "2024-06-30", typed=False)
    assert in_place == len(df) > 300
    for name in rs.output_columns():
        assert all(same(a, b) for a, b in zip(got[name], want[name])), name
    frame, in_place = _frame.evaluate_frame(rs, df, "2024-06-30", [], "raise", "refuse",
                                            "warn")
    ref, none = _frame.evaluate_frame(rs, df, "2024-06-30", [], "raise", "refuse",
                                      "warn", typed=False)
    assert in_place == len(df) and none == 0
    assert list(frame.columns) == list(ref.columns)
    for name in frame.columns:
        assert all(same(a, b) for a, b in zip(frame[name], ref[name])), name


def pool_columns(n, **kw):
    cols = {"unit_type": ["agency"] * n, "admin_level": ["county"] * n, "posts": [40] * n,
            "employees": ["100"] * n, "disabled": [1] * n, "disabled_severe": ["0"] * n,
            "wage_total": [Decimal("9000000.00")] * n, "local_avg_wage": ["60000"] * n}
    cols.update(kw)
    return cols


def test_hostile_columns_raise_as_the_record_way():
    """With errors='raise', the first failing row's error is the record
    way's; a float, NaN, a wrong dtype and an enum typo are refused as
    before."""
    rs = quotalevy.RuleSet.load(POOL)
    cases = {
        "overflow": pool_columns(3000, disabled=[1] * 2000 + [10 ** 30] + [1] * 999),
        "typo": pool_columns(3000, admin_level=["county"] * 2500 + ["countie"] + ["county"] * 499),
        "places": pool_columns(3000, wage_total=[Decimal("1.005")] + [Decimal("9000000.00")] * 2999),
        "bool in number": pool_columns(3000, disabled=[1] * 1500 + [True] + [1] * 1499),
        "negative": pool_columns(3000, posts=[40] * 1100 + ["-1"] + [40] * 1899),
        "nan decimal": pool_columns(3000, disabled=[1] * 1700 + [Decimal("NaN")] + [1] * 1299),
        "int64 edge": pool_columns(3000, posts=np.array([40] * 2998 + [2 ** 62, 2 ** 63 - 1],
                                                         dtype=np.int64)),
        "uint64": pool_columns(3000, posts=np.array([40] * 2999 + [2 ** 64 - 1], dtype=np.uint64)),
    }
    for what, cols in cases.items():
        got = []
        for typed in (True, False):
            try:
                out, _ = rs._evaluate_columns(cols, "2024-06-30", typed=typed)
                got.append([[str(v) for v in out[k]] for k in rs.output_columns()])
            except quotalevy.RecordError as e:
                got.append((e.row, e.status, e.field, str(e)))
        assert got[0] == got[1], what
        assert isinstance(got[0], tuple) == (what not in ("int64 edge", "uint64")), what
    for bad in ([1.5] * 3000, np.full(3000, 1.5), np.array([1.0] * 2999 + [np.nan]),
                [None] * 2999 + [float("nan")], np.array(["1"] * 3000, dtype=object),
                pd.Series([1] * 2999 + [None], dtype="Int64"), ["1"] * 2999 + [b"1"]):
        cols = pool_columns(3000, disabled=bad)
        got = []
        for typed in (True, False):
            try:
                out, _ = rs._evaluate_columns(cols, "2024-06-30", typed=typed, errors="column")
                got.append([list(out[k]) for k in ("pool_shortfall", "error_message")])
            except (quotalevy.RecordError, TypeError) as e:
                got.append((type(e), str(e)))
        assert got[0] == got[1], bad[:2]


def test_a_float_never_reaches_a_value():
    """A binary float column is refused naming its column and row, typed
    or not; floats='exact-repr' reads each by its repr as a text, which
    the typed way reads as it reads any text."""
    rs = quotalevy.RuleSet.load(POOL)
    cols = pool_columns(3, posts=np.array([100.0, 40.0, 3.0]))
    with pytest.raises(quotalevy.FieldTypeError, match="posts"):
        rs.evaluate_columns(cols, "2024-06-30")
    got, in_place = rs._evaluate_columns(cols, "2024-06-30", floats="exact-repr")
    want = [rs.evaluate({k: v[0] for k, v in pool_columns(1, posts=[p]).items()},
                        "2024-06-30").outputs["pool_required"] for p in ("100", "40", "3")]
    assert all(same(a, b) for a, b in zip(got["pool_required"], want))
    # floats='exact-repr' made each float its repr's text before C (docs/
    # python.md): the typed way reads that text as the record way does
    assert in_place == 3


def test_many_threads_typed_zero_wrong():
    """Sixteen threads through one rule set, columns and frames, each its
    own numbers: the count of wrong results is zero."""
    rs = quotalevy.RuleSet.load(POOL)

    def cols_for(t):
        n = 2500
        return pool_columns(n, disabled=[t % 3] * n, posts=[31 + t * 1000 + i for i in range(n)])

    want = {t: list(rs._evaluate_columns(cols_for(t), "2024-06-30", typed=False)[0]["pool_shortfall"])
            for t in range(16)}
    frames = {t: pd.DataFrame(cols_for(t)) for t in range(16)}
    wrong, typed_rows = [], []

    def work(t):
        for _ in range(4):
            got, k = rs._evaluate_columns(cols_for(t), "2024-06-30")
            typed_rows.append(k)
            wrong.extend(i for i, (a, b) in enumerate(zip(got["pool_shortfall"], want[t]))
                         if not same(a, b))
            f = rs.evaluate_frame(frames[t], "2024-06-30")
            wrong.extend(i for i, (a, b) in enumerate(zip(f["pool_shortfall"], want[t]))
                         if not same(a, b))

    threads = [threading.Thread(target=work, args=(t,)) for t in range(16)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert wrong == []
    assert typed_rows and all(k == 2500 for k in typed_rows)


def test_evaluate_reads_numpy_integers_and_bools_as_the_columns_do():
    """evaluate() refused numpy.int64 ("expected a Decimal, int, …, not
    numpy.int64") where the columns read it, so a frame row's cells and
    its column gave different answers."""
    rs = quotalevy.RuleSet.load(POOL)
    rec = {k: v[0] for k, v in pool_columns(1).items()}
    want = rs.evaluate(rec, "2024-06-30").as_dict()
    for v in (np.int64(40), np.int32(40), np.uint8(40)):
        assert rs.evaluate(dict(rec, posts=v), "2024-06-30").as_dict() == want
    rec = dict(rec, unit_type="institution")
    for b in (True, False):
        a = rs.evaluate(dict(rec, school=b), "2024-06-30").as_dict()
        assert rs.evaluate(dict(rec, school=np.bool_(b)), "2024-06-30").as_dict() == a


def test_a_nan_decimal_cell_has_evaluates_message():
    """A NaN or infinite Decimal in a column was that row's error "'NaN'
    is not a valid decimal: …", where evaluate() says "a NaN or infinite
    Decimal is not a number": one message, both ways."""
    rs = quotalevy.RuleSet.load(POOL)
    for bad in (Decimal("NaN"), Decimal("-Infinity"), Decimal("sNaN")):
        cols = pool_columns(3, disabled=[1, bad, 1])
        for typed in (True, False):
            out, _ = rs._evaluate_columns(cols, "2024-06-30", errors="column", typed=typed)
            assert out["error_message"] == [None, "a NaN or infinite Decimal is not a number",
                                            None]
            assert out["error_field"][1] == "disabled"
        with pytest.raises(quotalevy.RecordError, match="a NaN or infinite Decimal"):
            rs.evaluate({k: v[1] for k, v in cols.items()}, "2024-06-30")


JILIN = os.path.join(SRC, "rules", "cn", "jilin.yaml")


def jilin_small_enterprise(**over):
    """An enterprise of 20 employees or fewer assessed before 2017-04-01,
    the one case where `registered` decides (three years exempt)."""
    rec = {"id": "E1", "unit_type": "enterprise", "employees": 15, "disabled": 0,
           "disabled_severe": 0, "wage_total": "900000.00", "local_avg_wage": "60000.00"}
    rec.update(over)
    return rec


def test_evaluate_reads_numpy_datetime64_days_as_the_columns_do():
    """evaluate() refused numpy.datetime64 ("expected a Decimal, int, …,
    not numpy.datetime64") where a column of them is read: a day is its
    date, NaT an empty field, a time of day refused by name — and numpy
    is never a hard import."""
    import datetime
    rs = quotalevy.RuleSet.load(JILIN)
    for day in ("2014-03-01", "2010-03-01"):
        want = rs.evaluate(jilin_small_enterprise(registered=datetime.date.fromisoformat(day)),
                           "2016-06-30").as_dict()
        for v in (np.datetime64(day), np.datetime64(day + "T00:00"),
                  np.datetime64(day, "s")):
            got = rs.evaluate(jilin_small_enterprise(registered=v), "2016-06-30").as_dict()
            assert got == want, v
        cols = rs.evaluate_columns({k: [v] for k, v in
                                    jilin_small_enterprise(registered=np.datetime64(day)).items()},
                                   "2016-06-30")
        assert {k: cols[k][0] for k in cols} == {k: want.get(k) for k in cols}
    assert rs.evaluate(jilin_small_enterprise(registered=np.datetime64("2014-03-01")),
                       "2016-06-30").outputs["levy_due"] != \
        rs.evaluate(jilin_small_enterprise(registered=np.datetime64("2010-03-01")),
                    "2016-06-30").outputs["levy_due"]
    empty = rs.evaluate(jilin_small_enterprise(registered=None), "2024-06-30").as_dict()
    nat = rs.evaluate(jilin_small_enterprise(registered=np.datetime64("NaT")), "2024-06-30")
    assert nat.as_dict() == empty
    with pytest.raises(quotalevy.FieldTypeError, match="time of day of 2014-03-01T10:30") as e:
        rs.evaluate(jilin_small_enterprise(registered=np.datetime64("2014-03-01T10:30")),
                    "2016-06-30")
    assert e.value.field == "registered"


def test_a_date_past_9999_is_refused_naming_it_in_every_path():
    """A date the calendar does not hold is refused naming the value and
    what was expected (the columns API's "date out of range" named
    neither), by evaluate() and evaluate_columns alike."""
    rs = quotalevy.RuleSet.load(JILIN)
    v = np.datetime64("10000-01-01")
    with pytest.raises(quotalevy.RecordError) as e:
        rs.evaluate(jilin_small_enterprise(registered=v), "2016-06-30")
    assert "'10000-01-01'" in str(e.value) and "expected YYYY-MM-DD" in str(e.value)
    assert e.value.field == "registered"
    out = rs.evaluate_columns({k: [x, x] for k, x in
                               jilin_small_enterprise(registered=v).items()},
                              "2016-06-30", errors="column")
    assert out["error_message"] == [e.value.message] * 2
    assert out["error_field"] == ["registered"] * 2


def test_numpy_floats_are_refused_saying_binary_floating_point():
    """Every numpy float kind (float64 is a Python float, float32, float16
    and longdouble are not) is refused in evaluate() with the reason and
    the exact types to pass instead."""
    rs = quotalevy.RuleSet.load(JILIN)
    for v in (np.float64(15), np.float32(15), np.float16(15), np.longdouble(15), 15.0):
        with pytest.raises(quotalevy.FieldTypeError,
                           match="binary floating point.*pass a decimal.Decimal, an int or a string"):
            rs.evaluate(jilin_small_enterprise(employees=v), "2016-06-30")


def test_a_frame_row_from_iterrows_evaluates_as_its_row_in_the_frame():
    """df.iterrows() hands numpy scalars (numpy.int64, numpy.bool_,
    numpy.str_ …): evaluate() on each row gives what evaluate_frame gives
    for it."""
    rs = quotalevy.RuleSet.load(JILIN)
    df = pd.DataFrame({"id": ["A", "B", "C"],
                       "unit_type": ["enterprise", "agency", "enterprise"],
                       "employees": np.array([15, 400, 2500], dtype=np.int64),
                       "disabled": np.array([0, 3, 30], dtype=np.int32),
                       "disabled_severe": np.array([0, 1, 2], dtype=np.uint16),
                       "wage_total": ["900000.00", "36000000.00", "200000000.00"],
                       "local_avg_wage": ["60000.00"] * 3,
                       "school": np.array([False, True, False])})
    df["registered"] = pd.to_datetime(["2014-03-01", "2001-01-01", "2012-05-05"])
    frame = rs.evaluate_frame(df, "2016-06-30")
    for k, (_, row) in enumerate(df.iterrows()):
        rec = {c: row[c] for c in df.columns}
        rec["employees"] = np.int64(rec["employees"])
        rec["school"] = np.bool_(rec["school"])
        rec["unit_type"] = np.str_(rec["unit_type"])
        rec["registered"] = np.datetime64(rec["registered"].date())
        got = rs.evaluate(rec, "2016-06-30")
        assert got.outputs["levy_due"] == frame["levy_due"].iloc[k]


def gen_units(n):
    """n rows of bench/gen_units.py (Jilin's generated province), as str
    columns, the way bench/python_columns.py passes them."""
    import subprocess
    out = subprocess.run([sys.executable, os.path.join(SRC, "bench", "gen_units.py"), str(n)],
                         check=True, capture_output=True, text=True).stdout
    rows = list(csv.DictReader(out.splitlines()))
    return {k: [r[k] for r in rows] for k in rows[0]}


def test_jilin_takes_the_columns_path_as_the_record_way_gives_it():
    """Jilin (a string input `id`, a date input, two date outputs) went
    the record way for every row: now through ql_evaluate_columns, with
    the same cells (value, type, Decimal exponent, dates) and the same
    errors (status, field, message) as the record way on the same
    generated rows — tame, and with hostile ids and dates mixed in."""
    rs = quotalevy.RuleSet.load(JILIN)
    names = rs.output_columns()
    assert "agency_post_minimum_due" in names
    base = gen_units(3000)
    n = len(base["id"])
    r = random.Random(18)
    hostile_ids = [" padded", "tab\t", "", "   ", "长春一汽-01", "e\u0301", "x\u200by",
                   "\ud800", 12, None, Decimal("7"), "\x00nul", "ok"]
    hostile_days = ["2014-03-01", " 2014-03-01", "2014-3-1", "10000-01-01", "2014-02-30",
                    None, "", "x", 20140301]
    import datetime
    hostile_days += [datetime.date(2014, 3, 1), np.datetime64("2014-03-01"),
                     datetime.datetime(2014, 3, 1)]
    for hostile in (False, True):
        cols = {k: list(v) for k, v in base.items() if k != "name"}
        cols["registered"] = [datetime.date(2010 + k % 10, 1 + k % 12, 1) for k in range(n)]
        cols["school"] = [None if k % 3 else "false" for k in range(n)]
        if hostile:
            for k in range(0, n, 5):
                cols["id"][k] = r.choice(hostile_ids)
                cols["registered"][k] = r.choice(hostile_days)
        for date in ("2016-06-30", "2024-06-30"):
            got, in_place = quiet(rs._evaluate_columns, cols, date, errors="column")
            want, none = quiet(rs._evaluate_columns, cols, date, errors="column", typed=False)
            assert none == 0
            for name in list(names) + ["error_status", "error_field", "error_message"]:
                g, w = list(got[name]), list(want[name])
                bad = [k for k, (a, b) in enumerate(zip(g, w)) if not same(a, b)]
                assert bad == [], (name, date, bad[:5], [(g[k], w[k]) for k in bad[:3]])
            ok = sum(e is None for e in got["error_status"])
            # every row that evaluates is evaluated in place (the few
            # that fail — a school left empty where a rule needs it — are
            # the record way's errors)
            if not hostile:
                assert in_place == ok > n * 0.99, (ok, in_place, n)
            else:
                assert n * 0.5 < in_place <= ok < n, (ok, in_place, n)
            assert any(d is not None for d in got["agency_post_minimum_due"]) or date < "2022"
            for k in range(0, n, 97):
                a, b = column_row(got, names, k), single(rs, row_record(cols, k), date)
                assert same_row(a, b), (k, row_record(cols, k), a, b)


def test_jilin_frame_takes_the_columns_path():
    """evaluate_frame of a Jilin frame (an id column of str, a datetime64
    registration date) evaluates its rows in place and gives what the
    record way gives."""
    rs = quotalevy.RuleSet.load(JILIN)
    cols = gen_units(2000)
    df = pd.DataFrame(cols).drop(columns=["name"], errors="ignore")
    df["registered"] = pd.to_datetime(["2014-03-01"] * len(df))
    got = quiet(rs.evaluate_frame, df, "2016-06-30")
    want_cols, _ = quiet(rs._evaluate_columns, {c: list(df[c]) for c in df.columns
                                                if c != "registered"} |
                         {"registered": ["2014-03-01"] * len(df)}, "2016-06-30", typed=False)
    for name in rs.output_columns():
        g, w = list(got[name]), list(want_cols[name])
        assert all(same(a, b) or (a is None and b is None) for a, b in zip(g, w)), name
