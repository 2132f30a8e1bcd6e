/*
 * functions.c — the SQL-callable functions (declared in quotalevy--1.0.sql
 * and the update scripts after it).
 *
 * Every evaluating function is STABLE (its answer depends on
 * quotalevy.rule_files, constant within a statement) and PARALLEL SAFE
 * (each worker compiles its own copy into its own cache), and takes
 * (rules, record, on_date[, …], overrides).  A NULL on_date means the
 * record's `date`; NULL overrides, none.  A NULL record (a NULL column, an
 * outer join's missing row) is the record's error — try_evaluate lists it
 * with the others — never a NULL that a sum() or a WHERE r ? 'error'
 * passes over; a NULL rule set name stops the statement (args.c), as
 * every NULL without such a meaning does in every function here.
 */
#include "pg_quotalevy.h"

#include "catalog/pg_type.h"
#include "lib/stringinfo.h"
#include "funcapi.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/lsyscache.h"

#include <string.h>

enum { MODE_RAISE, MODE_TRY, MODE_AS, MODE_EXPLAIN };

/* Where each mode's arguments are: (rules, record, on_date, overrides)
 * or, for evaluate_as, (rules, record, on_date, shape, overrides).  The
 * columns form (what the planner rewrites a whole-row argument into, see
 * support.c) has the column names where the record was and, after the
 * overrides, the table, the row's ctid and the columns' values. */
static int overrides_arg(int mode) { return mode == MODE_AS ? 4 : 3; }

static bool date_arg(FunctionCallInfo fcinfo, int arg, ql_date *out)
{
    if (PG_ARGISNULL(arg))
        return false;
    DateADT d = PG_GETARG_DATEADT(arg);
    if (DATE_NOT_FINITE(d))
        ereport(ERROR, (errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
                        qlpg_errmsg("the evaluation date must be finite")));
    if (!qlpg_date_of(d, out)) /* BC, or past 9999 */
        ereport(ERROR, (errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
                        qlpg_errmsg("the evaluation date %s is outside 0001-01-01 … 9999-12-31",
                               DatumGetCString(DirectFunctionCall1(date_out,
                                                                   DateADTGetDatum(d))))));
    return true;
}

static qlpg_entry *entry_arg(FunctionCallInfo fcinfo, int ovr_arg)
{
    bool have_ovr = ovr_arg < PG_NARGS() && !PG_ARGISNULL(ovr_arg);
    return qlpg_cache_get(fcinfo, PG_GETARG_TEXT_PP(0),
                          have_ovr ? PG_GETARG_DATUM(ovr_arg) : (Datum)0, have_ovr);
}

/* Reads the record argument into e's record and evaluates it. */
static ql_status evaluate(FunctionCallInfo fcinfo, qlpg_entry *e, int form,
                          Jsonb *jb, int mode, char **id, ql_error *err)
{
    ql_date date = 0;
    bool have_date = date_arg(fcinfo, 2, &date);
    ql_status st;
    if (form == QLPG_FORM_COLUMNS)
        st = qlpg_record_from_columns(fcinfo, e, overrides_arg(mode) + 1, &have_date,
                                      &date, id, err);
    else if (form == QLPG_FORM_ROW)
        st = qlpg_record_from_row(fcinfo, e, PG_GETARG_HEAPTUPLEHEADER(1), &have_date,
                                  &date, id, err);
    else
        st = qlpg_record_from_jsonb(e, jb, &have_date, &date, id, err);
    if (st)
        return st;
    if (!have_date) {
        ql_error_clear(err);
        err->code = QL_ERECORD;
        snprintf(err->field, sizeof err->field, "date");
        snprintf(err->message, sizeof err->message,
                 "no evaluation date: give on_date or a 'date' %s",
                 form == QLPG_FORM_JSONB ? "key" : "column");
        return QL_ERECORD;
    }
    return ql_evaluate(e->res, e->rec, date, mode == MODE_EXPLAIN ? QL_EVAL_TRACE : 0,
                       err);
}

static void raise_row(FunctionCallInfo fcinfo, int form, qlpg_entry *e,
                      ql_status st, ql_error *err, const char *id)
    pg_attribute_noreturn();
