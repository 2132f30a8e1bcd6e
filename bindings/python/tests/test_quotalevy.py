"""Tests of the Python binding: every API call, the Decimal behaviour,
each exception type, memory ownership, threads, and agreement with the C
command on the same records."""
import csv
import datetime
import gc
import io
import os
import shutil
import subprocess
import sys
import threading
from decimal import Decimal

import pytest

import quotalevy

SRC = os.environ.get("QL_SOURCE_DIR",
                     os.path.join(os.path.dirname(__file__), "..", "..", ".."))
# The command the agreement tests compare with: QL_CLI (meson sets it), else
# the build tree's, else the one on PATH.  None found fails those tests; they
# never skip, so a run without the command cannot pass for one that compared.
CLI = (os.environ.get("QL_CLI")
       or next((c for c in (os.path.join(SRC, "build", "tools", "quotalevy"),)
                if os.access(c, os.X_OK)), None)
       or shutil.which("quotalevy"))
JILIN = os.path.join(SRC, "rules", "cn", "jilin.yaml")
NATIONAL = os.path.join(SRC, "rules", "cn", "national.yaml")
UNITS = os.path.join(SRC, "examples", "jilin-units.csv")

FIRM = {"unit_type": "enterprise", "employees": "125.5", "disabled": 1,
        "disabled_severe": 0, "wage_total": Decimal("9000000"),
        "local_avg_wage": 60000}

SMALL = """
quotalevy: 1
id: small
title: Small
jurisdiction: XX
version: "1"
inputs:
  n: {type: decimal, scale: 0}
  flag: bool
  kind: {type: enum, values: [a, b]}
  day: date
  label: string
computed:
  third: {expr: n / 3, scale: 19, display: half_even}
  double: n * 2
  later: if(present(day), add_days(day, 1), date)
outputs: [third, double, flag, kind, later, label]
"""


@pytest.fixture(scope="module")
def national():
    return quotalevy.RuleSet.load(NATIONAL)


@pytest.fixture(scope="module")
def jilin():
    return quotalevy.RuleSet.load(JILIN)


# ------------------------------------------------------------- loading


def test_load_and_metadata(jilin):
    assert jilin.id == "cn-jilin"
    assert jilin.jurisdiction == "CN-JL"
    assert jilin.version == "2026.1"
    assert "quota" in jilin.title
    assert repr(jilin) == "RuleSet('cn-jilin', version '2026.1')"


def test_the_currency_and_its_places(jilin):
    # the code and places the library holds (ql_ruleset_currency(_places)),
    # and the places every money output's Decimal has
    assert (jilin.currency, jilin.currency_places) == ("CNY", 2)
    res = jilin.evaluate(FIRM, "2024-06-30")
    assert res.outputs["levy_due"].as_tuple().exponent == -jilin.currency_places
    jp = quotalevy.RuleSet.load(os.path.join(SRC, "rules", "jp", "levy.yaml"))
    assert (jp.currency, jp.currency_places) == ("JPY", 0)
    de = quotalevy.RuleSet.load(os.path.join(SRC, "rules", "de", "sgb9.yaml"))
    assert (de.currency, de.currency_places) == ("EUR", 2)
    # a child keeps its parent's; none declared is None, not -1 or ""
    national = quotalevy.RuleSet.load(NATIONAL)
    assert (national.currency, national.currency_places) == ("CNY", 2)
    small = quotalevy.RuleSet.from_string(SMALL)
    assert (small.currency, small.currency_places) == (None, None)
    # kept through a pickle, and readable after close() as the other metadata
    import pickle
    assert pickle.loads(pickle.dumps(jp)).currency == "JPY"
    jp.close()
    assert (jp.currency, jp.currency_places) == ("JPY", 0)


def test_load_accepts_path_objects():
    import pathlib
    assert quotalevy.RuleSet.load(pathlib.Path(NATIONAL)).id == "cn-national"


def test_introspection(jilin):
    names = [i.name for i in jilin.inputs]
    assert names[:3] == ["id", "unit_type", "admin_level"]
    types = {i.name: i.type for i in jilin.inputs}
    assert types["employees"] == "decimal" and types["posts"] == "integer"
    assert types["unit_type"] == "enum" and types["wage_total"] == "money"
    assert jilin.outputs[0] == "counted_disabled"
    assert jilin.outputs[-1] == "compliant"
    assert [c.name for c in jilin.checks] == [
        "agency_post_minimum", "institution_post_minimum",
        "federation_cadre_ratio", "service_point_allocation"]
    assert jilin.checks[0].source.startswith("jlplan2022")


def test_parameters_by_date(jilin):
    p = jilin.parameters("2024-06-30")
    assert p["ratio"].value == Decimal("0.016")
    assert p["ratio"].since == datetime.date(2015, 10, 1)
    assert p["wage_cap_multiple"].value == Decimal("2")
    assert p["wage_cap_multiple"].source.startswith("mof2019")
    assert "→ 0.5" in p["levy_share"].value  # a table, as text
    before = jilin.parameters(datetime.date(2018, 3, 31))
    assert before["wage_cap_multiple"].value == Decimal("3")
    late = jilin.parameters("2028-01-01")
    assert late["levy_share"] is None and late["ratio"] is not None


def test_from_string():
    rs = quotalevy.RuleSet.from_string(SMALL)
    assert rs.id == "small"
    r = rs.evaluate({"n": "1"}, "2024-01-01")
    assert r.outputs["third"] == Decimal("0.3333333333333333333")


