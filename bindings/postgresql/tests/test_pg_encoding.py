"""SQL tests of database and client encodings (run by test_pg.py, which
starts the server): the library reads and writes UTF-8 only, and a
database in another encoding (LATIN1 here, created by the test) has its
text converted both ways — rule files, names, keys, values and messages in,
results, the other functions' text and messages out — with the same
answers as a UTF8 database.  A character LATIN1 has no equivalent for
(Chinese, written in the rules file as YAML escapes) is refused where it
is data (an output's value) and shown as \\uXXXX where it is prose (a
message, a title); no message fails on it.  A client in any encoding uses
a UTF8 database, PostgreSQL converting its text both ways.
"""
import json
import subprocess
import unittest

import pgenv
from pgenv import psql

DB = "lat1"
# names are ASCII (the rules language's); values, titles, descriptions
# and citations are not: accents LATIN1 holds, and Chinese it does not
RULES = r"""quotalevy: 1
id: lat
title: "Prélèvement d'essai \u4F01\u4E1A"
jurisdiction: XX
version: "1"
currency: EUR
description: Règle de test, catégories privée et publique.
inputs:
  employes: {type: integer, min: 0, description: Effectif salarié}
  categorie: {type: enum, values: [privée, publique, "\u4F01\u4E1A"]}
computed:
  taux: if(categorie == "privée", 2, 3)
  prelevement: {expr: employes * taux, unit: money}
outputs: [categorie, prelevement]
"""
GOOD = '{"id": "é1", "employes": 10, "categorie": "privée"}'
MISSPELT = '{"id": "é2", "employes": 10, "categorie": "privé"}'
CHINESE = '{"id": "c3", "employes": 10, "categorie": "\\u4F01\\u4E1A"}'


def run(db, sql, encoding="UTF8", data=lambda sql: sql.encode("utf-8")):
    """psql into db; the completed process (bytes, as the client's
    encoding writes them)."""
    env = dict(pgenv.ENV, PGDATABASE=db, PGCLIENTENCODING=encoding)
    return subprocess.run(["psql", "-X", "-At", "-q", "-v", "ON_ERROR_STOP=1", "-f", "-"],
                          env=env, capture_output=True, input=data(sql))


def q(db, sql):
    """The output of sql in db, read by a UTF8 client."""
    p = run(db, sql)
    if p.returncode:
        raise AssertionError(f"psql failed in {db}: {p.stderr.decode()}\nSQL: {sql}")
    return p.stdout.decode("utf-8")


def err(db, sql):
    """The error text of sql, which must fail, read by a UTF8 client."""
    p = run(db, "\\set VERBOSITY verbose\n" + sql)
    if p.returncode == 0:
        raise AssertionError(f"expected an error from {sql}: {p.stdout.decode()}")
    return p.stderr.decode("utf-8")


def setup(db):
    q(db, "SET client_min_messages = warning; CREATE EXTENSION IF NOT EXISTS quotalevy; "
          f"SELECT quotalevy.add_rule_file('t/lat', $r${RULES}$r$)")


