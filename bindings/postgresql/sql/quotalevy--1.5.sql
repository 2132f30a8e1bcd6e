-- quotalevy 1.5: rule files stored in the database, evaluated in SQL.
-- docs/postgresql.md is the manual.  Every function is SECURITY INVOKER
-- (the default), reads no server file, and the evaluating ones are
-- STABLE PARALLEL SAFE so a large scan spreads over parallel workers.
-- No function a query calls is STRICT: a NULL argument is either given a
-- meaning (docs/postgresql.md, "NULL arguments") or refused by name with
-- SQLSTATE 22004.  A database in any server encoding takes it: text is
-- converted to and from the library's UTF-8 (docs/postgresql.md,
-- "Encodings").  A database with an earlier version reaches this one
-- through quotalevy--1.0--1.1.sql … quotalevy--1.4--1.5.sql, with the
-- same catalog (the tests compare them).

\echo Use "CREATE EXTENSION quotalevy" to load this file. \quit

-- The rule files, by name ("cn/jilin").  `extends: national.yaml` in
-- cn/jilin names cn/national.  Writing needs the table's privileges
-- (INSERT/UPDATE/DELETE, granted by its owner); reading is for everyone.
CREATE TABLE quotalevy.rule_files (
    name      text PRIMARY KEY
              CHECK (octet_length(name) BETWEEN 1 AND 200),
    source    text NOT NULL
              CHECK (octet_length(source) <= 16777216),
    loaded_at timestamptz NOT NULL DEFAULT now(),
    loaded_by name NOT NULL DEFAULT current_user
);
COMMENT ON TABLE quotalevy.rule_files IS
    'quotalevy rule files (YAML) by name; each row is compiled before it is stored';
REVOKE ALL ON quotalevy.rule_files FROM PUBLIC;
GRANT SELECT ON quotalevy.rule_files TO PUBLIC;
GRANT USAGE ON SCHEMA quotalevy TO PUBLIC;

CREATE FUNCTION quotalevy.check_rule_file() RETURNS trigger
    AS 'MODULE_PATHNAME', 'qlpg_check_rule_file' LANGUAGE C;
CREATE FUNCTION quotalevy.rule_files_changed() RETURNS trigger
    AS 'MODULE_PATHNAME', 'qlpg_rule_files_changed' LANGUAGE C;
CREATE TRIGGER check_rule_file BEFORE INSERT OR UPDATE ON quotalevy.rule_files
    FOR EACH ROW EXECUTE FUNCTION quotalevy.check_rule_file();
CREATE TRIGGER rule_files_changed AFTER INSERT OR UPDATE OR DELETE
    ON quotalevy.rule_files
    FOR EACH STATEMENT EXECUTE FUNCTION quotalevy.rule_files_changed();
CREATE TRIGGER rule_files_truncated AFTER TRUNCATE ON quotalevy.rule_files
    FOR EACH STATEMENT EXECUTE FUNCTION quotalevy.rule_files_changed();

-- Adds or replaces a rule file; refused (nothing stored) when it does not
-- compile or when a file extending it would stop compiling.
CREATE FUNCTION quotalevy.add_rule_file(name text, source text) RETURNS void
    LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
AS $$
#variable_conflict use_column
BEGIN
    IF $1 IS NULL OR $2 IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'null_value_not_allowed',
            MESSAGE = format('quotalevy.add_rule_file: argument "%s" is NULL',
                             CASE WHEN $1 IS NULL THEN 'name' ELSE 'source' END),
            DETAIL = format('It takes quotalevy.add_rule_file(%s).',
                            pg_get_function_identity_arguments(
                                'quotalevy.add_rule_file(text, text)'::regprocedure)),
            HINT = CASE WHEN $1 IS NULL
                        THEN '"name" is the name to store the file under, such as ''bj/beijing''.'
                        ELSE '"source" is the rule file''s YAML text.' END;
    END IF;
    INSERT INTO quotalevy.rule_files AS f (name, source) VALUES ($1, $2)
    ON CONFLICT ON CONSTRAINT rule_files_pkey DO UPDATE
        SET source = excluded.source, loaded_at = now(), loaded_by = current_user;
END
$$;

