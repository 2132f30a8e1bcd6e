-- quotalevy 1.0: rule files stored in the database, evaluated in SQL.
-- docs/postgresql.md is the manual.  Every function is SECURITY INVOKER
-- (the default), reads no server file, and the evaluating ones are
-- STABLE PARALLEL SAFE so a large scan spreads over parallel workers.

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
    LANGUAGE sql VOLATILE PARALLEL UNSAFE
    BEGIN ATOMIC
        INSERT INTO quotalevy.rule_files AS f (name, source) VALUES ($1, $2)
        ON CONFLICT ON CONSTRAINT rule_files_pkey DO UPDATE
            SET source = excluded.source, loaded_at = now(),
                loaded_by = current_user;
    END;

-- The message a file would be refused with, NULL when it compiles.
CREATE FUNCTION quotalevy.check_rules(name text, source text) RETURNS text
    AS 'MODULE_PATHNAME', 'qlpg_compile_check'
    LANGUAGE C STABLE PARALLEL SAFE;

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
    LANGUAGE C STABLE PARALLEL SAFE COST 1000;

-- A record written as a JSON literal ('{"employees": 12}') is text until
-- PostgreSQL knows better; these make it jsonb, so that the literal needs
-- no cast (without them jsonb and record would tie).
CREATE FUNCTION quotalevy.evaluate(rules text, record text, on_date date,
                                   overrides text[] DEFAULT NULL) RETURNS jsonb
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN quotalevy.evaluate(rules, record::jsonb, on_date, overrides);

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
    LANGUAGE C STABLE PARALLEL SAFE COST 1000;

CREATE FUNCTION quotalevy.try_evaluate(rules text, record text, on_date date,
                                       overrides text[] DEFAULT NULL) RETURNS jsonb
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN quotalevy.try_evaluate(rules, record::jsonb, on_date, overrides);

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
    LANGUAGE C STABLE PARALLEL SAFE COST 1000;

CREATE FUNCTION quotalevy.evaluate_as(rules text, record text, on_date date,
                                      shape anyelement,
                                      overrides text[] DEFAULT NULL) RETURNS anyelement
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT quotalevy.evaluate_as($1, $2::jsonb, $3, $4, $5) $$;

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
    LANGUAGE C STABLE PARALLEL SAFE COST 1000;
CREATE FUNCTION quotalevy.explain(rules text, record text, on_date date,
                                  overrides text[] DEFAULT NULL) RETURNS text
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN quotalevy.explain(rules, record::jsonb, on_date, overrides);

-- What a rule set reads and writes.
CREATE FUNCTION quotalevy.result_columns(rules text,
                                         OUT name text, OUT sql_type text)
    RETURNS SETOF record
    AS 'MODULE_PATHNAME', 'qlpg_result_columns'
    LANGUAGE C STABLE STRICT PARALLEL SAFE ROWS 40;
CREATE FUNCTION quotalevy.inputs(rules text, OUT name text, OUT type text,
                                 OUT description text)
    RETURNS SETOF record
    AS 'MODULE_PATHNAME', 'qlpg_inputs'
    LANGUAGE C STABLE STRICT PARALLEL SAFE ROWS 20;
CREATE FUNCTION quotalevy.parameters(rules text, on_date date,
                                     overrides text[] DEFAULT NULL,
                                     OUT name text, OUT value text,
                                     OUT in_force_from date, OUT source text)
    RETURNS SETOF record
    AS 'MODULE_PATHNAME', 'qlpg_parameters'
    LANGUAGE C STABLE PARALLEL SAFE ROWS 20;

-- Creates the composite type `type_name` with every result column of the
-- rule set, for evaluate_as.
CREATE FUNCTION quotalevy.create_result_type(rules text, type_name text)
    RETURNS regtype LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
AS $$
DECLARE
    qualified text := (SELECT string_agg(quote_ident(p), '.')
                       FROM unnest(parse_ident(type_name)) AS p);
BEGIN
    EXECUTE format('CREATE TYPE %s AS (%s)', qualified,
                   (SELECT string_agg(format('%I %s', c.name, c.sql_type), ', '
                                      ORDER BY c.n)
                    FROM quotalevy.result_columns(rules)
                         WITH ORDINALITY AS c(name, sql_type, n)));
    RETURN qualified::regtype;
END
$$;
