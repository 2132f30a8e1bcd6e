/*
 * results.c — results out: the last evaluation's outputs and checks as
 * jsonb or as a composite row, and a failed one as an error object
 * (records in are convert.c's).
 *
 * Numbers become numeric with the scale the library gives them (money in
 * its currency's minor unit), so jsonb holds 110000.00, not 110000;
 * checks are objects of their five fields, as in the command's JSON
 * Lines.  A composite result type takes its columns by the command's CSV
 * column names (levy_due, agency_post_minimum_required, …).
 */
#include "pg_quotalevy.h"

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "funcapi.h"
#include "mb/pg_wchar.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/lsyscache.h"
#include "utils/numeric.h"
#include "utils/typcache.h"

#include <string.h>

/* ----------------------------------------------------------- jsonb output */

/* Text of the library (UTF-8) in the database's encoding (encoding.c):
 * data — output `name`'s value — refused when the encoding cannot hold
 * it; prose (name NULL: a message, an id echoed) shown with \uXXXX for
 * what it cannot hold. */
static const char *out_text(const char *s, size_t n, size_t *len,
                            const char *name)
{
    if (name)
        return qlpg_out(s, n, len, "the value of output", name);
    char *p = qlpg_out_prose(pnstrdup(s, n));
    *len = strlen(p);
    return p;
}

static void put_key(JsonbParseState **ps, const char *k)
{
    JsonbValue v;
    size_t len;
    v.type = jbvString;
    v.val.string.val =
        (char *)qlpg_out(k, strlen(k), &len, "the name of output", k);
    v.val.string.len = (int)len;
    pushJsonbValue(ps, WJB_KEY, &v);
}

static Numeric numeric_of(const char *s)
{
    return DatumGetNumeric(DirectFunctionCall3(numeric_in, CStringGetDatum(s),
                                               ObjectIdGetDatum(InvalidOid),
                                               Int32GetDatum(-1)));
}

/* A value given as the library's text: "" null, else typed; a string
 * converted as out_text does (output `name`'s, or prose). */
static void put_text_value(JsonbParseState **ps, ql_type t, const char *s,
                           size_t n, const char *name)
{
    JsonbValue v;
    if (n == 0)
        v.type = jbvNull;
    else if (t == QL_TYPE_NUMBER) {
        v.type = jbvNumeric;
        v.val.numeric = numeric_of(s);
    } else if (t == QL_TYPE_BOOL) {
        v.type = jbvBool;
        v.val.boolean = s[0] == 't';
    } else {
        size_t len;
        const char *o = out_text(s, n, &len, name);
        v.type = jbvString;
        v.val.string.val = o == s ? pnstrdup(s, n) : (char *)o;
        v.val.string.len = (int)len;
    }
    pushJsonbValue(ps, WJB_VALUE, &v);
}

static const char *check_part[5] = {"applicable", "compliant", "required",
                                    "actual", "shortfall"};

/* Check field f's type. */
static ql_type part_type(int f)
{
    return f <= QL_CHECK_COMPLIANT ? QL_TYPE_BOOL : QL_TYPE_NUMBER;
}

/* A number of the last evaluation as a numeric at its declared scale —
 * output `output`, or field `part` of check `check` when output < 0 —
 * with no text in between; NULL when it has none. */
static Numeric result_number(const qlpg_entry *e, int output, int check,
                             int part)
{
    ql_value v = QL_VALUE_INIT;
    if (output >= 0) {
        if (ql_result_output(&v, e->res, (size_t)output))
            return NULL;
    } else {
        ql_check_result cr = QL_CHECK_RESULT_INIT;
        if (ql_result_check(&cr, e->res, (size_t)check))
            return NULL;
        v = part == QL_CHECK_REQUIRED ? cr.required
            : part == QL_CHECK_ACTUAL ? cr.actual
                                      : cr.shortfall;
    }
    return v.type == QL_TYPE_NUMBER ? qlpg_decimal_to_numeric(&v.number) : NULL;
}

static void put_number(JsonbParseState **ps, Numeric n)
{
    JsonbValue v;
    v.type = n ? jbvNumeric : jbvNull;
    v.val.numeric = n;
    pushJsonbValue(ps, WJB_VALUE, &v);
}

/* Output i's value as text into buf (numbers, bools, dates) or, for a
 * string, its bytes in *s. */