-- The message a file would be refused with, NULL when it compiles.
CREATE FUNCTION quotalevy.check_rules(name text, source text) RETURNS text
    AS 'MODULE_PATHNAME', 'qlpg_compile_check'
    LANGUAGE C STABLE PARALLEL SAFE;

-- The planner support function that rewrites a table's whole-row
-- argument into its columns (support.c; the columns forms below).
CREATE FUNCTION quotalevy.row_support(internal) RETURNS internal
    AS 'MODULE_PATHNAME', 'qlpg_row_support' LANGUAGE C STRICT;

-- Evaluation.  record: a jsonb object or any table row, keys/columns named
-- as the rule set's inputs; on_date NULL: the record's `date`.  Results:
-- outputs and checks named as in the command's JSON Lines, numbers as
-- exact jsonb numerics at their declared scale.
CREATE FUNCTION quotalevy.evaluate(rules text, record jsonb, on_date date,
                                   overrides text[] DEFAULT NULL) RETURNS jsonb
    AS 'MODULE_PATHNAME', 'qlpg_evaluate_jsonb'
    LANGUAGE C STABLE PARALLEL SAFE COST 1000;
CREATE FUNCTION quotalevy.evaluate(rules text, record record, on_date date,
                                   overrides text[] DEFAULT NULL) RETURNS jsonb
    AS 'MODULE_PATHNAME', 'qlpg_evaluate_row'
    LANGUAGE C STABLE PARALLEL SAFE COST 1000
    SUPPORT quotalevy.row_support;

-- A record written as a JSON literal ('{"employees": 12}') is text until
-- PostgreSQL knows better: read as JSON text, its keys checked (a key
-- given twice is the record's error, where a cast to jsonb keeps the
-- last), so that the literal needs no cast (without these forms jsonb and
-- record would tie).
CREATE FUNCTION quotalevy.evaluate(rules text, record text, on_date date,
                                   overrides text[] DEFAULT NULL) RETURNS jsonb
    AS 'MODULE_PATHNAME', 'qlpg_evaluate_text'
    LANGUAGE C STABLE PARALLEL SAFE COST 1000;
-- json (unlike jsonb) keeps a record's text as written, duplicates too:
-- read as the text forms read it.
CREATE FUNCTION quotalevy.evaluate(rules text, record json, on_date date,
                                   overrides text[] DEFAULT NULL) RETURNS jsonb
    AS 'MODULE_PATHNAME', 'qlpg_evaluate_text'
    LANGUAGE C STABLE PARALLEL SAFE COST 1000;

-- As evaluate, but a record that cannot be evaluated gives
-- {"error": {status, sqlstate, field, message, file, line, column}}
-- instead of ending the statement.
CREATE FUNCTION quotalevy.try_evaluate(rules text, record jsonb, on_date date,
                                       overrides text[] DEFAULT NULL) RETURNS jsonb
    AS 'MODULE_PATHNAME', 'qlpg_try_evaluate_jsonb'
    LANGUAGE C STABLE PARALLEL SAFE COST 1000;
CREATE FUNCTION quotalevy.try_evaluate(rules text, record record, on_date date,
                                       overrides text[] DEFAULT NULL) RETURNS jsonb
    AS 'MODULE_PATHNAME', 'qlpg_try_evaluate_row'
    LANGUAGE C STABLE PARALLEL SAFE COST 1000
    SUPPORT quotalevy.row_support;

CREATE FUNCTION quotalevy.try_evaluate(rules text, record text, on_date date,
                                       overrides text[] DEFAULT NULL) RETURNS jsonb
    AS 'MODULE_PATHNAME', 'qlpg_try_evaluate_text'
    LANGUAGE C STABLE PARALLEL SAFE COST 1000;
CREATE FUNCTION quotalevy.try_evaluate(rules text, record json, on_date date,
                                       overrides text[] DEFAULT NULL) RETURNS jsonb
    AS 'MODULE_PATHNAME', 'qlpg_try_evaluate_text'
    LANGUAGE C STABLE PARALLEL SAFE COST 1000;

