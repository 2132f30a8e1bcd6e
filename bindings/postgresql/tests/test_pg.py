#!/usr/bin/env python3
"""SQL tests of the PostgreSQL extension, in a real server.

Starts a throwaway cluster with scripts/pg-sandbox.sh (the extension from
the build folder, the bundled rule sets loaded), then: every example file
of every rule set loaded with COPY and evaluated in SQL, compared row by
row with the command's JSON Lines; the per-row error path over the Jilin
example's bad rows; typed group totals; parallel against serial; a
cancelled query; a rule file replaced while another connection has it
cached; refused files; privileges.

Usage: test_pg.py QUOTALEVY_BINARY SOURCE_DIR BUILD_DIR   (run by meson test)
"""
import csv
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unittest
from collections import defaultdict
from decimal import Decimal

CLI = SRC = BUILD = None
ENV = None

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..",
                                "tests"))
import example_table  # noqa: E402  (every rule set with its example data)

import pgenv  # noqa: E402  (the server's environment, psql)
from pgenv import Session, psql, psql_error, sql_results  # noqa: E402
# the test classes of the other files, run in the same server
from test_pg_args import NullArguments, Variadic  # noqa: E402,F401
from test_pg_differential import CommandAndSql  # noqa: E402,F401
from test_pg_encoding import Encodings  # noqa: E402,F401
from test_pg_messages import Dates, Names, Quoting  # noqa: E402,F401
from test_pg_spellings import Spellings  # noqa: E402,F401
from test_pg_typed import Domains  # noqa: E402,F401
from test_pg_upgrade import Upgrade  # noqa: E402,F401

NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


def places_by_column(rows):
    """{output (a check's number as check_part): {decimal places seen}}."""
    seen = defaultdict(set)
    for r in rows:
        for k, v in r.items():
            parts = v.items() if isinstance(v, dict) else [(None, v)]
            for f, x in parts:
                if k != "id" and isinstance(x, str) and NUMBER.match(x):
                    seen[k if f is None else f"{k}_{f}"].add(len(x.partition(".")[2]))
    return seen


def like_pg(cli, pg):
    """The command's row as the extension writes it: the command writes a
    check that does not apply as null, the extension as an object."""
    return {k: pg[k] if v is None and isinstance(pg.get(k), dict)
            and pg[k].get("applicable") is False else v
            for k, v in cli.items()}


def cli_jsonl(rules, data, date, *extra):
    """The command's outputs by id and its rejects by id."""
    with tempfile.TemporaryDirectory() as d:
        out, rej = os.path.join(d, "o.jsonl"), os.path.join(d, "r.csv")
        p = subprocess.run([CLI, "run", rules, data + ".csv", "--date", date, "-f",
                        "jsonl", "-o", out, "-r", rej, "--quiet", *extra],
                       cwd=SRC, capture_output=True)
        # 1: some rows were rejected (they are in the rejects)
        if p.returncode not in (0, 1) or not os.path.exists(out):
            raise AssertionError(f"quotalevy run failed: {p.stderr}")
        with open(out, encoding="utf-8") as f:
            rows = [json.loads(line, parse_float=str, parse_int=str) for line in f]
        with open(rej, encoding="utf-8", newline="") as f:
            rejects = list(csv.DictReader(f))
    return {r["id"]: r for r in rows}, {r["id"]: r for r in rejects}


def cli_jsonl_file(rules, data, *extra):
    """As cli_jsonl, over any input file (each record's own date)."""
    with tempfile.TemporaryDirectory() as d:
        out, rej = os.path.join(d, "o.jsonl"), os.path.join(d, "r.csv")
        p = subprocess.run([CLI, "run", rules, data, "-f", "jsonl", "-o", out,
                            "-r", rej, "--quiet", *extra], cwd=SRC, capture_output=True)
        if p.returncode not in (0, 1) or not os.path.exists(out):
            raise AssertionError(f"quotalevy run failed: {p.stderr}")
        with open(out, encoding="utf-8") as f:
            rows = [json.loads(line, parse_float=str, parse_int=str) for line in f]
        with open(rej, encoding="utf-8", newline="") as f:
            rejects = list(csv.DictReader(f))
    return {r["id"]: r for r in rows}, {r["id"]: r for r in rejects}


def table_of(name, data):
    """Loads a CSV into table `name`, every column text, with COPY."""
    path = os.path.join(SRC, data + ".csv")
    with open(path, encoding="utf-8", newline="") as f:
        header = next(csv.reader(f))
    cols = ", ".join('"' + h.replace('"', '""') + '" text' for h in header)
    psql(f"DROP TABLE IF EXISTS {name}; CREATE TABLE {name} ({cols});\n"
         f"\\copy {name} FROM '{path}' WITH (FORMAT csv, HEADER true)\n")


class Examples(unittest.TestCase):
    def test_every_example_row_matches_the_command(self):
        """Every rule set with every example data file it runs on
        (tests/example-table.txt), in SQL as the command writes it, and
        every number at its output's one scale (money at the currency's
        places) in the rows SQL returns."""
        for ex in example_table.rows(SRC):
            name, rules, data, date = ex.name, ex.rules, ex.data[:-len(".csv")], ex.date
            with self.subTest(example=repr(ex)):
                table = "ex_" + re.sub(r"\W", "_", name)
                table_of(table, data)
                want, rejects = cli_jsonl(rules, data, date)
                for form in ("t", "to_jsonb(t)"):
                    got = sql_results(
                        f"SELECT quotalevy.try_evaluate('{name}', {form}, "
                        f"'{date}') FROM {table} t")
                    ok = {r["id"]: r for r in got if "error" not in r}
                    bad = {r["id"]: r["error"] for r in got if "error" in r}
                    self.assertEqual(len(got), len(want) + len(rejects))
                    self.assertEqual(set(ok), set(want))
                    for rid, row in want.items():
                        self.assertEqual(ok[rid], like_pg(row, ok[rid]),
                                         f"{name} {rid} ({form})")
                    seen = places_by_column(ok.values())
                    self.assertTrue(seen, name)
                    for col, ps in seen.items():
                        self.assertEqual(len(ps), 1, f"{ex!r}: {col} has places {ps} ({form})")
                    for col in ex.money:
                        self.assertEqual(seen[col], {ex.places}, f"{ex!r}: {col} ({form})")
                    self.assertEqual(set(bad), set(rejects))
                    for rid, e in bad.items():
                        r = rejects[rid]
                        self.assertEqual(e["status"], r["status"], rid)
                        self.assertEqual(e["field"], r["field"], rid)
                        self.assertTrue(r["message"].endswith(e["message"]),
                                        (r["message"], e["message"]))

    def test_every_rule_set_and_examples_csv_is_in_the_table(self):
        """The list of examples was this file's own; it is now the table
        every front end reads, and it runs every rule set and data file."""
        self.assertEqual(example_table.uncovered(SRC), [])

    def test_every_rule_test_case_matches_the_command(self):
        """Every case of every rule set's test file (rules/*/tests/*.yaml,
        fixtures included), as a jsonb record (lists as arrays) and as json
        text (lists by item), evaluated in SQL on its own date and compared
        with the command's JSON Lines over the same records."""
        import glob
        import yaml  # python3-yaml, installed by scripts/setup.sh
        stored = []
        files = sorted(glob.glob(os.path.join(SRC, "rules/*/tests/*.yaml")))
        self.assertGreaterEqual(len(files), 8)
        total = 0
        try:
            for tf in files:
                with open(tf, encoding="utf-8") as f:
                    spec = yaml.load(f, Loader=yaml.BaseLoader)  # every scalar text
                rules = os.path.normpath(os.path.join(os.path.dirname(tf), spec["rules"]))
                name = os.path.relpath(rules, os.path.join(SRC, "rules"))[:-len(".yaml")]
                if psql(f"SELECT count(*) FROM quotalevy.rule_files "
                        f"WHERE name = '{name}'").strip() == "0":
                    with open(rules, encoding="utf-8") as f:
                        psql(f"SELECT quotalevy.add_rule_file('{name}', $ql${f.read()}$ql$)")
                    stored.append(name)
                whole, by_item = [], []
                for k, case in enumerate(spec["cases"]):
                    rec = dict(case.get("input") or {}, id=f"c{k}", date=case["date"])
                    whole.append(rec)
                    flat = {}
                    for key, v in rec.items():
                        if isinstance(v, list):
                            flat.update({f"{key}[{j + 1}]": x for j, x in enumerate(v)})
                        else:
                            flat[key] = v
                    by_item.append(flat)
                # the command holds a file's records to its first record's
                # keys (a record whose keys differ is rejected): one file
                # per set of keys, each record read as SQL reads it alone
                by_keys = defaultdict(list)
                for r in by_item:
                    by_keys[tuple(sorted(r))].append(r)
                want, rejects = {}, {}
                with tempfile.TemporaryDirectory() as d:
                    for g, recs_g in enumerate(by_keys.values()):
                        data = os.path.join(d, "cases%d.jsonl" % g)
                        with open(data, "w", encoding="utf-8") as f:
                            f.writelines(json.dumps(r, ensure_ascii=False) + "\n"
                                         for r in recs_g)
                        w_g, r_g = cli_jsonl_file(rules, data, "--allow-any-extends")
                        want.update(w_g)
                        rejects.update(r_g)
                self.assertEqual(len(want) + len(rejects), len(whole), tf)
                sizes = defaultdict(int)  # a list input's items
                for line in psql(f"SELECT name FROM quotalevy.inputs('{name}')").split():
                    m = re.fullmatch(r"(.+)\[(\d+)\]", line)
                    if m:
                        sizes[m.group(1)] = max(sizes[m.group(1)], int(m.group(2)))
                # a list of another length as a JSON array is an error of its
                # own (the command's cases may give fewer items than the list)
                short = {f"c{k}": next((key for key, v in rec.items() if isinstance(v, list)
                                        and len(v) != sizes[key]), None)
                         for k, rec in enumerate(whole)}
                for form, recs, fn in (("jsonb", whole, "jsonb_array_elements"),
                                       ("json", by_item, "json_array_elements")):
                    arr = json.dumps(recs, ensure_ascii=False).replace("'", "''")
                    got = sql_results(f"SELECT quotalevy.try_evaluate('{name}', r, NULL) "
                                      f"FROM {fn}('{arr}') r")
                    self.assertEqual(len(got), len(whole))
                    for r in got:
                        rid = r["id"]
                        if form == "jsonb" and short[rid] and not (
                                rid in rejects and rejects[rid]["field"] ==
                                r.get("error", {}).get("field")):
                            # (an item's bad value may be found first)
                            self.assertEqual(r["error"]["field"], short[rid])
                            self.assertIn(f"'{short[rid]}' is a list of "
                                          f"{sizes[short[rid]]} items", r["error"]["message"])
                        elif rid in rejects:
                            self.assertIn("error", r, (tf, rid, form))
                            e, c = r["error"], rejects[rid]
                            self.assertEqual((e["status"], e["field"] or ""),
                                             (c["status"], c["field"]), (tf, rid, form))
                            self.assertTrue(c["message"].endswith(e["message"]),
                                            (tf, rid, form, c["message"], e["message"]))
                        else:
                            self.assertEqual(r, like_pg(want[rid], r), (tf, rid, form))
                total += len(whole)
        finally:
            for name in reversed(stored):
                psql(f"DELETE FROM quotalevy.rule_files WHERE name = '{name}'")
        self.assertGreater(total, 150)

    def test_jilin_bad_rows_one_error_each_and_the_rest_levied(self):
        table_of("jilin", "examples/jilin-units")
        want, rejects = cli_jsonl("rules/cn/jilin.yaml", "examples/jilin-units",
                                  "2024-06-30")
        self.assertEqual(len(rejects), 6)
        out = psql("""
            SELECT count(*) FILTER (WHERE r ? 'error'),
                   count(*) FILTER (WHERE NOT r ? 'error'),
                   sum((r->'levy_due')::numeric)
            FROM (SELECT quotalevy.try_evaluate('cn/jilin', t, '2024-06-30') r
                  FROM jilin t) s""").strip()
        total = sum(Decimal(r["levy_due"]) for r in want.values())
        self.assertEqual(out, f"6|{len(want)}|{total}")
        # the raising form stops at a bad row with its SQLSTATE, the
        # field and the rules-file location in DETAIL
        err = psql_error("SELECT quotalevy.evaluate('cn/jilin', t, '2024-06-30') "
                         "FROM jilin t WHERE id = 'JL-X003'")
        self.assertIn("ERROR:  22023:", err)
        self.assertIn('record "JL-X003"', err)
        where = re.search(r"national\.yaml:(\d+:\d+):", rejects["JL-X003"]["message"])
        self.assertRegex(err, r'DETAIL:  status QL_ERECORD, table public\.jilin, '
                              r'row \(\d+,\d+\), column "wage_total", '
                              r'rule at cn/national:' + where.group(1))
        err = psql_error("SELECT quotalevy.evaluate('cn/jilin', t, '2024-06-30') "
                         "FROM jilin t WHERE id = 'JL-X002'")
        self.assertIn("is not a valid money", err)
        self.assertIn('column "wage_total"', err)

    def test_an_error_names_the_table_row_column_and_rule_file(self):
        """Every row form says where: the table, the row's ctid, the column,
        and the rule's position in the file as quotalevy.rule_files names
        it (cn/national, not the national.yaml that `extends` wrote)."""
        table_of("jilin", "examples/jilin-units")
        _, rejects = cli_jsonl("rules/cn/jilin.yaml", "examples/jilin-units",
                               "2024-06-30")
        line = re.search(r"national\.yaml:(\d+:\d+):",
                         rejects["JL-X003"]["message"]).group(1)
        ctid = psql("SELECT ctid FROM jilin WHERE id = 'JL-X003'").strip()
        detail = (f'DETAIL:  status QL_ERECORD, table public.jilin, row {ctid}, '
                  f'column "wage_total", rule at cn/national:{line}\n')
        for call in ("quotalevy.evaluate('cn/jilin', t, '2024-06-30')",
                     "quotalevy.evaluate_as('cn/jilin', t, '2024-06-30', NULL::lv)",
                     "quotalevy.explain('cn/jilin', t, '2024-06-30')"):
            err = psql_error("DROP TYPE IF EXISTS lv; CREATE TYPE lv AS (levy_due numeric);"
                             f"SELECT {call} FROM jilin t WHERE id = 'JL-X003'")
            self.assertIn(detail, err, call)
        e = sql_results("SELECT quotalevy.try_evaluate('cn/jilin', t, '2024-06-30') "
                        "FROM jilin t WHERE id = 'JL-X003'")[0]["error"]
        self.assertEqual((e["table"], e["ctid"], e["field"], e["file"]),
                         ("public.jilin", ctid, "wage_total", "cn/national"))
        # a row that is not a table's: the column and the rule, no table
        err = psql_error("SELECT quotalevy.evaluate('cn/jilin', t, '2024-06-30') FROM "
                         "(SELECT * FROM jilin WHERE id = 'JL-X003' OFFSET 0) t")
        self.assertIn(f'DETAIL:  status QL_ERECORD, column "wage_total", '
                      f'rule at cn/national:{line}\n', err)
        # a result that does not fit its column: the column, record and row
        ctid = psql("SELECT ctid FROM jilin WHERE id = 'JL-E002'").strip()
        for typ in ("numeric(3,0)", "integer"):
            err = psql_error(f"DROP TYPE IF EXISTS lvr; CREATE TYPE lvr AS (levy_due {typ});"
                             "SELECT quotalevy.evaluate_as('cn/jilin', t, '2024-06-30', "
                             "NULL::lvr) FROM jilin t WHERE id = 'JL-E002'")
            self.assertIn(f'CONTEXT:  result column "levy_due" of record "JL-E002", '
                          f'table public.jilin, row {ctid}', err)
        # a float column: the column and its table
        err = psql_error("DROP TABLE IF EXISTS fl; CREATE TABLE fl (unit_type text, "
                         "employees float8); INSERT INTO fl VALUES ('enterprise', 1);"
                         "SELECT quotalevy.evaluate('cn/jilin', t, '2024-06-30') FROM fl t")
        self.assertIn('column "employees" is double precision', err)
        self.assertIn("DETAIL:  table public.fl", err)
        # jsonb: the key
        err = psql_error("SELECT quotalevy.evaluate('cn/jilin', to_jsonb(t), "
                         "'2024-06-30') FROM jilin t WHERE id = 'JL-X003'")
        self.assertIn(f'DETAIL:  status QL_ERECORD, key "wage_total", '
                      f'rule at cn/national:{line}\n', err)

    def test_group_totals_typed_without_casts(self):
        table_of("jilin", "examples/jilin-units")
        want, _ = cli_jsonl("rules/cn/jilin.yaml", "examples/jilin-units", "2024-06-30")
        totals = defaultdict(Decimal)
        for rid, r in want.items():
            totals[rid[:4]] += Decimal(r["levy_due"])
        out = psql("""
            DROP TYPE IF EXISTS jilin_result;
            SELECT quotalevy.create_result_type('cn/jilin', 'jilin_result');
            SELECT left(t.id, 4) AS region, sum(r.levy_due), pg_typeof(sum(r.levy_due)),
                   bool_and(r.agency_post_minimum_applicable IS NOT NULL)
            FROM jilin t,
                 LATERAL quotalevy.evaluate_as('cn/jilin', t, '2024-06-30',
                                               NULL::jilin_result) r
            WHERE t.id NOT LIKE 'JL-X%'
            GROUP BY 1 ORDER BY 1""")
        lines = out.splitlines()
        self.assertEqual(lines[0], "jilin_result")
        got = {l.split("|")[0]: l.split("|")[1:] for l in lines[1:]}
        self.assertEqual({k: Decimal(v[0]) for k, v in got.items()}, dict(totals))
        # the scale is the currency's: fen
        self.assertTrue(all(re.fullmatch(r"\d+\.\d\d", v[0]) for v in got.values()))
        self.assertTrue(all(v[1:] == ["numeric", "t"] for v in got.values()))
        # a declared numeric(p,s) that would round is an error, not a rounding
        err = psql_error("""
            DROP TYPE IF EXISTS narrow;
            CREATE TYPE narrow AS (required_disabled numeric(12,2));
            SELECT quotalevy.evaluate_as('cn/jilin', t, '2024-06-30', NULL::narrow)
            FROM jilin t WHERE id = 'JL-E002'""")
        self.assertIn("does not fit column type numeric(12,2) without rounding", err)
        # a type whose input rounds without a word is refused, whatever the
        # value (probe3 P3-03: money kept 2 places of a 3-place dinar,
        # float8 kept 2.016 as a binary float)
        for typ, why in (("money", "the server's places and currency"),
                         ("real", "binary float"), ("double precision", "binary float")):
            err = psql_error(f"""
                DROP TYPE IF EXISTS lossy;
                CREATE TYPE lossy AS (levy_due {typ});
                SELECT quotalevy.evaluate_as('cn/jilin', t, '2024-06-30', NULL::lossy)
                FROM jilin t WHERE id = 'JL-E002'""")
            self.assertIn("would round the rule set's exact values", err, typ)
            self.assertIn(why, err, typ)
        err = psql_error("""
            DROP DOMAIN IF EXISTS cash CASCADE; CREATE DOMAIN cash AS money;
            DROP TYPE IF EXISTS lossy; CREATE TYPE lossy AS (levy_due cash);
            SELECT quotalevy.evaluate_as('cn/jilin', t, '2024-06-30', NULL::lossy)
            FROM jilin t WHERE id = 'JL-E002'""")
        self.assertIn("would round", err)


