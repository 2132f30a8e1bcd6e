-- quotalevy 1.1 → 1.2: a record written as JSON text has its keys checked.
-- (ALTER EXTENSION quotalevy UPDATE; a new installation runs 1.0, 1.1,
-- then this.)  Until 1.1 the text forms cast the text to jsonb, which
-- keeps the last of a key given twice without a word; now such a record
-- is an error (try_evaluate: that record's error), as in the command's
-- JSON Lines, and so is text that is not JSON (try_evaluate no longer
-- ends the statement on it).  The same for a json value, which gets its
-- own forms.  Nothing else a query writes changes.

\echo Use "ALTER EXTENSION quotalevy UPDATE TO '1.2'" to load this file. \quit

CREATE OR REPLACE FUNCTION quotalevy.evaluate(rules text, record text, on_date date,
                                              overrides text[] DEFAULT NULL)
    RETURNS jsonb
    AS 'MODULE_PATHNAME', 'qlpg_evaluate_text'
    LANGUAGE C STABLE PARALLEL SAFE COST 1000;
CREATE OR REPLACE FUNCTION quotalevy.try_evaluate(rules text, record text, on_date date,
                                                  overrides text[] DEFAULT NULL)
    RETURNS jsonb
    AS 'MODULE_PATHNAME', 'qlpg_try_evaluate_text'
    LANGUAGE C STABLE PARALLEL SAFE COST 1000;
CREATE OR REPLACE FUNCTION quotalevy.evaluate_as(rules text, record text, on_date date,
                                                 shape anyelement,
                                                 overrides text[] DEFAULT NULL)
    RETURNS anyelement
    AS 'MODULE_PATHNAME', 'qlpg_evaluate_as_text'
    LANGUAGE C STABLE PARALLEL SAFE COST 1000;
CREATE OR REPLACE FUNCTION quotalevy.explain(rules text, record text, on_date date,
                                             overrides text[] DEFAULT NULL)
    RETURNS text
    AS 'MODULE_PATHNAME', 'qlpg_explain_text'
    LANGUAGE C STABLE PARALLEL SAFE COST 1000;

-- json (unlike jsonb) keeps a record's text as written, duplicates too:
-- read as the text forms read it.
CREATE FUNCTION quotalevy.evaluate(rules text, record json, on_date date,
                                   overrides text[] DEFAULT NULL) RETURNS jsonb
    AS 'MODULE_PATHNAME', 'qlpg_evaluate_text'
    LANGUAGE C STABLE PARALLEL SAFE COST 1000;
CREATE FUNCTION quotalevy.try_evaluate(rules text, record json, on_date date,
                                       overrides text[] DEFAULT NULL) RETURNS jsonb
    AS 'MODULE_PATHNAME', 'qlpg_try_evaluate_text'
    LANGUAGE C STABLE PARALLEL SAFE COST 1000;
CREATE FUNCTION quotalevy.evaluate_as(rules text, record json, on_date date,
                                      shape anyelement,
                                      overrides text[] DEFAULT NULL) RETURNS anyelement
    AS 'MODULE_PATHNAME', 'qlpg_evaluate_as_text'
    LANGUAGE C STABLE PARALLEL SAFE COST 1000;
CREATE FUNCTION quotalevy.explain(rules text, record json, on_date date,
                                  overrides text[] DEFAULT NULL) RETURNS text
    AS 'MODULE_PATHNAME', 'qlpg_explain_text'
    LANGUAGE C STABLE PARALLEL SAFE COST 1000;