class Encodings(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        psql(f"DROP DATABASE IF EXISTS {DB}; CREATE DATABASE {DB} TEMPLATE template0 "
             "ENCODING 'LATIN1' LC_COLLATE 'C' LC_CTYPE 'C';")
        setup(DB)
        setup("quotalevy")  # the UTF8 database, to compare with

    @classmethod
    def tearDownClass(cls):
        psql(f"DROP DATABASE IF EXISTS {DB}; "
             "DELETE FROM quotalevy.rule_files WHERE name = 't/lat'")

    def both(self, sql):
        """sql's output in the LATIN1 and in the UTF8 database."""
        return q(DB, sql), q("quotalevy", sql)

    def test_the_database_is_latin1_and_the_extension_installs(self):
        self.assertEqual(q(DB, "SELECT getdatabaseencoding()").strip(), "LATIN1")
        self.assertEqual(q(DB, "SELECT extversion FROM pg_extension "
                               "WHERE extname = 'quotalevy'").strip(), "1.5")

    def test_every_record_form_gives_the_utf8_databases_answer(self):
        for sql in (f"SELECT quotalevy.evaluate('t/lat', '{GOOD}'::jsonb, '2024-06-30')",
                    f"SELECT quotalevy.evaluate('t/lat', '{GOOD}'::text, '2024-06-30')",
                    f"SELECT quotalevy.evaluate('t/lat', '{GOOD}'::json, '2024-06-30')",
                    "SELECT quotalevy.evaluate('t/lat', t, '2024-06-30') FROM (VALUES "
                    "('é1', 10, 'privée')) t(id, employes, categorie)",
                    "SELECT quotalevy.explain('t/lat', '{GOOD}'::jsonb, '2024-06-30')"
                    .replace("{GOOD}", GOOD)):
            with self.subTest(sql=sql):
                lat, utf = self.both(sql)
                # explain's text is prose: its title's Chinese by number,
                # its dash as ASCII's
                self.assertEqual(lat, utf.replace("企业", "\\u4F01\\u4E1A")
                                 .replace("—", "-"))
                self.assertIn("privée", lat)
        out = json.loads(q(DB, f"SELECT quotalevy.evaluate('t/lat', '{GOOD}', '2024-06-30')"))
        self.assertEqual(out, {"id": "é1", "categorie": "privée", "prelevement": 20.00})
        # a table's row through the planner's columns form, and evaluate_as
        sql = ("DROP TABLE IF EXISTS unités; CREATE TABLE unités (id text, employes int, "
               "categorie text); INSERT INTO unités VALUES ('é1', 10, 'privée'), "
               "('é2', 3, 'publique'); "
               "DROP TYPE IF EXISTS résultat; "
               "SELECT quotalevy.create_result_type('t/lat', 'résultat'); "
               "SELECT quotalevy.try_evaluate('t/lat', u, '2024-06-30'), "
               "(quotalevy.evaluate_as('t/lat', u, '2024-06-30', NULL::résultat)).* "
               "FROM unités u ORDER BY id")
        lat, utf = self.both(sql)
        self.assertEqual(lat, utf)
        self.assertIn("publique|9.00", lat)

    def test_messages_convert_and_escape_what_latin1_lacks(self):
        sql = (f"SELECT quotalevy.try_evaluate('t/lat', '{MISSPELT}', '2024-06-30')"
               "->'error'->>'message'")
        lat, utf = self.both(sql)
        self.assertIn("'privé'", utf)
        self.assertIn("企业", utf)  # the rules' third value, as the library words it
        self.assertEqual(lat, utf.replace("企业", "\\u4F01\\u4E1A"))
        # raised, in the server's encoding and converted for the client
        e = err(DB, f"SELECT quotalevy.evaluate('t/lat', '{MISSPELT}', '2024-06-30')")
        self.assertIn("'privé'", e)
        self.assertIn("\\u4F01\\u4E1A", e)
        self.assertIn('record "é2"', e)
        # a LATIN1 client reads the same message
        p = run(DB, f"SELECT quotalevy.try_evaluate('t/lat', '{MISSPELT}', '2024-06-30')"
                    "->'error'->>'message'", encoding="LATIN1",
                data=lambda sql: sql.encode("latin-1"))
        self.assertEqual(p.stdout.decode("latin-1"), lat)
        # a key near an input's name, with an accent: named as written
        e = q(DB, "SELECT quotalevy.try_evaluate('t/lat', "
                  "'{\"employés\": 1, \"categorie\": \"privée\"}', '2024-06-30')"
                  "->'error'->>'message'")
        self.assertIn("key 'employés' is not an input of the rules: did you mean "
                      "'employes'?", e)
        # the prose of the rule set: Chinese as its code points
        lat, utf = self.both("SELECT title, description FROM quotalevy.rule_set_info('t/lat')")
        self.assertIn("Prélèvement d'essai 企业", utf)
        self.assertEqual(lat, utf.replace("企业", "\\u4F01\\u4E1A"))
        lat, utf = self.both("SELECT * FROM quotalevy.inputs('t/lat')")
        self.assertEqual(lat, utf)
        self.assertIn("Effectif salarié", lat)

    def test_a_value_latin1_cannot_hold_is_refused_by_name(self):
        # '企业' is an enum value of the rules (a YAML escape), written in
        # the record as a JSON escape: read, evaluated, and its output,
        # which no LATIN1 text can hold, refused by name
        out = json.loads(q("quotalevy",
                           f"SELECT quotalevy.evaluate('t/lat', '{CHINESE}', '2024-06-30')"))
        self.assertEqual(out["categorie"], "企业")
        e = err(DB, f"SELECT quotalevy.evaluate('t/lat', '{CHINESE}', '2024-06-30')")
        self.assertIn("22P05", e)
        self.assertIn("the value of output 'categorie' has the character U+4F01, which "
                      "the database's encoding LATIN1 has no equivalent for", e)
        # try_evaluate gives it as that record's error, and goes on
        rows = [json.loads(line) for line in q(
            DB, f"SELECT quotalevy.try_evaluate('t/lat', r, '2024-06-30') FROM (VALUES "
                f"('{CHINESE}'), ('{GOOD}')) v(r)").splitlines()]
        self.assertEqual(rows[0]["id"], "c3")
        self.assertEqual(rows[0]["error"]["field"], "categorie")
        self.assertEqual(rows[0]["error"]["message"],
                         "the value of output 'categorie' has the character U+4F01, which "
                         "the database's encoding LATIN1 has no equivalent for")
        self.assertEqual(rows[1]["categorie"], "privée")
        # a rule file with characters LATIN1 lacks cannot be stored by a
        # client: PostgreSQL refuses it before quotalevy sees it
        self.assertIn("has no equivalent in encoding \"LATIN1\"",
                      err(DB, "SELECT quotalevy.check_rules('t/x', 'title: 企业')"))

    def test_check_rules_and_refusals_in_latin1(self):
        bad = RULES.replace("employes * taux", "employes * tauxx")
        lat = q(DB, f"SELECT quotalevy.check_rules('t/lat', $r${bad}$r$)")
        utf = q("quotalevy", f"SELECT quotalevy.check_rules('t/lat', $r${bad}$r$)")
        self.assertEqual(lat, utf)
        self.assertIn("tauxx", lat)
        e = err(DB, f"INSERT INTO quotalevy.rule_files VALUES ('t/bad', $r${bad}$r$)")
        self.assertIn("tauxx", e)

    def test_a_version_installed_before_1_5_converts_too(self):
        psql("DROP DATABASE IF EXISTS lat13; CREATE DATABASE lat13 TEMPLATE template0 "
             "ENCODING 'LATIN1' LC_COLLATE 'C' LC_CTYPE 'C';")
        try:
            q("lat13", "CREATE EXTENSION quotalevy VERSION '1.3'; "
                       f"SELECT quotalevy.add_rule_file('t/lat', $r${RULES}$r$)")
            sql = f"SELECT quotalevy.evaluate('t/lat', '{GOOD}', '2024-06-30')"
            self.assertEqual(q("lat13", sql), q(DB, sql))
            q("lat13", "ALTER EXTENSION quotalevy UPDATE")
            self.assertEqual(q("lat13", "SELECT extversion FROM pg_extension "
                                        "WHERE extname = 'quotalevy'").strip(), "1.5")
            self.assertEqual(q("lat13", sql), q(DB, sql))
        finally:
            psql("DROP DATABASE IF EXISTS lat13")

    def test_an_sql_ascii_database_passes_bytes_as_they_are(self):
        # SQL_ASCII declares no encoding: UTF-8 bytes are the library's
        # text, other bytes its refusal in its own words (the record's)
        psql("DROP DATABASE IF EXISTS sqlascii; CREATE DATABASE sqlascii TEMPLATE template0 "
             "ENCODING 'SQL_ASCII' LC_COLLATE 'C' LC_CTYPE 'C';")
        try:
            def raw(sql):
                p = run("sqlascii", sql, encoding="SQL_ASCII",
                        data=lambda t: t.encode("utf-8").replace(b"\\xE9", b"\xe9"))
                self.assertEqual(p.returncode, 0, p.stderr)
                return [json.loads(l.decode("utf-8", "replace")) for l in p.stdout.splitlines()]
            setup("sqlascii")
            out = raw(f"SELECT quotalevy.evaluate('t/lat', '{GOOD}', '2024-06-30')")
            self.assertEqual(out[0]["categorie"], "privée")
            out = raw("SELECT quotalevy.try_evaluate('t/lat', '{\"employes\": 1, "
                      "\"categorie\": \"priv\\xE9e\"}'::jsonb, '2024-06-30')")
            self.assertEqual(out[0]["error"]["field"], "categorie")
            self.assertIn("is not valid UTF-8 text", out[0]["error"]["message"])
        finally:
            psql("DROP DATABASE IF EXISTS sqlascii")

    def test_a_latin1_client_on_a_utf8_database(self):
        # 'employés' is a near miss of employees; the message comes back
        # in the client's encoding, as PostgreSQL converts it
        rec = ('{"unit_type": "enterprise", "employés": 126, "disabled": 1, '
               '"disabled_severe": 0, "wage_total": 6930000, "local_avg_wage": 90437}')
        env = dict(pgenv.ENV, PGCLIENTENCODING="LATIN1")
        p = subprocess.run(["psql", "-X", "-At", "-q", "-f", "-"], env=env,
                           capture_output=True,
                           input=(f"SELECT quotalevy.try_evaluate('cn/jilin', '{rec}', "
                                  "'2024-06-30')->'error'->>'message';").encode("latin-1"))
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("key 'employés' is not an input of the rules: did you mean "
                      "'employees'?", p.stdout.decode("latin-1"))


def setUpModule():
    pgenv.start()  # the server test_pg.py runs the tests in