class Json(unittest.TestCase):
    REC = ('{"id": "A", "unit_type": "enterprise", "employees": 860.5, '
           '"disabled": 8, "disabled_severe": 2, "wage_total": 73142500, '
           '"local_avg_wage": 90437, "posts": null}')

    def test_a_json_literal_needs_no_cast_and_numbers_are_exact(self):
        out = sql_results(f"SELECT quotalevy.evaluate('cn/jilin', '{self.REC}', "
                          "'2024-06-30')")[0]
        self.assertEqual(out["levy_due"], "75140.00")
        self.assertEqual(out["required_disabled"], "13.76800")
        self.assertEqual(out["id"], "A")

    def test_the_date_key_when_no_date_is_given(self):
        rec = self.REC.replace('"id": "A"', '"date": "2024-06-30"')
        out = sql_results(f"SELECT quotalevy.evaluate('cn/jilin', '{rec}', NULL)")[0]
        self.assertEqual(out["levy_due"], "75140.00")
        err = psql_error(f"SELECT quotalevy.evaluate('cn/jilin', '{self.REC}', NULL)")
        self.assertIn("no evaluation date", err)

    def test_null_and_absent_are_empty_and_containers_are_refused(self):
        rec = self.REC.replace('"wage_total": 73142500', '"wage_total": null')
        out = sql_results(f"SELECT quotalevy.try_evaluate('cn/jilin', '{rec}', "
                          "'2024-06-30')")[0]
        self.assertEqual(out["error"]["field"], "wage_total")
        self.assertIn("is empty", out["error"]["message"])
        rec = self.REC.replace('"wage_total": 73142500', '"wage_total": [1]')
        out = sql_results(f"SELECT quotalevy.try_evaluate('cn/jilin', '{rec}', "
                          "'2024-06-30')")[0]
        self.assertEqual(out["error"]["field"], "wage_total")
        self.assertIn("not a JSON array", out["error"]["message"])

    def test_a_list_input_from_a_json_array(self):
        table_of("de", "examples/de-employers")
        out = psql("""
            SELECT count(*), count(*) FILTER (WHERE a = b AND NOT a ? 'error')
            FROM (SELECT quotalevy.try_evaluate('de/sgb9', to_jsonb(t), '2024-12-31') a,
                         quotalevy.try_evaluate('de/sgb9', (
                           SELECT jsonb_object_agg(k, v) FROM (
                             SELECT regexp_replace(key, '\\[\\d+\\]$', '') k,
                                    CASE WHEN bool_or(key ~ '\\[\\d+\\]$')
                                         THEN jsonb_agg(value ORDER BY
                                           substring(key FROM '\\[(\\d+)\\]$')::int)
                                         ELSE (array_agg(value))[1] END v
                             FROM jsonb_each(to_jsonb(t)) GROUP BY 1) g),
                           '2024-12-31') b
                  FROM de t) s""").strip()
        n, same = out.split("|")
        self.assertEqual(n, same)
        self.assertGreater(int(n), 3)

    def test_float_columns_are_refused(self):
        err = psql_error("SELECT quotalevy.evaluate('cn/jilin', t, '2024-06-30') "
                         "FROM (SELECT 'enterprise' AS unit_type, "
                         "860.5::float8 AS employees) t")
        self.assertIn("binary floating point", err)

    def test_what_if_overrides_match_the_command(self):
        table_of("jilin", "examples/jilin-units")
        ovr = "ratio=1.7%@2024-01-01"
        want, _ = cli_jsonl("rules/cn/jilin.yaml", "examples/jilin-units",
                            "2024-06-30", "--override", ovr)
        got = sql_results(f"SELECT quotalevy.evaluate('cn/jilin', t, '2024-06-30', "
                          f"ARRAY['{ovr}']) FROM jilin t WHERE id NOT LIKE 'JL-X%'")
        got = {r["id"]: r for r in got}
        self.assertEqual(got, {k: like_pg(v, got.get(k, {})) for k, v in want.items()})
        out = psql(f"SELECT value, in_force_from, source FROM quotalevy.parameters("
                   f"'cn/jilin', '2024-06-30', ARRAY['{ovr}']) WHERE name = 'ratio'")
        self.assertEqual(out.strip(), "1.7%|2024-01-01|what-if override")

    def test_a_percentage_override_is_written_with_its_percent_sign(self):
        """probe6 P6-03: ARRAY['ratio=0.017@…'] was taken as 1.7 % and
        'ratio=1@…' as 100 %: a percentage's override text is written
        with '%', as the rules file's values are, in every call."""
        rec = ("'{\"unit_type\": \"enterprise\", \"employees\": 126, \"disabled\": 1, "
               "\"disabled_severe\": 0, \"wage_total\": 6930000, "
               "\"local_avg_wage\": 90437}'::jsonb")
        for v in ("0.017", "1"):
            ovr = f"ARRAY['ratio={v}@2024-01-01']"
            for call in (f"quotalevy.evaluate('cn/jilin', {rec}, '2024-06-30', {ovr})",
                         f"quotalevy.parameters('cn/jilin', '2024-06-30', {ovr})"):
                err = psql_error(f"SELECT * FROM {call}")
                self.assertIn(f"override of parameter 'ratio': '{v}': the parameter is a "
                              f"percentage: write it with '%', e.g. '{v}%'", err, call)
        out = psql("SELECT value FROM quotalevy.parameters('cn/jilin', '2024-06-30', "
                   "ARRAY['ratio=1.7%@2024-01-01']) WHERE name = 'ratio'")
        self.assertEqual(out.strip(), "1.7%")  # as the override and the file write it

    def test_an_override_keeps_the_parameters_places(self):
        """P5-03: 'ratio=2%@2000-01-01' (before every value of the file)
        made ratio 0.02 and required_disabled 2.0000 where the law gives
        1.60000; one with more places than the file's values changed
        every output's places.  Padded, or refused naming them."""
        rec = ("'{\"unit_type\": \"enterprise\", \"employees\": 100, \"disabled\": 1, "
               "\"disabled_severe\": 0, \"wage_total\": 6000000, "
               "\"local_avg_wage\": 50000}'::jsonb")
        ovr = "ARRAY['ratio=2%@2000-01-01']"
        out = psql(f"SELECT quotalevy.evaluate('cn/jilin', {rec}, '2024-06-30', {ovr})"
                   f"->>'required_disabled', (SELECT value FROM quotalevy.parameters("
                   f"'cn/jilin', '2024-06-30', {ovr}) WHERE name = 'ratio')")
        self.assertEqual(out.strip(), "2.00000|2.0%")
        err = psql_error(f"SELECT quotalevy.evaluate('cn/jilin', {rec}, '2024-06-30', "
                         "ARRAY['ratio=1.75%@2024-01-01'])")
        self.assertIn("override of parameter 'ratio': '1.75%' has 2 decimal places in percent, "
                      "more than the 1 of its values in the rules file", err)
        self.assertIn("declare 'scale: 2' on 'ratio'", err)

    def test_a_number_too_long_written_out_says_so(self):
        """probe5 P5-06: a text '1e400' (or an override's) was "not a plain
        decimal number", where jsonb's 1e400 was "number too long"."""
        for v in ("1e400", "1e-400", "1E+99999999999"):
            for form in (f"'{{\"unit_type\": \"enterprise\", \"employees\": \"{v}\"}}'::jsonb",
                         f"'{{\"unit_type\": \"enterprise\", \"employees\": {v}}}'::text"):
                err = psql_error(f"SELECT quotalevy.evaluate('cn/jilin', {form}, '2024-06-30')")
                self.assertIn("number too long", err, (v, form))
                self.assertNotIn("not a plain decimal", err, (v, form))
            err = psql_error("SELECT * FROM quotalevy.parameters('cn/jilin', '2024-06-30', "
                             f"ARRAY['small_enterprise_limit={v}@2024-01-01'])")
            self.assertIn("number too long", err, v)

    def test_a_value_in_force_from_the_postgresql_epoch(self):
        """parameters() crashed the server (signal 11) for a value in force
        from 2000-01-01: that date is Datum 0, which the row builder took
        for "no typed value" and read the column's NULL text instead."""
        out = psql("SELECT name, value, in_force_from, source FROM quotalevy.parameters("
                   "'cn/jilin', '2024-06-30', ARRAY['wage_capped=false@2000-01-01']) "
                   "WHERE name = 'wage_capped'")
        self.assertEqual(out.strip(), "wage_capped|false|2000-01-01|what-if override")

    def test_an_empty_override_is_refused_never_taken_as_none(self):
        """probe4 P4-08: ARRAY[''] made the cache key of no override, so
        the what-if was evaluated under the law in force without a word
        (ARRAY['', 'ratio=…'] and the command's --override '' refuse
        it).  Every call that takes overrides refuses it."""
        rec = ("'{\"unit_type\": \"enterprise\", \"employees\": 126, \"disabled\": 1, "
               "\"disabled_severe\": 0, \"wage_total\": 6930000, "
               "\"local_avg_wage\": 90437}'::jsonb")
        for call in (f"quotalevy.evaluate('cn/jilin', {rec}, '2024-06-30', ARRAY[''])",
                     f"quotalevy.try_evaluate('cn/jilin', {rec}, '2024-06-30', ARRAY[''])",
                     "quotalevy.parameters('cn/jilin', '2024-06-30', ARRAY[''])",
                     f"quotalevy.evaluate('cn/jilin', {rec}, '2024-06-30', "
                     "ARRAY['ratio=1.7%@2024-01-01', ''])"):
            err = psql_error(f"SELECT * FROM {call}")
            self.assertIn('a what-if override is PARAM=VALUE@YYYY-MM-DD, not ""', err, call)
        # no override at all is still the law in force
        self.assertEqual(psql(f"SELECT quotalevy.evaluate('cn/jilin', {rec}, '2024-06-30', "
                              "ARRAY[]::text[])->>'levy_due'").strip(), "50292.00")

    def test_parameters_as_a_table(self):
        out = psql("SELECT name, value, in_force_from FROM quotalevy.parameters("
                   "'cn/national', '2024-06-30') WHERE name = 'ratio'")
        self.assertEqual(out.split(), ["ratio|1.5%|2015-10-01"])
        out = psql("SELECT count(*), count(*) FILTER (WHERE in_force_from <= "
                   "'2024-06-30' AND source IS NOT NULL) FROM quotalevy.parameters("
                   "'cn/national', '2024-06-30') WHERE value IS NOT NULL")
        n, ok = out.strip().split("|")
        self.assertEqual(n, ok)
        self.assertGreater(int(n), 3)


    def test_rule_set_info_gives_the_currency(self):
        out = psql("SELECT id, jurisdiction, currency, currency_places, "
                   "scale((quotalevy.evaluate('cn/jilin', '{\"unit_type\": \"enterprise\", "
                   "\"employees\": 126, \"disabled\": 1, \"disabled_severe\": 0, "
                   "\"wage_total\": 6930000, \"local_avg_wage\": 90437}', "
                   "'2024-06-30')->>'levy_due')::numeric) FROM quotalevy.rule_set_info('cn/jilin')")
        self.assertEqual(out.strip(), "cn-jilin|CN-JL|CNY|2|2")
        out = psql("SELECT r, i.currency, i.currency_places, i.title IS NOT NULL FROM "
                   "unnest(ARRAY['jp/levy', 'de/sgb9', 'cn/national']) r, "
                   "quotalevy.rule_set_info(r) i ORDER BY r")
        self.assertEqual(out.split(), ["cn/national|CNY|2|t", "de/sgb9|EUR|2|t",
                                       "jp/levy|JPY|0|t"])
        psql("SELECT quotalevy.add_rule_file('t/nocur', $ql$quotalevy: 1\nid: nc\n"
             "title: none\njurisdiction: XX\nversion: '1'\ninputs:\n  n: {type: decimal, scale: 1}\n"
             "outputs: [n]\n$ql$)")
        out = psql("SELECT id, currency IS NULL, currency_places IS NULL, description "
                   "IS NULL FROM quotalevy.rule_set_info('t/nocur')")
        self.assertEqual(out.strip(), "nc|t|t|t")
        self.assertIn("no rule file", psql_error(
            "SELECT * FROM quotalevy.rule_set_info('t/none')").lower().replace('"', ""))