static size_t output_text(const qlpg_entry *e, size_t i, ql_type t, char *buf,
                          size_t size, const char **s)
{
    if (t == QL_TYPE_STRING) {
        ql_value v = QL_VALUE_INIT;
        if (ql_result_output(&v, e->res, i) || v.type == QL_TYPE_NONE) {
            *s = "";
            return 0;
        }
        *s = v.string;
        return v.length;
    }
    *s = buf;
    return ql_result_output_text(buf, size, e->res, i);
}

Jsonb *qlpg_result_jsonb(const qlpg_entry *e, const char *id)
{
    JsonbParseState *ps = NULL;
    char buf[QL_DECIMAL_TEXT_MAX];
    const char *s;
    pushJsonbValue(&ps, WJB_BEGIN_OBJECT, NULL);
    if (id) {
        put_key(&ps, "id");
        put_text_value(&ps, QL_TYPE_STRING, id, strlen(id), NULL);
    }
    size_t n = ql_ruleset_output_count(e->rs), check = 0;
    for (size_t i = 0; i < n; i++) {
        put_key(&ps, ql_ruleset_output_name(e->rs, i));
        if (!ql_ruleset_output_is_check(e->rs, i)) {
            ql_type t = ql_ruleset_output_type(e->rs, i);
            if (t == QL_TYPE_NUMBER) {
                put_number(&ps, result_number(e, (int)i, -1, 0));
                continue;
            }
            size_t len = output_text(e, i, t, buf, sizeof buf, &s);
            put_text_value(&ps, t, s, len, ql_ruleset_output_name(e->rs, i));
            continue;
        }
        /* the check's index: checks are the check outputs in order */
        const char *name = ql_ruleset_output_name(e->rs, i);
        size_t nc = ql_ruleset_check_count(e->rs);
        for (check = 0; check < nc; check++)
            if (!strcmp(ql_ruleset_check_name(e->rs, check), name))
                break;
        pushJsonbValue(&ps, WJB_BEGIN_OBJECT, NULL);
        for (int f = 0; f < 5; f++) {
            put_key(&ps, check_part[f]);
            if (part_type(f) == QL_TYPE_NUMBER) {
                put_number(&ps, result_number(e, -1, (int)check, f));
                continue;
            }
            size_t len = ql_result_check_text(buf, sizeof buf, e->res, check,
                                              (ql_check_field)f);
            put_text_value(&ps, part_type(f), buf, len, NULL);
        }
        pushJsonbValue(&ps, WJB_END_OBJECT, NULL);
    }
    return JsonbValueToJsonb(pushJsonbValue(&ps, WJB_END_OBJECT, NULL));
}

/* key: a message's part s (prose). */
bool qlpg_result_unfit(const qlpg_entry *e, ql_error *err)
{
    int enc = GetDatabaseEncoding();
    if (enc == PG_UTF8 || enc == PG_SQL_ASCII)
        return false;
    size_t n = ql_ruleset_output_count(e->rs);
    for (size_t i = 0; i < n; i++) {
        const char *s, *name = ql_ruleset_output_name(e->rs, i);
        unsigned code;
        if (ql_ruleset_output_is_check(e->rs, i) ||
            ql_ruleset_output_type(e->rs, i) != QL_TYPE_STRING)
            continue;
        size_t len = output_text(e, i, QL_TYPE_STRING, NULL, 0, &s);
        if (qlpg_out_fits(s, len, &code))
            continue;
        ql_error_clear(err);
        err->code = QL_ERECORD;
        snprintf(err->field, sizeof err->field, "%s", name);
        snprintf(err->message, sizeof err->message,
                 "the value of output '%s' has the character U+%04X, which the "
                 "database's encoding %s has no equivalent for",
                 name, code, GetDatabaseEncodingName());
        return true;
    }
    return false;
}

static void put_string(JsonbParseState **ps, const char *key, const char *s)
{
    put_key(ps, key);
    put_text_value(ps, QL_TYPE_STRING, s, strlen(s), NULL);
}