static void raise_row(FunctionCallInfo fcinfo, int form, qlpg_entry *e,
                      ql_status st, ql_error *err, const char *id)
{
    text *rules = PG_GETARG_TEXT_PP(0);
    size_t n;
    const char *u = qlpg_in(VARDATA_ANY(rules), VARSIZE_ANY_EXHDR(rules), &n);
    const char *name = qlpg_shown(u, n, QLPG_NAME_MAX);
    char *what = id ? psprintf("rule set \"%s\", record \"%s\"", name,
                               qlpg_shown(id, strlen(id), 100))
                    : psprintf("rule set \"%s\"", name);
    qlpg_where where;
    qlpg_where_of(fcinfo, form, e, err, &where);
    qlpg_raise_at(st, err, what, &where);
}

static Datum run(FunctionCallInfo fcinfo, int form, int mode)
{
    QLPG_NEED_ARG(fcinfo, 0, QLPG_TAKES_RULES);
    if (form == QLPG_FORM_COLUMNS)
        QLPG_NEED_ARG(fcinfo, overrides_arg(mode) + 1,
                      "the table the values are a row of (the planner's "
                      "rewrite of a table's row passes it)");
    qlpg_entry *e = entry_arg(fcinfo, overrides_arg(mode));
    char *id = NULL;
    ql_error err;
    Jsonb *jb = NULL;
    ql_status st = QL_OK;
    /* a null-extended row of an outer join has no ctid in the columns form */
    if (form == QLPG_FORM_COLUMNS ? PG_ARGISNULL(overrides_arg(mode) + 2)
                                  : PG_ARGISNULL(1)) {
        ql_error_clear(&err);
        st = err.code = QL_ERECORD;
        snprintf(err.message, sizeof err.message,
                 "the record is NULL, so there is nothing to evaluate (a NULL "
                 "value, or the missing row of an outer join)");
        form = form == QLPG_FORM_TEXT ? QLPG_FORM_JSONB : form;
    } else if (form == QLPG_FORM_TEXT) {
        /* JSON text: its keys checked (a key twice is an error, where the
         * cast to jsonb would keep the last), then read as jsonb */
        form = QLPG_FORM_JSONB;
        st = qlpg_jsonb_from_text(PG_GETARG_TEXT_PP(1), &jb, &err);
    } else if (form == QLPG_FORM_JSONB)
        jb = qlpg_jsonb_in(PG_GETARG_JSONB_P(1)); /* UTF-8, as all text here */
    if (!st)
        st = evaluate(fcinfo, e, form, jb, mode, &id, &err);
    /* a value the database cannot hold: this record's error here, where
     * the other functions raise 22P05 on it (encoding.c) */
    if (!st && mode == MODE_TRY && qlpg_result_unfit(e, &err))
        st = QL_ERECORD;
    if (st) {
        if (mode == MODE_TRY) {
            qlpg_where where;
            qlpg_where_of(fcinfo, form, e, &err, &where);
            PG_RETURN_JSONB_P(qlpg_error_jsonb(&err, id, &where));
        }
        raise_row(fcinfo, form, e, st, &err, id);
    }
    if (mode == MODE_AS) {
        qlpg_call *c = qlpg_call_of(fcinfo);
        if (!OidIsValid(c->shape)) { /* once per call site, not per row */
            Oid shape = get_fn_expr_argtype(fcinfo->flinfo, 3);
            if (!OidIsValid(shape) || !type_is_rowtype(shape))
                ereport(ERROR, (errcode(ERRCODE_DATATYPE_MISMATCH),
                                qlpg_errmsg("evaluate_as's fourth argument must be a "
                                       "composite type, such as NULL::my_result")));
            c->shape = shape;
        }
        return qlpg_result_row(fcinfo, e, c->shape, id, form);
    }
    if (mode == MODE_EXPLAIN) {
        /* the library's one rendering, the command's `explain` text */
        size_t n = ql_result_explain(NULL, 0, e->res);
        char *x = palloc(n + 1);
        ql_result_explain(x, n + 1, e->res);
        /* prose: a character the database's encoding lacks as \uXXXX */
        PG_RETURN_TEXT_P(cstring_to_text(qlpg_out_prose(x)));
    }
    PG_RETURN_JSONB_P(qlpg_result_jsonb(e, id));
}

/* The evaluating entry points: one per record form and mode. */
#define QLPG_ENTRY(name, form, mode)                                          \
    PG_FUNCTION_INFO_V1(name);                                                \
    Datum name(PG_FUNCTION_ARGS) { return run(fcinfo, form, mode); }
