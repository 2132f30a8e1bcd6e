"""SQL tests of what the extension's messages quote (run by test_pg.py,
which starts the server): every name, key, value and override text a
user gave is shown escaped — controls and line breaks by number, quotes
and backslashes with a backslash — so that nothing quoted can forge a
line of a log or close its quotes; a record's date is refused in the
command's words.
"""
import csv
import os
import subprocess
import tempfile
import unittest

import pgenv
from pgenv import psql, psql_error, sql_results

FIELDS = ["id", "unit_type", "employees", "disabled", "disabled_severe", "wage_total",
          "local_avg_wage"]
UNIT = ["enterprise", "126", "1", "0", "6930000", "90437"]


class Quoting(unittest.TestCase):
    def one_error(self, err, shown):
        """err is one ERROR whose lines hold `shown`, and no raw line break
        of the user's text."""
        self.assertEqual(err.count("ERROR:"), 1, err)
        self.assertIn(shown, err)
        for line in err.splitlines():
            self.assertRegex(line, r"^(psql:|ERROR:|DETAIL:|HINT:|CONTEXT:|LOCATION:|\s)",
                             err)

    def test_a_rule_set_name_with_a_line_break_and_quotes(self):
        err = psql_error("SELECT quotalevy.evaluate(E'cn/ji\\nLOG:  forged\"', '{}', NULL)")
        self.one_error(err, 'rule set "cn/ji\\nLOG:  forged\\"": no rule file '
                            "'cn/ji\\nLOG:  forged\\\"' in quotalevy.rule_files")
        for fn in ("inputs", "result_columns", "rule_set_info"):
            err = psql_error(f"SELECT * FROM quotalevy.{fn}(E'x\\r\\ny''')")
            self.one_error(err, 'rule set "x\\r\\ny\\\'"')

    def test_keys_columns_and_overrides_with_quotes(self):
        err = psql_error("SELECT quotalevy.evaluate('cn/jilin', '{\"emp''l\\\"oyees\": 1}', "
                         "'2024-06-30')")
        self.one_error(err, "key 'emp\\'l\\\"oyees' is not an input of the rules: did you "
                            "mean 'employees'?")
        psql('DROP TABLE IF EXISTS q_cols; CREATE TABLE q_cols (id text, "employ\'ees" int, '
             "unit_type text); INSERT INTO q_cols VALUES ('A', 1, 'enterprise')")
        try:
            err = psql_error("SELECT quotalevy.evaluate('cn/jilin', t, '2024-06-30') "
                             "FROM q_cols t")
            self.one_error(err, 'column "employ\\\'ees" is not an input of the rules')
        finally:
            psql("DROP TABLE q_cols")
        err = psql_error("SELECT quotalevy.evaluate('cn/jilin', '{}', NULL, "
                         "ARRAY['ra\"tio\\x'])")
        self.one_error(err, 'not "ra\\"tio\\\\x"')
        err = psql_error("SELECT quotalevy.evaluate('cn/jilin', '{}', NULL, "
                         "ARRAY['ratio=1%@20x\"'])")
        self.one_error(err, 'what-if override "ratio=1%@20x\\"": the date')

    def test_a_file_name_and_an_extends_name(self):
        err = psql_error("INSERT INTO quotalevy.rule_files VALUES (E'a\\nb\"', 'x')")
        self.one_error(err, 'invalid rule file name "a\\nb\\""')
        src = psql("SELECT source FROM quotalevy.rule_files WHERE name = 'fr/oeth'")
        src = src.replace("\nquotalevy: 1\n", "\nquotalevy: 1\nextends: \"no\\nsu'ch\"\n", 1)
        err = psql_error(f"INSERT INTO quotalevy.rule_files VALUES ('t/x', $ql${src}$ql$)")
        self.one_error(err, "no rule file 't/no\\nsu\\'ch' in quotalevy.rule_files for "
                            "extends 'no\\nsu\\'ch'")


class Names(unittest.TestCase):
    def test_a_misspelt_rule_set_name_gets_did_you_mean(self):
        """As the command suggests a rules file: a slip of a stored name
        (two letters off, case, look-alikes) or the name with .yaml."""
        for given, meant in (("cn/jilni", "cn/jilin"), ("CN/Jilin", "cn/jilin"),
                             ("cn/jilin.yaml", "cn/jilin"), ("de/sgb", "de/sgb9"),
                             ("fr/oeht", "fr/oeth")):
            for call in (f"SELECT quotalevy.evaluate('{given}', '{{}}', NULL)",
                         f"SELECT * FROM quotalevy.inputs('{given}')",
                         f"SELECT * FROM quotalevy.parameters('{given}', '2024-06-30')"):
                err = psql_error(call)
                self.assertIn(f"no rule file '{given}' in quotalevy.rule_files; did you "
                              f"mean '{meant}'?", err)
                self.assertIn("42704", err)
        for far in ("xx/nothing", "cn/j" + "x" * 5000):
            err = psql_error(f"SELECT quotalevy.evaluate('{far}', '{{}}', NULL)")
            self.assertIn("in quotalevy.rule_files", err)
            self.assertNotIn("did you mean", err)