def test_rules_error_has_location():
    with pytest.raises(quotalevy.RulesError) as e:
        quotalevy.RuleSet.from_string(SMALL.replace("n * 2", "n * nope"), "inline.yaml")
    err = e.value
    assert isinstance(err, quotalevy.Error)
    assert err.status == "QL_ENAME"
    assert (err.file, err.line, err.column) == ("inline.yaml", 15, 15)
    assert "unknown name 'nope'" in err.message
    assert str(err).startswith("inline.yaml:15:15:")
    with pytest.raises(quotalevy.RulesError) as e:
        quotalevy.RuleSet.load("/nonexistent/rules.yaml")
    assert e.value.status == "QL_EIO"


# ------------------------------------------------------------ evaluation


def test_evaluate_worked_example(national):
    r = national.evaluate(FIRM, "2024-06-30")
    o = r.outputs
    assert o["required_disabled"] == Decimal("1.8825")
    assert o["average_wage"] == Decimal("71713.15")
    assert str(o["levy_gross"]) == "63286.85"
    assert o["levy_due"] == Decimal("56958.16")
    assert o["exempt"] is False and o["ratio_met"] is False
    assert all(isinstance(o[k], Decimal) for k in
               ("counted_disabled", "shortfall", "levy_wage", "levy_rate"))
    assert list(o) == national.outputs


def test_checks(jilin):
    rec = {"unit_type": "agency", "admin_level": "province", "posts": 50,
           "employees": 45, "disabled": 0, "disabled_severe": 0,
           "wage_total": 4500000, "local_avg_wage": 50000,
           "disability_federation": False}
    r = jilin.evaluate(rec, datetime.date(2024, 6, 30))
    c = r.checks["agency_post_minimum"]
    assert (c.applicable, c.compliant) == (True, False)
    assert (c.required, c.actual, c.shortfall) == (Decimal(1), Decimal(0), Decimal(1))
    n = r.checks["institution_post_minimum"]
    assert n.applicable is False and n.compliant is None and n.shortfall is None
    assert r.outputs["agency_post_minimum"] is False
    assert r.outputs["institution_post_minimum"] is None
    assert r.outputs["compliant"] is False


def test_values_in(jilin):
    base = dict(FIRM, unit_type="enterprise")
    for employees in (Decimal("125.5"), "125.5", "125.50", Decimal("1.255E+2")):
        r = jilin.evaluate(dict(base, employees=employees), "2024-06-30")
        assert r.outputs["required_disabled"] == Decimal("2.008")
    r = jilin.evaluate(dict(base, employees=125), "2024-06-30")
    assert r.outputs["required_disabled"] == Decimal("2")


def test_float_is_refused(jilin):
    with pytest.raises(TypeError, match="float"):
        jilin.evaluate(dict(FIRM, employees=125.5), "2024-06-30")


def test_value_types_out():
    rs = quotalevy.RuleSet.from_string(SMALL)
    r = rs.evaluate({"n": 3, "flag": True, "kind": "b", "day": datetime.date(2024, 2, 28),
                     "label": "吉林"}, "2024-01-01")
    assert r.outputs == {"third": Decimal("1"), "double": Decimal("6"),
                         "flag": True, "kind": "b",
                         "later": datetime.date(2024, 2, 29), "label": "吉林"}
    r = rs.evaluate({"n": 3, "flag": None}, "2024-01-01")
    assert r.outputs["flag"] is None  # an empty input passes through empty
    assert r.outputs["later"] == datetime.date(2024, 1, 1)


def test_record_errors_name_the_field(jilin):
    with pytest.raises(quotalevy.RecordError) as e:
        jilin.evaluate(dict(FIRM, employees="abc"), "2024-06-30")
    assert e.value.field == "employees" and e.value.status == "QL_ERECORD"
    with pytest.raises(quotalevy.RecordError) as e:
        jilin.evaluate({k: v for k, v in FIRM.items() if k != "wage_total"}, "2024-06-30")
    assert e.value.field == "wage_total"
    assert e.value.file.endswith("national.yaml") and e.value.line > 0
    with pytest.raises(quotalevy.RecordError) as e:
        jilin.evaluate(dict(FIRM, disabled=200), "2024-06-30")
    assert e.value.field == "disabled"
    with pytest.raises(quotalevy.RecordError) as e:
        jilin.evaluate(dict(FIRM, colour="red"), "2024-06-30", extra="error")
    assert e.value.field == "colour"
    with pytest.raises(quotalevy.RecordError) as e:
        jilin.evaluate(dict(FIRM, employees=Decimal("NaN")), "2024-06-30")
    assert e.value.field == "employees"
    with pytest.raises(quotalevy.RecordError) as e:
        jilin.evaluate(FIRM, "2028-01-01")
    assert e.value.status == "QL_ENODATA"
    assert issubclass(quotalevy.RecordError, quotalevy.Error)


def test_misuse_raises_not_crashes(jilin):
    with pytest.raises(TypeError):
        jilin.evaluate(None, "2024-06-30")
    with pytest.raises(TypeError):
        jilin.evaluate([("employees", 1)], "2024-06-30")
    with pytest.raises(TypeError):
        jilin.evaluate(FIRM, 20240630)
    with pytest.raises(quotalevy.RecordError):
        jilin.evaluate(FIRM, "2024-13-01")
    with pytest.raises(TypeError):
        jilin.evaluate({1: "x"}, "2024-06-30")
    with pytest.raises(TypeError):
        jilin.evaluate(dict(FIRM, employees=object()), "2024-06-30")
    with pytest.raises(TypeError):
        quotalevy.RuleSet(None)
    with pytest.raises(TypeError):
        quotalevy.RuleSet.from_string(b"bytes")
    with pytest.raises(TypeError):
        list(jilin.evaluate_many([FIRM, None], "2024-06-30"))
    with pytest.raises(ValueError):
        list(jilin.evaluate_many([FIRM], "2024-06-30", errors="ignore"))