-- Typed results: a composite type whose columns are outputs (CSV column
-- names), e.g. made by quotalevy.create_result_type; pass NULL::that_type.
CREATE FUNCTION quotalevy.evaluate_as(rules text, record jsonb, on_date date,
                                      shape anyelement,
                                      overrides text[] DEFAULT NULL) RETURNS anyelement
    AS 'MODULE_PATHNAME', 'qlpg_evaluate_as_jsonb'
    LANGUAGE C STABLE PARALLEL SAFE COST 1000;
CREATE FUNCTION quotalevy.evaluate_as(rules text, record record, on_date date,
                                      shape anyelement,
                                      overrides text[] DEFAULT NULL) RETURNS anyelement
    AS 'MODULE_PATHNAME', 'qlpg_evaluate_as_row'
    LANGUAGE C STABLE PARALLEL SAFE COST 1000
    SUPPORT quotalevy.row_support;

CREATE FUNCTION quotalevy.evaluate_as(rules text, record text, on_date date,
                                      shape anyelement,
                                      overrides text[] DEFAULT NULL) RETURNS anyelement
    AS 'MODULE_PATHNAME', 'qlpg_evaluate_as_text'
    LANGUAGE C STABLE PARALLEL SAFE COST 1000;
CREATE FUNCTION quotalevy.evaluate_as(rules text, record json, on_date date,
                                      shape anyelement,
                                      overrides text[] DEFAULT NULL) RETURNS anyelement
    AS 'MODULE_PATHNAME', 'qlpg_evaluate_as_text'
    LANGUAGE C STABLE PARALLEL SAFE COST 1000;

-- One record's whole calculation for a person: the text of the command's
-- `quotalevy explain` (the library renders it), every input, parameter in
-- force with its citation, computed value with its formula, and check.
CREATE FUNCTION quotalevy.explain(rules text, record jsonb, on_date date,
                                  overrides text[] DEFAULT NULL) RETURNS text
    AS 'MODULE_PATHNAME', 'qlpg_explain_jsonb'
    LANGUAGE C STABLE PARALLEL SAFE COST 1000;
CREATE FUNCTION quotalevy.explain(rules text, record record, on_date date,
                                  overrides text[] DEFAULT NULL) RETURNS text
    AS 'MODULE_PATHNAME', 'qlpg_explain_row'
    LANGUAGE C STABLE PARALLEL SAFE COST 1000
    SUPPORT quotalevy.row_support;
CREATE FUNCTION quotalevy.explain(rules text, record text, on_date date,
                                  overrides text[] DEFAULT NULL) RETURNS text
    AS 'MODULE_PATHNAME', 'qlpg_explain_text'
    LANGUAGE C STABLE PARALLEL SAFE COST 1000;
CREATE FUNCTION quotalevy.explain(rules text, record json, on_date date,
                                  overrides text[] DEFAULT NULL) RETURNS text
    AS 'MODULE_PATHNAME', 'qlpg_explain_text'
    LANGUAGE C STABLE PARALLEL SAFE COST 1000;

-- What a rule set reads and writes.
CREATE FUNCTION quotalevy.result_columns(rules text,
                                         OUT name text, OUT sql_type text)
    RETURNS SETOF record
    AS 'MODULE_PATHNAME', 'qlpg_result_columns'
    LANGUAGE C STABLE PARALLEL SAFE ROWS 40;
CREATE FUNCTION quotalevy.inputs(rules text, OUT name text, OUT type text,
                                 OUT description text)
    RETURNS SETOF record
    AS 'MODULE_PATHNAME', 'qlpg_inputs'
    LANGUAGE C STABLE PARALLEL SAFE ROWS 20;
CREATE FUNCTION quotalevy.parameters(rules text, on_date date,
                                     overrides text[] DEFAULT NULL,
                                     OUT name text, OUT value text,
                                     OUT in_force_from date, OUT source text)
    RETURNS SETOF record
    AS 'MODULE_PATHNAME', 'qlpg_parameters'
    LANGUAGE C STABLE PARALLEL SAFE ROWS 20;

-- The rule set's id, title, jurisdiction, version and description, and
-- the ISO 4217 code of the currency every money value is in with that
-- currency's decimal places (the scale of every money numeric the rule
-- set gives): NULL both when it declares no currency.
CREATE FUNCTION quotalevy.rule_set_info(rules text, OUT id text, OUT title text,
                                        OUT jurisdiction text, OUT version text,
                                        OUT description text, OUT currency text,
                                        OUT currency_places integer)
    RETURNS record
    AS 'MODULE_PATHNAME', 'qlpg_rule_set_info'
    LANGUAGE C STABLE PARALLEL SAFE;