class Numbers(unittest.TestCase):
    """numeric columns and jsonb numbers reach the library from their
    digits, and results leave as numeric from their coefficient: the same
    as the text of the same values, edge cases and errors included."""
    EDGES = ["0", "0.00", "126", "860.5", "860.50", "1000", "10000", "100000000",
             "0.0001", "0.00001", "12345678901234.5678", "9223372036854775807",
             "9223372036854775808", "92233720368547758.07", "0.000000000000000001",
             "0.0000000000000000001", "1.000000000000000000000", "1e5", "-1",
             "-0.5", "NaN", "Infinity", "123456789012345678901234567890123456789",
             "99999999999999999999999999999999999.5"]

    def compare(self, column):
        vals = ", ".join(f"('{i}', '{v}')" for i, v in enumerate(self.EDGES))
        base = {"unit_type": "'enterprise'", "employees": "'860.5'",
                "disabled": "'8'", "disabled_severe": "'2'",
                "wage_total": "'73142500'", "local_avg_wage": "'90437'"}
        def row(cast):
            # the text form is numeric's own (numeric_out), what the
            # library was given before digits crossed directly
            cols = [f"{v}::text AS {k}" if k == "unit_type" else
                    f"{v if k != column else 'e.v'}::numeric::{cast} AS {k}"
                    for k, v in base.items()]
            return f"SELECT e.id, {', '.join(cols)} FROM (VALUES {vals}) e(id, v)"
        out = psql(f"""
            SELECT n.id, quotalevy.try_evaluate('cn/jilin', n, '2024-06-30')::text,
                   quotalevy.try_evaluate('cn/jilin', t, '2024-06-30')::text,
                   quotalevy.try_evaluate('cn/jilin', to_jsonb(n), '2024-06-30')::text,
                   quotalevy.try_evaluate('cn/jilin', to_jsonb(t), '2024-06-30')::text
            FROM ({row('numeric')}) n JOIN ({row('text')}) t USING (id)
            ORDER BY n.id::int""")
        lines = out.splitlines()
        self.assertEqual(len(lines), len(self.EDGES))
        kinds = set()
        for line in lines:
            i, by_numeric, by_text, jb_numeric, jb_text = line.split("|")
            v = self.EDGES[int(i)]
            self.assertEqual(by_numeric, by_text, f"{column} = {v}: row")
            self.assertEqual(jb_numeric, jb_text, f"{column} = {v}: jsonb")
            kinds.add("error" if '"error"' in by_numeric else "ok")
        self.assertEqual(kinds, {"ok", "error"})

    def test_a_decimal_input_from_numeric_digits_is_its_text(self):
        self.compare("employees")

    def test_a_money_input_from_numeric_digits_is_its_text(self):
        self.compare("wage_total")

    def test_integer_columns_and_typed_results(self):
        table_of("jilin", "examples/jilin-units")
        psql("""DROP TABLE IF EXISTS jilin_typed;
            CREATE TABLE jilin_typed AS SELECT id, name, unit_type, admin_level,
              school::boolean, disability_federation::boolean, posts::int,
              employees::numeric, disabled::numeric, disabled_severe::numeric,
              wage_total::numeric, local_avg_wage::numeric, cadres::int,
              disabled_cadres::bigint, new_service_points::smallint,
              service_points_to_disabled::int FROM jilin
            WHERE id NOT LIKE 'JL-X%'""")
        out = psql("""
            SELECT count(*), count(*) FILTER (WHERE
                     quotalevy.evaluate('cn/jilin', t, '2024-06-30')::text =
                     quotalevy.evaluate('cn/jilin', j, '2024-06-30')::text)
            FROM jilin_typed t JOIN jilin j USING (id)""").strip()
        n, same = out.split("|")
        self.assertEqual(n, same)
        self.assertGreater(int(n), 5)

    def test_typed_results_are_numerics_as_numeric_in_makes_them(self):
        """A result numeric is written from its coefficient (numeric.c,
        make_short): at every scale, across base-10000 digit boundaries,
        for zeros, negatives, leading and trailing zero digits and past 64
        bits, it is the numeric its text reads as — the same value, text,
        display scale and stored digits (numeric_send)."""
        scales = [0, 1, 2, 3, 4, 5, 7, 8, 12, 15, 16, 18]
        rules = ("quotalevy: 1\nid: places\ntitle: places\njurisdiction: XX\n"
                 "version: '1'\ninputs:\n  a: {type: decimal, scale: 18}\n"
                 "computed:\n" +
                 "".join(f"  x{k}: {{expr: 'round(a, {k})', scale: {k}}}\n" for k in scales) +
                 "outputs: [" + ", ".join(f"x{k}" for k in scales) + "]\n")
        values = ["0", "1", "-1", "0.5", "-0.5", "9999", "10000", "10001", "99999999",
                  "100000000", "123456789.123456789012345678", "-0.000000000000000001",
                  "0.0001", "0.00009", "1000.0001", "-98765.4321", "12345678.9",
                  "9223372036854.775807", "92233720368547758.07", "0.000100020003000400",
                  "9999999999.99999999"]
        psql(f"SELECT quotalevy.add_rule_file('t/places', $ql${rules}$ql$)")
        try:
            cols = ", ".join(f"x{k} numeric" for k in scales)
            psql(f"DROP TYPE IF EXISTS t_places; CREATE TYPE t_places AS ({cols})")
            checks = " AND ".join(
                f"numeric_send(r.x{k}) = numeric_send(r.x{k}::text::numeric) AND "
                f"r.x{k} = round(v.a, {k}) AND r.x{k}::text = round(v.a, {k})::text"
                for k in scales)
            vals = ", ".join(f"('{v}'::numeric)" for v in values)
            out = psql(f"""SELECT count(*), count(*) FILTER (WHERE {checks})
                FROM (VALUES {vals}) v(a),
                     LATERAL quotalevy.evaluate_as('t/places', v, '2024-01-01',
                                                   NULL::t_places) r""").strip()
            self.assertEqual(out, f"{len(values)}|{len(values)}")
        finally:
            psql("DELETE FROM quotalevy.rule_files WHERE name = 't/places'; "
                 "DROP TYPE IF EXISTS t_places")

    def test_a_number_too_long_for_its_places_is_an_error(self):
        """35 digits have no room for an output's 2 places: an error naming
        the output, never a numeric with fewer places (issue 13)."""
        rules = ("quotalevy: 1\nid: places\ntitle: places\njurisdiction: XX\n"
                 "version: '1'\ninputs:\n  a: {type: decimal, scale: 0}\n"
                 "computed:\n  x: {expr: a * 1, scale: 2}\noutputs: [x]\n")
        psql(f"SELECT quotalevy.add_rule_file('t/places', $ql${rules}$ql$)")
        try:
            fits, long_ = "1" * 34, "1" * 35
            out = psql("SELECT quotalevy.evaluate('t/places', "
                       f"'{{\"a\": {fits}}}', '2024-01-01')->>'x'").strip()
            self.assertEqual(out, fits + ".00")
            for call in (f"quotalevy.evaluate('t/places', '{{\"a\": {long_}}}', "
                         "'2024-01-01')",
                         f"quotalevy.evaluate('t/places', t, '2024-01-01') FROM "
                         f"(SELECT {long_}::numeric AS a) t",
                         f"quotalevy.explain('t/places', '{{\"a\": {long_}}}', "
                         "'2024-01-01')"):
                err = psql_error(f"SELECT {call}")
                self.assertIn(f"output 'x' is {long_}, which with its 2 decimal "
                              "places would take more than 36 digits", err, call)
                self.assertIn("status QL_ERANGE", err, call)
            e = sql_results("SELECT quotalevy.try_evaluate('t/places', "
                            f"'{{\"a\": {long_}}}', '2024-01-01')")[0]
            self.assertEqual(set(e), {"error"})  # no 'x' beside the error
            self.assertEqual((e["error"]["status"], e["error"]["file"]),
                             ("QL_ERANGE", "t/places"))
            self.assertIn("output 'x' is " + long_, e["error"]["message"])
        finally:
            psql("DELETE FROM quotalevy.rule_files WHERE name = 't/places'")


class Explain(unittest.TestCase):
    def test_the_same_text_as_the_command(self):
        table_of("jilin", "examples/jilin-units")
        for rid in ("JL-A002", "JL-E001"):
            p = subprocess.run([CLI, "explain", "rules/cn/jilin.yaml", "--row", rid,
                                "examples/jilin-units.csv", "--date", "2024-06-30"],
                               cwd=SRC, capture_output=True, text=True)
            self.assertEqual(p.returncode, 0, p.stderr)
            got = psql(f"SELECT quotalevy.explain('cn/jilin', t, '2024-06-30') "
                       f"FROM jilin t WHERE id = '{rid}'")
            want, have = p.stdout.rstrip("\n").splitlines(), got.rstrip("\n").splitlines()
            self.assertEqual(have, want)
            self.assertGreater(len(have), 20)


