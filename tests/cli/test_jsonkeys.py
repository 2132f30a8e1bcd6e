#!/usr/bin/env python3
"""JSON Lines keys: the first record is the file's header, the others are
held to it — one rule in run, compare and explain.

Before, one record anywhere in the file with a near miss of an input's
name stopped the whole run (exit 2, every good record before it lost),
while a record lacking a key the others give was read as empty without a
word.  Now (`quotalevy run --help`, docs/architecture.md):

- the first record's keys play a CSV header's part: a near miss of an
  input with no key, a list given by some items, no input at all stop the
  run before any output (exit 2, "did you mean"); --ignore-columns as for
  CSV;
- a later record whose keys differ from the first's — a key the first
  gives to an input that it lacks, a key the rules do not read that the
  first has not, a near miss — is that record's reject, naming the key,
  and the run goes on; read = written + rejected.

Usage: test_jsonkeys.py QUOTALEVY_BINARY SOURCE_DIR   (run by meson test)
"""
import csv
import json
import os
import random
import subprocess
import sys
import tempfile
import unittest

BIN = None
SRC = None
WRAP = os.environ.get("QL_WRAP", "").split()

RULES = """quotalevy: 1
id: keys
title: keys
jurisdiction: XX
version: "1"
sources:
  s1: {title: a test source}
parameters:
  k: {type: integer, values: [{from: 2000-01-01, value: 2, source: s1 art. 1}]}
inputs:
  employees: {type: integer, default: 0}
  disabled: {type: integer, default: 0}
  months: {type: integer, count: 3, default: 0}
computed:
  total: employees * k + disabled + months[1] + months[2] + months[3]
outputs: [total]
"""

DATE = ("--date", "2024-01-01")


def run(*args, stdin=None, check_rc=None):
    p = subprocess.run([*WRAP, BIN, *args], input=stdin, capture_output=True, cwd=SRC)
    if check_rc is not None and p.returncode != check_rc:
        raise AssertionError(f"{args}: exit {p.returncode}, want {check_rc}\n"
                             f"stderr: {p.stderr.decode('utf-8', 'replace')}")
    return p


def rec(id_, **kv):
    base = {"id": id_, "employees": 10, "disabled": 1, "months[1]": 1, "months[2]": 2,
            "months[3]": 3, "note": "x"}
    base.update(kv)
    return {k: v for k, v in base.items() if v is not Ellipsis}


