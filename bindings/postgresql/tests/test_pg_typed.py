"""SQL tests of evaluate_as's typed rows (run by test_pg.py, which starts
the server): a caller's domains hold of every value a result row gets —
a CHECK, a NOT NULL, a domain's numeric(p,s), a domain over the whole row
type — as an INSERT of the same row would hold them.
"""
import unittest

import pgenv
from pgenv import psql, psql_error

REC = ('{"id": "A", "unit_type": "enterprise", "employees": 126, "disabled": 1, '
       '"disabled_severe": 0, "wage_total": 6930000, "local_avg_wage": 90437}')
# the record's levy_due is 50292.00, ratio_met false, and
# agency_post_minimum does not apply to an enterprise (its required NULL)


class Domains(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        psql("""
DROP TABLE IF EXISTS dom_units; DROP TYPE IF EXISTS dom_ok, dom_small, dom_notnull,
    dom_met, dom_id, dom_places, dom_plain CASCADE;
DROP DOMAIN IF EXISTS dom_lt1000, dom_nonneg, dom_required, dom_true, dom_jl, dom_6_2,
    dom_small_row, dom_big_row CASCADE;
CREATE DOMAIN dom_lt1000 AS numeric CHECK (VALUE < 1000);
CREATE DOMAIN dom_nonneg AS numeric CHECK (VALUE >= 0);
CREATE DOMAIN dom_required AS numeric NOT NULL;
CREATE DOMAIN dom_true AS boolean CHECK (VALUE);
CREATE DOMAIN dom_jl AS text CHECK (VALUE LIKE 'JL-%');
CREATE DOMAIN dom_6_2 AS numeric(6,2);
CREATE TYPE dom_ok AS (id text, levy_due dom_nonneg);
CREATE TYPE dom_small AS (levy_due dom_lt1000);
CREATE TYPE dom_notnull AS (agency_post_minimum_required dom_required);
CREATE TYPE dom_met AS (ratio_met dom_true);
CREATE TYPE dom_id AS (id dom_jl);
CREATE TYPE dom_places AS (levy_due dom_6_2);
CREATE TYPE dom_plain AS (levy_due numeric);
CREATE DOMAIN dom_small_row AS dom_plain CHECK ((VALUE).levy_due < 1000);
CREATE DOMAIN dom_big_row AS dom_plain CHECK ((VALUE).levy_due > 1000);
CREATE TABLE dom_units (id text, unit_type text, employees int, disabled int,
    disabled_severe int, wage_total numeric, local_avg_wage numeric);
INSERT INTO dom_units VALUES ('A', 'enterprise', 126, 1, 0, 6930000, 90437);
""")

    def call(self, shape, form):
        record, source = {"jsonb": (f"'{REC}'::jsonb", ""),
                          "text": (f"'{REC}'::text", ""),
                          "row": ("u", " FROM dom_units u")}[form]
        return (f"SELECT (quotalevy.evaluate_as('cn/jilin', {record}, '2024-06-30', "
                f"NULL::{shape})).*{source}")

    def test_values_that_keep_the_domain_are_returned(self):
        for form in ("jsonb", "text", "row"):
            self.assertEqual(psql(self.call("dom_ok", form)).strip(), "A|50292.00", form)
            self.assertEqual(psql(self.call("dom_big_row", form)).strip(), "50292.00", form)

    def test_a_value_that_breaks_its_domain_is_an_error(self):
        cases = [("dom_small", "23514", 'violates check constraint "dom_lt1000_check"',
                  'result column "levy_due"'),
                 ("dom_notnull", "23502", 'domain dom_required does not allow null values',
                  'result column "agency_post_minimum_required"'),
                 ("dom_met", "23514", 'violates check constraint "dom_true_check"',
                  'result column "ratio_met"'),
                 ("dom_id", "23514", 'violates check constraint "dom_jl_check"',
                  'result column "id"'),
                 # the domain's numeric(6,2) may not round or overflow
                 ("dom_places", "22003", "", 'result column "levy_due"'),
                 ("dom_small_row", "23514", 'violates check constraint "dom_small_row_check"',
                  "result row of record"),
                 ]
        for form in ("jsonb", "text", "row"):
            for shape, state, msg, where in cases:
                err = psql_error(self.call(shape, form))
                self.assertIn(f"ERROR:  {state}:", err, (shape, form))
                self.assertIn(msg, err, (shape, form))
                self.assertIn(f"CONTEXT:  {where}", err, (shape, form))
                self.assertIn('record "A"', err, (shape, form))


def setUpModule():
    pgenv.start()  # the server test_pg.py runs the tests in
