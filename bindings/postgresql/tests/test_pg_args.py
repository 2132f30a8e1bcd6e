"""SQL tests of the extension's NULL arguments (run by test_pg.py, which
starts the server).

Every function of the extension, found in pg_proc (so that a function
added later cannot escape), is called with each argument NULL in turn:
either docs/postgresql.md's table "NULL arguments" gives that NULL a
meaning, and the call is not refused for it, or the call is refused with
SQLSTATE 22004 naming the argument, the signature and what it takes.  No
function a query calls is STRICT, which would answer NULL or no rows.
"""
import json
import os
import re
import unittest

import pgenv
from pgenv import psql

REC = ('{"id": "A", "unit_type": "enterprise", "employees": 126, "disabled": 1, '
       '"disabled_severe": 0, "wage_total": 6930000, "local_avg_wage": 90437}')
COLUMNS = ["id", "unit_type", "employees", "disabled", "disabled_severe", "wage_total",
           "local_avg_wage"]
VALUES = ["'A'", "'enterprise'", "126", "1", "0", "6930000", "90437"]

# (argument name, SQL type) → (a value that makes the call succeed, its NULL)
SAMPLES = {
    ("rules", "text"): ("'cn/jilin'", "NULL::text"),
    ("record", "jsonb"): (f"'{REC}'::jsonb", "NULL::jsonb"),
    ("record", "text"): (f"'{REC}'::text", "NULL::text"),
    ("record", "json"): (f"'{REC}'::json", "NULL::json"),
    ("record", "record"): ("(SELECT t FROM null_args t)", "NULL::null_args"),
    ("on_date", "date"): ("'2024-06-30'::date", "NULL::date"),
    ("overrides", "text[]"): ("ARRAY['ratio=1.7%@2024-01-01']", "NULL::text[]"),
    ("shape", "anyelement"): ("NULL::null_levy", "NULL::null_levy"),
    ("columns", "text[]"): ("ARRAY[%s]" % ", ".join(f"'{c}'" for c in COLUMNS),
                            "NULL::text[]"),
    ("source", "regclass"): ("'null_args'::regclass", "NULL::regclass"),
    ("row_ctid", "tid"): ("'(0,1)'::tid", "NULL::tid"),
    ("values", '"any"'): (", ".join(VALUES), ", ".join(["NULL::text"] + VALUES[1:])),
    ("name", "text"): ("'nullargs/x'", "NULL::text"),
    ("source", "text"): ("(SELECT source FROM quotalevy.rule_files "
                         "WHERE name = 'fr/oeth')", "NULL::text"),
    ("type_name", "text"): ("'null_args_result'", "NULL::text"),
}

# Runs one call in a subtransaction that is always undone (add_rule_file
# and create_result_type write), and says how it ended.
TRY_CALL = """
CREATE FUNCTION pg_temp.try_call(q text) RETURNS text LANGUAGE plpgsql AS $f$
DECLARE st text; msg text; det text; hint text;
BEGIN
    EXECUTE q;
    RAISE EXCEPTION USING ERRCODE = 'QLOK0';
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT,
                            det = PG_EXCEPTION_DETAIL, hint = PG_EXCEPTION_HINT;
    RETURN json_build_object('sqlstate', st, 'message', msg, 'detail', det,
                             'hint', hint)::text;
END $f$;
"""

# The extension's functions: signature, name, IN argument names and types,
# whether STRICT, the result type.
FUNCTIONS = """
SELECT json_build_object(
    'signature', p.oid::regprocedure::text, 'name', p.proname,
    'argnames', coalesce(p.proargnames, '{}'), 'argmodes', coalesce(p.proargmodes::text[], '{}'),
    'argtypes', p.proargtypes::regtype[]::text[], 'strict', p.proisstrict,
    'returns', p.prorettype::regtype::text, 'retset', p.proretset)
FROM pg_proc p
JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'quotalevy'
ORDER BY 1::text
"""