class Parallel(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        table_of("jilin", "examples/jilin-units")
        psql("DROP TABLE IF EXISTS big; CREATE TABLE big AS "
             "SELECT g AS n, t.* FROM jilin t, generate_series(1, 400) g "
             "WHERE t.id NOT LIKE 'JL-X%'; ANALYZE big;")

    FORCE = ("SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0; "
             "SET min_parallel_table_scan_size = 0; "
             "SET max_parallel_workers_per_gather = 2;")
    QUERY = ("SELECT count(*), sum(r.levy_due), sum(r.shortfall), "
             "md5(string_agg(r::text, ',' ORDER BY r::text)) FROM big b, "
             "LATERAL quotalevy.evaluate_as('cn/jilin', b, '2024-06-30', "
             "NULL::jilin_result) r")

    def test_a_parallel_plan_and_the_same_results_as_serial(self):
        psql("DROP TYPE IF EXISTS jilin_result CASCADE; "
             "SELECT quotalevy.create_result_type('cn/jilin', 'jilin_result');")
        plan = psql(self.FORCE + "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) "
                    + self.QUERY)
        self.assertIn("Gather", plan)
        self.assertRegex(plan, r"Workers Planned: 2")
        self.assertRegex(plan, r"Workers Launched: [12]")
        parallel = psql(self.FORCE + self.QUERY)
        serial = psql("SET max_parallel_workers_per_gather = 0;" + self.QUERY)
        self.assertEqual(parallel, serial)
        want, _ = cli_jsonl("rules/cn/jilin.yaml", "examples/jilin-units", "2024-06-30")
        total = 400 * sum(Decimal(r["levy_due"]) for r in want.values())
        self.assertEqual(Decimal(serial.split("|")[1]), total)


class Keys(unittest.TestCase):
    """Keys and columns the rules do not read are checked as the command
    checks a header (keys.c): a near miss of an input without a key, a
    list's bare name on something that is not an array of its length, a
    list given whole and by item, a column named twice: errors, never a
    field left empty without a word (probe2 P2-30)."""
    DE = "quotalevy.evaluate('de/sgb9', '%s'::jsonb, '2024-12-31')"
    JL = ('{"unit_type": "enterprise", "employees": 860.5, "disabled": 8, '
          '"disabled_severe": 2, "wage_total": 73142500, "local_avg_wage": 90437}')

    def test_a_near_miss_key_is_an_error_naming_the_input(self):
        rest = "".join(', "positions[%d]": null' % k for k in range(3, 13))
        ok = psql("SELECT %s->'levy'" % (self.DE % ('{"positions[1]": 100, '
                                                   '"positions[2]": 100%s}' % rest))).strip()
        self.assertEqual(ok, "7200.00")
        for bad, meant in (("Positions[2]", "positions[2]"), ("positions[02]", "positions[2]"),
                           ("positons[2]", "positions[2]")):
            err = psql_error("SELECT %s" % (self.DE % ('{"positions[1]": 100, "%s": 100}'
                                                      % bad)))
            self.assertIn("key '%s' is not an input of the rules: did you mean '%s'?"
                          % (bad, meant), err)
        # P6-05: an item past the list's end is no slip of its first item
        for bad in ("positions[13]", "positions[0]"):
            err = psql_error("SELECT %s" % (self.DE % ('{"%s": 100%s}' % (bad, rest))))
            self.assertIn("key '%s' is not an input of the rules: 'positions' is a list "
                          "of 12 items, positions[1] … positions[12]" % bad, err)
            self.assertNotIn("did you mean", err)
        rec = self.JL.replace('"employees"', '"employes"')
        err = psql_error(f"SELECT quotalevy.evaluate('cn/jilin', '{rec}', '2024-06-30')")
        self.assertIn("did you mean 'employees'?", err)
        out = sql_results(f"SELECT quotalevy.try_evaluate('cn/jilin', '{rec}', "
                          "'2024-06-30')")[0]
        self.assertEqual(out["error"]["field"], "employes")
        # a key far from every input is passed over, as the command notes it
        rec = self.JL[:-1] + ', "region": "Changchun", "date_loaded": "x"}'
        out = sql_results(f"SELECT quotalevy.evaluate('cn/jilin', '{rec}', '2024-06-30')")[0]
        self.assertEqual(out["levy_due"], "75140.00")

    def test_a_near_miss_is_the_one_the_command_names(self):
        # keys.c had a rule of its own (ASCII case, [0007] padding, an edit
        # distance of min(len/3, 2) bytes): 'employees' with a zero-width
        # space or in full-width letters was passed over with a NOTICE and
        # employees read as empty, where the command stops at "did you mean
        # 'employees'?".  Now the command's rule (nearmiss.h): for each
        # name the suggestion of the command's JSON Lines, in jsonb and in
        # a row's columns alike.
        jl = json.loads(self.JL)
        de = {"workshop_labour": 0, "positions[1]": 100,
              **{"positions[%d]" % k: None for k in range(3, 13)}}
        cases = [("cn/jilin", jl, "employees", "employ\u200bees"),
                 ("cn/jilin", jl, "employees", "\uff45mployees"),
                 ("cn/jilin", jl, "employees", "Employes"),
                 ("cn/jilin", jl, "unit_type", "unit-type"),
                 ("cn/jilin", jl, "disabled_severe", "disabled severe"),
                 ("de/sgb9", de, "positions[2]", "positions\uff3b2\uff3d"),
                 ("de/sgb9", de, "positions[2]", "Positions[02]"),
                 ("de/sgb9", {"workshop_labour": 0}, None, "Position")]
        dates = {"cn/jilin": "2024-06-30", "de/sgb9": "2024-12-31"}
        meant_re = re.compile(r"did you mean (?:the list )?'([^']*)'")
        with tempfile.TemporaryDirectory() as d:
            for rules, rec, gone, slip in cases:
                rec = {k: v for k, v in rec.items() if k != gone}
                rec[slip] = 100
                path = os.path.join(d, "r.jsonl")
                with open(path, "w", encoding="utf-8") as f:
                    f.write(json.dumps(rec, ensure_ascii=False) + "\n")
                p = subprocess.run([CLI, "run", "rules/%s.yaml" % rules, path, "--date",
                                    dates[rules], "-o", os.path.join(d, "o.csv")],
                                   cwd=SRC, capture_output=True, text=True)
                cli = meant_re.search(p.stderr)
                self.assertTrue(cli, (slip, p.stderr))
                lit = json.dumps(rec, ensure_ascii=False).replace("'", "''")
                err = psql_error(f"SELECT quotalevy.evaluate('{rules}', '{lit}'::jsonb, "
                                 f"'{dates[rules]}')")
                self.assertEqual(meant_re.search(err).group(1), cli.group(1), (slip, err))
                cols = ", ".join('%s AS "%s"' % ("NULL::int" if v is None else
                                                 "'%s'::text" % v, k.replace('"', '""'))
                                 for k, v in rec.items())
                err = psql_error(f"SELECT quotalevy.evaluate('{rules}', t, "
                                 f"'{dates[rules]}') FROM (SELECT {cols}) t")
                self.assertIn('did you mean "%s"?' % cli.group(1), err, slip)

    def test_a_list_with_some_items_missing_is_an_error(self):
        """A record or a row with 11 of a list's 12 items read the missing
        month as empty: de/sgb9's levies 6065.00 -> 4595.00, no error, no
        NOTICE (P3-21).  null (NULL) says an item is meant empty."""
        table_of("de_full", "examples/de-employers")
        with open(os.path.join(SRC, "examples/de-employers.csv"), encoding="utf-8") as f:
            header = next(csv.reader(f))
        for gone in (["positions[12]"], ["severely_disabled[3]", "severely_disabled[4]"]):
            cols = ", ".join('"%s"' % h for h in header if h not in gone)
            psql(f"DROP TABLE IF EXISTS de_part; CREATE TABLE de_part AS SELECT {cols} "
                 "FROM de_full")
            lst = gone[0].split("[")[0]
            for arg in ("t", "to_jsonb(t)"):
                err = psql_error(f"SELECT quotalevy.evaluate('de/sgb9', {arg}, "
                                 "'2024-12-31') FROM de_part t")
                what = "key" if arg != "t" else "column"
                self.assertIn("has %d of the 12 items of the list '%s': no %s%s %s, so"
                              % (12 - len(gone), lst, what, "s" if len(gone) > 1 else "",
                                 ", ".join(gone)),
                              err)
            out = sql_results("SELECT quotalevy.try_evaluate('de/sgb9', to_jsonb(t), "
                              "'2024-12-31') FROM de_part t ORDER BY id")
            self.assertEqual({o["error"]["field"] for o in out}, {gone[0]})
            # null: the item meant empty
            nulls = ", ".join("NULL::text AS \"%s\"" % g for g in gone)
            out = sql_results(f"SELECT quotalevy.try_evaluate('de/sgb9', t, '2024-12-31') "
                              f"FROM (SELECT *, {nulls} FROM de_part) t ORDER BY id")
            self.assertEqual(len(out), 5)
        out = sql_results("SELECT quotalevy.evaluate('de/sgb9', t, '2024-12-31') "
                          "FROM de_full t ORDER BY id")
        self.assertEqual([o["levy"] for o in out],
                         ["6065.00", "700.00", "43200.00", "840.00", "0.00"])

    def test_a_list_by_its_bare_name_must_be_an_array_of_its_length(self):
        jp = "quotalevy.evaluate('jp/levy', '%s'::jsonb, '2025-03-31')"
        twelve = "[" + ", ".join(["400"] * 12) + "]"
        eight = "[" + ", ".join(["8"] * 12) + "]"
        ok = psql("SELECT %s->'levy'" % (jp % ('{"full_time": %s, "disabled_full": %s}'
                                                 % (twelve, eight)))).strip()
        self.assertEqual(ok, "1200000")
        for value, what in (("400", "a single value"), ("[400, 400]", "another length"),
                            (twelve[:-1] + ", 400]", "another length")):
            err = psql_error("SELECT %s" % (jp % ('{"full_time": %s, "disabled_full": %s}'
                                                  % (value, eight))))
            self.assertIn("'full_time' is a list of 12 items", err)
            self.assertIn(what, err)
        err = psql_error("SELECT %s" % (self.DE % ('{"positions[1]": 100, '
                                                  '"positions": [100, 100, 100, 100, 100, '
                                                  '100, 100, 100, 100, 100, 100, 100]}')))
        self.assertIn("'positions' is given whole and its item 'positions[1]' too", err)

    def test_a_list_item_past_the_list_is_refused_in_both_forms(self):
        """positions[13] of a 12-item list (or positions[0], Positions[13])
        was the record's error in jsonb but only a NOTICE in the row form,
        where month 13 was dropped: both forms refuse it now, in the same
        words, as the command refuses the column."""
        table_of("de_full", "examples/de-employers")
        tail = "is not an input of the rules: 'positions' is a list of 12 items, " \
               "positions[1] … positions[12]"
        for bad in ("positions[13]", "positions[0]", "Positions[13]"):
            psql(f'DROP TABLE IF EXISTS de_past; CREATE TABLE de_past AS SELECT *, '
                 f'\'5\'::text AS "{bad}" FROM de_full')
            for sub in ("de_past", "(SELECT * FROM de_past OFFSET 0)"):
                err = psql_error(f"SELECT quotalevy.evaluate('de/sgb9', t, '2024-12-31') "
                                 f"FROM {sub} t")
                self.assertIn('column "%s" %s' % (bad, tail), err, (bad, sub))
                self.assertNotIn("did you mean", err)
            for fn in ("evaluate", "explain"):
                err = psql_error(f"SELECT quotalevy.{fn}('de/sgb9', to_jsonb(t), "
                                 f"'2024-12-31') FROM de_past t")
                self.assertIn("key '%s' %s" % (bad, tail), err, (bad, fn))
            out = sql_results("SELECT quotalevy.try_evaluate('de/sgb9', to_jsonb(t), "
                              "'2024-12-31') FROM de_past t")
            self.assertEqual(len(out), 5)
            for o in out:
                self.assertEqual(o["error"]["field"], bad)
                self.assertIn("key '%s' %s" % (bad, tail), o["error"]["message"])

    def test_a_near_miss_of_date_or_id_gets_did_you_mean(self):
        """'Date', 'dat', 'ID': no suggestion was offered for the record's
        own date and id, only a NOTICE — then "no evaluation date" for a
        date, a result without its id for an id.  As the command suggests
        them for a header: 'date' when there is none where one is read
        (on_date NULL), 'id' when the record has none, in every entry
        point and both forms."""
        rec = json.loads(self.JL)
        for slip in ("Date", "dat", "DATE"):
            lit = json.dumps(dict(rec, id="u1", **{slip: "2024-06-30"}))
            want = ("key '%s' is not an input of the rules: did you mean 'date'? (the "
                    "record has no 'date' key and on_date is NULL" % slip)
            for fn in ("evaluate", "explain"):
                self.assertIn(want, psql_error(f"SELECT quotalevy.{fn}('cn/jilin', "
                                               f"'{lit}'::jsonb, NULL)"), (slip, fn))
            out = sql_results(f"SELECT quotalevy.try_evaluate('cn/jilin', '{lit}'::jsonb, "
                              "NULL)")[0]
            self.assertEqual(out["error"]["field"], slip)
            self.assertIn(want, out["error"]["message"])
            # with on_date the record's date is not read: the key is only noted
            out = sql_results(f"SELECT quotalevy.evaluate('cn/jilin', '{lit}'::jsonb, "
                              "'2024-06-30')")[0]
            self.assertEqual(out["levy_due"], "75140.00")
            # with a 'date' of its own, 'Date' is something else
            both = json.dumps(dict(rec, id="u1", date="2024-06-30", **{slip: "x"}))
            out = sql_results(f"SELECT quotalevy.evaluate('cn/jilin', '{both}'::jsonb, "
                              "NULL)")[0]
            self.assertEqual(out["levy_due"], "75140.00")
        for slip in ("ID", "Id"):
            lit = json.dumps(dict(rec, **{slip: "u1"}))
            out = sql_results(f"SELECT quotalevy.try_evaluate('cn/jilin', '{lit}'::jsonb, "
                              "'2024-06-30')")[0]
            self.assertEqual(out["error"]["field"], slip)
            self.assertIn("key '%s' is not an input of the rules: did you mean 'id'?"
                          % slip, out["error"]["message"])
            ok = json.dumps(dict(rec, id="u1", **{slip: "u1"}))
            out = sql_results(f"SELECT quotalevy.evaluate('cn/jilin', '{ok}'::jsonb, "
                              "'2024-06-30')")[0]
            self.assertEqual(out["id"], "u1")
        # the row form: 'Date' per row (on_date may be NULL for some rows
        # only), 'ID' once per call, as the other column slips
        cols = ", ".join("%s AS %s" % ("'%s'::text" % v, k) for k, v in rec.items())
        for sub in ("(SELECT %s, '2024-06-30'::date AS \"Date\") t" % cols,
                    "(SELECT * FROM (SELECT %s, '2024-06-30'::date AS \"Date\") s "
                    "OFFSET 0) t" % cols):
            out = sql_results(f"SELECT quotalevy.try_evaluate('cn/jilin', t, NULL) "
                              f"FROM {sub}")[0]
            self.assertEqual(out["error"]["field"], "Date", sub)
            self.assertIn('column "Date" is not an input of the rules: did you mean '
                          '"date"? (the row has no "date" column and on_date is NULL',
                          out["error"]["message"])
            out = sql_results(f"SELECT quotalevy.evaluate('cn/jilin', t, '2024-06-30') "
                              f"FROM {sub}")[0]
            self.assertEqual(out["levy_due"], "75140.00")
        for sub in ("(SELECT %s, 'u1' AS \"ID\") t" % cols,
                    "(SELECT * FROM (SELECT %s, 'u1' AS \"ID\") s OFFSET 0) t" % cols):
            err = psql_error(f"SELECT quotalevy.evaluate('cn/jilin', t, '2024-06-30') "
                             f"FROM {sub}")
            self.assertIn('column "ID" is not an input of the rules: did you mean "id"?',
                          err, sub)

    def test_the_row_form_checks_its_columns_once(self):
        psql('DROP TABLE IF EXISTS kd, kj; '
             'CREATE TABLE kd ("positions[1]" int, "Positions[2]" int); '
             'INSERT INTO kd VALUES (100, 100); '
             'CREATE TABLE kj (full_time int[], disabled_full int[]); '
             'INSERT INTO kj VALUES (array_fill(400, ARRAY[12]), array_fill(8, ARRAY[12]));')
        for sub in ("kd", "(SELECT * FROM kd OFFSET 0)"):
            err = psql_error(f"SELECT quotalevy.evaluate('de/sgb9', t, '2024-12-31') "
                             f"FROM {sub} t")
            self.assertIn('column "Positions[2]" is not an input of the rules: did you '
                          'mean "positions[2]"?', err)
        # an array column under a list's bare name is the list, as in jsonb
        for arg, sub in (("t", "kj"), ("t", "(SELECT * FROM kj OFFSET 0)"),
                         ("to_jsonb(t)", "kj")):
            out = psql(f"SELECT quotalevy.evaluate('jp/levy', {arg}, '2025-03-31')->'levy' "
                       f"FROM {sub} t").strip()
            self.assertEqual(out, "1200000", (arg, sub))
        err = psql_error("SELECT quotalevy.evaluate('jp/levy', t, '2025-03-31') FROM "
                         "(SELECT 400 AS full_time) t")
        self.assertIn('column "full_time" names a list input of 12 items, but is integer, '
                      'not an array', err)
        err = psql_error("SELECT quotalevy.evaluate('cn/jilin', t, '2024-06-30') FROM "
                         "(SELECT 'enterprise' AS unit_type, 100 AS employees, "
                         "200 AS employees) t")
        self.assertIn('column "employees" is given twice', err)


class RowsAndText(unittest.TestCase):
    """probe2 P2-30's rest: a list input from an array column in the row
    form, read as the jsonb form reads a JSON array; a key given twice in a
    record written as JSON text (or json) refused, not resolved by the cast
    to jsonb; names the rules do not read noted once per statement."""
    JP = ("quotalevy.%s('jp/levy', t, '2025-03-31')")

    @classmethod
    def setUpClass(cls):
        psql("DROP TABLE IF EXISTS jpa; CREATE TABLE jpa (id text, full_time int[], "
             "disabled_full numeric[], short_time smallint[], note text); "
             "INSERT INTO jpa VALUES ('a', array_fill(400, ARRAY[12]), "
             "array_fill(8, ARRAY[12]), NULL, 'x'), "
             "('b', array_fill(1000, ARRAY[12]), array_fill(40, ARRAY[12]), "
             "array_fill(NULL::smallint, ARRAY[12]), 'y'), "
             "('c', ARRAY[400, 400], array_fill(8, ARRAY[12]), NULL, 'z'), "
             "('d', array_fill(400, ARRAY[3, 4]), array_fill(8, ARRAY[12]), NULL, 'w')")

    def test_an_array_column_is_the_lists_items_in_every_row_form(self):
        for sub in ("jpa", "(SELECT * FROM jpa OFFSET 0)"):
            rows = sql_results(f"SELECT quotalevy.try_evaluate('jp/levy', t, '2025-03-31') "
                               f"FROM {sub} t ORDER BY id")
            # the same as the jsonb form, which reads a JSON array
            want = sql_results("SELECT quotalevy.try_evaluate('jp/levy', to_jsonb(t), "
                               "'2025-03-31') FROM jpa t ORDER BY id")
            self.assertEqual(rows[:2], want[:2], sub)
            self.assertEqual((rows[0]["levy"], rows[1]["adjustment"]), ("1200000", "4860000"))
            for r, what in ((rows[2], "not an array of 2"),
                            (rows[3], "not an array of 2 dimensions")):
                self.assertEqual((r["error"]["field"], r["error"]["status"]),
                                 ("full_time", "QL_ERECORD"))
                self.assertIn("'full_time' is a list of 12 items: give an array of 12 "
                              "values (NULL for an empty item), " + what, r["error"]["message"])
        # by items and whole at once; a float array
        err = psql_error("SELECT quotalevy.evaluate('jp/levy', t, '2025-03-31') FROM "
                         "(SELECT 1 AS \"full_time[3]\", full_time FROM jpa) t")
        self.assertIn('the list "full_time" is given whole and its item "full_time[3]" too',
                      err)
        err = psql_error("SELECT quotalevy.evaluate('jp/levy', t, '2025-03-31') FROM "
                         "(SELECT full_time::float8[] AS full_time FROM jpa) t")
        self.assertIn("binary floating point", err)
        # a bad element is that item's error
        r = sql_results("SELECT quotalevy.try_evaluate('jp/levy', t, '2025-03-31') FROM "
                        "(SELECT array_fill('x'::text, ARRAY[12]) AS full_time) t")[0]
        self.assertEqual(r["error"]["field"], "full_time[1]")

    def test_a_key_given_twice_in_json_text_is_the_records_error(self):
        rec = ('{"unit_type": "enterprise", "employees": 126, "disabled": 0, '
               '"disabled_severe": 0, "wage_total": 6930000, "local_avg_wage": 90437, '
               '"disabled": 1}')
        # jsonb keeps the last: 50292.00 with 1 disabled, 80202.00 with 0
        self.assertEqual(psql(f"SELECT quotalevy.evaluate('cn/jilin', '{rec}'::jsonb, "
                              "'2024-06-30')->>'levy_due'").strip(), "50292.00")
        for cast in ("", "::text", "::json"):
            err = psql_error(f"SELECT quotalevy.evaluate('cn/jilin', '{rec}'{cast}, "
                             "'2024-06-30')")
            self.assertIn("key 'disabled' appears twice in the record", err, cast)
            self.assertIn('DETAIL:  status QL_ERECORD, key "disabled"', err, cast)
            out = sql_results(f"SELECT quotalevy.try_evaluate('cn/jilin', '{rec}'{cast}, "
                              "'2024-06-30')")[0]
            self.assertEqual(out["error"]["field"], "disabled")
            for fn in ("explain('cn/jilin', '%s'%s, '2024-06-30')",
                       "evaluate_as('cn/jilin', '%s'%s, '2024-06-30', NULL::jl1)"):
                err = psql_error("DROP TYPE IF EXISTS jl1; CREATE TYPE jl1 AS (levy_due "
                                 f"numeric); SELECT quotalevy.{fn % (rec, cast)}")
                self.assertIn("appears twice", err, fn)
        # only the top level's keys are the record's; a nested duplicate is
        # the value's own business (and not JSON at all is a record error)
        ok = rec.replace(', "disabled": 1}', ', "x": {"a": 1, "a": 2}}').replace(
            '"disabled": 0', '"disabled": 1')
        self.assertEqual(psql(f"SELECT quotalevy.evaluate('cn/jilin', '{ok}', "
                              "'2024-06-30')->>'levy_due'").strip(), "50292.00")
        out = sql_results("SELECT quotalevy.try_evaluate('cn/jilin', r, '2024-06-30') "
                          "FROM (VALUES ('{\"unit_type\": '), ('[1')) v(r)")
        self.assertEqual([o["error"]["status"] for o in out], ["QL_ERECORD"] * 2)
        self.assertTrue(all(o["error"]["message"].startswith("the record is not JSON")
                            for o in out))

    def test_names_not_read_are_noted_once_a_statement(self):
        p = psql("SELECT quotalevy.try_evaluate('jp/levy', t, '2025-03-31') FROM jpa t; "
                 "SELECT quotalevy.evaluate('cn/jilin', '{\"unit_type\": \"enterprise\", "
                 "\"employees\": 1, \"disabled\": 0, \"disabled_severe\": 0, "
                 "\"wage_total\": 1, \"local_avg_wage\": 1, \"region\": \"x\"}', "
                 "'2024-06-30') FROM generate_series(1, 5)", check=False)
        self.assertEqual(p.returncode, 0, p.stderr)
        def notes(text):
            return [l.split("NOTICE:  ", 1)[1] for l in text.splitlines() if "NOTICE:" in l]
        self.assertEqual(notes(p.stderr), [
            '00000: quotalevy: column "note" is not an input of rule set '
            '"jp/levy" and is not read',
            '00000: quotalevy: key "region" is not an input of rule set '
            '"cn/jilin" and is not read'], p.stderr)
        # id and date are read; so is every column of the example tables
        # but a unit's name
        table_of("jilin", "examples/jilin-units")
        p = psql("SELECT quotalevy.try_evaluate('cn/jilin', t, '2024-06-30') FROM jilin t",
                 check=False)
        self.assertEqual(notes(p.stderr),
                         ['00000: quotalevy: column "name" is not an input of '
                          'rule set "cn/jilin" and is not read'])


class ColumnsForm(unittest.TestCase):
    """A whole-row argument over a table is rewritten at plan time into the
    row's columns (support.c): the same answers as the row itself."""
    CALLS = {"evaluate": "quotalevy.evaluate('cn/jilin', t, '2024-06-30')::text",
             "try_evaluate": "quotalevy.try_evaluate('cn/jilin', t, '2024-06-30')::text",
             "evaluate_as": "quotalevy.evaluate_as('cn/jilin', t, '2024-06-30', "
                            "NULL::jilin_all)::text",
             "explain": "quotalevy.explain('cn/jilin', t, '2024-06-30')"}

    @classmethod
    def setUpClass(cls):
        table_of("jilin", "examples/jilin-units")
        psql("DROP TYPE IF EXISTS jilin_all CASCADE; "
             "SELECT quotalevy.create_result_type('cn/jilin', 'jilin_all');")

    def same_as_the_row(self, table, where="id NOT LIKE 'JL-X%'"):
        for name, call in self.CALLS.items():
            if name != "try_evaluate":
                cond = where
            else:
                cond = "true"
            plan = psql(f"EXPLAIN VERBOSE SELECT {call} FROM {table} t WHERE {cond}")
            self.assertIn(f"quotalevy.{name}_columns(", plan)
            cols = psql(f"SELECT t.id, {call} FROM {table} t WHERE {cond} ORDER BY 1")
            self.assertIn("JL-E001|", cols)
            row = psql(f"SELECT t.id, {call} FROM (SELECT * FROM {table} OFFSET 0) t "
                       f"WHERE {cond} ORDER BY 1")
            plan = psql(f"EXPLAIN VERBOSE SELECT {call} FROM "
                        f"(SELECT * FROM {table} OFFSET 0) t")
            self.assertNotIn("_columns(", plan)
            if name == "try_evaluate":
                # the columns form also knows the table and the row's ctid
                cols = [json.loads(line.split("|", 1)[1]) for line in cols.splitlines()]
                row = [json.loads(line.split("|", 1)[1]) for line in row.splitlines()]
                bad = [r["error"] for r in cols if "error" in r]
                self.assertEqual(len(bad), 6)
                self.assertTrue(all(e["table"] == f"public.{table}" and
                                    re.fullmatch(r"\(\d+,\d+\)", e["ctid"])
                                    for e in bad))
                for r in bad:
                    del r["table"], r["ctid"]
            self.assertEqual(cols, row, name)
            self.assertGreater(len(cols), 10)

    def test_a_table_row_is_read_as_its_columns_with_the_same_results(self):
        self.same_as_the_row("jilin")

    def test_dropped_and_added_columns(self):
        psql("DROP TABLE IF EXISTS jilin_altered; "
             "CREATE TABLE jilin_altered AS SELECT * FROM jilin; "
             "ALTER TABLE jilin_altered DROP COLUMN name, DROP COLUMN posts, "
             "ADD COLUMN posts text, ADD COLUMN remark text DEFAULT 'x';"
             "UPDATE jilin_altered a SET posts = j.posts FROM jilin j WHERE a.id = j.id")
        self.same_as_the_row("jilin_altered")

    def test_called_by_hand_it_refuses_null_or_varying_names(self):
        # the columns form is a public function (EXPLAIN VERBOSE shows it):
        # a NULL names array or name segfaulted the backend, restarting the
        # server, and names varying by row were read as the first row's
        # (probe5 P5-09)
        vals = "'a'::text, 'enterprise'::text, 100, 1, 0, 10000000, 90000"
        names = "'id','unit_type','employees','disabled','disabled_severe','wage_total'"
        for fn in ("evaluate_columns", "try_evaluate_columns", "explain_columns"):
            for arr, want in ((f"ARRAY[{names}, NULL]", "column name 7 of 7 is NULL"),
                              ("NULL::text[]", 'argument "columns" is NULL'),
                              ("'{{id},{x}}'::text[]", "one-dimensional")):
                err = psql_error(f"SELECT quotalevy.{fn}('cn/jilin', {arr}, '2024-06-30', "
                                 f"NULL, 'pg_class'::regclass, '(0,1)', {vals})")
                self.assertIn(want, err, fn)
            self.assertEqual(psql("SELECT 1").strip(), "1")
        psql("DROP TABLE IF EXISTS names_by_row; "
             "CREATE TABLE names_by_row (k int, names text[], a numeric, b numeric); "
             "INSERT INTO names_by_row VALUES (1, '{employees,disabled}', 100, 1), "
             "(2, '{disabled,employees}', 1, 200);")
        err = psql_error(
            "SELECT quotalevy.try_evaluate_columns('cn/jilin', names || "
            "'{unit_type,disabled_severe,wage_total,local_avg_wage}'::text[], "
            "'2024-06-30', NULL, 'names_by_row'::regclass, '(0,1)', a, b, "
            "'enterprise'::text, 0, 10000000, 90000) FROM names_by_row")
        self.assertIn("the column names must be a constant", err)
        # the planner's own rewrite (a constant) still works
        out = psql(f"SELECT quotalevy.evaluate_columns('cn/jilin', ARRAY[{names}, "
                   f"'local_avg_wage'], '2024-06-30', NULL, 'pg_class'::regclass, "
                   f"'(0,1)', {vals}) ->> 'required_disabled'")
        self.assertEqual(out.strip(), "1.60000")

    def test_an_outer_joins_missing_row_is_the_records_error(self):
        # never a NULL that sum() or the error query passes over (P3-10)
        for name, call in self.CALLS.items():
            sql = f"SELECT {call} FROM (VALUES (1)) v(x) LEFT JOIN jilin t ON false"
            self.assertIn("_columns(", psql("EXPLAIN VERBOSE " + sql))
            if name == "try_evaluate":
                err = json.loads(psql(sql))["error"]
                self.assertEqual(err["status"], "QL_ERECORD")
                self.assertIn("the record is NULL", err["message"])
            else:
                self.assertIn("the record is NULL", psql_error(sql), name)


class RecordEdges(unittest.TestCase):
    """probe3's PostgreSQL findings: a record's own date beside on_date
    (P3-01), a NULL record (P3-10), JSON numbers with an exponent read as
    the command reads them (P3-13), names, keys and ids escaped in messages
    (P3-24); no record's text ends the statement (P4-20)."""
    REC = ('{"id": "A", "unit_type": "enterprise", "employees": 126, "disabled": 1, '
           '"disabled_severe": 0, "wage_total": 6930000, "local_avg_wage": 90437')

    @classmethod
    def setUpClass(cls):
        psql("DROP TABLE IF EXISTS u2, u2t, uj; "
             "CREATE TABLE u2 (id text, unit_type text, employees numeric, disabled int, "
             "disabled_severe int, wage_total numeric, local_avg_wage numeric, date date); "
             "INSERT INTO u2 VALUES ('A','enterprise',126,1,0,6930000,90437,'1990-01-01'), "
             "('B','enterprise',126,1,0,6930000,90437,NULL); "
             "CREATE TABLE u2t AS SELECT id, unit_type, employees, disabled, "
             "disabled_severe, wage_total, local_avg_wage, "
             "CASE WHEN id = 'A' THEN 'garbage' END AS date FROM u2; "
             "CREATE TABLE uj (id int, rec jsonb); "
             f"INSERT INTO uj VALUES (1, '{cls.REC}}}'), (2, NULL), "
             "(3, '{\"unit_type\": \"enterprise\", \"employees\": \"x\"}')")

    def test_a_records_own_date_beside_on_date_is_its_error(self):
        # the command refuses --date with a 'date' column; here each record
        # that gives its own date while on_date gives one is its error
        want = "the record's 'date' %s gives its evaluation date, and so does on_date"
        for table in ("u2", "u2t"):
            for arg, sub, what in (("t", table, "column"),
                                   ("t", f"(SELECT * FROM {table} OFFSET 0)", "column"),
                                   ("to_jsonb(t)", table, "key"),
                                   ("to_jsonb(t)::text", table, "key"),
                                   ("to_json(t)", table, "key")):
                rows = sql_results(f"SELECT quotalevy.try_evaluate('cn/jilin', {arg}, "
                                   f"'2024-06-30') FROM {sub} t ORDER BY id")
                self.assertEqual(rows[0]["error"]["field"], "date", (arg, sub))
                self.assertIn(want % what, rows[0]["error"]["message"])
                self.assertEqual(rows[0]["id"], "A")
                # a NULL date is no date: on_date's
                self.assertEqual(rows[1]["levy_due"], "50292.00")
                err = psql_error(f"SELECT quotalevy.evaluate('cn/jilin', {arg}, "
                                 f"'2024-06-30') FROM {sub} t WHERE id = 'A'")
                self.assertIn(want % what, err)
            # on_date NULL: each record's own date (or its error)
            rows = sql_results(f"SELECT quotalevy.try_evaluate('cn/jilin', t, NULL) "
                               f"FROM {table} t ORDER BY id")
            self.assertEqual(rows[0]["error"]["status"],
                             "QL_ENODATA" if table == "u2" else "QL_ERECORD")
            self.assertIn("no evaluation date", rows[1]["error"]["message"])
        rec = self.REC + ', "date": "garbage"}'
        out = sql_results(f"SELECT quotalevy.try_evaluate('cn/jilin', '{rec}'::jsonb, "
                          "'2024-06-30')")[0]
        self.assertEqual((out["error"]["field"], out["error"]["status"]),
                         ("date", "QL_ERECORD"))
        rec = self.REC + ', "date": null}'
        self.assertEqual(psql(f"SELECT quotalevy.evaluate('cn/jilin', '{rec}'::jsonb, "
                              "'2024-06-30')->>'levy_due'").strip(), "50292.00")

    def test_a_date_the_library_cannot_hold_is_refused_never_read_as_empty(self):
        # probe6 P6-02: a date column holding 'infinity', a BC date or a
        # year past 9999 was written as "" and so read as an empty field —
        # "field 'registered' is empty but is needed here", or, where a
        # rule asks present(), the unit levied as if it had given none;
        # such a row's own evaluation date was "bad argument: an unknown
        # flag, or …", and an on_date so was the same for every row
        psql("DROP TABLE IF EXISTS ud; "
             "CREATE TABLE ud (id text, unit_type text, employees numeric, disabled int, "
             "disabled_severe int, wage_total numeric, local_avg_wage numeric, "
             "registered date, date date); "
             "INSERT INTO ud VALUES "
             "('inf','enterprise',10,0,0,600000,50000,'infinity',NULL), "
             "('ninf','enterprise',10,0,0,600000,50000,'-infinity',NULL), "
             "('bc','enterprise',10,0,0,600000,50000,'0044-03-15 BC',NULL), "
             "('y10k','enterprise',10,0,0,600000,50000,'10000-01-01',NULL), "
             "('ok','enterprise',10,0,0,600000,50000,'2015-01-01',NULL)")
        texts = {"inf": "infinity", "ninf": "-infinity", "bc": "0044-03-15 BC",
                 "y10k": "10000-01-01"}
        for arg, sub in (("t", "ud"), ("t", "(SELECT * FROM ud OFFSET 0)"),
                         ("to_jsonb(t)", "ud")):
            rows = sql_results(f"SELECT quotalevy.try_evaluate('cn/jilin', {arg}, "
                               f"'2016-06-30') FROM {sub} t ORDER BY id")
            by_id = {r["id"]: r for r in rows}
            self.assertEqual(by_id["ok"]["levy_due"], "0.00", (arg, sub))
            for k, text in texts.items():
                e = by_id[k].get("error") or {}
                self.assertEqual((e.get("field"), e.get("status")),
                                 ("registered", "QL_ERECORD"), (arg, sub, k, by_id[k]))
                self.assertIn(f"'{text}' is not a date", e["message"], (arg, sub, k))
        psql("UPDATE ud SET registered = '2015-01-01', date = registered")
        psql("UPDATE ud SET date = '2016-06-30' WHERE id = 'ok'")
        for sub in ("ud", "(SELECT * FROM ud OFFSET 0)"):
            rows = sql_results("SELECT quotalevy.try_evaluate('cn/jilin', t, NULL) "
                               f"FROM {sub} t WHERE id IN ('bc', 'y10k', 'ok') ORDER BY id")
            self.assertEqual(rows[1]["levy_due"], "0.00", sub)
            for r, text in ((rows[0], "0044-03-15 BC"), (rows[2], "10000-01-01")):
                self.assertEqual((r["error"]["field"], r["error"]["status"]),
                                 ("date", "QL_ERECORD"), (sub, r))
                # the command's words for the field's text
                self.assertEqual(r["error"]["message"],
                                 f"'{text}' is not a date (expected YYYY-MM-DD)")
        for on in ("0044-03-15 BC", "10000-01-01"):
            err = psql_error("SELECT quotalevy.try_evaluate('cn/jilin', t, "
                             f"'{on}') FROM ud t")
            self.assertIn(f"the evaluation date {on} is outside 0001-01-01", err)

    def test_the_first_and_last_day_the_library_holds_are_read_and_one_past_is_not(self):
        # qlpg_date_of holds the range's ends as numbers: 0001-01-01 and
        # 9999-12-31 are read as dates in a column, a row's date and the
        # evaluation date; the day before the first (1 BC's last) is not
        psql("DROP TABLE IF EXISTS ue; "
             "CREATE TABLE ue (id text, unit_type text, employees numeric, disabled int, "
             "disabled_severe int, wage_total numeric, local_avg_wage numeric, "
             "registered date, date date); "
             "INSERT INTO ue VALUES "
             "('first','enterprise',10,0,0,600000,50000,'0001-01-01','2016-06-30'), "
             "('last','enterprise',10,0,0,600000,50000,'9999-12-31','2016-06-30'), "
             "('before','enterprise',10,0,0,600000,50000,'0001-12-31 BC','2016-06-30')")
        for arg in ("t", "to_jsonb(t)"):
            rows = {r["id"]: r for r in sql_results(
                f"SELECT quotalevy.try_evaluate('cn/jilin', {arg}, NULL) FROM ue t")}
            for k in ("first", "last"):
                self.assertNotIn("is not a date", str(rows[k].get("error")), (arg, k))
            self.assertIn("'0001-12-31 BC' is not a date", rows["before"]["error"]["message"])
        psql("UPDATE ue SET date = registered, registered = '2015-01-01'")
        rows = {r["id"]: r for r in sql_results(
            "SELECT quotalevy.try_evaluate('cn/jilin', t, NULL) FROM ue t")}
        for k in ("first", "last"):
            self.assertNotIn("is not a date", str(rows[k].get("error")), k)
        self.assertIn("'0001-12-31 BC' is not a date", rows["before"]["error"]["message"])
        for on in ("0001-01-01", "9999-12-31"):
            out = psql(f"SELECT quotalevy.try_evaluate('cn/jilin', t, '{on}') "
                       "FROM ue t WHERE id = 'first'", check=False)
            self.assertNotIn("is outside 0001-01-01", out.stdout + out.stderr, on)
        err = psql_error("SELECT quotalevy.try_evaluate('cn/jilin', t, '0001-12-31 BC') "
                         "FROM ue t")
        self.assertIn("the evaluation date 0001-12-31 BC is outside 0001-01-01", err)

    def test_a_null_record_is_listed_by_the_error_query(self):
        # the manual's "one bad row in a million" pattern counts it
        out = psql("SELECT count(*), count(r), count(*) FILTER (WHERE r ? 'error'), "
                   "sum((r->>'levy_due')::numeric) FROM (SELECT quotalevy.try_evaluate("
                   "'cn/jilin', rec, '2024-06-30') r FROM uj) s").strip()
        self.assertEqual(out, "3|3|2|50292.00")
        for cast in ("::jsonb", "::text", "::json"):
            out = sql_results(f"SELECT quotalevy.try_evaluate('cn/jilin', NULL{cast}, "
                              "'2024-06-30')")[0]
            self.assertEqual(out["error"]["status"], "QL_ERECORD", cast)
            self.assertIn("the record is NULL", out["error"]["message"])
            for fn in ("evaluate('cn/jilin', NULL%s, '2024-06-30')",
                       "explain('cn/jilin', NULL%s, '2024-06-30')",
                       "evaluate_as('cn/jilin', NULL%s, '2024-06-30', NULL::u2)"):
                err = psql_error("SELECT quotalevy." + fn % cast)
                self.assertIn("the record is NULL", err, fn)
                self.assertIn("22023", err)
        # a NULL row of a composite type (not a table's: the row form)
        out = sql_results("SELECT quotalevy.try_evaluate('cn/jilin', NULL::u2, "
                          "'2024-06-30')")[0]
        self.assertIn("the record is NULL", out["error"]["message"])
        # a NULL rule set name stops the statement, in every mode
        for fn in ("evaluate", "try_evaluate", "explain"):
            err = psql_error(f"SELECT quotalevy.{fn}(NULL, '{self.REC}}}'::jsonb, "
                             "'2024-06-30')")
            self.assertIn('argument "rules" is NULL', err)

    def test_json_numbers_with_an_exponent_are_read_as_the_command_reads_them(self):
        rules = ("quotalevy: 1\nid: ex\ntitle: ex\njurisdiction: XX\ncurrency: EUR\n"
                 "version: '1'\ninputs:\n  n: {type: decimal, scale: 6}\n"
                 "computed:\n  m: {expr: n * 2, scale: 6}\noutputs: [m]\n")
        psql(f"SELECT quotalevy.add_rule_file('t/exp', $ql${rules}$ql$)")
        texts = ["1e2", "1E+2", "1.5E+1", "1e-2", "2.50e-3", "-12.34e1", "0e5",
                 "0.000e2", "1.25e-4", "-7E-1", "123456e-3", "1.0000000e0",
                 "1.25e-6", "1e-7", "1e400", "1e-400", "12345678901234567890e-10",
                 "9.999999999999999999e18", '"1e2"', "100", "0.5"]
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "ex.yaml")
            with open(path, "w") as f:
                f.write(rules)
            data = os.path.join(d, "ex.jsonl")
            with open(data, "w") as f:
                f.writelines('{"id": "%d", "n": %s}\n' % (i, t) for i, t in enumerate(texts))
            rows, rejects = cli_jsonl_file(path, data, "--date", "2024-06-30")
        self.assertEqual(len(rows) + len(rejects), len(texts))
        self.assertGreater(len(rows), 10)
        values = ", ".join("('%d', $j$%s$j$)" % (i, t) for i, t in enumerate(texts))
        # jsonb, and the text forms, which read the text as written
        for cast in ("::jsonb", "::text", "::json"):
            out = sql_results(f"SELECT quotalevy.try_evaluate('t/exp', "
                              f"('{{\"id\": \"' || i || '\", \"n\": ' || t || '}}'){cast}, "
                              f"'2024-06-30') FROM (VALUES {values}) v(i, t) "
                              "ORDER BY i::int")
            got = {r["id"]: r for r in out}
            self.assertEqual(len(got), len(texts))
            for i, t in enumerate(texts):
                k = str(i)
                if k in rows:
                    self.assertEqual(got[k].get("m"), rows[k]["m"], (t, cast))
                else:
                    self.assertIn("error", got[k], (t, cast))
                    self.assertEqual(got[k]["error"]["field"], rejects[k]["field"], t)

    def test_a_record_with_no_input_among_its_keys_is_its_error(self):
        # probe5 P5-07: '{}'::jsonb or only an id gave Japan's levy 0 on the
        # inputs' defaults; the command stops such a header
        for rec in ("{}", '{"id": "a"}', '{"番号": 1, "x": 2}'):
            for cast in ("jsonb", "json", "text"):
                with self.subTest(rec=rec, cast=cast):
                    out = sql_results(f"SELECT quotalevy.try_evaluate('jp/levy', "
                                      f"'{rec}'::{cast}, '2025-10-01')")[0]
                    self.assertEqual(out["error"]["status"], "QL_ERECORD", out)
                    self.assertIn("no key is an input of the rule set 'jp-levy' (the record "
                                  "has ", out["error"]["message"])
                    if rec == '{"id": "a"}':  # the words of every front end (noinput.h)
                        self.assertEqual(out["error"]["message"],
                                         "no key is an input of the rule set 'jp-levy' (the record has only 'id'; the rules read exclusion_rate, industry, full_time[1], …): it would be evaluated on the inputs' defaults alone")
        # a row whose columns are none an input stops the statement, as the
        # command stops such a header
        psql('DROP TABLE IF EXISTS noin; CREATE TABLE noin (id text, "番号" int, x int); '
             "INSERT INTO noin VALUES ('a', 1, 2)")
        err = psql_error("SELECT quotalevy.try_evaluate('jp/levy', t, '2025-10-01') "
                         "FROM noin t")
        self.assertIn("no column is an input of the rule set 'jp-levy' (the row has "
                      "'番号', 'x'; the rules read ", err)
        # a good record beside them is still levied
        rows = sql_results("SELECT quotalevy.try_evaluate('cn/jilin', r::jsonb, '2024-06-30') "
                           f"FROM (VALUES ('{{}}'), ('{self.REC}}}')) v(r)")
        self.assertIn("error", rows[0])
        self.assertEqual(rows[1]["levy_due"], "50292.00")

    def test_no_text_of_one_record_ends_the_statement(self):
        """P4-20: PostgreSQL's own readers raise on some texts (its JSON
        parser recurses once a level; numeric_in refuses an exponent past
        1000, 131,072 digits, 16,383 places): each is that record's error
        or, for a number the rules do not read, passed over — the command's
        answers — and the other rows are levied."""
        fields = self.REC[len('{"id": "A", '):]
        numbers = ["1e999999", "1E+99999999999", "1e-99999999999", "-1e1001",
                   "1e1000", "1e-1000", "1e157", "1e156", "1.5e-154", "1.5e-155",
                   "1" * 200000, "0." + "0" * 20000 + "1", "9" * 1001, "1e100000",
                   "2.5E+2"]
        recs = []  # (id, text): each number as an input's value, and as a key's not read
        for i, t in enumerate(numbers):
            recs.append(("n%d" % i, '{"id": "n%d", %s}' % (i, fields.replace(
                '"employees": 126', '"employees": ' + t))))
            recs.append(("u%d" % i, '{"id": "u%d", %s, "note": %s}' % (i, fields, t)))
        with tempfile.TemporaryDirectory() as d:
            data = os.path.join(d, "n.jsonl")
            with open(data, "w") as f:
                f.writelines(r + "\n" for _, r in recs)
            # (the first record has no "note": the others' are ignored knowingly)
            rows, rejects = cli_jsonl_file("rules/cn/jilin.yaml", data, "--date", "2024-06-30",
                                           "--ignore-columns", "note")
        self.assertEqual(len(rows) + len(rejects), len(recs))
        self.assertEqual(sorted(rejects), sorted("n%d" % i for i in range(14)))
        # the command takes no nested value; here one not read is passed over
        for i, t in enumerate(numbers):
            recs.append(("v%d" % i, '{"id": "v%d", %s, "note": [%s, {"a": %s}]}'
                         % (i, fields, t, t)))
            rows["v%d" % i] = {"levy_due": "50292.00"}
        deep = ('{"id": "deep", "x": ' + "[" * 20000 + "]" * 20000 + ", " + fields + "}")
        psql("DROP TABLE IF EXISTS p420; CREATE TABLE p420 (n int, id text, rec text); "
             "INSERT INTO p420 VALUES " +
             ", ".join("(%d, '%s', $j$%s$j$)" % (k, i, r) for k, (i, r) in enumerate(recs)) +
             f", (1000, 'deep', $j${deep}$j$), (1001, 'open', repeat('[', 100000)), "
             f"(1002, 'obj', repeat('{{\"a\": ', 100000)), (1003, 'good', $j${self.REC}}}$j$)")
        for cast in ("", "::json"):
            if cast:  # json_in recurses as well: the deep texts cannot be json
                psql("DELETE FROM p420 WHERE n BETWEEN 1000 AND 1002")
            out = sql_results(f"SELECT quotalevy.try_evaluate('cn/jilin', rec{cast}, "
                              "'2024-06-30') || jsonb_build_object('n', id) FROM p420 "
                              "ORDER BY n")
            got = {o["n"]: o for o in out}
            self.assertEqual(len(got), len(recs) + (4 if not cast else 1), cast)
            self.assertEqual(got["good"]["levy_due"], "50292.00")
            for i, _ in recs:
                if i in rows:
                    self.assertEqual(got[i].get("levy_due"), rows[i]["levy_due"], (i, cast))
                else:
                    e, r = got[i]["error"], rejects[i]
                    self.assertEqual((e["status"], e["field"]), (r["status"], r["field"]), i)
                    self.assertTrue(r["message"].endswith(e["message"]),
                                    (i, r["message"], e["message"]))
            if not cast:
                self.assertEqual(got["deep"]["error"]["field"], "x")
                self.assertIn("key 'x' is nested more than 64 levels deep: a record is flat",
                              got["deep"]["error"]["message"])
                for i in ("open", "obj"):
                    self.assertEqual(got[i]["error"]["status"], "QL_ERECORD", i)
                    self.assertIn("nested more than 64 levels deep",
                                  got[i]["error"]["message"])
        # and as errors of evaluate, not ends of the backend or the statement's others
        err = psql_error("SELECT quotalevy.evaluate('cn/jilin', rec, '2024-06-30') "
                         "FROM p420 WHERE id = 'n0'")
        self.assertIn("'1e999999' is not a valid decimal", err)
        # a text past the command's 16 MiB, and bad escapes, are the record's error
        out = sql_results("SELECT quotalevy.try_evaluate('cn/jilin', r, '2024-06-30') FROM "
                          "(VALUES ('{\"id\": \"' || repeat('x', 16 << 20) || '\"}'), "
                          "('{\"note\": \"\\u0000\"}'), ('{\"note\": \"\\ud800\"}'), "
                          "('{\"id\": \"\\ud800x\"}')) v(r)")
        self.assertEqual([o["error"]["status"] for o in out], ["QL_ERECORD"] * 4)
        self.assertIn("more than the 16 MiB a record may have", out[0]["error"]["message"])
        self.assertTrue(all(o["error"]["message"].startswith("the record is not JSON")
                            for o in out[1:]), out)

    def test_names_keys_and_ids_are_shown_escaped(self):
        psql('DROP TABLE IF EXISTS de_cr; CREATE TABLE de_cr ("positions[1]" int, '
             'U&"positions[2]\\000D" int, U&"remark\\200B" text); '
             "INSERT INTO de_cr VALUES (100, 100, 'x')")
        err = psql_error("SELECT quotalevy.try_evaluate('de/sgb9', t, '2024-12-31') "
                         "FROM de_cr t")
        self.assertIn('column "positions[2]\\r" is not an input of the rules: did you '
                      'mean "positions[2]"?', err)
        self.assertNotIn("\r", err)
        p = psql("SELECT quotalevy.try_evaluate('de/sgb9', to_jsonb(t) - 'positions[2]' || "
                 "'{\"positions[2]\": 1}', '2024-12-31') FROM de_cr t", check=False)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn('key "remark\\u200B" is not an input of rule set "de/sgb9"', p.stderr)
        # an id and a key with a newline: one line each, shown by number
        rec = self.REC.replace('"id": "A"', '"id": "A\\nB"').replace(
            '"employees"', '"employe\\nes"') + "}"
        err = psql_error(f"SELECT quotalevy.evaluate('cn/jilin', '{rec}'::jsonb, "
                         "'2024-06-30')")
        self.assertIn('record "A\\nB": key \'employe\\nes\' is not an input', err)
        self.assertEqual(err.count("ERROR:"), 1, err)
        self.assertNotIn("A\nB", err)
        self.assertNotIn("employe\nes", err)
        out = sql_results(f"SELECT quotalevy.try_evaluate('cn/jilin', '{rec}'::jsonb, "
                          "'2024-06-30')")[0]
        self.assertEqual(out["error"]["field"], "employe\\nes")
        self.assertEqual(out["id"], "A\nB")  # the data itself, to join back by
        # a key given twice in JSON text, with a tab in it
        dup = '{"a\\tb": 1, "a\\tb": 2}'
        err = psql_error(f"SELECT quotalevy.evaluate('cn/jilin', '{dup}'::text, "
                         "'2024-06-30')")
        self.assertIn("key 'a\\tb' appears twice", err)


