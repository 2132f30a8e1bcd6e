"""SQL tests of database and client encodings (run by test_pg.py, which
starts the server): the library reads and writes UTF-8 only, so a
database in another encoding (LATIN1) is refused clearly — at CREATE
EXTENSION, and at the first call of a version installed before 1.4 —
while a client in any encoding uses a UTF8 database, PostgreSQL
converting its text both ways.
"""
import subprocess
import unittest

import pgenv
from pgenv import psql

REFUSED = "quotalevy needs a database in UTF8, and this one is in LATIN1"


def run(db, sql, encoding=None):
    """psql into db; the completed process (bytes, as the client's
    encoding writes them)."""
    env = dict(pgenv.ENV, PGDATABASE=db)
    if encoding:
        env["PGCLIENTENCODING"] = encoding
    return subprocess.run(["psql", "-X", "-At", "-q", "-v", "ON_ERROR_STOP=1", "-c", sql],
                          env=env, capture_output=True)


class Encodings(unittest.TestCase):
    def test_a_latin1_database_is_refused_clearly(self):
        psql("DROP DATABASE IF EXISTS lat1; CREATE DATABASE lat1 TEMPLATE template0 "
             "ENCODING 'LATIN1' LC_COLLATE 'C' LC_CTYPE 'C';")
        try:
            p = run("lat1", "CREATE EXTENSION quotalevy")
            self.assertNotEqual(p.returncode, 0)
            self.assertIn(REFUSED, p.stderr.decode("latin-1"))
            self.assertIn("ENCODING 'UTF8'", p.stderr.decode("latin-1"))
            # a version from before 1.4 installs, and every call refuses
            self.assertEqual(run("lat1", "CREATE EXTENSION quotalevy VERSION '1.3'")
                             .returncode, 0)
            for sql in ("SELECT quotalevy.evaluate('cn/jilin', '{\"employees\": 1}', "
                        "'2024-06-30')",
                        "SELECT * FROM quotalevy.inputs('cn/jilin')",
                        "SELECT quotalevy.check_rules('a/b', 'quotalevy: 1')",
                        "INSERT INTO quotalevy.rule_files VALUES ('a/b', 'quotalevy: 1')"):
                p = run("lat1", sql)
                self.assertNotEqual(p.returncode, 0, sql)
                self.assertIn(REFUSED, p.stderr.decode("latin-1"), sql)
        finally:
            psql("DROP DATABASE IF EXISTS lat1")

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