class Keys(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.d = self.tmp.name
        self.rules = self.path("keys.yaml")
        with open(self.rules, "w", encoding="utf-8") as f:
            f.write(RULES)

    def tearDown(self):
        self.tmp.cleanup()

    def path(self, name):
        return os.path.join(self.d, name)

    def write(self, records, name="in.jsonl"):
        with open(self.path(name), "w", encoding="utf-8") as f:
            f.writelines(json.dumps(r) + "\n" for r in records)
        return self.path(name)

    def rejects(self, src, *opts, rc=1):
        """run's written ids, its rejects (line, column, field, id,
        message) and its standard error."""
        out, rej = self.path("o.csv"), self.path("r.csv")
        p = run("run", self.rules, src, *DATE, "-o", out, "-r", rej, *opts, check_rc=rc)
        with open(out, encoding="utf-8", newline="") as f:
            written = [r["id"] for r in csv.DictReader(f)]
        with open(rej, encoding="utf-8", newline="") as f:
            got = [(r["line"], r["column"], r["field"], r["id"], r["message"])
                   for r in csv.DictReader(f)]
        return written, got, p.stderr.decode()

    def test_a_slip_in_the_first_record_stops_before_any_output(self):
        src = self.write([rec("A", employees=..., Employees=10), rec("B")])
        for cmd, extra in (("run", ()), ("compare", ("--override", "k=3@2024-01-01")),
                           ("explain", ("--row", "B"))):
            with self.subTest(cmd=cmd):
                args = ([cmd, self.rules, "--row", "B", src] if cmd == "explain"
                        else [cmd, self.rules, src])
                args += [*DATE] + [x for x in extra if cmd != "explain"]
                p = run(*args, check_rc=2)
                self.assertRegex(p.stderr.decode(), r"in\.jsonl:1:\d+: key 'Employees' is not an "
                                 "input of the rules: did you mean 'employees'\\?")
                self.assertEqual(p.stdout, b"")  # not even a header line
        out = self.path("o.csv")
        run("run", self.rules, src, *DATE, "-o", out, check_rc=2)
        self.assertFalse(os.path.exists(out))
        # knowingly: read on, A's input empty (its default); B gives a key
        # of an input the first record lacks, which is read
        written, got, _ = self.rejects(src, "--ignore-columns", "Employees", rc=0)
        self.assertEqual((written, got), (["A", "B"], []))

    def test_a_first_record_with_part_of_a_list_stops_as_a_header(self):
        src = self.write([rec("A", **{"months[3]": ...}), rec("B")])
        p = run("run", self.rules, src, *DATE, check_rc=2)
        self.assertIn("in.jsonl:1: the first record has 2 of the 3 items of the list "
                      "'months': months[3] has no key", p.stderr.decode())

    def test_a_list_in_part_is_worded_alike_in_a_header_and_a_first_record(self):
        # one sentence for both (columns.c partial_list), its words the
        # input's: column / key, row / record, empty cells / null
        header = ["id", "employees", "disabled", "months[1]", "months[2]", "months[3]"]
        for gone, noun in ((["months[3]"], "it"), (["months[2]", "months[3]"], "them")):
            cols = [c for c in header if c not in gone]
            csv_src = self.path("in.csv")
            with open(csv_src, "w", encoding="utf-8") as f:
                f.write(",".join(cols) + "\n" + ",".join("A" if c == "id" else "1"
                                                       for c in cols) + "\n")
            jsonl_src = self.write([rec("A", note=..., **{g: ... for g in gone})])
            names, ign = ", ".join(gone), ",".join(gone)
            has, s = ("has", "") if len(gone) == 1 else ("have", "s")
            for src, what, item, unit, empty in (
                    (csv_src + ":1", "the header", "column", "row", "with empty cells"),
                    (jsonl_src + ":1", "the first record", "key", "record", "null")):
                p = run("run", self.rules, src.replace(":1", ""), *DATE, check_rc=2)
                self.assertEqual(
                    p.stderr.decode(),
                    f"quotalevy run: {src}: {what} has {3 - len(gone)} of the 3 items of "
                    f"the list 'months': {names} {has} no {item}, so every {unit} would "
                    f"read {noun} as empty (add the {item}{s}, {empty} where an item is "
                    f"meant empty, or --ignore-columns '{ign}' to read {noun} as empty "
                    f"knowingly)\n")

    def test_a_later_record_whose_keys_differ_is_its_reject(self):
        records = [rec("A"),
                   rec("B", disabled=..., Disabled=1),         # a near miss
                   rec("C", remark="y"),                       # a key of no input
                   rec("D", disabled=...),                     # a needed key lacking
                   rec("E", **{"months[2]": ...}),             # part of a list
                   {"id": "F"},                                # no input at all
                   rec("G", disabled=..., remark="y"),         # the input ranks first
                   rec("H", note=...),                         # a key of no input lacking: fine
                   rec("I", date="2024-01-01"),                # a date beside --date
                   rec("J")]
        src = self.write(records)
        written, got, err = self.rejects(src)
        self.assertEqual(written, ["A", "H", "J"])

        def at(r, key):  # the byte the value of key starts at, as a value's reject
            line = json.dumps(r)
            return str(line.index(json.dumps(key) + ": ") + len(json.dumps(key)) + 3)
        self.assertEqual([g[:4] for g in got], [
            ("2", at(records[1], "Disabled"), "Disabled", "B"),
            ("3", at(records[2], "remark"), "remark", "C"),
            ("4", "", "disabled", "D"), ("5", "", "months[2]", "E"),
            ("6", "", "", "F"), ("7", "", "disabled", "G"),
            ("9", at(records[8], "date"), "date", "I")])
        msgs = {g[3]: g[4] for g in got}
        self.assertIn("key 'Disabled' is not an input of the rules: did you mean "
                      "'disabled'?", msgs["B"])
        self.assertIn("key 'remark' is not read by the rules, and the first record (line 1)",
                      msgs["C"])
        self.assertIn("--ignore-columns 'remark' reads the file anyway", msgs["C"])
        self.assertIn("no key 'disabled', which the first record (line 1) gives: it would "
                      "be read as empty (give the key, null where it is meant empty)",
                      msgs["D"])
        self.assertIn("the record has 2 of the 3 items of the list 'months'", msgs["E"])
        self.assertIn("no key is an input of the rule set 'keys' (the record has only 'id'",
                      msgs["F"])
        self.assertIn("the key 'date' gives the record its evaluation date, and so does "
                      "--date", msgs["I"])
        self.assertIn("quotalevy run: 10 rows read, 3 written, 7 rejected", err)
        # compare and explain say the same of the same records
        p = run("compare", self.rules, src, *DATE, "--override", "k=3@2024-01-01",
                check_rc=1)
        cmp = p.stderr.decode()
        for line_, col, field, id_, msg in got:
            at = "%s:%s%s" % (src, line_, ":" + col if col else "")
            want = "%s: not compared (id %s): %s%s" % (at, id_, "field '%s': " % field
                                                       if field else "", msg)
            self.assertIn(want, cmp)
            p = run("explain", self.rules, "--row", id_, src, *DATE, check_rc=1)
            self.assertIn(want.replace("not compared", "rejected"), p.stderr.decode())

    def test_the_reject_is_the_same_whatever_the_key_order(self):
        # a record lacking 'disabled', with a slip of 'months[1]' and a key
        # of no input: the first problem in the fixed order (the inputs as
        # declared, then keys of no input) whatever order the keys come in
        bad = rec("B", disabled=..., remark="y", **{"months[1]": ..., "Months[1]": 1})
        seen = set()
        rnd = random.Random(7)
        for _ in range(8):
            keys = list(bad)
            rnd.shuffle(keys)
            src = self.write([rec("A"), {k: bad[k] for k in keys}])
            _, got, _ = self.rejects(src)
            seen.add((got[0][2], got[0][4]))
        self.assertEqual(len(seen), 1, seen)
        self.assertEqual(next(iter(seen))[0], "disabled")

    def test_ignore_columns_holds_for_every_record(self):
        records = [rec("A"), rec("B", remark="y"), rec("C", disabled=..., Disabled=1)]
        src = self.write(records)
        written, got, _ = self.rejects(src, "--ignore-columns", "remark,Disabled")
        self.assertEqual(written, ["A", "B"])
        self.assertEqual([g[2] for g in got], ["disabled"])  # C lacks it still
        written, got, _ = self.rejects(src, "--ignore-columns", "*")
        self.assertEqual([g[2] for g in got], ["Disabled"])  # '*' is no near miss's pass
        self.assertEqual(written, ["A", "B"])

    def test_a_keep_key_is_held_to_the_first_record_as_a_column(self):
        # probe18s P18-02: a --keep key was never held to the first record:
        # a record without it was written with the column empty, and a
        # first record without it ran on, exit 0 — with --group-by on it
        # those rows were summed into the '' group without a word; CSV
        # refuses a --keep column its header lacks
        src = self.write([rec("A", note=...), rec("B")])
        out = self.path("o.csv")
        p = run("run", self.rules, src, *DATE, "--keep", "note", "-o", out, check_rc=2)
        self.assertIn("in.jsonl:1: --keep: the first record, whose keys are the file's "
                      "columns, has no key 'note'", p.stderr.decode())
        self.assertFalse(os.path.exists(out))
        records = [rec("A"), rec("B", note=...), rec("C", note=None), rec("D")]
        src = self.write(records)
        summary = self.path("s.csv")
        written, got, err = self.rejects(src, "--keep", "note", "--summary", summary,
                                         "--group-by", "note")
        self.assertEqual(written, ["A", "C", "D"])
        self.assertEqual([g[:4] for g in got], [("2", "", "note", "B")])
        self.assertIn("no key 'note', which the first record (line 1) gives and --keep "
                      "copies: it would be written empty", got[0][4])
        self.assertIn("4 rows read, 3 written, 1 rejected", err)
        with open(summary, encoding="utf-8", newline="") as f:
            groups = {r["note"]: r["rows"] for r in csv.DictReader(f)
                      if r.get("scope", "group") != "total"}
        self.assertEqual(groups, {"x": "2", "": "1"})  # C's null is meant empty
        # the inputs' problems rank first
        src = self.write([rec("A"), rec("B", note=..., disabled=...)])
        _, got, _ = self.rejects(src, "--keep", "note")
        self.assertEqual([g[2] for g in got], ["disabled"])
        # without --keep, a record lacking the key is no reject
        _, got, _ = self.rejects(self.write([rec("A"), rec("B", note=...)]), rc=0)
        self.assertEqual(got, [])


if __name__ == "__main__":
    BIN = os.path.abspath(sys.argv[1])
    SRC = os.path.abspath(sys.argv[2])
    unittest.main(argv=sys.argv[:1] + sys.argv[3:], verbosity=1)