QLPG_ENTRY(qlpg_evaluate_jsonb, QLPG_FORM_JSONB, MODE_RAISE)
QLPG_ENTRY(qlpg_evaluate_row, QLPG_FORM_ROW, MODE_RAISE)
QLPG_ENTRY(qlpg_evaluate_columns, QLPG_FORM_COLUMNS, MODE_RAISE)
QLPG_ENTRY(qlpg_try_evaluate_jsonb, QLPG_FORM_JSONB, MODE_TRY)
QLPG_ENTRY(qlpg_try_evaluate_row, QLPG_FORM_ROW, MODE_TRY)
QLPG_ENTRY(qlpg_try_evaluate_columns, QLPG_FORM_COLUMNS, MODE_TRY)
QLPG_ENTRY(qlpg_evaluate_as_jsonb, QLPG_FORM_JSONB, MODE_AS)
QLPG_ENTRY(qlpg_evaluate_as_row, QLPG_FORM_ROW, MODE_AS)
QLPG_ENTRY(qlpg_evaluate_as_columns, QLPG_FORM_COLUMNS, MODE_AS)
QLPG_ENTRY(qlpg_explain_jsonb, QLPG_FORM_JSONB, MODE_EXPLAIN)
QLPG_ENTRY(qlpg_explain_row, QLPG_FORM_ROW, MODE_EXPLAIN)
QLPG_ENTRY(qlpg_explain_columns, QLPG_FORM_COLUMNS, MODE_EXPLAIN)
QLPG_ENTRY(qlpg_evaluate_text, QLPG_FORM_TEXT, MODE_RAISE)
QLPG_ENTRY(qlpg_try_evaluate_text, QLPG_FORM_TEXT, MODE_TRY)
QLPG_ENTRY(qlpg_evaluate_as_text, QLPG_FORM_TEXT, MODE_AS)
QLPG_ENTRY(qlpg_explain_text, QLPG_FORM_TEXT, MODE_EXPLAIN)

/* ------------------------------------------------------------ rule sets */

static const char *sql_type_of(ql_type t)
{
    switch (t) {
    case QL_TYPE_NUMBER: return "numeric";
    case QL_TYPE_BOOL: return "boolean";
    case QL_TYPE_DATE: return "date";
    default: return "text";
    }
}

/* A text of the rule set (UTF-8) for a column: data (a name, a value),
 * refused as `what` when the database's encoding cannot hold it; or,
 * when what is NULL, prose (a description, a citation), shown with
 * \uXXXX for what it cannot hold (encoding.c). */
static Datum text_out(const char *s, const char *what)
{
    size_t n;
    if (!what)
        return CStringGetTextDatum(qlpg_out_prose(s));
    const char *o = qlpg_out(s, strlen(s), &n, what, NULL);
    return PointerGetDatum(cstring_to_text_with_len(o, (int)n));
}

/* A row of n columns: texts[i] (UTF-8) as data named what[i] or as prose
 * (what[i] NULL), or datums[i] where texts[i] is NULL. */
static void put_row(ReturnSetInfo *rsi, int n, const char **texts,
                    const char **what, const bool *nulls_in, Datum *datums)
{
    Datum values[8];
    bool nulls[8];
    for (int i = 0; i < n; i++) {
        nulls[i] = nulls_in ? nulls_in[i] : false;
        /* a typed column is one without text: its Datum may be 0 (the
         * date 2000-01-01, PostgreSQL's epoch, was read as "no Datum" and
         * its NULL text crashed the server) */
        values[i] = nulls[i]             ? (Datum)0
                    : datums && !texts[i] ? datums[i]
                                          : text_out(texts[i], what[i]);
    }
    tuplestore_putvalues(rsi->setResult, rsi->setDesc, values, nulls);
}

PG_FUNCTION_INFO_V1(qlpg_result_columns);
/* The columns a composite result type may have, in the command's CSV
 * order: (name, sql_type). */
