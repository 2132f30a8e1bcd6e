"""SQL tests of the extension's versions (run by test_pg.py, which starts
the server): a database at an earlier version moves on with ALTER
EXTENSION … UPDATE, keeping its rule files and its answers, and reaches
the very catalog of a new installation of the current version.
"""
import csv
import json
import os
import subprocess
import unittest

import pgenv
from pgenv import psql

# Everything of the extension a user or the planner sees, one line each,
# so that two databases can be compared as text.
CATALOG = r"""
SELECT x FROM (
  SELECT format('function %s returns %s%s %s strict=%s parallel=%s secdef=%s cost=%s '
                'rows=%s support=%s variadic=%s args=%s defaults=%s lang=%s src=%s '
                'bin=%s comment=%s acl=%s',
                p.oid::regprocedure, CASE WHEN p.proretset THEN 'setof ' END,
                p.prorettype::regtype, p.provolatile, p.proisstrict, p.proparallel,
                p.prosecdef, p.procost, p.prorows, p.prosupport::regproc,
                p.provariadic::regtype, pg_get_function_arguments(p.oid),
                pg_get_expr(p.proargdefaults, 0), l.lanname,
                regexp_replace(p.prosrc, '\s+', ' ', 'g'), p.probin,
                obj_description(p.oid, 'pg_proc'), p.proacl) AS x
  FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
  WHERE p.pronamespace = 'quotalevy'::regnamespace
  UNION ALL
  SELECT format('definition %s: %s', p.oid::regprocedure,
                regexp_replace(pg_get_functiondef(p.oid), '\s+', ' ', 'g'))
  FROM pg_proc p WHERE p.pronamespace = 'quotalevy'::regnamespace
  UNION ALL
  SELECT format('column %s.%s %s notnull=%s default=%s', c.relname, a.attname,
                format_type(a.atttypid, a.atttypmod), a.attnotnull,
                pg_get_expr(d.adbin, d.adrelid))
  FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0
  LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
  WHERE c.relnamespace = 'quotalevy'::regnamespace AND NOT a.attisdropped
  UNION ALL
  SELECT format('relation %s kind=%s acl=%s comment=%s', c.relname, c.relkind, c.relacl,
                obj_description(c.oid, 'pg_class'))
  FROM pg_class c WHERE c.relnamespace = 'quotalevy'::regnamespace
  UNION ALL
  SELECT format('constraint %s: %s', conname, pg_get_constraintdef(oid))
  FROM pg_constraint WHERE connamespace = 'quotalevy'::regnamespace
  UNION ALL
  SELECT format('trigger %s', pg_get_triggerdef(t.oid))
  FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
  WHERE c.relnamespace = 'quotalevy'::regnamespace AND NOT t.tgisinternal
  UNION ALL
  SELECT format('type %s', t.typname) FROM pg_type t
  WHERE t.typnamespace = 'quotalevy'::regnamespace
  UNION ALL
  SELECT format('schema acl=%s', nspacl) FROM pg_namespace WHERE nspname = 'quotalevy'
) c ORDER BY x COLLATE "C"
"""


def current_version():
    """The control file's default_version."""
    path = os.path.join(pgenv.SRC, "bindings/postgresql/quotalevy.control")
    with open(path, encoding="utf-8") as f:
        return next(l.split("'")[1] for l in f if l.startswith("default_version"))


def in_database(db):
    """psql into database db: stdout of one command."""
    env = dict(pgenv.ENV, PGDATABASE=db)

    def q(sql):
        return subprocess.run(["psql", "-X", "-At", "-q", "-v", "ON_ERROR_STOP=1",
                               "-c", sql], env=env, capture_output=True,
                              text=True, check=True).stdout
    return q