Jsonb *qlpg_error_jsonb(const ql_error *err, const char *id,
                        const qlpg_where *w)
{
    JsonbParseState *ps = NULL;
    char num[16];
    pushJsonbValue(&ps, WJB_BEGIN_OBJECT, NULL);
    if (id) {
        put_key(&ps, "id");
        put_text_value(&ps, QL_TYPE_STRING, id, strlen(id), NULL);
    }
    put_key(&ps, "error");
    pushJsonbValue(&ps, WJB_BEGIN_OBJECT, NULL);
    put_string(&ps, "status", ql_status_name(err->code));
    put_string(&ps, "sqlstate", unpack_sql_state(qlpg_sqlstate(err->code)));
    put_string(&ps, "field", err->field);
    put_string(&ps, "message", err->message);
    /* the rule file as quotalevy.rule_files names it */
    const char *file = err->file;
    if (w && w->rule[0]) {
        const char *colon = strchr(w->rule, ':');
        file = pnstrdup(w->rule,
                        colon ? (size_t)(colon - w->rule) : strlen(w->rule));
    }
    put_string(&ps, "file", file);
    put_key(&ps, "line");
    snprintf(num, sizeof num, "%d", err->line);
    put_text_value(&ps, QL_TYPE_NUMBER, num, err->line ? strlen(num) : 0, NULL);
    put_key(&ps, "column");
    snprintf(num, sizeof num, "%d", err->column);
    put_text_value(&ps, QL_TYPE_NUMBER, num, err->column ? strlen(num) : 0,
                   NULL);
    if (w && w->table[0])
        put_string(&ps, "table", w->table);
    if (w && w->row[0])
        put_string(&ps, "ctid", w->row);
    pushJsonbValue(&ps, WJB_END_OBJECT, NULL);
    return JsonbValueToJsonb(pushJsonbValue(&ps, WJB_END_OBJECT, NULL));
}

/* ---------------------------------------------------------- composite out */

typedef struct outmap {
    Oid type;     /* the shape's type: a composite, or a domain over one */
    Oid rowtype;  /* … the composite */
    void *domain; /* domain_check's cache when type is a domain */
    uint64 serial;
    TupleDesc td;  /* in fn_mcxt, blessed */
    Datum *values; /* a row's values and nulls, refilled for each row */
    bool *nulls;
    struct ocol {
        int output; /* output index, −1 for id */
        int check;  /* check index, −1 for a plain output */
        int part;   /* check field */
        ql_type t;
        Oid atttype, base;  /* the column's type and its base type */
        int32 typmod;       /* the column's, else its domain's */
        bool domain;        /* atttype is a domain: its constraints checked */
        void *domain_extra; /* domain_check's cache */
        FmgrInfo
            in; /* input function for types other than numeric/bool/text/date */
        Oid ioparam;
    } col[FLEXIBLE_ARRAY_MEMBER];
} outmap;

/* Finds the output (or check field) a result column names. */
static bool find_output(const ql_ruleset *rs, const char *col, struct ocol *o)
{
    size_t n = ql_ruleset_output_count(rs), nc = ql_ruleset_check_count(rs);
    for (size_t i = 0; i < n; i++)
        if (!ql_ruleset_output_is_check(rs, i) &&
            !strcmp(ql_ruleset_output_name(rs, i), col)) {
            o->output = (int)i;
            o->check = -1;
            o->t = ql_ruleset_output_type(rs, i);
            return true;
        }
    for (size_t k = 0; k < nc; k++) {
        const char *name = ql_ruleset_check_name(rs, k);
        size_t l = strlen(name);
        if (strncmp(col, name, l) || col[l] != '_')
            continue;
        for (int f = 0; f < 5; f++)
            if (!strcmp(col + l + 1, check_part[f])) {
                o->output = -1;
                o->check = (int)k;
                o->part = f;
                o->t = part_type(f);
                return true;
            }
    }
    return false;
}