def test_a_record_changed_while_it_is_read_does_not_crash(jilin):
    rec = dict(FIRM)

    class Sneaky(str):
        def __str__(self):
            rec.clear()
            rec.update({"x%d" % i: i for i in range(100)})
            return "125.5"

    rec["employees"] = Sneaky("125.5")
    try:
        jilin.evaluate(rec, "2024-06-30")
    except (quotalevy.Error, RuntimeError):
        pass  # any clean error will do; a crash would end the test run


def test_trace_and_explain(national):
    r = national.evaluate(FIRM, "2024-06-30")
    steps = r.trace()
    by = {s.name: s for s in steps}
    assert by["ratio"].kind == "param" and by["ratio"].value == Decimal("0.015")
    assert by["ratio"].since == datetime.date(2015, 10, 1)
    assert by["levy_share"].until == datetime.date(2027, 12, 31)
    assert by["levy_due"].formula == "levy_gross - levy_reduction"
    assert by["levy_due"].source == "form2017 column 13"
    names = [s.name for s in steps]
    assert names.index("average_wage") < names.index("levy_gross")
    text = str(r.explain())
    assert "levy_due = levy_gross - levy_reduction" in text
    assert "= 56958.16" in text and "in force from 2020-01-01" in text
    quiet = national.evaluate(FIRM, "2024-06-30", trace=False)
    with pytest.raises(ValueError):
        quiet.trace()


def test_result_outlives_its_ruleset():
    rs = quotalevy.RuleSet.load(NATIONAL)
    r = rs.evaluate(FIRM, "2024-06-30")
    del rs
    gc.collect()
    assert r.outputs["levy_due"] == Decimal("56958.16")
    assert r.ruleset.id == "cn-national"
    assert len(r.trace()) > 10


def test_what_if_overrides():
    base = quotalevy.RuleSet.load(JILIN)
    higher = quotalevy.RuleSet.load(JILIN, overrides=[
        ("ratio", Decimal("0.017"), datetime.date(2024, 1, 1))])
    same = quotalevy.RuleSet.load(JILIN, overrides=[("ratio", "1.7%", "2024-01-01")])
    rec = dict(FIRM, employees="100", wage_total="6000000", local_avg_wage=50000)
    assert base.evaluate(rec, "2024-06-30").outputs["levy_due"] == Decimal("18000.00")
    r = higher.evaluate(rec, "2024-06-30")
    assert r.outputs["levy_due"] == Decimal("21000.00")
    assert same.evaluate(rec, "2024-06-30").outputs == r.outputs
    steps = {s.name: s for s in r.trace()}
    assert steps["ratio"].source == "what-if override"
    assert higher.evaluate(rec, "2023-12-31").outputs["required_disabled"] == Decimal("1.6")
    with pytest.raises(quotalevy.RulesError) as e:
        quotalevy.RuleSet.load(JILIN, overrides=[("nope", "1", "2024-01-01")])
    assert e.value.status == "QL_ENAME"
    with pytest.raises(quotalevy.RulesError):
        quotalevy.RuleSet.load(JILIN, overrides=[("ratio", "abc", "2024-01-01")])
    with pytest.raises(TypeError):
        quotalevy.RuleSet.load(JILIN, overrides=[("ratio", 0.017, "2024-01-01")])
    # probe6 P6-03: text is a rules file's, so a percentage needs its '%'
    # (bounds let "1" meant as 1 % through as 100 %); a number is the share
    # probe8 P8-01: an int is the integer it is, so 1 (meant as 1 %) is
    # refused as the text "1" is, never taken as the share 1, 100 %
    for text in ("0.017", "1.7", "1", "0", 1, 0, 2):
        with pytest.raises(quotalevy.RulesError, match="^override of parameter 'ratio': .*: the parameter is a percentage: write it with '%', e.g. '") as e:
            quotalevy.RuleSet.load(JILIN, overrides=[("ratio", text, "2024-01-01")])
        assert (e.value.status, e.value.field) == ("QL_ESCHEMA", "ratio")
    for value in (Decimal("0.017"), Decimal("0.0170"), Decimal("1.7E-2"), "1.7%"):
        rs = quotalevy.RuleSet.load(JILIN, overrides=[("ratio", value, "2024-01-01")])
        assert str(rs.parameters("2024-06-30")["ratio"].value) == "0.017", value
    rs = quotalevy.RuleSet.load(JILIN, overrides=[("small_enterprise_limit", 25, "2024-01-01")])
    assert rs.parameters("2024-06-30")["small_enterprise_limit"].value == 25