class Upgrade(unittest.TestCase):
    def test_from_1_0_to_the_current_version(self):
        """A database with 1.0 and its rule files moves on with ALTER
        EXTENSION … UPDATE, keeping its files and its answers."""
        psql("DROP DATABASE IF EXISTS up10; CREATE DATABASE up10;")
        env = dict(pgenv.ENV, PGDATABASE="up10")
        q = in_database("up10")
        q("CREATE EXTENSION quotalevy VERSION '1.0'")
        subprocess.run([os.path.join(pgenv.SRC, "bindings/postgresql/quotalevy-load-rules"),
                        os.path.join(pgenv.SRC, "rules")], env=env, check=True,
                       capture_output=True)
        path = os.path.join(pgenv.SRC, "examples/jilin-units.csv")
        with open(path, encoding="utf-8", newline="") as f:
            header = next(csv.reader(f))
        cols = ", ".join(f'"{h}" text' for h in header)
        subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-c",
                        f"CREATE TABLE jilin ({cols})", "-c",
                        f"\\copy jilin FROM '{path}' WITH (FORMAT csv, HEADER true)"],
                       env=env, check=True, capture_output=True)
        ask = ("SELECT t.id, quotalevy.try_evaluate('cn/jilin', t, '2024-06-30') "
               "FROM jilin t ORDER BY 1")
        before = q(ask)
        self.assertNotIn("_columns(", q("EXPLAIN VERBOSE " + ask))
        twice = ("SELECT quotalevy.try_evaluate('fr/oeth', '{\"workforce\": 38, "
                 "\"beneficiaries\": 0, \"beneficiaries\": 1}', '2024-12-31') ? 'error'")
        self.assertEqual(q(twice).strip(), "f")  # 1.0: the cast to jsonb keeps the last
        q("ALTER EXTENSION quotalevy UPDATE")
        self.assertEqual(q("SELECT extversion FROM pg_extension "
                           "WHERE extname = 'quotalevy'").strip(), current_version())
        self.assertEqual(q(twice).strip(), "t")  # 1.2: a key twice is the record's error
        # the updated database has the very functions of a new installation
        defs = ("SELECT string_agg(pg_get_functiondef(p.oid), E'\\n' ORDER BY "
                "p.oid::regprocedure::text) FROM pg_proc p "
                "WHERE p.pronamespace = 'quotalevy'::regnamespace")
        self.assertEqual(q(defs), psql(defs))
        self.assertIn("quotalevy.try_evaluate_columns(", q("EXPLAIN VERBOSE " + ask))
        self.assertEqual(q("SELECT count(*) FROM quotalevy.rule_files").strip(), "7")
        after = q(ask)
        # the same answers; an error now also says which row it is in
        def parsed(text, drop=()):
            rows = []
            for line in text.splitlines():
                rid, js = line.split("|", 1)
                r = json.loads(js)
                for k in drop:
                    r.get("error", {}).pop(k, None)
                rows.append((rid, r))
            return rows
        self.assertEqual(parsed(after, drop=("ctid",)), parsed(before))
        self.assertGreater(len(parsed(after)), 20)
        self.assertIn("ctid", after)
        psql("DROP DATABASE up10")

    def test_from_1_3_the_catalog_of_a_new_installation(self):
        """1.3 updated to the current version has the catalog a new
        installation has: functions, their argument and result types,
        volatility, strictness, parallel safety, definitions, comments;
        the table, its constraints and triggers; grants."""
        psql("DROP DATABASE IF EXISTS up13; CREATE DATABASE up13;")
        q = in_database("up13")
        try:
            q("CREATE EXTENSION quotalevy VERSION '1.3'")
            self.assertEqual(q("SELECT count(*) FROM pg_proc WHERE pronamespace = "
                               "'quotalevy'::regnamespace AND proisstrict").strip(), "4")
            q(f"ALTER EXTENSION quotalevy UPDATE TO '{current_version()}'")
            updated, fresh = q(CATALOG), psql(CATALOG)
            self.assertEqual(updated.splitlines(), fresh.splitlines())
            self.assertGreater(updated.count("\nfunction "), 25)
            # every function has its comment (\df+)
            self.assertEqual(psql("SELECT count(*) FROM pg_proc WHERE pronamespace = "
                                  "'quotalevy'::regnamespace AND "
                                  "obj_description(oid, 'pg_proc') IS NULL").strip(), "0")
        finally:
            psql("DROP DATABASE IF EXISTS up13")


def setUpModule():
    pgenv.start()  # the server test_pg.py runs the tests in
