-- quotalevy 1.3 → 1.4: a NULL argument is refused by name.  (ALTER
-- EXTENSION quotalevy UPDATE; a new installation runs quotalevy--1.4.sql.)
-- Until 1.4 the functions declared STRICT (inputs, result_columns,
-- rule_set_info) answered a NULL rule set name with no rows, and
-- check_rules, parameters, add_rule_file and create_result_type with NULL,
-- nothing, or another function's error; now every NULL that has no
-- documented meaning (docs/postgresql.md, "NULL arguments") is SQLSTATE
-- 22004 naming the argument and the signature.  The functions get
-- comments (\df+).  Nothing else a query writes changes.

\echo Use "ALTER EXTENSION quotalevy UPDATE TO '1.4'" to load this file. \quit

ALTER FUNCTION quotalevy.result_columns(text) CALLED ON NULL INPUT;
ALTER FUNCTION quotalevy.inputs(text) CALLED ON NULL INPUT;
ALTER FUNCTION quotalevy.rule_set_info(text) CALLED ON NULL INPUT;

-- Adds or replaces a rule file; refused (nothing stored) when it does not
-- compile or when a file extending it would stop compiling.
CREATE OR REPLACE FUNCTION quotalevy.add_rule_file(name text, source text) RETURNS void
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

-- Creates the composite type `type_name` with every result column of the
-- rule set, for evaluate_as.
CREATE OR REPLACE FUNCTION quotalevy.create_result_type(rules text, type_name text)
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