class Dates(unittest.TestCase):
    """A record's date is refused in the command's words, whatever form
    the record takes; the same rows through `quotalevy run` give the same
    message, field for field."""
    DATES = {"garbage": "garbage", "feb30": "2024-02-30", "y10k": "10000-01-01",
             "short": "2024-6-30", "blanks": "\t2024-06-31 ", "bc": None, "inf": None}
    # and a date with blanks around it is a date, as in the command
    GOOD = " 2024-06-30\t"

    def test_a_records_date_in_the_commands_words(self):
        rows = [[k, d] + UNIT for k, d in self.DATES.items() if d is not None]
        rows.append(["good", self.GOOD] + UNIT)
        with tempfile.TemporaryDirectory() as tmp:
            data = os.path.join(tmp, "dates.csv")
            with open(data, "w", encoding="utf-8", newline="") as f:
                w = csv.writer(f)
                w.writerow(["id", "date"] + FIELDS[1:])
                w.writerows(rows)
            rej = os.path.join(tmp, "rejects.csv")
            p = subprocess.run([pgenv.CLI, "run", "rules/cn/jilin.yaml", data, "-o",
                                os.path.join(tmp, "out.csv"), "-r", rej, "--quiet"],
                               cwd=pgenv.SRC, capture_output=True, text=True)
            self.assertEqual(p.returncode, 1, p.stderr)
            with open(rej, encoding="utf-8", newline="") as f:
                want = {r["id"]: (r["field"], r["message"]) for r in csv.DictReader(f)}
        self.assertEqual(set(want), {r[0] for r in rows} - {"good"})
        values = ", ".join("(%s)" % ", ".join(f"'{v}'" for v in r) for r in rows)
        psql("DROP TABLE IF EXISTS q_dates, q_typed; "
             "CREATE TABLE q_dates (id text, date text, unit_type text, employees text, "
             "disabled text, disabled_severe text, wage_total text, local_avg_wage text); "
             f"INSERT INTO q_dates VALUES {values}; "
             "CREATE TABLE q_typed (id text, date date, unit_type text, employees int, "
             "disabled int, disabled_severe int, wage_total numeric, local_avg_wage numeric); "
             "INSERT INTO q_typed VALUES ('y10k', '10000-01-01', 'enterprise', 126, 1, 0, "
             "6930000, 90437), ('bc', '0044-03-15 BC', 'enterprise', 126, 1, 0, 6930000, "
             "90437), ('inf', 'infinity', 'enterprise', 126, 1, 0, 6930000, 90437)")
        try:
            for arg, table in (("t", "q_dates"), ("to_jsonb(t)", "q_dates"),
                               ("to_jsonb(t)::text", "q_dates"),
                               ("(SELECT t2 FROM q_dates t2 WHERE t2.id = t.id)", "q_dates")):
                got = {r["id"]: (r["error"]["field"], r["error"]["message"]) for r in
                       sql_results(f"SELECT quotalevy.try_evaluate('cn/jilin', {arg}, NULL) "
                                   f"FROM {table} t") if "error" in r}
                self.assertEqual(got, want, arg)
            self.assertEqual(psql("SELECT quotalevy.evaluate('cn/jilin', t, NULL)->>'levy_due' "
                                  "FROM q_dates t WHERE id = 'good'").strip(), "50292.00")
            # a date column the library cannot hold: its text, refused alike
            for arg in ("t", "to_jsonb(t)"):
                got = {r["id"]: r["error"]["message"] for r in sql_results(
                    f"SELECT quotalevy.try_evaluate('cn/jilin', {arg}, NULL) FROM q_typed t")}
                self.assertEqual(got["y10k"], want["y10k"][1], arg)
                self.assertEqual(got["bc"], "'0044-03-15 BC' is not a date (expected "
                                            "YYYY-MM-DD)", arg)
                self.assertEqual(got["inf"], "'infinity' is not a date (expected "
                                             "YYYY-MM-DD)", arg)
            # a JSON number is its text, as in the command's JSON Lines
            rec = ('{"id": "n", "date": 20240630, "unit_type": "enterprise", '
                   '"employees": 126, "disabled": 1, "disabled_severe": 0, '
                   '"wage_total": 6930000, "local_avg_wage": 90437}')
            out = sql_results(f"SELECT quotalevy.try_evaluate('cn/jilin', '{rec}', NULL)")[0]
            self.assertEqual((out["error"]["field"], out["error"]["message"]),
                             ("date", "'20240630' is not a date (expected YYYY-MM-DD)"))
        finally:
            psql("DROP TABLE IF EXISTS q_dates, q_typed")


def setUpModule():
    pgenv.start()  # the server test_pg.py runs the tests in