Datum qlpg_result_columns(PG_FUNCTION_ARGS)
{
    static const char *part[5] = {"applicable", "compliant", "required", "actual",
                                  "shortfall"};
    static const char *ptype[5] = {"boolean", "boolean", "numeric", "numeric",
                                   "numeric"};
    QLPG_NEED_ARG(fcinfo, 0, QLPG_TAKES_RULES);
    qlpg_entry *e = qlpg_cache_get(fcinfo, PG_GETARG_TEXT_PP(0), 0, false);
    InitMaterializedSRF(fcinfo, 0);
    ReturnSetInfo *rsi = (ReturnSetInfo *)fcinfo->resultinfo;
    size_t n = ql_ruleset_output_count(e->rs);
    for (size_t i = 0; i < n; i++) {
        const char *name = ql_ruleset_output_name(e->rs, i);
        const char *what[2] = {psprintf("output '%s'", qlpg_shown(name, strlen(name), 64)),
                               "a type"};
        if (!ql_ruleset_output_is_check(e->rs, i)) {
            const char *row[2] = {name, sql_type_of(ql_ruleset_output_type(e->rs, i))};
            put_row(rsi, 2, row, what, NULL, NULL);
            continue;
        }
        for (int f = 0; f < 5; f++) {
            char *col = psprintf("%s_%s", name, part[f]);
            const char *row[2] = {col, ptype[f]};
            put_row(rsi, 2, row, what, NULL, NULL);
        }
    }
    return (Datum)0;
}

PG_FUNCTION_INFO_V1(qlpg_inputs);
/* The rule set's inputs: (name, type, description). */
Datum qlpg_inputs(PG_FUNCTION_ARGS)
{
    QLPG_NEED_ARG(fcinfo, 0, QLPG_TAKES_RULES);
    qlpg_entry *e = qlpg_cache_get(fcinfo, PG_GETARG_TEXT_PP(0), 0, false);
    InitMaterializedSRF(fcinfo, 0);
    ReturnSetInfo *rsi = (ReturnSetInfo *)fcinfo->resultinfo;
    size_t n = ql_ruleset_input_count(e->rs);
    for (size_t i = 0; i < n; i++) {
        const char *d = ql_ruleset_input_description(e->rs, i);
        const char *name = ql_ruleset_input_name(e->rs, i);
        const char *row[3] = {name, ql_ruleset_input_type(e->rs, i), d ? d : ""};
        const char *what[3] = {psprintf("input '%s'", qlpg_shown(name, strlen(name), 64)),
                               "a type", NULL};
        bool nulls[3] = {false, false, d == NULL};
        put_row(rsi, 3, row, what, nulls, NULL);
    }
    return (Datum)0;
}

PG_FUNCTION_INFO_V1(qlpg_rule_set_info);
/* What the rule set declares: (id, title, jurisdiction, version,
 * description, currency, currency_places); the last two NULL when it
 * declares no currency (ql_ruleset_currency_places −1). */
Datum qlpg_rule_set_info(PG_FUNCTION_ARGS)
{
    static const char *keys[5] = {"id", "title", "jurisdiction", "version",
                                  "description"};
    QLPG_NEED_ARG(fcinfo, 0, QLPG_TAKES_RULES);
    qlpg_entry *e = qlpg_cache_get(fcinfo, PG_GETARG_TEXT_PP(0), 0, false);
    TupleDesc td;
    if (get_call_result_type(fcinfo, NULL, &td) != TYPEFUNC_COMPOSITE)
        ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
                        qlpg_errmsg("rule_set_info must return a row")));
    Datum values[7];
    bool nulls[7];
    for (int i = 0; i < 5; i++) {
        const char *v = ql_ruleset_meta(e->rs, keys[i]);
        nulls[i] = v == NULL;
        /* what a person reads: a character the encoding lacks as \uXXXX */
        values[i] = v ? text_out(v, NULL) : (Datum)0;
    }
    const char *code = ql_ruleset_currency(e->rs);
    int places = ql_ruleset_currency_places(e->rs);
    nulls[5] = code == NULL;
    values[5] = code ? text_out(code, NULL) : (Datum)0;
    nulls[6] = places < 0;
    values[6] = Int32GetDatum(places);
    PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(BlessTupleDesc(td), values, nulls)));
}

/* A share ("0.016") as the rules file writes a percentage ("1.6%"): the
 * point moved two places, its places kept in percent (0.150 → 15.0%). */
static char *percent_text(const char *share)
{
    const char *p = share, *dot;
    StringInfoData b;
    initStringInfo(&b);
    if (*p == '-')
        appendStringInfoChar(&b, *p++);
    dot = strchr(p, '.');
    size_t whole = dot ? (size_t)(dot - p) : strlen(p);
    const char *frac = dot ? dot + 1 : "";
    size_t nf = strlen(frac);
    char *digits = psprintf("%.*s%.*s%s", (int)whole, p, (int)(nf < 2 ? nf : 2), frac,
                            nf == 0 ? "00" : nf == 1 ? "0" : "");
    const char *d = digits;
    while (d[0] == '0' && d[1]) /* 0016 → 16, 000 → 0 */
        d++;
    appendStringInfoString(&b, d);
    if (nf > 2)
        appendStringInfo(&b, ".%s", frac + 2);
    appendStringInfoChar(&b, '%');
    return b.data;
}

