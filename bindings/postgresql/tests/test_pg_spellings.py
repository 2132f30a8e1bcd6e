"""Number spellings in a record, the command's JSON Lines against SQL (run
by test_pg.py, which starts the server): a differential test.

Every spelling of tests/cli/test_spellings.py that is a JSON number (signs,
zeros, exponents small, huge and of zero, 36 and 37 digits …), and every
spelling as a JSON string, is put in a decimal and an integer input of one
record, and the record is evaluated:

- by `quotalevy run` over a JSON Lines file of those records;
- by quotalevy.try_evaluate over the same text as `text` and as `json`,
  which read it as written: the same value, or the same refusal (field,
  status and message), record by record;
- as `jsonb`, which has already read each number as a `numeric` (the
  exponent written out, the text gone): the same as the command over the
  record jsonb writes back (`r::jsonb::text`), record by record; and
  where that differs from the command over the text as written, the
  spelling is one the command refuses as a number no decimal holds
  written out — `0E+40`, which jsonb made 0, is levied as 0, and `1e50`
  is refused in the words its 51 written-out digits get.  That is the
  loss docs/postgresql.md states, and the reason it sends such records
  as text or json.
"""
import csv
import json
import os
import re
import subprocess
import sys
import tempfile
import unittest
from decimal import Decimal

import pgenv
from pgenv import psql, sql_results

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..",
                                "tests", "cli"))
from test_spellings import JSON_NUMBER, RULES, SPELLINGS  # noqa: E402

DATE = "2024-01-01"
WHERE = re.compile(r"^[^ ]*\.yaml:(\d+):(\d+): ")


def cli_outcomes(lines):
    """Per id, ("value", n, k) or ("reject", field, status, message), from
    `quotalevy run` over the JSON Lines `lines`."""
    with tempfile.TemporaryDirectory() as d:
        rules, data = os.path.join(d, "spell.yaml"), os.path.join(d, "in.jsonl")
        with open(rules, "w", encoding="utf-8") as f:
            f.write(RULES)
        with open(data, "w", encoding="utf-8") as f:
            f.writelines(line + "\n" for line in lines)
        out, rej = os.path.join(d, "o.csv"), os.path.join(d, "r.csv")
        p = subprocess.run([pgenv.CLI, "run", rules, data, "--date", DATE, "-q", "-j", "1",
                            "-o", out, "-r", rej], capture_output=True, cwd=pgenv.SRC)
        if p.returncode not in (0, 1):
            raise AssertionError(f"quotalevy run failed: {p.stderr!r}")
        got = {}
        with open(out, encoding="utf-8", newline="") as f:
            for r in csv.DictReader(f):
                got[r["id"]] = ("value", r["n"], r["k"])
        with open(rej, encoding="utf-8", newline="") as f:
            for r in csv.DictReader(f):
                got[r["id"]] = reject(r["field"], r["status"], r["message"])
    return got


def reject(field, status, message, line=None, column=None):
    """A reject as both sides give it: the command writes the rule's
    position before the message (spell.yaml:9:11: …), SQL in its fields."""
    m = WHERE.match(message)
    if m:
        line, column, message = m.group(1), m.group(2), message[m.end():]
    return ("reject", field or "", status, message, str(line or ""), str(column or ""))


def sql_outcome(r):
    """A try_evaluate result as cli_outcomes gives it."""
    if "error" in r:
        e = r["error"]
        return reject(e["field"], e["status"], e["message"], e["line"], e["column"])
    return ("value", r["n"], r["k"])


def dollar(s):
    """s as an SQL dollar-quoted literal."""
    assert "$q$" not in s
    return "$q$" + s + "$q$"