class Loader(unittest.TestCase):
    def test_the_bundled_rule_sets_with_one_command(self):
        """quotalevy-load-rules with no argument stores every bundled rule
        set from the installed share/quotalevy/rules, by the names the
        issue lists, and running it again replaces them."""
        psql("DROP DATABASE IF EXISTS ld; CREATE DATABASE ld;")
        env = dict(ENV, PGDATABASE="ld")
        with tempfile.TemporaryDirectory() as prefix:
            # the installed layout: bin/ beside share/quotalevy/rules (tests too)
            os.makedirs(os.path.join(prefix, "bin"))
            shutil.copy(os.path.join(SRC, "bindings/postgresql/quotalevy-load-rules"),
                        os.path.join(prefix, "bin"))
            shutil.copytree(os.path.join(SRC, "rules"),
                            os.path.join(prefix, "share/quotalevy/rules"))
            loader = os.path.join(prefix, "bin/quotalevy-load-rules")
            subprocess.run(["psql", "-X", "-q", "-c", "CREATE EXTENSION quotalevy"],
                           env=env, check=True, capture_output=True)
            for _ in range(2):
                p = subprocess.run([loader], env=env, capture_output=True, text=True,
                                   cwd=prefix)
                self.assertEqual(p.returncode, 0, p.stderr)
                out = subprocess.run(
                    ["psql", "-X", "-At", "-c", "SELECT string_agg(name, ' ' ORDER BY "
                     "name) FROM quotalevy.rule_files"], env=env, check=True,
                    capture_output=True, text=True).stdout.strip()
                self.assertEqual(out, "cn/jilin cn/jilin-pool cn/late-fee cn/national "
                                      "de/sgb9 fr/oeth jp/levy")
        psql("DROP DATABASE ld")

    def test_no_byte_of_a_file_name_reaches_a_shell(self):
        """A folder received from elsewhere may hold any file name: one
        with backquotes, $( ) or a quote is refused before anything is
        stored, and no part of it runs (probe3 P3-06: psql ran the
        backquoted part of a name as a shell command)."""
        psql("DROP DATABASE IF EXISTS ld2; CREATE DATABASE ld2;")
        env = dict(ENV, PGDATABASE="ld2")
        subprocess.run(["psql", "-X", "-q", "-c", "CREATE EXTENSION quotalevy"],
                       env=env, check=True, capture_output=True)
        body = ('quotalevy: 1\nid: x\ntitle: x\njurisdiction: XX\nversion: "1"\n'
                'inputs:\n  a: integer\noutputs: [a]\n')
        loader = os.path.join(SRC, "bindings/postgresql/quotalevy-load-rules")
        for bad in ("a` `touch PWNED` `b", "a$(touch PWNED)b", "it's", "a b",
                    "a\nb", ".hidden"):
            with tempfile.TemporaryDirectory() as d:
                os.makedirs(os.path.join(d, "r"))
                with open(os.path.join(d, "r", "good.yaml"), "w") as f:
                    f.write(body)
                with open(os.path.join(d, "r", bad + ".yaml"), "w") as f:
                    f.write(body)
                p = subprocess.run([loader, os.path.join(d, "r")], env=env,
                                   capture_output=True, text=True, cwd=d)
                self.assertEqual(p.returncode, 1, (bad, p.stderr))
                self.assertIn("cannot be stored", p.stderr, bad)
                self.assertIn("nothing stored", p.stderr, bad)
                self.assertEqual(sorted(os.listdir(d)), ["r"], bad)
                n = subprocess.run(["psql", "-X", "-At", "-c",
                                    "SELECT count(*) FROM quotalevy.rule_files"],
                                   env=env, check=True, capture_output=True,
                                   text=True).stdout.strip()
                self.assertEqual(n, "0", bad)
        # a good folder still loads, its text byte for byte (a final
        # newline kept, which psql's backquotes used to drop)
        with tempfile.TemporaryDirectory() as d:
            with open(os.path.join(d, "good.yaml"), "w") as f:
                f.write(body)
            p = subprocess.run([loader, d], env=env, capture_output=True, text=True)
            self.assertEqual(p.returncode, 0, p.stderr)
            src = subprocess.run(["psql", "-X", "-At", "-c",
                                  "SELECT source = %s FROM quotalevy.rule_files "
                                  "WHERE name = 'good'" % ("E'" + body.replace("\n", "\\n")
                                                            .replace("'", "''") + "'")],
                                 env=env, check=True, capture_output=True,
                                 text=True).stdout.strip()
            self.assertEqual(src, "t")
        psql("DROP DATABASE ld2")

    def test_a_link_is_stored_and_no_file_is_passed_over(self):
        """probe4 P4-19: the loader listed only regular *.yaml files, so a
        rules file updated through a "current version" link, or named
        .yml, was passed over without a word and the database kept
        levying under the old rules.  A link is stored by its name with
        the text it leads to (as the command reads it); a .yml or a
        dangling link stops the load; other files, and rule sets already
        stored that the folder lacks, are named."""
        psql("DROP DATABASE IF EXISTS ld3; CREATE DATABASE ld3;")
        env = dict(ENV, PGDATABASE="ld3")
        subprocess.run(["psql", "-X", "-q", "-c", "CREATE EXTENSION quotalevy"],
                       env=env, check=True, capture_output=True)
        loader = os.path.join(SRC, "bindings/postgresql/quotalevy-load-rules")

        def q(sql):
            return subprocess.run(["psql", "-X", "-At", "-c", sql], env=env, check=True,
                                  capture_output=True, text=True).stdout.strip()

        def load(d):
            return subprocess.run([loader, d], env=env, capture_output=True, text=True)

        with open(os.path.join(SRC, "rules/cn/jilin.yaml"), encoding="utf-8") as f:
            jilin = f.read()
        newer = jilin.replace("value: 1.6%", "value: 1.9%", 1)
        self.assertNotEqual(newer, jilin)
        required = ("SELECT quotalevy.evaluate('cn/jilin', '%s'::jsonb, '2024-06-30')"
                    "->>'required_disabled'" % json.dumps(
                        {"unit_type": "enterprise", "employees": 126, "disabled": 1,
                         "disabled_severe": 0, "wage_total": 6930000,
                         "local_avg_wage": 90437}))
        with tempfile.TemporaryDirectory() as d:
            os.makedirs(os.path.join(d, "old", "cn"))
            shutil.copy(os.path.join(SRC, "rules/cn/national.yaml"), os.path.join(d, "old", "cn"))
            shutil.copy(os.path.join(SRC, "rules/cn/jilin.yaml"), os.path.join(d, "old", "cn"))
            with open(os.path.join(d, "old", "extra.yaml"), "w") as f:
                f.write('quotalevy: 1\nid: x\ntitle: x\njurisdiction: XX\nversion: "1"\n'
                        'inputs:\n  a: integer\noutputs: [a]\n')
            self.assertEqual(load(os.path.join(d, "old")).returncode, 0)
            self.assertEqual(q(required), "2.01600")  # 1.6 % of 126
            r = os.path.join(d, "r", "cn")
            os.makedirs(r)
            shutil.copy(os.path.join(SRC, "rules/cn/national.yaml"), r)
            with open(os.path.join(r, "jilin-2026.2.yaml"), "w", encoding="utf-8") as f:
                f.write(newer)
            os.symlink("jilin-2026.2.yaml", os.path.join(r, "jilin.yaml"))
            with open(os.path.join(r, "README.txt"), "w") as f:
                f.write("the current version is a link\n")
            p = load(os.path.join(d, "r"))
            self.assertEqual(p.returncode, 0, p.stderr)
            self.assertIn("cn/jilin (a link to cn/jilin-2026.2.yaml)", p.stdout)
            self.assertIn("not stored (not a .yaml file): cn/README.txt", p.stdout)
            self.assertIn("already stored and not in this folder, kept as they were: extra",
                          p.stdout)
            self.assertEqual(q("SELECT source FROM quotalevy.rule_files "
                               "WHERE name = 'cn/jilin'") + "\n", newer)
            self.assertEqual(q(required), "2.39400")  # 1.9 %: the link's rules
            # stops, storing nothing: a .yml; a link to nothing; a link
            # into another folder whose extends the two would look for
            # in different places
            before = q("SELECT string_agg(name || md5(source), ' ' ORDER BY name) "
                       "FROM quotalevy.rule_files")
            for bad, make, says in (
                    ("cn/beijing.yml", lambda p: shutil.copy(os.path.join(r, "jilin-2026.2.yaml"), p),
                     "rule file names end in .yaml"),
                    ("cn/gone.yaml", lambda p: os.symlink("missing.yaml", p),
                     "a symbolic link to no regular file"),
                    ("cn/elsewhere.yaml",
                     lambda p: os.symlink(os.path.join(d, "old", "cn", "jilin.yaml"), p),
                     "in another folder")):
                path = os.path.join(d, "r", bad)
                make(path)
                p = load(os.path.join(d, "r"))
                self.assertEqual(p.returncode, 1, (bad, p.stdout))
                self.assertIn(bad, p.stderr)
                self.assertIn(says, p.stderr)
                self.assertIn("nothing stored", p.stderr)
                os.remove(path)
                self.assertEqual(q("SELECT string_agg(name || md5(source), ' ' ORDER BY "
                                   "name) FROM quotalevy.rule_files"), before, bad)
        psql("DROP DATABASE ld3")


