"""The extension module is generated from the language-neutral interface
(bindings/quotalevy.i) that the Java and Lua bindings share: its classes
and functions work from Python as they do there, errors raise
native.NativeError with the error's parts, and the package's RuleSet is
built on those classes."""
import gc
import os
import sys
import threading

import pytest

import quotalevy
from quotalevy import native

SRC = os.environ.get("QL_SOURCE_DIR",
                     os.path.join(os.path.dirname(__file__), "..", "..", ".."))
JILIN = os.path.join(SRC, "rules", "cn", "jilin.yaml")
FIRM = {"unit_type": "enterprise", "employees": "125.5", "disabled": "1",
        "disabled_severe": "0", "wage_total": "9000000", "local_avg_wage": "60000"}


def test_handles_are_the_neutral_classes():
    rs = quotalevy.RuleSet.load(JILIN)
    assert type(rs._h) is native.ql_ruleset
    assert rs._h.meta("id") == rs.id == "cn-jilin"
    assert [rs._h.input_name(i) for i in range(rs._h.input_count())] == \
        [i.name for i in rs.inputs]
    assert native.ql_version() == quotalevy.version()


def test_record_and_result_through_the_neutral_methods():
    h = native.ql_ruleset(JILIN)
    rec, res = native.ql_record(h), native.ql_result(h)
    del h
    gc.collect()   # the record and the result hold the rule set
    h = res._ruleset
    for name, text in FIRM.items():
        rec.set(name, text)
    day = native.ql_swig_date_parse("2024-06-30")
    res.evaluate(rec, day, 0)
    names = [h.output_name(i) for i in range(h.output_count())]
    got = res.output_string(names.index("levy_due"))
    want = quotalevy.RuleSet.load(JILIN).evaluate(FIRM, "2024-06-30").outputs["levy_due"]
    assert got == str(want)
    assert native.ql_swig_date_format(day) == "2024-06-30"


def test_errors_raise_native_error_with_their_parts(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("quotalevy: 1\nid: x\ntitle: X\njurisdiction: XX\nversion: '1'\n"
                   "inputs:\n  n: decimal\ncomputed:\n  m: n +\noutputs: [m]\n")
    with pytest.raises(native.NativeError) as e:
        native.ql_ruleset(str(bad))
    status, message, file, line, column, field, text = e.value.args
    assert status == "QL_EPARSE" and file == str(bad) and line == 9 and column > 0
    rec = native.ql_record(native.ql_ruleset(JILIN))   # keeps its rule set alive
    gc.collect()
    with pytest.raises(native.NativeError) as e:
        rec.set("employees", "12x")
    assert e.value.args[0] == "QL_ERECORD" and e.value.args[5] == "employees"
    with pytest.raises(native.NativeError):
        native.ql_swig_date_parse("2024-02-30")
    # and the package classifies a load's failure by its stage
    with pytest.raises(quotalevy.RulesError) as e:
        quotalevy.RuleSet.load(str(bad))
    assert (e.value.line, e.value.status) == (9, "QL_EPARSE")


def test_load_buffer_takes_str_and_bytes():
    text = open(os.path.join(SRC, "rules", "cn", "national.yaml"), encoding="utf-8").read()
    a = native.ql_swig_load_buffer(text, "national.yaml")
    b = native.ql_swig_load_buffer(text.encode("utf-8"), "national.yaml")
    assert a.meta("id") == b.meta("id") == "cn-national"
    with pytest.raises(TypeError):
        native.ql_swig_load_buffer(12, "x")


def test_a_result_keeps_the_record_it_evaluated():
    h = native.ql_swig_load_buffer(
        "quotalevy: 1\nid: x\ntitle: X\njurisdiction: XX\nversion: '1'\n"
        "inputs:\n  label: string\noutputs: [label]\n", "x.yaml")
    res = native.ql_result(h)
    rec = native.ql_record(h)
    rec.set("label", "the first record's")
    res.evaluate(rec, native.ql_swig_date_parse("2024-06-30"), 0)
    del rec
    gc.collect()
    # a record made now would take the freed one's memory
    other = native.ql_record(h)
    other.set("label", "another record's label")
    assert res.output_string(0) == "the first record's"
    assert "the first record's" in res.explanation()


def test_the_batch_path_packed():
    batch = native.ql_swig_batch(native.ql_ruleset(JILIN))
    gc.collect()
    packed = b"".join(k.encode() + b"\0" + v.encode() + b"\0" for k, v in FIRM.items()) + b"\0"
    out = batch.evaluate(packed * 2, native.ql_swig_date_parse("2024-06-30"), 0)
    assert isinstance(out, bytes)
    fields = out.split(b"\0")
    assert fields[0] == b"K" and fields.count(b"K") == 2


def test_loading_lets_other_threads_run(tmp_path):
    # the constructor releases the GIL while the library loads: a thread
    # counting meanwhile advances during the C call.  With a long switch
    # interval a call that holds the GIL gives the counter nothing (the
    # control: a long bytes repetition, which holds it), so any progress
    # during the load is the released GIL's.
    big = tmp_path / "big.yaml"
    n = 20000
    big.write_text("quotalevy: 1\nid: big\ntitle: Big\njurisdiction: XX\nversion: '1'\n"
                   "inputs:\n" + "".join("  n%d: {type: decimal, scale: 0}\n" % k for k in range(n)) +
                   "computed:\n  m: n0 + 1\noutputs: [m]\n")
    ticks, stop, started = [0], threading.Event(), threading.Event()

    def count():
        started.set()
        while not stop.is_set():
            ticks[0] += 1

    def progress(fn):
        n0 = ticks[0]
        fn()
        return ticks[0] - n0

    interval = sys.getswitchinterval()
    t = threading.Thread(target=count)
    t.start()
    started.wait()
    sys.setswitchinterval(0.5)
    try:
        held = [progress(lambda: b"ab" * 20_000_000) for _ in range(3)]
        loading = [progress(lambda: native.ql_ruleset(str(big))) for _ in range(3)]
    finally:
        sys.setswitchinterval(interval)
        stop.set()
        t.join()
    assert held == [0, 0, 0]
    assert max(loading) > 0, loading