class Spellings(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        psql("SET client_min_messages = warning; "
             f"SELECT quotalevy.add_rule_file('t/spell', {dollar(RULES)}); "
             "CREATE OR REPLACE FUNCTION public.spell_jsonb(t text) RETURNS jsonb "
             "LANGUAGE plpgsql AS $f$ BEGIN RETURN t::jsonb; "
             "EXCEPTION WHEN others THEN RETURN NULL; END $f$")
        numbers = [s for s in SPELLINGS if JSON_NUMBER.match(s)]
        cls.records = {}  # id -> (spelling, the record's text)
        for i, s in enumerate(numbers):
            for field, other in (("n", "k"), ("k", "n")):
                cls.records["%s%d" % (field, i)] = (
                    s, '{"id": "%s%d", "%s": %s, "%s": 1}' % (field, i, field, s, other))
        for i, s in enumerate(SPELLINGS):
            v = json.dumps(s, ensure_ascii=False)
            cls.records["s%d" % i] = (s, '{"id": "s%d", "n": %s, "k": 1}' % (i, v))
        cls.cli = cli_outcomes(r for _, r in cls.records.values())

    @classmethod
    def tearDownClass(cls):
        psql("DELETE FROM quotalevy.rule_files WHERE name = 't/spell'; "
             "DROP FUNCTION IF EXISTS public.spell_jsonb(text)")

    def sql(self, cast):
        values = ", ".join("(%s)" % dollar(r) for _, r in self.records.values())
        rows = sql_results(f"SELECT quotalevy.try_evaluate('t/spell', r{cast}, '{DATE}') "
                           f"FROM (VALUES {values}) v(r)")
        self.assertEqual(len(rows), len(self.records))
        return {r["id"]: sql_outcome(r) for r in rows}

    def test_text_and_json_give_the_commands_outcome_record_by_record(self):
        self.assertEqual(len(self.cli), len(self.records))
        for cast in ("::text", "::json"):
            got = self.sql(cast)
            for rid, (s, _) in self.records.items():
                with self.subTest(cast=cast, id=rid, spelling=s):
                    self.assertEqual(got[rid], self.cli[rid])
        # the spellings that jsonb reads otherwise are among them
        for rid in ("n%d" % [s for s in SPELLINGS if JSON_NUMBER.match(s)].index("0E+40"),):
            self.assertEqual(self.cli[rid][:3], ("reject", "n", "QL_ERECORD"))
            self.assertIn("'0E+40' is not a valid decimal: number too long", self.cli[rid][3])

    def test_jsonb_gives_the_commands_outcome_on_what_jsonb_kept(self):
        kept = dict(line.split("\t", 1) for line in psql(
            "SELECT k || chr(9) || coalesce(public.spell_jsonb(r)::text, '') FROM (VALUES %s) v(k, r)" %
            ", ".join("(%s, %s)" % (dollar(k), dollar(r))
                      for k, (_, r) in self.records.items())).splitlines() if line)
        cast = {k: t for k, t in kept.items() if t}  # 1E+99999999999: numeric_in refuses
        self.assertGreater(len(cast), len(self.records) - 5)
        want = cli_outcomes(cast.values())
        rows = sql_results(
            f"SELECT quotalevy.try_evaluate('t/spell', public.spell_jsonb(r), '{DATE}') "
            "FROM (VALUES %s) v(k, r) WHERE public.spell_jsonb(r) IS NOT NULL" %
            ", ".join("(%s, %s)" % (dollar(k), dollar(r))
                      for k, (_, r) in self.records.items()))
        got = {r["id"]: sql_outcome(r) for r in rows}
        self.assertEqual(set(got), set(cast))
        lost = []
        for rid in cast:
            s = self.records[rid][0]
            with self.subTest(id=rid, spelling=s, jsonb=cast[rid]):
                self.assertEqual(got[rid], want[rid])
                if got[rid] != self.cli[rid]:
                    lost.append(s)
                    # only a number the command refuses as no decimal holds
                    # it written out: jsonb wrote it out (or made it 0)
                    self.assertTrue(rid[0] in "nk" and re.search("[eE]", s), s)
                    self.assertEqual(self.cli[rid][:2], ("reject", rid[0]))
                    self.assertIn("number too long", self.cli[rid][3])
                    if got[rid][0] == "value":  # a zero, its exponent dropped
                        self.assertEqual(Decimal(s), 0, got[rid])
                    else:
                        self.assertIn("number too long", got[rid][3])
        # the loss is there to be seen (0E+40 levied as 0) and is no more
        # than the spellings past the range
        self.assertIn("0E+40", lost)
        self.assertGreater(len(lost), 5)


def setUpModule():
    pgenv.start()  # the server test_pg.py runs the tests in
