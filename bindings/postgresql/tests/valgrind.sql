-- The statements valgrind_backend.py runs in a single-user backend under
-- valgrind memcheck: every entry point of the extension, each record form
-- and mode, the refusals of each kind, the triggers, the cache and the
-- encodings.  One statement a paragraph (a semicolon and a blank line end
-- it, as `postgres --single -j` reads); a paragraph opening with
-- "-- error" must fail, every other must succeed — the driver counts.
-- The tables and types are made by the driver beforehand (natively).

SELECT quotalevy.evaluate('cn/jilin', '{"id": "A", "unit_type": "enterprise", "employees": 126, "disabled": 1, "disabled_severe": 0, "wage_total": 6930000, "local_avg_wage": 90437}'::jsonb, '2024-06-30');

SELECT quotalevy.evaluate('cn/jilin', '{"id": "A", "unit_type": "enterprise", "employees": 126, "disabled": 1, "disabled_severe": 0, "wage_total": 6930000, "local_avg_wage": 90437}'::text, '2024-06-30');

SELECT quotalevy.evaluate('cn/jilin', '{"id": "A", "unit_type": "enterprise", "employees": 126, "disabled": 1, "disabled_severe": 0, "wage_total": 6930000, "local_avg_wage": 90437}'::json, '2024-06-30');

SELECT count(*), count(*) FILTER (WHERE r ? 'error') FROM (SELECT quotalevy.try_evaluate('cn/jilin', u, '2024-06-30') AS r FROM vg_units u) s;

SELECT count(*) FROM (SELECT quotalevy.try_evaluate('cn/jilin', to_jsonb(u), '2024-06-30') AS r FROM vg_units u) s;

SELECT count(*) FROM (SELECT quotalevy.try_evaluate('cn/jilin', to_jsonb(u)::text, '2024-06-30') AS r FROM vg_units u) s;

SELECT (quotalevy.evaluate_as('cn/jilin', u, '2024-06-30', NULL::vg_result)).levy_due FROM vg_units u WHERE id = 'JL-E001';

SELECT (quotalevy.evaluate_as('cn/jilin', '{"id": "A", "unit_type": "enterprise", "employees": 126, "disabled": 1, "disabled_severe": 0, "wage_total": 6930000, "local_avg_wage": 90437}'::jsonb, '2024-06-30', NULL::vg_dom)).*;

-- error
SELECT (quotalevy.evaluate_as('cn/jilin', '{"id": "A", "unit_type": "enterprise", "employees": 126, "disabled": 1, "disabled_severe": 0, "wage_total": 6930000, "local_avg_wage": 90437}'::jsonb, '2024-06-30', NULL::vg_small)).*;

SELECT length(quotalevy.explain('cn/jilin', u, '2024-06-30')) > 100 FROM vg_units u WHERE id = 'JL-E001';

SELECT quotalevy.try_evaluate('cn/jilin', '{"id": "A", "unit_type": "enterprise", "employees": 126, "disabled": 1, "disabled_severe": 0, "wage_total": 6930000, "local_avg_wage": 90437}', '2024-06-30', ARRAY['ratio=1.6%@2020-01-01']);

SELECT quotalevy.try_evaluate('cn/jilin', '{"id": "B\n", "unit_type": "enterprise", "employes": 126, "disabled": 1}'::jsonb, '2024-06-30');

SELECT quotalevy.try_evaluate('cn/jilin', '{"a": 1, "a": 2}'::text, '2024-06-30');

SELECT quotalevy.try_evaluate('cn/jilin', '{"employees": 0E+40, "x": [[[[1]]]], "y": 1e999999, "z": "\u00e9\u4f01\ud83d\ude00"}'::text, '2024-06-30');

SELECT quotalevy.try_evaluate('cn/jilin', repeat('[', 100) || repeat(']', 100), '2024-06-30');

SELECT quotalevy.try_evaluate('cn/jilin', NULL::jsonb, '2024-06-30');

SELECT quotalevy.try_evaluate('jp/levy', '{}'::jsonb, '2025-10-01');

SELECT quotalevy.try_evaluate_columns('cn/jilin', ARRAY['id', 'unit_type', 'employees', 'disabled', 'disabled_severe', 'wage_total', 'local_avg_wage'], '2024-06-30', NULL, 'pg_class'::regclass, '(0,1)'::tid, VARIADIC ARRAY['A', 'enterprise', '126', '1', '0', '6930000', '90437']);

-- error
SELECT quotalevy.evaluate('cn/jilin', '{"employees": "x"}'::jsonb, '2024-06-30');

-- error
SELECT quotalevy.evaluate('cn/jilni', '{}'::jsonb, '2024-06-30');

-- error
SELECT quotalevy.evaluate(NULL, '{}'::jsonb, '2024-06-30');

-- error
SELECT quotalevy.evaluate('cn/jilin', '{}'::jsonb, 'infinity');

-- error
SELECT quotalevy.try_evaluate('cn/jilin', v, '2024-06-30') FROM vg_bad v;

SELECT count(*) FROM quotalevy.inputs('cn/jilin');

SELECT count(*) FROM quotalevy.result_columns('de/sgb9');

SELECT count(*) FROM quotalevy.parameters('cn/jilin', '2024-06-30');

SELECT title IS NOT NULL FROM quotalevy.rule_set_info('fr/oeth');

SELECT quotalevy.check_rules('t/bad', 'quotalevy: 1
id: bad
title: bad
jurisdiction: XX
version: "1"
inputs:
  n: integer
computed:
  m: n * nn
outputs: [m]
');

SELECT quotalevy.add_rule_file('t/vg', 'quotalevy: 1
id: vg
title: vg
jurisdiction: XX
version: "1"
inputs:
  n: integer
computed:
  m: n * 2
outputs: [m]
');

SELECT quotalevy.evaluate('t/vg', '{"n": 21}', '2024-01-01');

-- error
INSERT INTO quotalevy.rule_files (name, source) VALUES ('t/vg2', 'extends: nowhere.yaml');

DELETE FROM quotalevy.rule_files WHERE name = 't/vg';

-- error
SELECT quotalevy.evaluate('t/vg', '{"n": 21}', '2024-01-01');

-- database: lat1
SELECT quotalevy.evaluate('t/lat', '{"id": "é1", "employes": 10, "categorie": "privée"}'::jsonb, '2024-06-30');

SELECT quotalevy.try_evaluate('t/lat', u, '2024-06-30') FROM unités u;

SELECT quotalevy.try_evaluate('t/lat', '{"id": "\u00e9", "employes": 1, "categorie": "priv\u00e9"}'::text, '2024-06-30');

SELECT quotalevy.explain('t/lat', '{"employes": 10, "categorie": "publique"}'::jsonb, '2024-06-30');

SELECT * FROM quotalevy.rule_set_info('t/lat');

-- error
SELECT quotalevy.evaluate('t/lat', '{"employes": 10, "categorie": "\u4F01\u4E1A"}'::text, '2024-06-30');

SELECT quotalevy.try_evaluate('t/lat', '{"employes": 10, "categorie": "\u4F01\u4E1A"}'::text, '2024-06-30');

-- error
SELECT quotalevy.evaluate('t/lat', '{"employés": 10, "categorie": "privé"}'::jsonb, '2024-06-30');