-- Creates the composite type `type_name` with every result column of the
-- rule set, for evaluate_as.
CREATE FUNCTION quotalevy.create_result_type(rules text, type_name text)
    RETURNS regtype LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
AS $$
DECLARE
    qualified text;
BEGIN
    IF rules IS NULL OR type_name IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'null_value_not_allowed',
            MESSAGE = format('quotalevy.create_result_type: argument "%s" is NULL',
                             CASE WHEN rules IS NULL THEN 'rules' ELSE 'type_name' END),
            DETAIL = format('It takes quotalevy.create_result_type(%s).',
                            pg_get_function_identity_arguments(
                                'quotalevy.create_result_type(text, text)'::regprocedure)),
            HINT = CASE WHEN rules IS NULL
                        THEN '"rules" is the name of a rule file of quotalevy.rule_files, such as ''cn/jilin''.'
                        ELSE '"type_name" is the name of the type to create, such as ''jilin_result''.' END;
    END IF;
    qualified := (SELECT string_agg(quote_ident(p), '.')
                  FROM unnest(parse_ident(type_name)) AS p);
    EXECUTE format('CREATE TYPE %s AS (%s)', qualified,
                   (SELECT string_agg(format('%I %s', c.name, c.sql_type), ', '
                                      ORDER BY c.n)
                    FROM quotalevy.result_columns(rules)
                         WITH ORDINALITY AS c(name, sql_type, n)));
    RETURN qualified::regtype;
END
$$;

-- The columns forms, what the planner makes of evaluate(rules, t, …) when
-- t is a table's row: column names where the record was; after the call's
-- own arguments, the table, the row's ctid and the columns' values.  Not
-- for calling by hand (nothing checks that the names match the values).
CREATE FUNCTION quotalevy.evaluate_columns(rules text, columns text[],
                                           on_date date, overrides text[],
                                           source regclass, row_ctid tid,
                                           VARIADIC "values" "any") RETURNS jsonb
    AS 'MODULE_PATHNAME', 'qlpg_evaluate_columns'
    LANGUAGE C STABLE PARALLEL SAFE COST 1000;
CREATE FUNCTION quotalevy.try_evaluate_columns(rules text, columns text[],
                                               on_date date, overrides text[],
                                               source regclass, row_ctid tid,
                                               VARIADIC "values" "any") RETURNS jsonb
    AS 'MODULE_PATHNAME', 'qlpg_try_evaluate_columns'
    LANGUAGE C STABLE PARALLEL SAFE COST 1000;
CREATE FUNCTION quotalevy.evaluate_as_columns(rules text, columns text[],
                                              on_date date, shape anyelement,
                                              overrides text[], source regclass,
                                              row_ctid tid,
                                              VARIADIC "values" "any") RETURNS anyelement
    AS 'MODULE_PATHNAME', 'qlpg_evaluate_as_columns'
    LANGUAGE C STABLE PARALLEL SAFE COST 1000;
CREATE FUNCTION quotalevy.explain_columns(rules text, columns text[],
                                          on_date date, overrides text[],
                                          source regclass, row_ctid tid,
                                          VARIADIC "values" "any") RETURNS text
    AS 'MODULE_PATHNAME', 'qlpg_explain_columns'
    LANGUAGE C STABLE PARALLEL SAFE COST 1000;

-- What each function is, for \df+.
COMMENT ON FUNCTION quotalevy.check_rule_file() IS
    'trigger: compiles a rule file before it is stored';
COMMENT ON FUNCTION quotalevy.rule_files_changed() IS
    'trigger: every stored file still compiles; backends drop their compiled copies';
COMMENT ON FUNCTION quotalevy.add_rule_file(text, text) IS
    'adds or replaces rule file NAME, refused when it does not compile';
COMMENT ON FUNCTION quotalevy.check_rules(text, text) IS
    'the error rule file NAME with SOURCE would be refused with; NULL when it compiles';
COMMENT ON FUNCTION quotalevy.evaluate(text, jsonb, date, text[]) IS
    'a record''s outputs and checks as jsonb (on_date NULL: the record''s date)';