def test_an_override_keeps_the_parameters_places():
    # P5-03: a parameter's places are part of its type.  An override
    # with fewer is padded to them, from before every value of the file
    # too (Decimal('0.02') from 2000 made required_disabled 2.0000 where
    # the file gives 1.60000); one with more is refused, naming them
    rec = dict(FIRM, employees="100", wage_total="6000000", local_avg_wage=50000)
    base = quotalevy.RuleSet.load(JILIN).evaluate(rec, "2024-06-30").outputs
    for value in (Decimal("0.02"), "2%", Decimal(1)):
        rs = quotalevy.RuleSet.load(JILIN, overrides=[("ratio", value, "2000-01-01")])
        assert str(rs.parameters("2024-06-30")["ratio"].value) in ("0.020", "1.000"), value
        out = rs.evaluate(rec, "2024-06-30").outputs
        for k, v in base.items():
            if isinstance(v, Decimal):
                assert out[k].as_tuple().exponent == v.as_tuple().exponent, (value, k, out[k])
    for value, quoted in ((Decimal("0.0175"), r"Decimal\('0\.0175'\)"), ("1.75%", r"'1\.75%'")):
        with pytest.raises(quotalevy.RulesError, match=quoted + r" has 2 decimal places "
                           r"in percent, more than the 1 of its values in the rules file "
                           r"\(.*jilin\.yaml:98\); to allow them, declare 'scale: 2'") as e:
            quotalevy.RuleSet.load(JILIN, overrides=[("ratio", value, "2024-01-01")])
        assert (e.value.status, e.value.field) == ("QL_ESCHEMA", "ratio")


@pytest.mark.parametrize("value,given,why", [
    (Decimal("1E+1"), "Decimal('1E+1')", "above its maximum of 100%"),
    (Decimal("-0.01"), "Decimal('-0.01')", "below its minimum of 1.5%"),
    (Decimal("0.01713"), "Decimal('0.01713')", "has 3 decimal places in percent"),
    (Decimal("1E+40"), "Decimal('1E+40')",
     "number too long: at most 36 significant digits and 36 digits after the point "
     "(written out, it has 41 digits before the point)"),
    (Decimal("1E+300"), "Decimal('1E+300')", "number too long"),
    (10, "10", "the parameter is a percentage"),
    (True, "True", "is not a number"),
])
def test_an_override_message_quotes_the_value_as_given(value, given, why):
    """probe8 P8-02: a Decimal override is sent as the share it is, as
    percent text ('1000%' for Decimal('1E+1')), and the message quoted
    that text, which the caller never wrote; now it quotes the value as
    given, and a text as the text it is."""
    with pytest.raises(quotalevy.RulesError) as e:
        quotalevy.RuleSet.load(JILIN, overrides=[("ratio", value, "2024-01-01")])
    msg = str(e.value)
    assert "override of parameter 'ratio': %s" % given in msg and why in msg, msg
    assert "1000%" not in msg and "'10'" not in msg and "'true'" not in msg, msg
    assert e.value.field == "ratio"


_UNITS_RULES = """quotalevy: 1
id: units
title: Units
jurisdiction: XX
version: "1"
currency: JPY
sources:
  s: {title: Test source (not law)}
inputs:
  a: {type: decimal, scale: 0}
parameters:
  factor: {type: decimal, scale: 0, values: [{from: 2000-01-01, value: 2, source: s}]}
  count: {type: integer, values: [{from: 2000-01-01, value: 3, source: s}]}
  amount: {type: money, values: [{from: 2000-01-01, value: 10, source: s}]}
  capped: {type: money, max: 1000000, values: [{from: 2000-01-01, value: 10, source: s}]}
  rate: {unit: percent, values: [{from: 2000-01-01, value: 5%, source: s}]}
computed:
  x: a * factor * count * rate
  y: a * amount + capped
outputs: [x, y]
"""


def test_a_decimal_override_of_a_number_is_sent_as_it_is(tmp_path):
    """bind14: every Decimal override was sent as a share in percent, so
    Decimal('1E+34') for an amount or a count (35 digits, which a decimal
    holds) became a 37-digit percent, refused as "number too long".  Only
    a percentage takes the share now; any other number is the number it
    is, taken or refused by the parameter's own bounds, and the message
    quotes the Decimal as given."""
    path = tmp_path / "units.yaml"
    path.write_text(_UNITS_RULES)
    big = Decimal("1E+34")
    for name in ("factor", "count", "amount"):
        rs = quotalevy.RuleSet.load(path, overrides=[(name, big, "2024-01-01")])
        assert rs.parameters("2024-06-30")[name].value == big, name
    rs = quotalevy.RuleSet.load(path, overrides=[("factor", Decimal("-12.000"), "2024-01-01")])
    assert rs.parameters("2024-06-30")["factor"].value == -12
    with pytest.raises(quotalevy.RulesError) as e:
        quotalevy.RuleSet.load(path, overrides=[("capped", big, "2024-01-01")])
    msg = str(e.value)
    assert "override of parameter 'capped': Decimal('1E+34')" in msg, msg
    assert "above its maximum" in msg and "number too long" not in msg, msg
    assert e.value.field == "capped"
    # a percentage still takes the share: 0.07 is 7 %
    rs = quotalevy.RuleSet.load(path, overrides=[("rate", Decimal("0.07"), "2024-01-01"),
                                                 ("amount", Decimal("12"), "2024-01-01")])
    assert rs.parameters("2024-06-30")["rate"].value == Decimal("0.07")
    assert rs.parameters("2024-06-30")["amount"].value == 12
    # one past what a decimal holds is refused as too long, quoted as given
    with pytest.raises(quotalevy.RulesError, match=r"Decimal\('1E\+40'\).*number too long"):
        quotalevy.RuleSet.load(path, overrides=[("amount", Decimal("1E+40"), "2024-01-01")])


