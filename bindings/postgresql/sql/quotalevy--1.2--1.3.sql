-- quotalevy 1.2 → 1.3: what a rule set declares, in one row, its currency
-- with it.  (ALTER EXTENSION quotalevy UPDATE; a new installation runs
-- 1.0, 1.1, 1.2, then this.)  Nothing a query already writes changes.

\echo Use "ALTER EXTENSION quotalevy UPDATE TO '1.3'" to load this file. \quit

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
    LANGUAGE C STABLE STRICT PARALLEL SAFE;