class Cancel(unittest.TestCase):
    # rows from a small table, many times over: the backend's own memory
    # stays put, so any growth would be ours
    TABLE = ("CREATE TEMP TABLE u AS SELECT g AS n, 'enterprise' AS unit_type, "
             "g % 1000 + 1 AS employees, 0 AS disabled, 0 AS disabled_severe, "
             "6000000 AS wage_total, 50000 AS local_avg_wage "
             "FROM generate_series(1, 2000) g;")
    # (a self-join, not a large generate_series, whose rows a function scan
    # would gather into a tuplestore of up to work_mem: noise)
    LONG = ("SELECT count(quotalevy.evaluate('cn/jilin', u, '2024-06-30')) "
            "FROM u, u AS v;")
    ONE = ("SELECT quotalevy.evaluate('cn/jilin', u, '2024-06-30')->>'levy_due' "
           "FROM u WHERE n = 7;")
    MEMORY = "SELECT sum(total_bytes) FROM pg_backend_memory_contexts;"

    @staticmethod
    def rss_anon(pid):
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("RssAnon:"):
                    return int(line.split()[1])
        raise AssertionError("no RssAnon")

    def cancelled(self, out, why):
        self.assertTrue(any(f"canceling statement due to {why}" in l for l in out), out)

    def test_cancelled_queries_leave_the_backend_usable_and_leak_nothing(self):
        a, b = Session(), Session()
        try:
            # PostgreSQL's LLVM JIT keeps memory for every query it compiles
            # (measured: ~48 kB a query here, with or without this extension);
            # off, the backend's anonymous memory is flat to the kB
            a.q("SET jit = off;")
            a.q("SET client_min_messages = warning;")  # column "n" is not read
            a.q(self.TABLE)
            before = a.q(self.ONE)
            self.assertRegex(before[0], r"^\d+\.\d\d$")
            a.q("SET statement_timeout = '300ms';")
            for _ in range(3):  # warm up: plans, caches
                self.cancelled(a.q(self.LONG), "statement timeout")
            rss, contexts = self.rss_anon(a.pid), a.q(self.MEMORY)
            for _ in range(8):
                self.cancelled(a.q(self.LONG), "statement timeout")
            # and one cancelled from another connection
            a.q("SET statement_timeout = 0;")
            a.send(self.LONG)
            for _ in range(500):
                st = b.q(f"SELECT state, wait_event IS NULL FROM pg_stat_activity "
                         f"WHERE pid = {a.pid};")
                if st == ["active|t"]:
                    break
                time.sleep(0.01)
            time.sleep(0.1)
            self.assertEqual(b.q(f"SELECT pg_cancel_backend({a.pid});"), ["t"])
            self.cancelled(a.read(), "user request")
            # PostgreSQL's own memory: a block or two of slack, no more
            self.assertLess(abs(int(a.q(self.MEMORY)[0]) - int(contexts[0])), 65536)
            grown = self.rss_anon(a.pid) - rss
            # a rule set or a record lost per cancel would be megabytes by now;
            # the allocator's own drift is a few hundred kB at most
            print(f"backend RssAnon {rss} kB, grown {grown} kB over 9 cancels",
                  file=sys.stderr)
            self.assertLess(grown, 1024, f"the backend grew {grown} kB over 9 cancels")
            self.assertEqual(a.q(self.ONE), before)
        finally:
            a.close()
            b.close()