def test_a_decimal_override_loads_the_rules_once(tmp_path, monkeypatch):
    """A Decimal override loaded the rules twice: once without overrides to
    ask each parameter's unit (ql_ruleset_param_unit: the share with '%'
    for a percentage), then with them, and a file changed in between was
    refused.  It goes as the number it is now (QL_OVERRIDE_NUMBER), read in
    the parameter's unit by the one load: no load without the overrides is
    made, and a file changed between calls is read in its own unit."""
    path = tmp_path / "units.yaml"
    path.write_text(_UNITS_RULES)
    plain = _UNITS_RULES.replace("rate: {unit: percent, values: [{from: 2000-01-01, value: 5%",
                                 "rate: {values: [{from: 2000-01-01, value: 0.05")
    assert plain != _UNITS_RULES
    loads = []
    real_call = quotalevy._call

    def spy(fn, *args, **kw):  # a load without overrides, and the file changes after
        if fn is quotalevy._native.ql_ruleset:
            loads.append(args)
            path.write_text(plain)
        return real_call(fn, *args, **kw)

    monkeypatch.setattr(quotalevy, "_call", spy)
    for text in (_UNITS_RULES, plain, _UNITS_RULES):
        path.write_text(text)
        rs = quotalevy.RuleSet.load(path, overrides=[("rate", Decimal("0.07"), "2024-01-01"),
                                                     ("amount", Decimal("1E+3"), "2024-01-01")])
        assert rs.parameters("2024-06-30")["rate"].value == Decimal("0.07")
        assert rs.parameters("2024-06-30")["amount"].value == 1000
    assert loads == []
    # a text is still a rules file's text: a percentage's '%' written out
    path.write_text(_UNITS_RULES)
    with pytest.raises(quotalevy.RulesError, match="write it with '%'"):
        quotalevy.RuleSet.load(path, overrides=[("rate", "0.07", "2024-01-01")])


class _OwnInt(int):
    """An int whose own __int__ and __repr__ say otherwise."""

    def __int__(self):
        return 5

    def __repr__(self):
        return "EVIL"


def test_an_int_subclass_override_is_the_int_it_is():
    """probe14s P14-03: an int subclass was sent, and quoted, as its own
    __int__ (5 for _OwnInt(3)), not the int it is -- as a str is taken by
    its value, never its own __str__."""
    with pytest.raises(quotalevy.RulesError) as e:
        quotalevy.RuleSet.load(JILIN, overrides=[("ratio", _OwnInt(3), "2024-01-01")])
    msg = str(e.value)
    assert "override of parameter 'ratio': 3: " in msg and "e.g. '3%'" in msg, msg
    assert "5" not in msg.split("ratio': ", 1)[1].split("(")[0] and "EVIL" not in msg, msg


def test_closed_ruleset():
    with quotalevy.RuleSet.load(NATIONAL) as rs:
        r = rs.evaluate(FIRM, "2024-06-30")
        traced = rs.evaluate(FIRM, "2024-06-30", trace=True)
        many = next(rs.evaluate_many([FIRM], "2024-06-30", trace=True))
        want = str(traced.explain())
    # what docs/python.md promises after close: outputs, checks, as_dict,
    # and the explanation of a result made with a trace
    assert str(traced.explain()) == want and traced.trace()
    assert str(many.explain()) == want
    assert traced.as_dict() == r.as_dict()
    # a result without its trace says why it cannot make one now
    with pytest.raises(ValueError, match="closed: this result was evaluated without a trace"):
        r.explain()
    with pytest.raises(ValueError, match="closed"):
        rs.evaluate(FIRM, "2024-06-30")
    with pytest.raises(ValueError, match="closed"):
        list(rs.evaluate_many([FIRM], "2024-06-30"))
    with pytest.raises(ValueError, match="closed"):
        rs.parameters("2024-06-30")
    gc.collect()
    assert r.outputs["levy_due"] == Decimal("56958.16")  # still valid
    assert rs.id == "cn-national" and rs.outputs
    rs.close()  # twice is fine


def test_gc_order_does_not_matter():
    for _ in range(50):
        rs = quotalevy.RuleSet.load(NATIONAL)
        results = [rs.evaluate(FIRM, "2024-06-30") for _ in range(3)]
        many = list(rs.evaluate_many([FIRM] * 3, "2024-06-30"))
        del rs
        gc.collect()
        del results
        gc.collect()
        assert many[0].outputs["levy_due"] == Decimal("56958.16")


# ------------------------------------------------------------- batches


def test_evaluate_many_in_order_and_equal_to_evaluate(jilin):
    recs = [dict(FIRM, employees=str(40 + i), disabled=i % 3) for i in range(2500)]
    many = list(jilin.evaluate_many(iter(recs), "2024-06-30", batch=1000))
    assert len(many) == 2500
    for i in (0, 999, 1000, 2499):
        one = jilin.evaluate(recs[i], "2024-06-30", trace=False)
        assert many[i].outputs == one.outputs