COMMENT ON FUNCTION quotalevy.evaluate(text, record, date, text[]) IS
    'a row''s outputs and checks as jsonb, its columns named as the inputs';
COMMENT ON FUNCTION quotalevy.evaluate(text, text, date, text[]) IS
    'a record written as JSON text, its keys checked: outputs and checks as jsonb';
COMMENT ON FUNCTION quotalevy.evaluate(text, json, date, text[]) IS
    'a json record, its keys checked: outputs and checks as jsonb';
COMMENT ON FUNCTION quotalevy.try_evaluate(text, jsonb, date, text[]) IS
    'as evaluate, a record that cannot be evaluated giving {"error": …}';
COMMENT ON FUNCTION quotalevy.try_evaluate(text, record, date, text[]) IS
    'as evaluate, a row that cannot be evaluated giving {"error": …}';
COMMENT ON FUNCTION quotalevy.try_evaluate(text, text, date, text[]) IS
    'as evaluate, a record that cannot be evaluated giving {"error": …}';
COMMENT ON FUNCTION quotalevy.try_evaluate(text, json, date, text[]) IS
    'as evaluate, a record that cannot be evaluated giving {"error": …}';
COMMENT ON FUNCTION quotalevy.evaluate_as(text, jsonb, date, anyelement, text[]) IS
    'a record''s results as a row of the composite type of SHAPE (NULL::that_type)';
COMMENT ON FUNCTION quotalevy.evaluate_as(text, record, date, anyelement, text[]) IS
    'a row''s results as a row of the composite type of SHAPE (NULL::that_type)';
COMMENT ON FUNCTION quotalevy.evaluate_as(text, text, date, anyelement, text[]) IS
    'a JSON text record''s results as a row of the composite type of SHAPE';
COMMENT ON FUNCTION quotalevy.evaluate_as(text, json, date, anyelement, text[]) IS
    'a json record''s results as a row of the composite type of SHAPE';
COMMENT ON FUNCTION quotalevy.explain(text, jsonb, date, text[]) IS
    'one record''s whole calculation as text, as the command''s explain';
COMMENT ON FUNCTION quotalevy.explain(text, record, date, text[]) IS
    'one row''s whole calculation as text, as the command''s explain';
COMMENT ON FUNCTION quotalevy.explain(text, text, date, text[]) IS
    'one record''s whole calculation as text, as the command''s explain';
COMMENT ON FUNCTION quotalevy.explain(text, json, date, text[]) IS
    'one record''s whole calculation as text, as the command''s explain';
COMMENT ON FUNCTION quotalevy.result_columns(text) IS
    'the columns a result type for evaluate_as may have, with their SQL types';
COMMENT ON FUNCTION quotalevy.inputs(text) IS
    'the inputs a rule set reads: name, type, description';
COMMENT ON FUNCTION quotalevy.parameters(text, date, text[]) IS
    'the parameters in force on a date, with their sources';
COMMENT ON FUNCTION quotalevy.create_result_type(text, text) IS
    'creates composite type TYPE_NAME with every result column of the rule set';
COMMENT ON FUNCTION quotalevy.rule_set_info(text) IS
    'what a rule set declares: id, title, jurisdiction, version, description, currency';
COMMENT ON FUNCTION quotalevy.evaluate_columns(text, text[], date, text[], regclass, tid, "any") IS
    'evaluate over a table''s row, as the planner rewrites it (not for calling by hand)';
COMMENT ON FUNCTION quotalevy.try_evaluate_columns(text, text[], date, text[], regclass, tid, "any") IS
    'try_evaluate over a table''s row, as the planner rewrites it (not for calling by hand)';
COMMENT ON FUNCTION quotalevy.evaluate_as_columns(text, text[], date, anyelement, text[], regclass, tid, "any") IS
    'evaluate_as over a table''s row, as the planner rewrites it (not for calling by hand)';
COMMENT ON FUNCTION quotalevy.explain_columns(text, text[], date, text[], regclass, tid, "any") IS
    'explain over a table''s row, as the planner rewrites it (not for calling by hand)';
COMMENT ON FUNCTION quotalevy.row_support(internal) IS
    'planner support: a table''s whole-row argument rewritten into its columns';