class RuleFiles(unittest.TestCase):
    def source(self, name):
        return psql(f"SELECT source FROM quotalevy.rule_files WHERE name = '{name}'")

    def replace(self, session, name, text):
        tag = "$ql$"
        return session.q(f"SELECT quotalevy.add_rule_file('{name}', {tag}{text}{tag});")

    def test_a_replaced_file_is_seen_by_a_connection_that_had_it_cached(self):
        rec = ("'{\"unit_type\": \"enterprise\", \"employees\": 1250, "
               "\"disabled\": 12, \"disabled_severe\": 3, \"wage_total\": 137500000, "
               "\"local_avg_wage\": 90437}'")
        ask = f"SELECT quotalevy.evaluate('cn/jilin', {rec}, '2024-06-30')->>'counted_disabled';"
        national = os.path.join(SRC, "rules/cn/national.yaml")
        with open(national, encoding="utf-8") as f:
            original = f.read()
        changed = original.replace("      - from: 2015-10-01\n        value: 2\n",
                                   "      - from: 2015-10-01\n        value: 3\n", 1)
        self.assertNotEqual(changed, original)
        a, b = Session(), Session()
        try:
            self.assertEqual(a.q(ask), ["18.00"])  # 12 + 3 × 2, now cached in a
            self.assertEqual(self.replace(b, "cn/national", changed), [""])
            self.assertEqual(a.q(ask), ["21.00"])  # 12 + 3 × 3: the file it extends
            # inside b's own open transaction the change is not yet seen by a
            b.q("BEGIN;")
            self.replace(b, "cn/national", original)
            self.assertEqual(a.q(ask), ["21.00"])
            b.q("COMMIT;")
            self.assertEqual(a.q(ask), ["18.00"])
        finally:
            a.close()
            b.close()
            psql(f"SELECT quotalevy.add_rule_file('cn/national', $ql${original}$ql$)")

    def test_a_bad_file_is_refused_with_its_location_and_nothing_stored(self):
        err = psql_error("SELECT quotalevy.add_rule_file('cn/bad', "
                         "E'id: bad\\ninputs:\\n  x: {type: decimal}\\noutputs: [nope]\\n')")
        self.assertRegex(err, r"ERROR:  \w{5}: cn/bad:\d+:\d+: ")
        self.assertEqual(psql("SELECT count(*) FROM quotalevy.rule_files "
                              "WHERE name = 'cn/bad'").strip(), "0")
        # written straight into the table: the same check
        with open(os.path.join(SRC, "tests/rules/child.yaml"), encoding="utf-8") as f:
            child = f.read().replace("extends: base.yaml", "extends: nowhere.yaml")
        err = psql_error("INSERT INTO quotalevy.rule_files (name, source) "
                         f"VALUES ('cn/bad', $ql${child}$ql$)")
        self.assertIn("no rule file 'cn/nowhere'", err)
        err = psql_error("SELECT quotalevy.add_rule_file('../etc/passwd', 'id: x')")
        self.assertIn("invalid rule file name", err)
        self.assertEqual(psql("SELECT quotalevy.check_rules('x', 'id: [')").strip()[:2], "x:")

    def test_a_change_that_breaks_a_file_extending_it_is_refused(self):
        def text(path):
            with open(os.path.join(SRC, path), encoding="utf-8") as f:
                return f.read()
        psql(f"SELECT quotalevy.add_rule_file('t/base', $ql${text('tests/rules/base.yaml')}$ql$);"
             f"SELECT quotalevy.add_rule_file('t/child', $ql${text('tests/rules/child.yaml')}$ql$);")
        before = self.source("t/base")
        # a problem found in the file extended is named as the table names it
        minus = ("quotalevy: 1\nextends: base.yaml\nid: m\ntitle: m\n"
                 "jurisdiction: XX\nversion: '1'\nremove:\n  computed: [short]\n")
        out = psql(f"SELECT quotalevy.check_rules('t/minus', $ql${minus}$ql$)").strip()
        self.assertRegex(out, r"^t/base:\d+:\d+: ")
        # a good file in itself, but not one t/child can extend
        err = psql_error("SELECT quotalevy.add_rule_file('t/base', "
                         f"$ql${text('rules/fr/oeth.yaml')}$ql$)")
        self.assertIn("would no longer compile", err)
        self.assertIn('"t/child"', err)
        err = psql_error("DELETE FROM quotalevy.rule_files WHERE name = 't/base'")
        self.assertIn("would no longer compile", err)
        self.assertEqual(self.source("t/base"), before)
        psql("DELETE FROM quotalevy.rule_files WHERE name IN ('t/base', 't/child')")

    def test_size_limit(self):
        err = psql_error("SELECT quotalevy.add_rule_file('big', "
                         "'# ' || repeat('x', 16777216))")
        self.assertRegex(err, r"16 MiB|rule_files_source_check")