def test_batch_results_read_like_single_ones(jilin):
    """The batch path hands results over packed in one NUL-separated
    string (a NUL cannot enter a record): every output type, checks and
    non-ASCII text read back the same as from evaluate()."""
    recs = [dict(FIRM, employees=str(40 + i), disabled=i % 3) for i in range(50)]
    recs.append({"id": "U-1", "unit_type": "agency", "admin_level": "county",
                 "posts": 120, "employees": 120, "disabled": 0,
                 "disabled_severe": 0, "wage_total": 6000000,
                 "local_avg_wage": 50000, "disability_federation": True,
                 "cadres": 20, "disabled_cadres": 1})
    for r, one in zip(jilin.evaluate_many(recs, "2024-06-30"), recs):
        single = jilin.evaluate(one, "2024-06-30", trace=False)
        assert r.outputs == single.outputs
        assert list(r.outputs.items()) == list(single.outputs.items())
        assert r.checks == single.checks
    rs = quotalevy.RuleSet.from_string(SMALL)
    odd = {"n": 3, "flag": True, "kind": "b", "day": datetime.date(2024, 2, 28)}
    with pytest.raises(quotalevy.RecordError, match="NUL"):
        next(rs.evaluate_many([dict(odd, label="with\0nul")], "2024-06-30"))
    for label in ("plain", "汉字 ünï", "", None):
        rec = dict(odd, label=label)
        got = next(rs.evaluate_many([rec], "2024-06-30")).outputs
        assert got == rs.evaluate(rec, "2024-06-30").outputs
        assert got["label"] == (label or None) and got["later"] == datetime.date(2024, 2, 29)
        assert got["third"] == Decimal("1.00000000000000000000")


def test_batch_field_names_in_any_order(national):
    """The batch path remembers field name objects by their place in the
    record: records with the same names in another order, fewer names, or
    an unknown name at a remembered place still fill the right fields."""
    base = dict(FIRM)
    swapped = dict(reversed(list(FIRM.items())))          # same key objects
    shorter = {k: v for k, v in FIRM.items() if k != "disabled"}
    copied = {str(k + " ")[:-1]: v for k, v in FIRM.items()}   # new key objects
    recs = [base, swapped, shorter, copied, base]
    def single(r):
        try:
            return national.evaluate(r, "2024-06-30", trace=False).outputs
        except quotalevy.RecordError as e:
            return ("error", e.field)

    def batch(g):
        return ("error", g.field) if isinstance(g, quotalevy.RecordError) else g.outputs

    got = list(national.evaluate_many(recs, "2024-06-30", errors="yield"))
    want = [single(r) for r in recs]
    assert want[2] == ("error", "disabled")
    for g, w in zip(got, want):
        assert batch(g) == w
    bad = dict(FIRM)
    bad["nonsense"] = 1
    out = list(national.evaluate_many([bad, base, bad], "2024-06-30", errors="yield",
                                      extra="error"))
    assert isinstance(out[0], quotalevy.RecordError) and out[0].field == "nonsense"
    assert out[1].outputs == want[0]
    assert isinstance(out[2], quotalevy.RecordError) and out[2].field == "nonsense"


def test_evaluate_many_errors(jilin):
    recs = [FIRM, dict(FIRM, disabled=500), dict(FIRM, employees="x"), FIRM]
    out = list(jilin.evaluate_many(recs, "2024-06-30", errors="yield"))
    assert isinstance(out[0], quotalevy.Result)
    assert isinstance(out[1], quotalevy.RecordError) and out[1].field == "disabled"
    assert isinstance(out[2], quotalevy.RecordError) and out[2].field == "employees"
    assert out[3].outputs["levy_due"] == out[0].outputs["levy_due"]
    with pytest.raises(quotalevy.RecordError):
        list(jilin.evaluate_many(recs, "2024-06-30"))
    assert list(jilin.evaluate_many([], "2024-06-30")) == []


def test_threads_share_a_ruleset(national):
    recs = [dict(FIRM, employees=str(31 + i)) for i in range(400)]
    want = [r.outputs for r in national.evaluate_many(recs, "2024-06-30")]
    got = [None] * 4

    def work(k):
        got[k] = [r.outputs for r in national.evaluate_many(recs, "2024-06-30", batch=64)]

    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(g == want for g in got)


# ------------------------------------------------ agreement with the CLI


@pytest.fixture
def cli():
    if not CLI:
        pytest.fail("the quotalevy command was not found (set QL_CLI, or build "
                    "it in build/): the tests comparing with it cannot run")
    return CLI


def test_explanation_is_the_commands_text(jilin, cli):
    # one renderer (ql_result_explain): str() of an explanation is what
    # `quotalevy explain` prints, byte for byte, lazily traced or not
    fields = {i.name for i in jilin.inputs}
    with open(UNITS, encoding="utf-8") as f:
        units = list(csv.DictReader(f))[:3]
    for unit in units:
        p = subprocess.run([cli, "explain", JILIN, "--row", unit["id"], UNITS,
                            "--date", "2024-06-30"], capture_output=True, text=True)
        assert p.returncode == 0, p.stderr
        rec = {k: v for k, v in unit.items() if k in fields and v != ""}
        assert str(jilin.evaluate(rec, "2024-06-30", trace=True).explain()) == p.stdout
        assert str(jilin.evaluate(rec, "2024-06-30").explain()) == p.stdout


def test_agrees_with_the_command_line(jilin, cli):
    p = subprocess.run([cli, "run", JILIN, UNITS, "--date", "2024-06-30", "-q"],
                       capture_output=True, text=True)
    cli_rows = {r["id"]: r for r in csv.DictReader(io.StringIO(p.stdout))}
    fields = {i.name for i in jilin.inputs}
    with open(UNITS, encoding="utf-8") as f:
        units = list(csv.DictReader(f))
    compared = 0
    for u in units:
        rec = {k: v for k, v in u.items() if k in fields}
        try:
            r = jilin.evaluate(rec, "2024-06-30", trace=False)
        except quotalevy.RecordError:
            assert u["id"] not in cli_rows
            continue
        row = cli_rows[u["id"]]
        for name in ("required_disabled", "shortfall", "levy_gross", "levy_due"):
            assert Decimal(row[name]) == r.outputs[name]
            assert row[name] == str(r.outputs[name])  # the same digits
        for c in jilin.checks:
            assert row[c.name + "_applicable"] == str(r.checks[c.name].applicable).lower()
        compared += 1
    assert compared == 45