static outmap *map_out(FunctionCallInfo fcinfo, const qlpg_entry *e, Oid typid)
{
    qlpg_call *c = qlpg_call_of(fcinfo);
    outmap *m = c->outmap;
    if (m && m->type == typid && m->serial == e->serial)
        return m;
    MemoryContext old = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);
    Oid rowtype = getBaseType(typid); /* a domain over a composite: its base */
    TupleDesc td = lookup_rowtype_tupdesc_copy(rowtype, -1);
    m = palloc0(offsetof(outmap, col) + sizeof(struct ocol) * (td->natts + 1));
    m->type = typid;
    m->rowtype = rowtype;
    m->serial = e->serial;
    m->td = BlessTupleDesc(td);
    m->values = palloc0(sizeof(Datum) * (td->natts + 1));
    m->nulls = palloc0(sizeof(bool) * (td->natts + 1));
    for (int a = 0; a < td->natts; a++) {
        Form_pg_attribute att = TupleDescAttr(td, a);
        struct ocol *o = &m->col[a];
        o->atttype = att->atttypid;
        /* a domain over numeric(12,2) has its typmod on the domain */
        int32 base_typmod = -1;
        o->base = getBaseTypeAndTypmod(att->atttypid, &base_typmod);
        o->typmod = att->atttypmod >= 0 ? att->atttypmod : base_typmod;
        o->domain = o->base != att->atttypid;
        if (att->attisdropped)
            continue;
        const char *name = qlpg_in_cstr(NameStr(att->attname)); /* UTF-8 */
        const char *shown = qlpg_shown(name, strlen(name), NAMEDATALEN);
        if (!strcmp(name, "id"))
            o->output = -1, o->check = -1;
        else if (!find_output(e->rs, name, o))
            ereport(ERROR,
                    (errcode(ERRCODE_UNDEFINED_COLUMN),
                     qlpg_errmsg(
                         "result type %s has a column \"%s\", which is not an "
                         "output of rule set \"%s\"",
                         qlpg_in_cstr(format_type_be(typid)), shown,
                         qlpg_shown(e->name, strlen(e->name), QLPG_NAME_MAX)),
                     qlpg_errhint(
                         "quotalevy.result_columns(rules) lists the columns "
                         "a result type may have.")));
        Oid base = o->base;
        /* a type whose input rounds silently would make sum(levy_due)
         * inexact: a binary float, or money (the server's places and
         * currency, whatever the rule set's) */
        if (base == FLOAT4OID || base == FLOAT8OID || base == CASHOID)
            ereport(
                ERROR,
                (errcode(ERRCODE_DATATYPE_MISMATCH),
                 qlpg_errmsg(
                     "result type %s has column \"%s\" of type %s, which "
                     "would round the rule set's exact values",
                     qlpg_in_cstr(format_type_be(typid)), shown,
                     qlpg_in_cstr(format_type_be(att->atttypid))),
                 qlpg_errdetail(
                     base == CASHOID
                         ? "money has the server's places and currency "
                           "(lc_monetary), not the rule set's."
                         : "A binary float does not hold the decimal the "
                           "library computed."),
                 qlpg_errhint(
                     "Declare the column numeric (quotalevy.create_result_type "
                     "makes such a type).")));
        if (base != NUMERICOID && base != BOOLOID && base != TEXTOID &&
            base != DATEOID) {
            Oid fn;
            getTypeInputInfo(att->atttypid, &fn, &o->ioparam);
            fmgr_info_cxt(fn, &o->in, fcinfo->flinfo->fn_mcxt);
        }
    }
    MemoryContextSwitchTo(old);
    if (c->outmap)
        pfree(c->outmap);
    c->outmap = m;
    return m;
}

/* What an error while a result row is made says of where it is. */
typedef struct rowctx {
    FunctionCallInfo fcinfo;
    int form;
    const qlpg_entry *e;
    const char *column; /* as the catalog has it (the server's encoding) */
    const char *id;     /* UTF-8 */
} rowctx;

static void result_row_context(void *arg)
{
    const rowctx *c = arg;
    ql_error none;
    qlpg_where w;
    ql_error_clear(&none);
    qlpg_where_of(c->fcinfo, c->form, c->e, &none, &w);
    const char *column = c->column ? qlpg_in_cstr(c->column) : NULL;
    qlpg_errcontext(
        "%s%s%s%s%s%s%s%s%s%s", column ? "result column \"" : "result row",
        column ? qlpg_shown(column, strlen(column), NAMEDATALEN) : "",
        column ? "\"" : "", c->id ? " of record \"" : "",
        c->id ? qlpg_shown(c->id, strlen(c->id), 100) : "", c->id ? "\"" : "",
        w.table[0] ? ", table " : "", w.table, w.row[0] ? ", row " : "", w.row);
}

/* Result column o's value (attribute att) into *value / *isnull; true
 * when a domain's constraints were checked on the way (its input
 * function ran), false when they are still to be checked. */