def documented_nulls():
    """docs/postgresql.md's table "NULL arguments": {(function, argument)}."""
    with open(os.path.join(pgenv.SRC, "docs/postgresql.md"), encoding="utf-8") as f:
        doc = f.read()
    section = doc.split("\n## NULL arguments\n", 1)[1].split("\n## ", 1)[0]
    allowed = set()
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 3 or not cells[0].startswith("`"):
            continue
        arg = cells[0].strip("`")
        for fn in re.findall(r"`([a-z_]+)`", cells[1]):
            allowed.add((fn, arg))
    return allowed


def in_args(f):
    """(name, type) of each IN argument of a function row."""
    names, modes = f["argnames"], f["argmodes"]
    if modes:
        names = [n for n, m in zip(names, modes) if m in ("i", "b", "v")]
    return list(zip(names or [""] * len(f["argtypes"]), f["argtypes"]))


class NullArguments(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        psql("DROP TABLE IF EXISTS null_args; DROP TYPE IF EXISTS null_levy; "
             "CREATE TABLE null_args (id text, unit_type text, employees int, disabled int, "
             "disabled_severe int, wage_total numeric, local_avg_wage numeric); "
             "INSERT INTO null_args VALUES ('A', 'enterprise', 126, 1, 0, 6930000, 90437); "
             "CREATE TYPE null_levy AS (levy_due numeric);")

    @classmethod
    def tearDownClass(cls):
        psql("DROP TABLE IF EXISTS null_args; DROP TYPE IF EXISTS null_levy;")

    def test_every_null_argument_is_documented_or_refused_by_name(self):
        functions = [json.loads(l) for l in psql(FUNCTIONS).splitlines() if l]
        allowed = documented_nulls()
        calls, seen = [], set()
        for f in functions:
            args = in_args(f)
            # called by the server only: triggers, the planner's support
            if f["returns"] == "trigger" or any(t == "internal" for _, t in args):
                continue
            for name, typ in args:
                self.assertIn((name, typ), SAMPLES,
                              f"{f['signature']}: no sample for argument {name} {typ}: "
                              "add one to SAMPLES (and its NULL to the docs' table or "
                              "a refusal)")
            self.assertFalse(f["strict"], f"{f['signature']} is STRICT: a NULL argument "
                             "would answer NULL or no rows without a word")
            for k in range(-1, len(args)):
                vals = [SAMPLES[a][1 if i == k else 0] for i, a in enumerate(args)]
                call = f"quotalevy.{f['name']}({', '.join(vals)})"
                q = f"SELECT * FROM {call}" if f["retset"] else f"SELECT {call}"
                calls.append((f, args[k][0] if k >= 0 else None, q))
                if k >= 0:
                    seen.add((f["name"], args[k][0]))
        self.assertGreater(len({c[0]["signature"] for c in calls}), 25)
        # every documented NULL is one that some function takes
        self.assertEqual(allowed - seen, set())
        script = TRY_CALL + "".join(
            "SELECT pg_temp.try_call(%s);\n" % ("$q$" + q + "$q$") for _, _, q in calls)
        out = [json.loads(l) for l in psql("BEGIN;\n" + script + "ROLLBACK;\n").splitlines()
               if l.startswith("{")]
        self.assertEqual(len(out), len(calls))
        refused = 0
        for (f, arg, q), r in zip(calls, out):
            where = f"{q}\n→ {r}"
            if arg is None:
                self.assertEqual(r["sqlstate"], "QLOK0", where)  # the samples are good
            elif (f["name"], arg) in allowed:
                self.assertNotEqual(r["sqlstate"], "22004", where)
            else:
                refused += 1
                self.assertEqual(r["sqlstate"], "22004", where)
                self.assertEqual(r["message"],
                                 f'quotalevy.{f["name"]}: argument "{arg}" is NULL', where)
                self.assertTrue(r["detail"].startswith(f"It takes quotalevy.{f['name']}("),
                                where)
                self.assertIn(f"{arg} ", r["detail"], where)
                self.assertTrue(r["hint"].startswith(f'"{arg}" is '), where)
        self.assertGreater(refused, 30)

    def test_a_null_rule_set_name_is_refused_where_it_gave_no_rows(self):
        # 1.3: inputs and result_columns were STRICT (no rows), parameters
        # returned nothing, check_rules said "compiles" (NULL)
        for call in ("SELECT * FROM quotalevy.inputs(NULL)",
                     "SELECT * FROM quotalevy.result_columns(NULL)",
                     "SELECT * FROM quotalevy.rule_set_info(NULL)",
                     "SELECT * FROM quotalevy.parameters(NULL, '2024-06-30')",
                     "SELECT quotalevy.check_rules('x/y', NULL)",
                     "SELECT quotalevy.create_result_type(NULL, 'x')"):
            p = psql(call, check=False)
            self.assertNotEqual(p.returncode, 0, call)
            self.assertIn("ERROR:  22004: quotalevy.", p.stderr, call)
            self.assertIn("HINT:", p.stderr, call)


class Variadic(unittest.TestCase):
    """The columns forms take their values as VARIADIC "any": called with
    VARIADIC ARRAY[…] PostgreSQL passes one array, which is read as the
    values one by one (it was read as one value of the first column)."""
    COLS = "ARRAY['id', 'unit_type', 'employees', 'disabled', 'disabled_severe', " \
           "'wage_total', 'local_avg_wage']"

    def call(self, fn, values, extra=""):
        return (f"SELECT quotalevy.{fn}('cn/jilin', {self.COLS}, '2024-06-30', {extra}"
                f"NULL, 'pg_class'::regclass, '(0,1)'::tid, {values})")

    def test_variadic_array_is_the_values_one_by_one(self):
        one_by_one = psql(self.call("try_evaluate_columns", ", ".join(VALUES)))
        for arr in ("VARIADIC ARRAY['A', 'enterprise', '126', '1', '0', '6930000', '90437']",
                    "VARIADIC ARRAY['A', 'enterprise', 126, 1, 0, 6930000, 90437]::text[]"):
            self.assertEqual(psql(self.call("try_evaluate_columns", arr)), one_by_one, arr)
        self.assertIn('"levy_due": 50292.00', one_by_one)
        # numbers too: an array of numeric, a NULL element an empty field
        out = psql(self.call("try_evaluate_columns", "VARIADIC ARRAY[NULL, NULL, 126, 1, 0, "
                                                     "6930000, 90437]::numeric[]"))
        self.assertIn("'unit_type'", out)  # unit_type empty: the record's error
        self.assertEqual(psql(self.call("evaluate_as_columns", "VARIADIC ARRAY['A', "
                                        "'enterprise', '126', '1', '0', '6930000', '90437']",
                                        "NULL::null_levy, ")).strip(), "(50292.00)")

    def test_a_variadic_array_of_another_length_is_the_records_error(self):
        out = psql(self.call("try_evaluate_columns", "VARIADIC ARRAY['A', 'enterprise']"))
        self.assertIn("the VARIADIC array has 2 values for 7 column names", out)
        out = psql(self.call("try_evaluate_columns", "VARIADIC NULL::text[]"))
        self.assertIn("the VARIADIC array of values is NULL", out)
        err = psql(self.call("evaluate_columns", "'A', 'enterprise'"), check=False).stderr
        self.assertIn("22023: quotalevy: 7 column names for 2 values", err)

    @classmethod
    def setUpClass(cls):
        psql("DROP TYPE IF EXISTS null_levy; CREATE TYPE null_levy AS (levy_due numeric);")

    @classmethod
    def tearDownClass(cls):
        psql("DROP TYPE IF EXISTS null_levy;")


def setUpModule():
    pgenv.start()  # the server test_pg.py runs the tests in
