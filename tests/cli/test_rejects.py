#!/usr/bin/env python3
"""Where a reject points: every row the command refuses is named by its
line, its column, the field it concerns and the id read before the fault,
in `run` (standard error and --rejects), `compare` and `explain --row`
alike.  The column is one unit per format (`quotalevy run --help`,
docs/architecture.md "Where a reject points"): in CSV the field's number,
in JSON Lines the byte of the line where the fault is — a value refused
for what it holds at its first byte, a reader fault (a bad escape, a key
given twice) at the byte at fault — with the key named as the field.

Usage: test_rejects.py QUOTALEVY_BINARY SOURCE_DIR   (run by meson test)
"""
import csv
import io
import os
import subprocess
import sys
import tempfile
import unittest

BIN = None
SRC = None
WRAP = os.environ.get("QL_WRAP", "").split()

RULES = """quotalevy: 1
id: r
title: r
jurisdiction: XX
version: "1"
sources:
  s1: {title: a test source}
parameters:
  k: {type: integer, values: [{from: 2000-01-01, value: 2, source: s1 art. 1}]}
inputs:
  n: {type: integer, default: 0}
  m: {type: integer}
  s: {type: string, default: ""}
  p: {type: integer, count: 2, default: 0}
computed:
  n2: n * k + m
outputs: [n2]
"""


def run(*args, stdin=None, check_rc=None):
    p = subprocess.run([*WRAP, BIN, *args], input=stdin, capture_output=True, cwd=SRC)
    if check_rc is not None and p.returncode != check_rc:
        raise AssertionError(f"{args}: exit {p.returncode}, want {check_rc}\n"
                             f"stderr: {p.stderr.decode('utf-8', 'replace')}")
    return p


def rows(path):
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