class Security(unittest.TestCase):
    def test_readers_evaluate_writers_need_a_grant(self):
        psql("DROP ROLE IF EXISTS clerk; CREATE ROLE clerk LOGIN;")
        out = psql("SELECT quotalevy.evaluate('fr/oeth', '{\"workforce\": 38, "
                   "\"beneficiaries\": 1}', '2024-12-31') ? 'contribution'", user="clerk")
        self.assertIn(out.strip(), ("t", "f"))
        err = psql_error("SELECT quotalevy.add_rule_file('x/y', 'id: y')", user="clerk")
        self.assertIn("42501", err)
        psql("GRANT INSERT, UPDATE, DELETE ON quotalevy.rule_files TO clerk;")
        try:
            src = psql("SELECT source FROM quotalevy.rule_files WHERE name = 'fr/oeth'")
            psql(f"SELECT quotalevy.add_rule_file('x/oeth', $ql${src}$ql$)", user="clerk")
            psql("DELETE FROM quotalevy.rule_files WHERE name = 'x/oeth'", user="clerk")
        finally:
            psql("REVOKE ALL ON quotalevy.rule_files FROM clerk;")

    def test_no_function_runs_as_its_owner(self):
        out = psql("SELECT count(*) FILTER (WHERE p.prosecdef), count(*) "
                   "FROM pg_proc p JOIN pg_depend d ON d.objid = p.oid "
                   "JOIN pg_extension e ON e.oid = d.refobjid "
                   "WHERE e.extname = 'quotalevy'")
        secdef, total = out.strip().split("|")
        self.assertEqual(secdef, "0")
        self.assertGreater(int(total), 10)

    def test_evaluating_functions_are_stable_and_parallel_safe(self):
        out = psql("SELECT DISTINCT provolatile::text || proparallel::text FROM pg_proc "
                   "WHERE pronamespace = 'quotalevy'::regnamespace AND proname IN "
                   "('evaluate', 'try_evaluate', 'evaluate_as', 'parameters')")
        self.assertEqual(out.split(), ["ss"])


class Docs(unittest.TestCase):
    def test_the_manuals_example_table_levies_as_the_command_does(self):
        """docs/postgresql.md's 'Levy the example table', run as a user
        would (from the repository's folder): its bad rows are the
        command's rejects and its totals the command's to the fen."""
        with open(os.path.join(SRC, "docs/postgresql.md"), encoding="utf-8") as f:
            doc = f.read()
        block = doc.split("<!-- the tests run this block", 1)[1]
        block = block.split("```sh\n", 1)[1].split("\n```", 1)[0]
        psql("DROP TABLE IF EXISTS units")
        try:
            p = subprocess.run(["bash", "-c", block], env=ENV, cwd=SRC,
                               capture_output=True, text=True)
        finally:
            psql("DROP TABLE IF EXISTS units")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertNotIn("NOTICE", p.stderr)
        want, rejects = cli_jsonl("rules/cn/jilin.yaml", "examples/jilin-units",
                                  "2024-06-30")
        lines = p.stdout.splitlines()
        bad = [l.split("|")[0] for l in lines if re.match(r"JL-\w+\|", l)]
        self.assertEqual(bad, sorted(rejects))
        with open(os.path.join(SRC, "examples/jilin-units.csv"), encoding="utf-8") as f:
            levels = {r["id"]: r for r in csv.DictReader(f)}
        totals, counts = defaultdict(Decimal), defaultdict(int)
        for rid, r in want.items():
            level = levels[rid]["admin_level"] or "enterprise"
            for k in (level, "all"):
                totals[k] += Decimal(r["levy_due"])
                counts[k] += 1
        got = {m.group(1): (int(m.group(2)), m.group(3)) for m in
               (re.fullmatch(r"([a-z]+)\|(\d+)\|(\d+\.\d\d)", l) for l in lines) if m}
        self.assertEqual(got, {k: (counts[k], str(totals[k])) for k in totals})
        self.assertEqual(len(got), 7)


    def test_the_readme_query_gives_the_levy(self):
        with open(os.path.join(SRC, "README.md"), encoding="utf-8") as f:
            readme = f.read()
        block = readme.split("## In PostgreSQL", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
        query = [l for l in block.splitlines() if l.startswith("psql ")]
        self.assertEqual(len(query), 1, block)
        p = subprocess.run(["bash", "-c", query[0] + " -X -At"], env=ENV,
                           capture_output=True, text=True)
        self.assertEqual((p.returncode, p.stdout.strip()), (0, "50292.00"), p.stderr)


def setUpModule():
    global ENV
    ENV = pgenv.start()


if __name__ == "__main__":
    CLI, SRC, BUILD = (os.path.abspath(a) for a in sys.argv[1:4])
    pgenv.CLI, pgenv.SRC, pgenv.BUILD = CLI, SRC, BUILD
    unittest.main(argv=[sys.argv[0], "-v"] + sys.argv[4:])