static bool column_value(const qlpg_entry *e, struct ocol *o,
                         Form_pg_attribute att, const char *id, Datum *value,
                         bool *isnull)
{
    char buf[QL_DECIMAL_TEXT_MAX];
    const char *s = buf;
    size_t len;
    *isnull = false;
    if (o->base == NUMERICOID && o->t == QL_TYPE_NUMBER && o->typmod < 0) {
        Numeric n = result_number(e, o->output, o->check, o->part);
        *isnull = n == NULL;
        *value = n ? NumericGetDatum(n) : (Datum)0;
        return false;
    }
    if (o->output < 0 && o->check < 0)
        s = id ? id : "", len = id ? strlen(id) : 0;
    else if (o->check >= 0)
        len = ql_result_check_text(buf, sizeof buf, e->res, (size_t)o->check,
                                   (ql_check_field)o->part);
    else
        len = output_text(e, (size_t)o->output, o->t, buf, sizeof buf, &s);
    if (len == 0) {
        *isnull = true;
        *value = (Datum)0;
        return false;
    }
    /* text in the database's encoding: an output's value is data, refused
     * where the encoding cannot hold it; the id echoed, as prose */
    if (o->output >= 0 && o->t == QL_TYPE_STRING)
        s = qlpg_out(s, len, &len, "the value of output",
                     ql_ruleset_output_name(e->rs, (size_t)o->output));
    else if (o->output < 0 && o->check < 0)
        s = out_text(s, len, &len, NULL);
    char *z = pnstrdup(s, len);
    Oid base = o->base;
    if (base == NUMERICOID) {
        Datum exact = NumericGetDatum(numeric_of(z));
        *value = exact;
        if (o->typmod >= 0) {
            /* a declared numeric(p,s) may not round the library's value */
            *value =
                DirectFunctionCall2(numeric, exact, Int32GetDatum(o->typmod));
            if (DatumGetInt32(DirectFunctionCall2(numeric_cmp, exact, *value)))
                ereport(
                    ERROR,
                    (errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
                     qlpg_errmsg(
                         "output \"%s\" = %s does not fit column type %s "
                         "without rounding",
                         qlpg_shown(qlpg_in_cstr(NameStr(att->attname)),
                                    strlen(qlpg_in_cstr(NameStr(att->attname))),
                                    NAMEDATALEN),
                         z,
                         qlpg_in_cstr(o->domain
                                          ? format_type_be(o->atttype)
                                          : format_type_with_typemod(
                                                o->atttype, o->typmod)))));
        }
    } else if (base == BOOLOID)
        *value = BoolGetDatum(z[0] == 't');
    else if (base == TEXTOID)
        *value = PointerGetDatum(cstring_to_text_with_len(z, (int)len));
    else if (base == DATEOID) {
        ql_date d;
        ql_error err;
        if (ql_date_parse(&d, z, len, &err))
            ereport(ERROR,
                    (errcode(ERRCODE_DATATYPE_MISMATCH),
                     qlpg_errmsg(
                         "output \"%s\" = %s is not a date",
                         qlpg_shown(qlpg_in_cstr(NameStr(att->attname)),
                                    strlen(qlpg_in_cstr(NameStr(att->attname))),
                                    NAMEDATALEN),
                         z)));
        *value = DateADTGetDatum((DateADT)(d - QLPG_EPOCH_SHIFT));
    } else {
        /* a domain's input function checks its constraints */
        *value = InputFunctionCall(&o->in, z, o->ioparam, o->typmod);
        return true;
    }
    return false;
}

Datum qlpg_result_row(FunctionCallInfo fcinfo, const qlpg_entry *e, Oid typid,
                      const char *id, int form)
{
    outmap *m = map_out(fcinfo, e, typid);
    rowctx ctx = {fcinfo, form, e, NULL, id};
    ErrorContextCallback cb = {error_context_stack, result_row_context, &ctx};
    error_context_stack = &cb;
    int natts = m->td->natts;
    Datum *values = m->values;
    bool *nulls = m->nulls;
    MemoryContext fn_mcxt = fcinfo->flinfo->fn_mcxt;
    for (int a = 0; a < natts; a++) {
        struct ocol *o = &m->col[a];
        Form_pg_attribute att = TupleDescAttr(m->td, a);
        if (att->attisdropped) {
            nulls[a] = true;
            continue;
        }
        ctx.column = NameStr(att->attname);
        bool checked = column_value(e, o, att, id, &values[a], &nulls[a]);
        /* a caller's domain (numeric CHECK (VALUE >= 0), NOT NULL, …)
         * holds of every value it gets, as an INSERT would check it */
        if (o->domain && !checked)
            domain_check(values[a], nulls[a], o->atttype, &o->domain_extra,
                         fn_mcxt);
    }
    ctx.column = NULL;
    HeapTuple t = heap_form_tuple(m->td, values, nulls);
    Datum row = HeapTupleGetDatum(t);
    if (m->type != m->rowtype) /* a domain over the row type: the whole row */
        domain_check(row, false, m->type, &m->domain, fn_mcxt);
    error_context_stack = cb.previous;
    return row;
}