PG_FUNCTION_INFO_V1(qlpg_parameters);
/* The parameters in force on a date: (name, value, in_force_from, source);
 * value and in_force_from are NULL when none is in force then; a value as
 * the rules file writes it (a percentage with its '%'). */
Datum qlpg_parameters(PG_FUNCTION_ARGS)
{
    QLPG_NEED_ARG(fcinfo, 0, QLPG_TAKES_RULES);
    QLPG_NEED_ARG(fcinfo, 1,
                  "the date whose parameters in force are listed, such as "
                  "'2024-06-30'");
    ql_date date;
    date_arg(fcinfo, 1, &date);
    qlpg_entry *e = entry_arg(fcinfo, 2);
    InitMaterializedSRF(fcinfo, 0);
    ReturnSetInfo *rsi = (ReturnSetInfo *)fcinfo->resultinfo;
    size_t n = ql_ruleset_param_count(e->rs);
    for (size_t i = 0; i < n; i++) {
        ql_value v = QL_VALUE_INIT;
        ql_date from;
        const char *source = NULL;
        ql_error err;
        ql_status st = ql_ruleset_param_value(&v, &from, &source, e->rs, i, date, &err);
        char *value = NULL;
        if (!st) {
            if (v.type == QL_TYPE_STRING || v.type == QL_TYPE_TABLE)
                value = pnstrdup(v.string, v.length);
            else {
                size_t len = ql_value_format(NULL, 0, &v);
                value = palloc(len + 1);
                ql_value_format(value, len + 1, &v);
                /* a percentage as the rules file and an override write it */
                if (ql_ruleset_param_unit(e->rs, i) == QL_PARAM_PERCENT)
                    value = percent_text(value);
            }
        } else if (st != QL_ENODATA)
            qlpg_raise(st, &err, "parameters");
        Datum datums[4] = {0, 0, st ? 0 : DateADTGetDatum((DateADT)(from - QLPG_EPOCH_SHIFT)), 0};
        const char *name = ql_ruleset_param_name(e->rs, i);
        const char *row[4] = {name, value, NULL, source};
        const char *shown = qlpg_shown(name, strlen(name), 64);
        const char *what[4] = {psprintf("parameter '%s'", shown),
                               psprintf("the value of parameter '%s'", shown), NULL, NULL};
        bool nulls[4] = {false, st != QL_OK, st != QL_OK, source == NULL};
        put_row(rsi, 4, row, what, nulls, datums);
    }
    return (Datum)0;
}

PG_FUNCTION_INFO_V1(qlpg_compile_check);
/* quotalevy.check_rules(name, source): the error a file would be refused
 * with (name:line:column: message), or NULL when it compiles. */
Datum qlpg_compile_check(PG_FUNCTION_ARGS)
{
    /* its NULL answer means "compiles": a NULL argument is no answer */
    QLPG_NEED_ARG(fcinfo, 0,
                  "the name the file would be stored under, such as 'bj/beijing'");
    QLPG_NEED_ARG(fcinfo, 1, "the rule file's YAML text");
    /* UTF-8, as all text inside the extension (encoding.c) */
    char *name = qlpg_in_cstr(text_to_cstring(PG_GETARG_TEXT_PP(0)));
    text *src = PG_GETARG_TEXT_PP(1);
    if (VARSIZE_ANY_EXHDR(src) > QLPG_SOURCE_MAX)
        PG_RETURN_TEXT_P(cstring_to_text("the source is larger than 16 MiB"));
    char *source = qlpg_in_cstr(text_to_cstring(src));
    ql_ruleset *rs = NULL;
    ql_error err;
    ql_status st = qlpg_compile(&rs, name, name, source, NULL, 0, &err);
    ql_ruleset_free(rs);
    if (!st)
        PG_RETURN_NULL();
    char msg[QL_ERROR_FILE_MAX + QL_ERROR_MESSAGE_MAX + 64];
    ql_error_format(msg, sizeof msg, &err);
    PG_RETURN_TEXT_P(cstring_to_text(qlpg_out_prose(msg)));
}