def test_audit_example_runs():
    env = dict(os.environ)
    p = subprocess.run([sys.executable, os.path.join(SRC, "examples", "audit_agencies.py")],
                       capture_output=True, text=True, env=env)
    assert p.returncode == 1, p.stderr
    assert "Audited 21 agencies and institutions" in p.stdout
    assert "JL-A002" in p.stdout and "short by 1" in p.stdout
    assert "JL-I002" in p.stdout and "institution_post_minimum" in p.stdout
    assert "JL-I003" not in p.stdout  # 66 posts
    assert "JL-X006" in p.stdout  # listed as not evaluable


def test_version():
    assert quotalevy.version().count(".") == 2


def test_list_inputs_take_sequences():
    """A `count:` input is given as a list or tuple; None leaves an item
    empty; the German rule set evaluates from Python as from the CLI."""
    rs = quotalevy.RuleSet.load(os.path.join(SRC, "rules", "de", "sgb9.yaml"))
    assert rs.lists["positions"] == 12 and "workshop_labour" not in rs.lists
    with pytest.raises(TypeError):
        rs.lists["positions"] = 1
    year = {"positions": [121] * 12, "severely_disabled": (3,) * 12}
    r = rs.evaluate(year, "2020-06-30")
    assert r.outputs["yearly_mandatory"] == 73
    assert r.outputs["levy"] == Decimal("8140")
    part = {"positions": [None] * 6 + [100] * 6, "severely_disabled": [5] * 12}
    assert rs.evaluate(part, "2024-12-31").outputs["months"] == 6
    # items as fields work too, and the batch path expands lists
    flat = {"positions[%d]" % k: 121 for k in range(1, 13)}
    flat.update({"severely_disabled[%d]" % k: 3 for k in range(1, 13)})
    many = list(rs.evaluate_many([year, flat], "2020-06-30"))
    assert [m.outputs["levy"] for m in many] == [Decimal("8140")] * 2
    text = str(rs.evaluate(year, "2020-06-30").explain())
    assert "input     positions[…] = " + ", ".join(["121"] * 12) in text
    assert "positions[3]" not in text
    with pytest.raises(ValueError, match="'positions' has 12 items, got 13"):
        rs.evaluate({"positions": [1] * 13}, "2024-06-30")
    with pytest.raises(TypeError, match="list of 12 items"):
        rs.evaluate({"positions": "100"}, "2024-06-30")
    with pytest.raises(quotalevy.RecordError) as e:
        rs.evaluate({"positions": [100, -1] + [None] * 10}, "2024-06-30")
    assert e.value.field == "positions[2]"


def test_keys_that_are_not_inputs_follow_one_rule(jilin):
    """P3-05: evaluate / evaluate_many refused a key the command, SQL and
    evaluate_columns pass over; now a near miss of an input with no value
    is refused, any other key passed over with a warning (extra='ignore':
    silently, 'error': refused), as docs/architecture.md says."""
    import warnings
    want = jilin.evaluate(FIRM, "2024-06-30").outputs
    with pytest.warns(quotalevy.ExtraColumnsWarning, match="'colour'"):
        assert jilin.evaluate(dict(FIRM, colour="red"), "2024-06-30").outputs == want
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert jilin.evaluate(dict(FIRM, colour="red"), "2024-06-30",
                              extra="ignore").outputs == want
        got = list(jilin.evaluate_many([dict(FIRM, note=1), FIRM], "2024-06-30",
                                       extra="ignore"))
        assert [g.outputs for g in got] == [want, want]
    with pytest.warns(quotalevy.ExtraColumnsWarning) as w:
        list(jilin.evaluate_many([dict(FIRM, note=1)] * 3, "2024-06-30"))
    assert len(w) == 1  # once a call
    slip = {("Employees" if k == "employees" else k): v for k, v in FIRM.items()}
    for extra in ("warn", "ignore", "error"):
        with pytest.raises(quotalevy.RecordError, match="did you mean 'employees'") as e:
            jilin.evaluate(slip, "2024-06-30", extra=extra)
        assert e.value.field == "Employees"
    out = list(jilin.evaluate_many([slip, dict(FIRM, note=1)], "2024-06-30",
                                   errors="yield", extra="error"))
    assert out[0].field == "Employees" and out[1].field == "note"
    # the input has its value: the look-alike key is another, passed over
    assert jilin.evaluate(dict(FIRM, Employees="9"), "2024-06-30",
                          extra="ignore").outputs == want
    with pytest.raises(ValueError):
        jilin.evaluate(FIRM, "2024-06-30", extra="refuse")


def test_the_error_raised_is_the_first_in_declaration_order(jilin):
    """P4-05: the first bad field in the dict's order (36 of 2,300 records
    differed built in reverse key order); now employees, declared before
    wage_total, in every order, for evaluate and evaluate_many."""
    bad = dict(FIRM, employees="22.881", wage_total="12345678901234567890.123456789")
    keys = list(bad)
    seen = set()
    for r in range(len(keys)):
        order = keys[r:] + keys[:r]
        for rec in (dict((k, bad[k]) for k in order), dict((k, bad[k]) for k in order[::-1]),
                    dict(((k, bad[k]) for k in order), employees=1.5)):
            with pytest.raises(quotalevy.RecordError) as e:
                jilin.evaluate(rec, "2024-06-30")
            seen.add(e.value.field)
            g = list(jilin.evaluate_many([rec], "2024-06-30", errors="yield"))[0]
            seen.add(g.field)
    assert seen == {"employees"}


