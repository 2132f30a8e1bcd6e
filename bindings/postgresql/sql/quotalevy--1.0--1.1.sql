-- quotalevy 1.0 → 1.1: a whole-row argument is read as its columns.
-- (ALTER EXTENSION quotalevy UPDATE; a new installation runs 1.0, then
-- this.)  Nothing a query writes changes: evaluate, try_evaluate,
-- evaluate_as and explain over a table's rows give what they gave, faster,
-- and an error names the table and the row's ctid.

\echo Use "ALTER EXTENSION quotalevy UPDATE TO '1.1'" to load this file. \quit

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

-- The planner support function that does the rewriting (support.c).
CREATE FUNCTION quotalevy.row_support(internal) RETURNS internal
    AS 'MODULE_PATHNAME', 'qlpg_row_support' LANGUAGE C STRICT;

ALTER FUNCTION quotalevy.evaluate(text, record, date, text[])
    SUPPORT quotalevy.row_support;
ALTER FUNCTION quotalevy.try_evaluate(text, record, date, text[])
    SUPPORT quotalevy.row_support;
ALTER FUNCTION quotalevy.evaluate_as(text, record, date, anyelement, text[])
    SUPPORT quotalevy.row_support;
ALTER FUNCTION quotalevy.explain(text, record, date, text[])
    SUPPORT quotalevy.row_support;