class Fixture(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.d = self.tmp.name
        self.rules = self.path("r.yaml")
        with open(self.rules, "w", encoding="utf-8") as f:
            f.write(RULES)

    def tearDown(self):
        self.tmp.cleanup()

    def path(self, name):
        return os.path.join(self.d, name)

    def write(self, name, data):
        with open(self.path(name), "wb") as f:
            f.write(data)
        return self.path(name)

    def rejects(self, src, *opts):
        """run's rejects of src, as (line, column, field, id) from --rejects
        (on one thread and on two: the same), and its standard error."""
        got = []
        for threads in ("1", "2"):
            rej = self.path("rej%s.csv" % threads)
            p = run("run", self.rules, src, "--date", "2024-01-01", "-q", "-j", threads,
                    "-o", self.path("o.csv"), "-r", rej, *opts, check_rc=1)
            got.append([(r["line"], r["column"], r["field"], r["id"]) for r in rows(rej)])
        self.assertEqual(got[0], got[1])
        p = run("run", self.rules, src, "--date", "2024-01-01", "-q",
                "-o", self.path("o.csv"), *opts, check_rc=1)
        return got[0], p.stderr.decode("utf-8")


class JsonLines(Fixture):
    """P4-17: the key's ordinal for a value's refusal, a byte column for a
    reader fault.  Now the byte, for every kind of reject; the key is the
    field."""

    # (the record's line, the text the column points at, the field, the id,
    # the message's start); None where the reject has no place in the line
    CASES = [
        ('{"id": "A1", "m": 1, "n": "x"}', '"x"', "n", "A1", "'x' is not a valid integer"),
        ('{"id": "A2", "s": "é—é", "n": 1, "m": 1.5}', "1.5}", "m", "A2",
         "1.5 is not a whole number"),
        ('{"id": "A3", "m": null, "n": 1}', "null", "m", "A3", "is empty but is needed"),
        ('{"id": "A4", "m": 1, "s": "a\\qb"}', "\\qb", "s", "A4", "an unknown escape"),
        ('{"id": "A5", "m": 1, "s": "a\\u12"}', "\\u12", "s", "A5", "\\u needs four hex"),
        ('{"id": "A6", "m": 1, "s": "a\\ud800"}', "\\ud800", "s", "A6", "a lone surrogate"),
        ('{"id": "A7", "m": 1, "s": "a\tb"}', "\tb", "s", "A7", "a control character"),
        ('{"id": "A8", "m": 1, "s": "abc}', '"abc', "s", "A8", "a string is not closed"),
        ('{"id": "A9", "m": 1, "n": 2, "n": 3}', '"n": 3', "n", "A9", "key 'n' appears twice"),
        ('{"id": "B1", "m": 1, "n": [1]}', "[1]", "n", "B1", "nested objects"),
        ('{"id": "B2", "m": 1, "n": 01}', "01}", "n", "B2", "not a JSON number"),
        ('{"id": "B3", "m": 1, "n": tru}', "tru}", "n", "B3", "expected a string, number"),
        ('{"id": "B4", "m": 1 "n": 1}', '"n": 1}', "", "B4", "expected ',' or '}'"),
        ('{"id": "B5", "m": 1} x', "x", "", "B5", "text after the end"),
        ('{"id": "B6", "m": 1, 7: 1}', "7: 1", "", "B6", "expected a key in double quotes"),
        ('{"id": "B7", "m": 1, "n" 1}', "1}", "n", "B7", "expected ':' after a key"),
        ('  \ufeff{"id": "B9", "m": 1}', "\ufeff", "", "", "a byte order mark"),
        ('{"id": "C1", "m": 1, "p[1]": 1}', None, "p[2]", "C1", "the record has 1 of the 2"),
    ]

    def test_every_reject_points_at_its_byte_and_names_its_key(self):
        lines = ['{"id": "A0", "m": 1}'] + [c[0] for c in self.CASES]
        src = self.write("in.jsonl", ("\n".join(lines) + "\n").encode("utf-8"))
        got, err = self.rejects(src)
        want = []
        for k, (text, at, field, id_, _) in enumerate(self.CASES):
            raw = text.encode("utf-8")
            col = str(raw.index(at.encode("utf-8")) + 1) if at is not None else ""
            want.append((str(k + 2), col, field, id_))
        self.assertEqual(got, want)
        for (line, col, field, id_), case in zip(want, self.CASES):
            head = "%s:%s%s: rejected%s: %s" % (
                src, line, ":" + col if col else "", " (id %s)" % id_ if id_ else "",
                "field '%s': " % field if field else "")
            said = [l for l in err.splitlines() if l.startswith(head)]
            self.assertEqual(len(said), 1, (head, err))
            self.assertIn(case[4], said[0])

    def test_a_date_refused_is_at_its_value(self):
        line = '{"id": "B8", "m": 1, "date": "2024-13-01"}'
        src = self.write("d.jsonl", ('{"id": "B7", "m": 1, "date": "2024-01-01"}\n'
                                     + line + "\n").encode())
        rej = self.path("rej.csv")
        run("run", self.rules, src, "-q", "-o", self.path("o.csv"), "-r", rej, check_rc=1)
        self.assertEqual([(r["line"], r["column"], r["field"], r["id"]) for r in rows(rej)],
                         [("2", str(line.index('"2024-13-01"') + 1), "date", "B8")])

    def test_a_byte_order_mark_counts_in_the_first_lines_columns(self):
        # the mark's three bytes are the file's: an editor's column 21 is
        # byte 21 of the line as it is on the disk
        text = '\ufeff{"id": "A1", "m": 1, "n": "x"}\n'
        src = self.write("bom.jsonl", text.encode("utf-8"))
        got, _ = self.rejects(src)
        self.assertEqual(got, [("1", str(text.encode("utf-8").index(b'"x"') + 1), "n", "A1")])

    def test_the_id_not_utf8_and_a_kept_column_are_at_their_value(self):
        line = b'{"id": "ok", "m": 1, "note": "a\xffb"}'
        src = self.write("k.jsonl", line + b"\n" + b'{"m": 1, "id": "x\xfe", "note": "c"}\n')
        got, _ = self.rejects(src, "-k", "note")
        self.assertEqual(got, [("1", str(line.index(b'"a\xff') + 1), "note", "ok"),
                               ("2", str(b'{"m": 1, "id": "x'.index(b'"x') + 1), "id", "")])

    def test_an_id_input_not_utf8_is_not_named_in_its_own_reject(self):
        # P14-01: a rule set whose id is a string input refused the id with
        # the id itself, raw in --rejects (not UTF-8) and "(id \\xFF)" on
        # standard error and in compare's "not compared"
        with open(self.rules, "w", encoding="utf-8") as f:
            f.write(RULES.replace("inputs:\n", "inputs:\n  id: {type: string}\n"))
        csv_src = self.write("i.csv", b'id,m\n"\xff\xfe",1\n')
        jl_src = self.write("i.jsonl", b'{"m": 1, "id": "x\xfe"}\n')
        for src, col in ((csv_src, "1"), (jl_src, str(b'{"m": 1, "id": "x'.index(b'"x') + 1))):
            got, err = self.rejects(src)
            self.assertEqual(got, [(got[0][0], col, "id", "")])
            self.assertIn(":%s: rejected: field 'id': value is not valid UTF-8" % col, err)
            p = run("compare", self.rules, src, "--date", "2024-01-01",
                    "--override", "k=3@2024-01-01", check_rc=1)
            self.assertIn(":%s: not compared: field 'id': " % col, p.stderr.decode())

    def test_a_key_not_utf8_is_escaped_in_the_rejects_file(self):
        # probe17 P17-03: a reader's fault at a key holding a byte that is not
        # UTF-8 named the key as the field raw in --rejects (standard error
        # escapes it): the rejects file was not UTF-8 text
        line = b'{"id": "A1", "m\xff:"x"}'
        src = self.write("b.jsonl", line + b"\n")
        got, err = self.rejects(src)  # rows() reads the file as UTF-8
        self.assertEqual(got, [("1", str(line.index(b'x"}') + 1), "m\\xFF:", "A1")])
        self.assertIn("field 'm\\xFF:': ", err)

    def test_explain_and_compare_point_at_the_same_byte(self):
        line = '{"id": "A1", "s": "é", "m": 1, "n": "x"}'
        col = line.encode("utf-8").index(b'"x"') + 1
        src = self.write("e.jsonl", (line + "\n").encode("utf-8"))
        p = run("explain", self.rules, "--row", "A1", src, "--date", "2024-01-01", check_rc=1)
        self.assertIn("e.jsonl:1:%d: " % col, p.stderr.decode())
        self.assertIn("field 'n'", p.stderr.decode())
        p = run("compare", self.rules, src, "--date", "2024-01-01",
                "--override", "k=3@2024-01-01", check_rc=1)
        self.assertIn("e.jsonl:1:%d: not compared (id A1): field 'n': " % col,
                      p.stderr.decode())


    def test_explain_names_the_row_whose_evaluation_fails(self):
        # P14-05: explain --row of a row read whole that cannot be evaluated
        # said "the record cannot be evaluated" with no file, line or column,
        # where run's reject and compare's "not compared" name the row
        csv_src = self.write("v.csv", b"id,n\nZ0,1\nA1,2\n")
        jl_src = self.write("v.jsonl", b'{"id": "Z0", "n": 1}\n{"id": "A1", "n": 2}\n')
        for src, line in ((csv_src, "3"), (jl_src, "2")):
            at = "%s:%s: " % (src, line)
            p = run("explain", self.rules, "--row", "A1", src, "--date", "2024-01-01", check_rc=1)
            err = p.stderr.decode()
            self.assertTrue(err.startswith(at), err)
            self.assertIn("'m'", err)
            self.assertNotIn("cannot be evaluated", err)
            got, _ = self.rejects(src)
            self.assertEqual(got[1][:1], (line,))

    def test_compare_reads_on_after_a_first_record_the_reader_refused(self):
        # the refused record's (no) keys were checked as a record's: "no key
        # is an input", exit 2, before any row was compared
        src = self.write("f.jsonl", b'{"id": "J1", "m": 1, "n": [1]}\n{"id": "J2", "m": 1}\n')
        p = run("compare", self.rules, src, "--date", "2024-01-01",
                "--override", "k=3@2024-01-01", check_rc=1)
        err = p.stderr.decode()
        self.assertIn("f.jsonl:1:27: not compared (id J1): field 'n': nested objects", err)
        self.assertNotIn("no key is an input", err)
        self.assertIn("2 rows: 1 evaluated under both", p.stdout.decode())


NOT_INT = ("'x' is not a valid integer: not a plain decimal number (expected digits "
           "with an optional sign and decimal point, e.g. 12.75)")


class OneWording(Fixture):
    """P14-06: for the same evaluation error, run's reject said "field 'm':
    r.yaml:16:15: …" while compare's "not compared" line left the field
    out and explain --row said neither "rejected" nor the id.  Every front
    end of the command words a refused row through one function
    (tools/quotalevy/reject.c): the same line, but for what it calls the
    row."""

    def lines(self, src, row_id):
        """run's, compare's and explain --row's line about row_id."""
        opts = ("--date", "2024-01-01")
        p = run("run", self.rules, src, *opts, "-q", "-o", self.path("o.csv"), check_rc=1)
        r = [l for l in p.stderr.decode().splitlines() if "(id %s)" % row_id in l]
        p = run("compare", self.rules, src, *opts, "--override", "k=3@2024-01-01",
                check_rc=1)
        c = [l for l in p.stderr.decode().splitlines() if "(id %s)" % row_id in l]
        p = run("explain", self.rules, "--row", row_id, src, *opts, check_rc=1)
        e = p.stderr.decode().splitlines()
        return r, c, e

    def test_run_explain_and_compare_word_a_refused_row_alike(self):
        csv_ = self.write("e.csv", b"id,m,n,s\nE1,,1,x\nE2,1,x,y\n")
        jsonl = self.write("e.jsonl", b'{"id": "E1", "n": 1, "m": null}\n'
                                      b'{"id": "E2", "m": 1, "n": "x"}\n')
        want = {("e.csv", "E1"): ("e.csv:2:2: %s (id E1): field 'm': " + self.rules +
                                  ":16:15: computed 'n2': field 'm' is empty but is needed "
                                  "here"),
                ("e.jsonl", "E1"): ("e.jsonl:1:27: %s (id E1): field 'm': " + self.rules +
                                    ":16:15: computed 'n2': field 'm' is empty but is "
                                    "needed here"),
                ("e.csv", "E2"): "e.csv:3:3: %s (id E2): field 'n': " + NOT_INT,
                ("e.jsonl", "E2"): "e.jsonl:2:27: %s (id E2): field 'n': " + NOT_INT}
        for (name, row_id), line in want.items():
            with self.subTest(src=name, id=row_id):
                r, c, e = self.lines(self.path(name), row_id)
                self.assertEqual(r, [self.path(line % "rejected")])
                self.assertEqual(c, [self.path(line % "not compared")])
                self.assertEqual(e, [self.path(line % "rejected")])
        # the rejects file names the field too
        got, _ = self.rejects(csv_)
        self.assertEqual(got, [("2", "2", "m", "E1"), ("3", "3", "n", "E2")])
        got, _ = self.rejects(jsonl)
        self.assertEqual(got, [("1", "27", "m", "E1"), ("2", "27", "n", "E2")])


class NoDate(Fixture):
    """A row without its evaluation date was 'no evaluation date: give
    --date or a 'date' column' at no column, of a row that has a date
    column, empty: now at that column (a CSV number, a JSON Lines byte),
    saying it is empty; a record with no date key at all, no column."""

    def test_an_empty_date_is_at_its_column(self):
        csv_src = self.write("d.csv", b"id,date,m\nA1,,1\nA2,2024-01-01,1\n")
        line = b'{"id": "J1", "date": null, "m": 1}'
        jl_src = self.write("d.jsonl", line + b'\n{"id": "J2", "m": 1}\n'
                            b'{"id": "J3", "m": 1, "date": "2024-01-01"}\n')
        for src, want in ((csv_src, [("2", "2", "date", "A1")]),
                          (jl_src, [("1", str(line.index(b"null") + 1), "date", "J1"),
                                    ("2", "", "date", "J2")])):
            got = []
            for threads in ("1", "2"):
                rej = self.path("r%s.csv" % threads)
                run("run", self.rules, src, "-q", "-j", threads, "-o", self.path("o.csv"),
                    "-r", rej, check_rc=1)
                got.append([(r["line"], r["column"], r["field"], r["id"]) for r in rows(rej)])
                self.assertEqual([r["message"] for r in rows(rej)][0],
                                 "no evaluation date: the row's 'date' is empty (give one, "
                                 "or --date for every row)")
            self.assertEqual(got, [want, want])
            p = run("compare", self.rules, src, "--override", "k=3@2024-01-01", check_rc=1)
            for line_, col, _, id_ in want:
                self.assertIn("%s:%s%s: not compared (id %s): field 'date': no evaluation "
                              "date" % (src, line_, ":" + col if col else "", id_),
                              p.stderr.decode())


class ExplainAsRun(Fixture):
    """probe18s P18-03: explain --row on a record without its date (a
    JSON Lines record with no 'date' key after a first record with one, a
    CSV row whose date cell is empty) said "no evaluation date: give
    --date (or a 'date' column with --row)", exit 2, naming no row, where
    run rejected the row at its line.  Every way explain --row's record
    can be faulty is now worded as run's reject of it: the same line."""

    def run_lines(self, src, *opts, rc=1):
        p = run("run", self.rules, src, *opts, "-q", "-o", self.path("o.csv"), check_rc=rc)
        return p.stderr.decode().splitlines()

    def explain_line(self, src, row_id, *opts, rc=1):
        p = run("explain", self.rules, "--row", row_id, src, *opts, check_rc=rc)
        return p.stderr.decode().splitlines()

    def test_a_row_without_its_date(self):
        csv_ = self.write("d.csv", b"id,date,m\nA1,,1\nA2,2024-01-01,1\nA3, ,1\n")
        J3, J4 = b'{"id": "J3", "m": 1, "date": null}', b'{"id": "J4", "m": 1, "date": ""}'
        jl = self.write("d.jsonl", b'{"id": "J1", "m": 1, "date": "2024-01-01"}\n'
                                   b'{"id": "J2", "m": 1}\n' + J3 + b"\n" + J4 + b"\n")
        empty = ("field 'date': no evaluation date: the row's 'date' is empty (give "
                 "one, or --date for every row)")
        none = ("field 'date': no evaluation date: the row has no 'date' (give one, or "
                "--date for every row)")
        want = {(csv_, "A1"): "%s:2:2: rejected (id A1): " % csv_ + empty,
                (jl, "J2"): "%s:2: rejected (id J2): " % jl + none,
                (jl, "J3"): "%s:3:%d: rejected (id J3): " % (jl, J3.index(b"null") + 1)
                + empty,
                (jl, "J4"): "%s:4:%d: rejected (id J4): " % (jl, J4.index(b'""') + 1)
                + empty}
        for (src, row_id), line in want.items():
            with self.subTest(src=src, id=row_id):
                r = [l for l in self.run_lines(src) if "(id %s)" % row_id in l]
                self.assertEqual(r, [line])
                self.assertEqual(self.explain_line(src, row_id), [line])
        # a blank date is refused as a date, by both
        r = [l for l in self.run_lines(csv_) if "(id A3)" in l]
        self.assertEqual(self.explain_line(csv_, "A3"), r)
        # the row that has its date is explained
        p = run("explain", self.rules, "--row", "J1", jl, check_rc=0)
        self.assertIn("n2", p.stdout.decode())

    def test_a_file_without_dates_stops_before_any_row(self):
        """No --date and no 'date' column (key) at all: run's usage error,
        located as run's, exit 2 — not "give --date (or a 'date' column
        with --row)"."""
        csv_ = self.write("n.csv", b"id,m\nA1,1\n")
        jl = self.write("n.jsonl", b'{"id": "J1", "m": 1}\n{"id": "J2", "m": 1, '
                                   b'"date": "2024-01-01"}\n')
        for src, row_id in ((csv_, "A1"), (jl, "J2")):
            with self.subTest(src=src):
                r = self.run_lines(src, rc=2)
                e = self.explain_line(src, row_id, rc=2)
                self.assertEqual(len(r), 1, r)
                self.assertIn("no evaluation date", r[0])
                self.assertEqual(e, [r[0].replace("quotalevy run:", "quotalevy explain:")])
        ign = self.write("i.csv", b"id,m,date\nA1,1,2024-01-01\n")
        r = self.run_lines(ign, "--ignore-columns", "date", rc=2)
        e = self.explain_line(ign, "A1", "--ignore-columns", "date", rc=2)
        self.assertEqual(e, [r[0].replace("quotalevy run:", "quotalevy explain:")])

    def test_every_fault_of_the_row_is_worded_as_runs_reject(self):
        """The class: each kind of faulty record, run's line about it and
        explain --row's are the same, in CSV and in JSON Lines."""
        csv_rows = [b"B1,2024-01-01,x,1,s",        # a value refused
                    b"B2,2024-13-01,1,1,s",        # a date refused
                    b"B3,2024-01-01,,1,s",         # empty, needed
                    b"B4,2024-01-01,1",            # ragged
                    b"B5,2024-01-01,1,2\"3,s",     # a stray quote
                    b"B6,,1,1,s",                  # no date
                    b"B7,2024-01-01,1,\xff,s"]     # not UTF-8
        csv_ = self.write("f.csv", b"id,date,m,n,s\n" + b"\n".join(csv_rows) + b"\n")
        jl_rows = [b'{"id": "C0", "date": "2024-01-01", "m": 1, "n": 1}',
                   b'{"id": "C1", "date": "2024-01-01", "m": "x", "n": 1}',
                   b'{"id": "C2", "date": "2024-02-30", "m": 1, "n": 1}',
                   b'{"id": "C3", "date": "2024-01-01", "m": null, "n": 1}',
                   b'{"id": "C4", "date": "2024-01-01", "m": 1, "N": 1}',
                   b'{"id": "C5", "date": "2024-01-01", "m": 1, "n": 1, "x": 1}',
                   b'{"id": "C6", "m": 1, "n": 1}',
                   b'{"id": "C7", "date": "2024-01-01", "m": 1, "n": 1, "n": 2}',
                   b'{"id": "C8", "date": "2024-01-01", "m": 1, "n": 1, "p[1]": 1}',
                   b'{"id": "C9", "date": "2024-01-01", "m": 1.5, "n": 1}']
        jl = self.write("f.jsonl", b"\n".join(jl_rows) + b"\n")
        for src, ids in ((csv_, ["B%d" % k for k in range(1, 8)]),
                         (jl, ["C%d" % k for k in range(1, 10)])):
            said = self.run_lines(src)
            for row_id in ids:
                with self.subTest(src=src, id=row_id):
                    r = [l for l in said if "(id %s)" % row_id in l]
                    self.assertEqual(len(r), 1, said)
                    self.assertEqual(self.explain_line(src, row_id), r)


class Csv(Fixture):
    """P3-14: a reject of the CSV reader (a stray quote, a ragged row, a
    quote never closed, a field too long) named no id, nor the column's
    name.  Each now names the id when its column was read whole before the
    fault, the column's number, and its name when the header has one."""

    def test_every_reader_reject_names_the_id_read_before_it(self):
        text = (b"id,m,n,s\n"
                b"A1,1,2,x\n"
                b"A2,1,2\"3,x\n"             # a quote inside an unquoted field
                b"A3,1,2,x,9\n"              # ragged, a plain line
                b"A4,1\n"                    # ragged, fewer
                b"\"A5\",1,2,x,9\n"          # ragged, read by the general reader
                b"\"A6\",1,\"2\"3,x\n"       # text after a closing quote
                b"A7,1,\xef\xbb\xbf2,x\n"    # a byte order mark inside
                b"A\xff8,1,2\"3,x\n"         # an id that is not UTF-8: not copied
                b"A9,1,2,\"x\n"              # a quote never closed
                b"y\n")
        src = self.write("in.csv", text)
        got, err = self.rejects(src)
        self.assertEqual(got, [("3", "3", "n", "A2"), ("4", "5", "", "A3"),
                               ("5", "3", "n", "A4"), ("6", "5", "", "A5"),
                               ("7", "3", "n", "A6"), ("8", "3", "n", "A7"),
                               ("9", "3", "n", ""), ("10", "4", "s", "A9")])
        self.assertIn("in.csv:3:3: rejected (id A2): field 'n': a quote inside an "
                      "unquoted field", err)
        self.assertIn("in.csv:4:5: rejected (id A3): the row has 5 fields", err)
        self.assertIn("in.csv:10:4: rejected (id A9): field 's': a quoted field opened "
                      "on line 10 is not closed", err)

    def test_an_id_after_the_fault_is_not_named(self):
        src = self.write("late.csv", b"m,n,id\n1,2\"3,A1\n1,2,A2,9\n1\n")
        got, _ = self.rejects(src)
        # the ragged rows: A2 is read whole, the last row has no id column
        self.assertEqual(got, [("2", "2", "n", ""), ("3", "4", "", "A2"), ("4", "2", "n", "")])

    def test_a_short_row_points_at_its_first_missing_column(self):
        """A ragged row with too few fields was reported at the number of
        fields it has (its last field's column, named by nobody); it points
        at the first column it lacks, by number and header name, on the
        plain-line path and the general reader's (a quoted field) alike, in
        run, compare and explain."""
        src = self.write("short.csv", b"id,m,n,s\nA1,1\n\"A2\",1\nA3\nA4,1,2\n")
        got, err = self.rejects(src)
        self.assertEqual(got, [("2", "3", "n", "A1"), ("3", "3", "n", "A2"),
                               ("4", "2", "m", "A3"), ("5", "4", "s", "A4")])
        self.assertIn("short.csv:2:3: rejected (id A1): field 'n': the row has 2 fields but "
                      "the header has 4 (a ragged row: this column is the first it lacks)", err)
        p = run("compare", self.rules, src, "--date", "2024-01-01", "--override",
                "k=3@2024-01-01", check_rc=1)
        self.assertIn("short.csv:4:2: not compared (id A3): field 'm': the row has 1 field",
                      p.stderr.decode())
        p = run("explain", self.rules, "--row", "A4", src, "--date", "2024-01-01", check_rc=1)
        self.assertIn("short.csv:5:4: rejected (id A4): field 's': the row has 3 fields",
                      p.stderr.decode())

    def test_too_many_fields_and_too_long_a_record_name_the_id(self):
        many = b"A1," + b",".join([b"1"] * 4100) + b"\n"
        long_ = b"A2,1,2," + b"x" * (17 << 20) + b"\n"
        src = self.write("big.csv", b"id,m,n,s\n" + many + long_ + b"A3,1,2,x\n")
        got, _ = self.rejects(src)
        self.assertEqual(got, [("2", "4097", "", "A1"), ("3", "4", "s", "A2")])

    def test_compare_and_explain_name_what_run_names(self):
        src = self.write("c.csv", b"date,n,id,m\n2024-13-01,1,D1,1\n2024-01-01,2\"3,D2,1\n"
                                  b"2024-01-01,x,D3,1\n")
        p = run("compare", self.rules, src, "--override", "k=3@2024-01-01", check_rc=1)
        err = p.stderr.decode()
        # the date refused was "no evaluation date", with no id
        self.assertIn("c.csv:2:1: not compared (id D1): field 'date': '2024-13-01' is not a "
                      "real calendar date", err)
        self.assertIn("c.csv:3:2: not compared: field 'n': a quote inside", err)
        self.assertIn("c.csv:4:2: not compared (id D3): field 'n': 'x' is not a valid", err)
        src = self.write("x.csv", b"id,m,n,s\nA1,1,2\"3,x\n")
        p = run("explain", self.rules, "--row", "A1", src, "--date", "2024-01-01", check_rc=1)
        # was "no row has id 'A1'"
        self.assertIn("x.csv:2:3: rejected (id A1): field 'n': a quote inside an unquoted "
                      "field", p.stderr.decode())

    def test_a_column_ignored_does_not_shift_the_column_named(self):
        # explain and compare counted the columns --ignore-columns left
        src = self.write("i.csv", b"id,note,m,n\nA1,z,1,x\n")
        p = run("explain", self.rules, "--row", "A1", src, "--date", "2024-01-01",
                "--ignore-columns", "note", check_rc=1)
        self.assertIn("i.csv:2:4: ", p.stderr.decode())
        p = run("compare", self.rules, src, "--date", "2024-01-01", "--ignore-columns",
                "note", "--override", "k=3@2024-01-01", check_rc=1)
        self.assertIn("i.csv:2:4: not compared (id A1): field 'n'", p.stderr.decode())


if __name__ == "__main__":
    BIN = os.path.abspath(sys.argv[1])
    SRC = os.path.abspath(sys.argv[2])
    unittest.main(argv=sys.argv[:1] + sys.argv[3:], verbosity=1)