def test_a_number_too_long_written_out_says_so():
    # probe5 P5-06: '1e400' was "not a plain decimal number"; a Decimal
    # 1E+99999999999 written out raised MemoryError (100 GB of digits)
    rs = quotalevy.RuleSet.load(JILIN)
    cases = {"1e400": "401 digits before the point", "1e-400": "400 digits after the point",
             "1E+99999999999": "more than 1000000 digits before the point"}
    for text, how in cases.items():
        for v in (text, Decimal(text)):
            with pytest.raises(quotalevy.RecordError, match=r"number too long") as e:
                rs.evaluate(dict(FIRM, employees=v), "2024-06-30")
            if isinstance(v, str) or "more than" in how:
                assert "(written out, it has %s)" % how in str(e.value), (v, str(e.value))
            cols = {k: [x] for k, x in FIRM.items()}
            out = rs.evaluate_columns(dict(cols, employees=[v]), "2024-06-30", errors="column")
            assert "number too long" in out["error_message"][0], v
            with pytest.raises(quotalevy.RulesError, match="number too long"):
                quotalevy.RuleSet.load(JILIN, overrides=[("small_enterprise_limit", v,
                                                          "2024-01-01")])


@pytest.mark.parametrize("text,how", [
    ("1E+40", "41 digits before the point"), ("-1.5E+36", "37 digits before the point"),
    ("1E-40", "40 digits after the point"), ("1.25E-37", "39 digits after the point")])
def test_a_decimal_too_long_is_quoted_as_python_writes_it(text, how):
    """A Decimal past what a decimal holds was written out in full and
    the message quoted 40 of those digits, a text the caller never wrote
    ('1000000000000000000000000000000000000000…' for Decimal('1E+40'),
    probe8 P8-02's class): every record path quotes the Decimal's own
    text now, and says how long it is written out."""
    rs = quotalevy.RuleSet.load(JILIN)
    v = Decimal(text)
    want = "'%s' is not a valid decimal: number too long" % text
    msgs = []
    with pytest.raises(quotalevy.RecordError) as e:
        rs.evaluate(dict(FIRM, employees=v), "2024-06-30")
    msgs.append(str(e.value))
    msgs.append(str(list(rs.evaluate_many([dict(FIRM, employees=v)], "2024-06-30",
                                           errors="yield"))[0]))
    cols = dict({k: [x] for k, x in FIRM.items()}, employees=[v])
    msgs.append(rs.evaluate_columns(cols, "2024-06-30", errors="column")["error_message"][0])
    import pandas
    msgs.append(rs.evaluate_frame(pandas.DataFrame(cols), "2024-06-30",
                                  errors="column")["error_message"][0])
    for m in msgs:
        assert want in m and "(written out, it has %s)" % how in m, m
    # within the limits, trailing zeros and zero itself stay plain, and read
    levy = rs.evaluate(FIRM, "2024-06-30").outputs["levy_due"]
    for ok in ("125.5" + "0" * 40, "1.255E+2"):
        assert rs.evaluate(dict(FIRM, employees=Decimal(ok)),
                           "2024-06-30").outputs["levy_due"] == levy, ok
    for zero in ("0E-50", "0E+50"):
        assert rs.evaluate(dict(FIRM, disabled_severe=Decimal(zero)),
                           "2024-06-30").outputs["levy_due"] == levy, zero


@pytest.mark.parametrize("overrides,says", [
    ([None], "override 0 is a (name, value, date) tuple, not None"),
    ([("ratio", "1.7%")], "override 0 is a (name, value, date) tuple, not a 2-item tuple"),
    ([("ratio", "1.7%", "2024-01-01"), ["ratio", "2%", "2025-01-01", "x"]],
     "override 1 is a (name, value, date) tuple, not a 4-item list"),
    ("ratio=1.7%@2024-01-01", "overrides is an iterable of (name, value, date) tuples, not a str"),
    ({"ratio": "1.7%"}, "overrides is an iterable of (name, value, date) tuples, not a dict"),
    ([("ratio", "1.7%", None)], "override of parameter 'ratio': date must be a datetime.date"),
])
def test_malformed_overrides_say_which_and_what(overrides, says):
    """An override that is None or of the wrong length said 'cannot unpack
    non-iterable NoneType object' or 'not enough values to unpack
    (expected 3, got 2)', naming neither the override nor its shape; a str
    was unpacked character by character, and a None date did not say
    whose date it was."""
    with pytest.raises(TypeError) as e:
        quotalevy.RuleSet.load(JILIN, overrides=overrides)
    assert says in str(e.value), str(e.value)


@pytest.mark.parametrize("records,says", [
    (None, "records must be an iterable of mappings, not NoneType"),
    (3, "records must be an iterable of mappings, not int"),
    (dict(FIRM), "records must be an iterable of mappings, not one dict"),
])
def test_evaluate_many_of_no_iterable_says_what_it_takes(records, says):
    """evaluate_many(None) said "'NoneType' object is not iterable", and
    one record passed alone was iterated as its keys."""
    rs = quotalevy.RuleSet.load(JILIN)
    with pytest.raises(TypeError) as e:
        list(rs.evaluate_many(records, "2024-06-30"))
    assert says in str(e.value), str(e.value)
