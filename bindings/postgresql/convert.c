/*
 * convert.c — records in: a jsonb object, a table row or a row's columns
 * into the rule set's record, and where a record's error lies (results
 * out are results.c's).
 *
 * Inputs are named as the command names CSV headers: a key or column whose
 * name is an input feeds it, `date` is the evaluation date when on_date is
 * NULL (a record's error when both give one), `id` is echoed in the
 * result, anything else is not read (keys.c).  NULL (SQL or JSON) is an
 * empty field.  Numbers cross as exact decimal text
 * (numeric_out never writes an exponent); binary floating point columns are
 * refused, since their values are not the decimals the user wrote.
 */
#include "pg_quotalevy.h"

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "funcapi.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/array.h"
#include "utils/lsyscache.h"
#include "utils/numeric.h"
#include "utils/typcache.h"

#include <stdlib.h>
#include <string.h>

#include "noinput.h"

static void record_error(ql_error *err, const char *field, const char *fmt,
                         const char *arg)
{
    ql_error_clear(err);
    err->code = QL_ERECORD;
    snprintf(err->field, sizeof err->field, "%s", field);
    snprintf(err->message, sizeof err->message, fmt, arg);
}

/* A record that gives its own date when on_date gives one too: one of the
 * two would be dropped without a word, so neither is chosen (the command
 * refuses --date with a 'date' column the same way). */
static ql_status date_twice(ql_error *err, const char *what)
{
    ql_error_clear(err);
    err->code = QL_ERECORD;
    snprintf(err->field, sizeof err->field, "date");
    snprintf(err->message, sizeof err->message,
             "the record's 'date' %s gives its evaluation date, and so does "
             "on_date: give one of them (on_date NULL evaluates each record on "
             "its own date)", what);
    return QL_ERECORD;
}

/* A record's date from its text (s, len), as the command reads a date
 * field: the library's words ("'2024-02-30' is not a real calendar
 * date", "'infinity' is not a date (expected YYYY-MM-DD)"), the field
 * `date`; a record's error (QL_ERECORD), never the call's. */
static ql_status date_of_text(ql_date *date, const char *s, size_t len,
                              ql_error *err)
{
    /* blanks around it trimmed, as the command and the library trim a
     * field (' 2024-06-30' was the record's error here, a date there) */
    while (len && (*s == ' ' || *s == '\t'))
        s++, len--;
    while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
        len--;
    if (!ql_date_parse(date, s, len, err))
        return QL_OK;
    err->code = QL_ERECORD;
    snprintf(err->field, sizeof err->field, "date");
    return QL_ERECORD;
}

/* What an input takes without text in between. */
enum { K_OTHER, K_NUMBER, K_BOOL };

static int kind_of(const ql_ruleset *rs, int i)
{
    const char *t = i >= 0 ? ql_ruleset_input_type(rs, (size_t)i) : NULL;
    if (!t)
        return K_OTHER;
    if (!strcmp(t, "decimal") || !strcmp(t, "integer") || !strcmp(t, "money"))
        return K_NUMBER;
    return !strcmp(t, "bool") ? K_BOOL : K_OTHER;
}

/* ------------------------------------------------------------ jsonb input */

static bool jsonb_key(Jsonb *jb, const char *key, JsonbValue *out)
{
    return getKeyJsonValueFromContainer(&jb->root, key, strlen(key), out) != NULL;
}

/* A scalar as text (numbers exactly), into *s / *len; false for a
 * container. */
static bool jsonb_text(const JsonbValue *v, const char **s, size_t *len)
{
    switch (v->type) {
    case jbvString:
        *s = v->val.string.val;
        *len = (size_t)v->val.string.len;
        return true;
    case jbvNumeric:
        *s = DatumGetCString(DirectFunctionCall1(numeric_out,
                                                 NumericGetDatum(v->val.numeric)));
        *len = strlen(*s);
        return true;
    case jbvBool:
        *s = v->val.boolean ? "true" : "false";
        *len = strlen(*s);
        return true;
    default:
        return false;
    }
}

/* A list input's item "name[k]" from the JSON array "name": [...] (k from
 * 1), when there is no "name[k]" key. */
static bool list_item(Jsonb *jb, const char *name, JsonbValue *out)
{
    const char *br = strchr(name, '[');
    if (!br || br == name)
        return false;
    char *end;
    long k = strtol(br + 1, &end, 10);
    if (k < 1 || *end != ']' || end[1] != '\0')
        return false;
    JsonbValue arr;
    if (!getKeyJsonValueFromContainer(&jb->root, name, (int)(br - name), &arr) ||
        arr.type != jbvBinary || !JsonContainerIsArray(arr.val.binary.data))
        return false;
    JsonbValue *item = getIthJsonbValueFromContainer(arr.val.binary.data,
                                                     (uint32)(k - 1));
    if (!item)
        return false;
    *out = *item;
    return true;
}

/* A record none of whose keys is an input: the record's error, not a
 * row of the inputs' defaults (noinput.h decides and words it, as every
 * front end does). */
static ql_status no_input(const ql_ruleset *rs, Jsonb *jb, size_t given, ql_error *err)
{
    const char *names[NOINPUT_NAMES_READ];
    size_t n = 0;
    char msg[QL_ERROR_MESSAGE_MAX];
    if (!noinput_refuses(rs, given))
        return QL_OK;
    JsonbIterator *it = JsonbIteratorInit(&jb->root);
    JsonbValue k;
    JsonbIteratorToken tok;
    while (n < NOINPUT_NAMES_READ && (tok = JsonbIteratorNext(&it, &k, true)) != WJB_DONE)
        if (tok == WJB_KEY)
            names[n++] = pnstrdup(k.val.string.val, k.val.string.len);
    record_error(err, "", "%s", noinput_message(msg, sizeof msg, rs, 0, "the record", names, n));
    return QL_ERECORD;
}

ql_status qlpg_record_from_jsonb(qlpg_entry *e, Jsonb *jb, bool *have_date,
                                 ql_date *date, char **id, ql_error *err)
{
    JsonbValue v;
    const char *s;
    size_t len;
    ql_record_clear(e->rec);
    *id = NULL;
    if (!JB_ROOT_IS_OBJECT(jb)) {
        record_error(err, "", "the record must be a JSON object%s", "");
        return QL_ERECORD;
    }
    int read = 0; /* keys that feed an input, or are id or date */
    /* no date where one is read: a key near 'date' is its slip */
    bool date_missing = !*have_date && !jsonb_key(jb, "date", &v);
    if (jsonb_key(jb, "id", &v) && (++read, v.type != jbvNull) && jsonb_text(&v, &s, &len))
        *id = pnstrdup(s, len);
    if (jsonb_key(jb, "date", &v) && ql_ruleset_input_index(e->rs, "date") < 0)
        read++;
    if (jsonb_key(jb, "date", &v) && v.type != jbvNull) {
        if (*have_date)
            return date_twice(err, "key");
        /* a number (20240630) as its text, refused in the same words */
        if (!jsonb_text(&v, &s, &len)) {
            record_error(err, "date", "expected a YYYY-MM-DD string, not a JSON %s",
                         JsonContainerIsArray(v.val.binary.data) ? "array" : "object");
            return QL_ERECORD;
        }
        if (date_of_text(date, s, len, err))
            return QL_ERECORD;
        *have_date = true;
    }
    size_t n = ql_ruleset_input_count(e->rs);
    bool *given = palloc0(sizeof(bool) * (n + 1)); /* for the lists' check */
    /* a value's error is said after the keys' (a near miss, a list short
     * of items), as the command reads a record's keys before its values */
    ql_error verr;
    ql_status vst = QL_OK;
    for (size_t i = 0; i < n; i++) {
        const char *name = ql_ruleset_input_name(e->rs, i);
        if (jsonb_key(jb, name, &v))
            read += strcmp(name, "id") != 0; /* an id input is counted above */
        else if (!list_item(jb, name, &v))
            continue;
        given[i] = true;
        if (vst || v.type == jbvNull)
            continue;
        ql_decimal dec;
        if (v.type == jbvNumeric && kind_of(e->rs, (int)i) == K_NUMBER &&
            qlpg_numeric_to_decimal(NumericGetDatum(v.val.numeric), &dec)) {
            vst = ql_record_set_decimal(e->rec, i, &dec, &verr);
            continue;
        }
        if (!jsonb_text(&v, &s, &len)) {
            record_error(&verr, name, "expected a number, string, boolean or null, "
                                      "not a JSON %s",
                         JsonContainerIsArray(v.val.binary.data) ? "array" : "object");
            vst = QL_ERECORD;
            continue;
        }
        vst = ql_record_set_text(e->rec, i, s, len, &verr);
    }
    /* a near miss first: it says which item the misspelt key meant */
    ql_status st = qlpg_check_keys(e, jb, read, date_missing, err);
    if (!st)
        st = qlpg_partial_list(e->rs, given, "key", err);
    size_t ngiven = 0;
    for (size_t i = 0; i < n; i++)
        ngiven += given[i];
    if (!st) /* '{}', only an id, keys in another language (probe5 P5-07) */
        st = no_input(e->rs, jb, ngiven, err);
    if (!st && vst) {
        *err = verr;
        st = vst;
    }
    pfree(given);
    return st;
}

/* -------------------------------------------------------------- row input */

enum { C_IGNORE, C_INPUT, C_DATE, C_ID, C_LIST };
enum { V_TEXT, V_NUMERIC, V_INT, V_BOOL, V_DATE, V_OTHER };
/* A row type's columns mapped to inputs, with the row type's descriptor
 * and the arrays a row is deformed into: made once per call site and row
 * type, so a row looks nothing up and allocates nothing here. */
typedef struct rowmap {
    Oid type;      /* the row type; InvalidOid for the columns form */
    int32 typmod;
    uint64 serial; /* the entry it was made for */
    Oid table;     /* the table the rows come from, when known */
    char *table_name; /* … as schema.table, NULL when not known */
    int ctid_arg;  /* the columns form: the row's ctid argument */
    /* … called with VARIADIC: the values come as one array of this type */
    bool variadic;
    Oid v_elem;
    int16 v_elmlen;
    bool v_elmbyval;
    char v_elmalign;
    TupleDesc td;  /* a copy, in fn_mcxt */
    char **names;  /* its columns' names as UTF-8 (encoding.c), in fn_mcxt */
    Datum *values;
    bool *nulls;
    int date_slip; /* 1 + the column near 'date' when there is no date column */
    struct col {
        int role, conv, input, kind;
        bool is_id; /* the `id` column: echoed, and an input if one is named so */
        FmgrInfo out; /* V_OTHER */
        /* C_LIST: an array column under a list input's bare name, its
         * elements the items name[1] … name[nitems] (input numbers) */
        int nitems;
        int *items;
        Oid elem;
        int16 elmlen;
        bool elmbyval;
        char elmalign;
    } col[FLEXIBLE_ARRAY_MEMBER];
} rowmap;

static int conv_of(Oid t)
{
    switch (t) {
    case TEXTOID: case VARCHAROID: case BPCHAROID: return V_TEXT;
    case NUMERICOID: return V_NUMERIC;
    case INT2OID: case INT4OID: case INT8OID: return V_INT;
    case BOOLOID: return V_BOOL;
    case DATEOID: return V_DATE;
    default: return V_OTHER;
    }
}

/* The mapping of descriptor td (a copy in fn_mcxt, which it takes
 * over) to e's inputs, made the call site's. */
/* The columns the rules do not read, checked once per call as the
 * command checks a header (keys.c): a column named twice, a near miss of
 * an input without a column, or a list input's bare name (an array is
 * read by the jsonb form: to_jsonb(t)) stop the statement. */
static void check_columns(const qlpg_entry *e, rowmap *m)
{
    const ql_ruleset *rs = e->rs;
    size_t ni = ql_ruleset_input_count(rs);
    int *owner = palloc0(sizeof(int) * (ni + 1)); /* the column feeding it, + 1 */
    bool *present = palloc0(sizeof(bool) * (ni + 1));
    /* single inputs first, then lists' items, so that a clash names both */
    for (int pass = 0; pass < 2; pass++)
        for (int a = 0; a < m->td->natts; a++) {
            const struct col *col = &m->col[a];
            const char *name = m->names[a];
            const char *shown = qlpg_shown(name, strlen(name), NAMEDATALEN);
            if (TupleDescAttr(m->td, a)->attisdropped ||
                col->role != (pass ? C_LIST : C_INPUT))
                continue;
            int n = pass ? col->nitems : 1;
            for (int k = 0; k < n; k++) {
                int i = pass ? col->items[k] : col->input;
                int o = owner[i] - 1;
                if (o >= 0 && (m->col[o].role == C_INPUT) != (col->role == C_INPUT))
                    ereport(ERROR,
                            (errcode(ERRCODE_DUPLICATE_COLUMN),
                             qlpg_errmsg("the list \"%s\" is given whole and its item \"%s\" "
                                    "too: give one or the other", shown,
                                    m->names[o]),
                             m->table_name ? qlpg_errdetail("table %s", m->table_name) : 0));
                if (o >= 0)
                    ereport(ERROR,
                            (errcode(ERRCODE_DUPLICATE_COLUMN),
                             qlpg_errmsg("column \"%s\" is given twice", shown),
                             m->table_name ? qlpg_errdetail("table %s", m->table_name) : 0));
                owner[i] = a + 1;
                present[i] = true;
            }
        }
    bool has_date = false, has_id = false;
    for (int a = 0; a < m->td->natts; a++)
        if (!TupleDescAttr(m->td, a)->attisdropped) {
            has_date |= m->col[a].role == C_DATE;
            has_id |= m->col[a].is_id;
        }
    for (int a = 0; a < m->td->natts; a++) {
        const char *name = m->names[a];
        if (TupleDescAttr(m->td, a)->attisdropped || m->col[a].role != C_IGNORE ||
            m->col[a].is_id)
            continue;
        const char *shown = qlpg_shown(name, strlen(name), NAMEDATALEN);
        int size = qlpg_list_size(rs, name, strlen(name));
        if (size > 0)
            ereport(ERROR,
                    (errcode(ERRCODE_DATATYPE_MISMATCH),
                     qlpg_errmsg("column \"%s\" names a list input of %d items, but is %s, "
                            "not an array", shown, size,
                            qlpg_in_cstr(format_type_be(TupleDescAttr(m->td, a)->atttypid))),
                     m->table_name ? qlpg_errdetail("table %s", m->table_name) : 0,
                     qlpg_errhint("Give the list as an array column of %d values (NULL for "
                             "an empty item), or as columns \"%s[1]\" … \"%s[%d]\".",
                             size, name, name, size)));
        char buf[80];
        const char *meant = qlpg_near_input(rs, name, strlen(name), NULL, present, buf,
                                            sizeof buf);
        if (meant)
            ereport(ERROR,
                    (errcode(ERRCODE_UNDEFINED_COLUMN),
                     qlpg_errmsg("column \"%s\" is not an input of the rules: did you mean "
                            "\"%s\"? (that input has no column, so it would be read as "
                            "empty)", shown, meant),
                     m->table_name ? qlpg_errdetail("table %s", m->table_name) : 0,
                     qlpg_errhint("Rename the column, or leave it out of the row.")));
        char list[NAMEDATALEN + 1], what[3 * NAMEDATALEN + 64];
        if ((size = qlpg_past_list(rs, name, strlen(name), list, sizeof list)) > 0)
            ereport(ERROR, /* as jsonb refuses the key (P6-05) */
                    (errcode(ERRCODE_UNDEFINED_COLUMN),
                     qlpg_errmsg("column \"%s\" is not an input of the rules: %s", shown,
                            qlpg_past_list_text(what, sizeof what, list, size)),
                     m->table_name ? qlpg_errdetail("table %s", m->table_name) : 0,
                     qlpg_errhint("Rename the column, or leave it out of the row.")));
        meant = qlpg_near_date_id(rs, name, strlen(name), !has_date, !has_id);
        if (meant && meant[0] == 'i')
            ereport(ERROR,
                    (errcode(ERRCODE_UNDEFINED_COLUMN),
                     qlpg_errmsg("column \"%s\" is not an input of the rules: did you mean "
                            "\"id\"? (the row has no \"id\" column, so its result "
                            "would have no id)", shown),
                     m->table_name ? qlpg_errdetail("table %s", m->table_name) : 0,
                     qlpg_errhint("Rename the column, or leave it out of the row.")));
        if (meant && !m->date_slip)
            m->date_slip = a + 1; /* a slip when on_date is NULL: per row */
        qlpg_notice_unread(e->name, "column", name, strlen(name));
    }
    ql_error err;
    ql_error_clear(&err);
    if (qlpg_partial_list(rs, present, "column", &err))
        ereport(ERROR,
                (errcode(ERRCODE_UNDEFINED_COLUMN), qlpg_errmsg("%s", err.message),
                 m->table_name ? qlpg_errdetail("table %s", m->table_name) : 0,
                 qlpg_errhint("Add the missing columns (NULL where an item is meant "
                         "empty), or give the list as one array column.")));
    const char *names[NOINPUT_NAMES_READ];
    size_t nnames = 0, given = 0;
    for (size_t i = 0; i < ni; i++)
        given += present[i];
    for (int a = 0; a < m->td->natts && nnames < NOINPUT_NAMES_READ; a++)
        if (!TupleDescAttr(m->td, a)->attisdropped)
            names[nnames++] = m->names[a];
    char msg[QL_ERROR_MESSAGE_MAX];
    if (noinput_refuses(rs, given))
        ereport(ERROR, /* a row of defaults alone (probe5 P5-07) */
                (errcode(ERRCODE_UNDEFINED_COLUMN),
                 qlpg_errmsg("%s", noinput_message(msg, sizeof msg, rs, 1, "the row", names,
                                              nnames)),
                 m->table_name ? qlpg_errdetail("table %s", m->table_name) : 0,
                 qlpg_errhint("Name the columns as the inputs are named (the first is "
                         "\"%s\"), or pass to_jsonb(t) with keys renamed.",
                         ql_ruleset_input_name(rs, 0))));
    pfree(owner);
    pfree(present);
}

static rowmap *rowmap_new(FunctionCallInfo fcinfo, qlpg_entry *e, TupleDesc td,
                          Oid type, int32 typmod, Oid table)
{
    qlpg_call *c = qlpg_call_of(fcinfo);
    rowmap *m;
    MemoryContext cx = fcinfo->flinfo->fn_mcxt;
    m = MemoryContextAllocZero(cx, offsetof(rowmap, col) +
                                       sizeof(struct col) * (td->natts + 1));
    m->type = type;
    m->typmod = typmod;
    m->serial = e->serial;
    m->table = table;
    if (OidIsValid(table)) {
        char *rel = get_rel_name(table);
        char *nsp = rel ? get_namespace_name(get_rel_namespace(table)) : NULL;
        if (nsp)
            nsp = qlpg_in_cstr(nsp);
        if (rel) /* schema.table, each part shown escaped (quotes too) */
            rel = qlpg_in_cstr(rel),
            m->table_name = MemoryContextStrdup(
                cx, psprintf("%s%s%s", nsp ? qlpg_shown(nsp, strlen(nsp), NAMEDATALEN) : "",
                             nsp ? "." : "", qlpg_shown(rel, strlen(rel), NAMEDATALEN)));
    }
    m->td = td;
    m->names = MemoryContextAlloc(cx, sizeof(char *) * (td->natts + 1));
    for (int a = 0; a < td->natts; a++)
        m->names[a] = MemoryContextStrdup(
            cx, qlpg_in_cstr(NameStr(TupleDescAttr(td, a)->attname)));
    m->values = MemoryContextAlloc(cx, sizeof(Datum) * (td->natts + 1));
    m->nulls = MemoryContextAlloc(cx, sizeof(bool) * (td->natts + 1));
    for (int a = 0; a < td->natts; a++) {
        Form_pg_attribute att = TupleDescAttr(td, a);
        struct col *col = &m->col[a];
        if (att->attisdropped)
            continue;
        const char *name = m->names[a];
        int i = ql_ruleset_input_index(e->rs, name);
        col->role = !strcmp(name, "date") ? C_DATE
                    : i >= 0              ? C_INPUT
                    : !strcmp(name, "id") ? C_ID
                                          : C_IGNORE;
        col->input = i;
        col->kind = kind_of(e->rs, i);
        col->is_id = !strcmp(name, "id");
        Oid t = getBaseType(att->atttypid);
        col->conv = conv_of(t);
        int size = col->role == C_IGNORE ? qlpg_list_size(e->rs, name, strlen(name)) : 0;
        Oid elem = size > 0 ? get_element_type(t) : InvalidOid;
        if (OidIsValid(elem)) {
            /* a list input given whole: the array's elements are its items */
            col->role = C_LIST;
            col->nitems = size;
            col->items = MemoryContextAlloc(cx, sizeof(int) * size);
            for (int k = 0; k < size; k++) {
                char item[NAMEDATALEN + 16];
                snprintf(item, sizeof item, "%s[%d]", name, k + 1);
                col->items[k] = ql_ruleset_input_index(e->rs, item);
            }
            col->elem = elem;
            get_typlenbyvalalign(elem, &col->elmlen, &col->elmbyval, &col->elmalign);
            col->kind = kind_of(e->rs, col->items[0]);
            t = getBaseType(elem);
            col->conv = conv_of(t);
        }
        if ((col->role == C_INPUT || col->role == C_LIST) &&
            (t == FLOAT4OID || t == FLOAT8OID))
            ereport(ERROR,
                    (errcode(ERRCODE_DATATYPE_MISMATCH),
                     qlpg_errmsg("column \"%s\" is %s: binary floating point does not "
                            "hold the decimals that were written",
                            qlpg_shown(name, strlen(name), NAMEDATALEN),
                            qlpg_in_cstr(format_type_be(att->atttypid))),
                     m->table_name ? qlpg_errdetail("table %s", m->table_name) : 0,
                     qlpg_errhint("Store inputs as numeric (or integer, text).")));
        if (col->role == C_DATE && t != DATEOID && col->conv != V_TEXT)
            ereport(ERROR, (errcode(ERRCODE_DATATYPE_MISMATCH),
                            qlpg_errmsg("column \"date\" must be a date or text, not %s",
                                   qlpg_in_cstr(format_type_be(att->atttypid))),
                            m->table_name ? qlpg_errdetail("table %s", m->table_name) : 0));
        if (col->conv == V_OTHER && col->role != C_IGNORE) {
            Oid fn;
            bool varlena;
            getTypeOutputInfo(col->role == C_LIST ? col->elem : att->atttypid, &fn,
                              &varlena);
            fmgr_info_cxt(fn, &col->out, cx);
        }
    }
    check_columns(e, m);
    if (c->rowmap) {
        rowmap *gone = c->rowmap;
        pfree(gone->values);
        pfree(gone->nulls);
        FreeTupleDesc(gone->td);
        pfree(gone);
    }
    c->rowmap = m;
    return m;
}

static rowmap *map_row(FunctionCallInfo fcinfo, qlpg_entry *e, Oid type,
                       int32 typmod)
{
    rowmap *m = qlpg_call_of(fcinfo)->rowmap;
    if (m && m->type == type && m->typmod == typmod && m->serial == e->serial)
        return m;
    TupleDesc found = lookup_rowtype_tupdesc(type, typmod);
    MemoryContext old = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);
    TupleDesc td = CreateTupleDescCopyConstr(found);
    MemoryContextSwitchTo(old);
    ReleaseTupleDesc(found);
    return rowmap_new(fcinfo, e, td, type, typmod, get_typ_typrelid(type));
}

/* The columns form's names (argument 1) and argument types from `first`
 * on, as a descriptor, mapped once per call site. */
static rowmap *map_columns(FunctionCallInfo fcinfo, qlpg_entry *e, int first)
{
    rowmap *m = qlpg_call_of(fcinfo)->rowmap;
    if (m && m->type == InvalidOid && m->serial == e->serial)
        return m;
    /* The names are mapped once per call site, so they must be the same
     * for every row: the planner's rewrite passes a constant.  A NULL
     * array or name was dereferenced (a segfault that restarted the
     * server), and names varying by row were read as the first row's
     * (probe5 P5-09). */
    QLPG_NEED_ARG(fcinfo, 1,
                  "the names of the columns whose values follow, a constant "
                  "text[] (the planner's rewrite of a table's row passes them)");
    if (!get_fn_expr_arg_stable(fcinfo->flinfo, 1))
        ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                        qlpg_errmsg("quotalevy: the column names must be a constant of the "
                               "call: they name the values that follow, the same for "
                               "every row")));
    ArrayType *arr = PG_GETARG_ARRAYTYPE_P(1);
    if (ARR_NDIM(arr) > 1)
        ereport(ERROR, (errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
                        qlpg_errmsg("quotalevy: the column names are a one-dimensional "
                               "text[], not %d-dimensional", ARR_NDIM(arr))));
    Datum *names;
    bool *nulls;
    int n;
    deconstruct_array(arr, TEXTOID, -1, false, TYPALIGN_INT, &names, &nulls, &n);
    /* VARIADIC ARRAY[…] hands the values over as one array (of one type),
     * as PostgreSQL passes a VARIADIC "any" so called; its length is each
     * row's own, checked with the row */
    bool variadic = get_fn_expr_variadic(fcinfo->flinfo);
    Oid elem = InvalidOid;
    if (variadic) {
        elem = get_element_type(get_fn_expr_argtype(fcinfo->flinfo, first + 2));
        if (!OidIsValid(elem))
            ereport(ERROR, (errcode(ERRCODE_DATATYPE_MISMATCH),
                            qlpg_errmsg("quotalevy: VARIADIC takes the values as an array")));
    } else if (n != PG_NARGS() - first - 2)
        ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                        qlpg_errmsg("quotalevy: %d column names for %d values", n,
                               PG_NARGS() - first - 2),
                        qlpg_errhint("Give one value after the row's ctid for each "
                                "name, or the values as VARIADIC ARRAY[…].")));
    for (int k = 0; k < n; k++)
        if (nulls[k])
            ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
                            qlpg_errmsg("quotalevy: column name %d of %d is NULL", k + 1, n)));
    MemoryContext old = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);
    TupleDesc td = CreateTemplateTupleDesc(n);
    for (int k = 0; k < n; k++)
        TupleDescInitEntry(td, (AttrNumber)(k + 1), TextDatumGetCString(names[k]),
                           variadic ? elem
                                    : get_fn_expr_argtype(fcinfo->flinfo, first + 2 + k),
                           -1, 0);
    MemoryContextSwitchTo(old);
    m = rowmap_new(fcinfo, e, td, InvalidOid, -1, PG_GETARG_OID(first));
    m->ctid_arg = first + 1;
    m->variadic = variadic;
    if (variadic) {
        m->v_elem = elem;
        get_typlenbyvalalign(elem, &m->v_elmlen, &m->v_elmbyval, &m->v_elmalign);
    }
    return m;
}

/* A column's value as text (not for V_DATE's input path). */
static const char *col_text(const struct col *col, Datum d, size_t *len)
{
    const char *s;
    switch (col->conv) {
    case V_TEXT: {
        text *t = DatumGetTextPP(d);
        return qlpg_in(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t), len);
    }
    case V_NUMERIC:
        s = DatumGetCString(DirectFunctionCall1(numeric_out, d));
        break;
    case V_INT:
        s = psprintf(INT64_FORMAT, DatumGetInt64(d));
        break;
    case V_BOOL:
        s = DatumGetBool(d) ? "true" : "false";
        break;
    case V_DATE: {
        /* a date the library cannot hold (infinity, a BC date, a year past
         * 9999) goes as PostgreSQL writes it, for the library to refuse by
         * name: ql_date_format's "" would be an empty field, read as not
         * given (probe6 P6-02) */
        ql_date day;
        if (qlpg_date_of(DatumGetDateADT(d), &day)) {
            char *b = palloc(16);
            ql_date_format(b, 16, day);
            s = b;
        } else {
            s = DatumGetCString(DirectFunctionCall1(date_out, d));
        }
        break;
    }
    default:
        s = OutputFunctionCall((FmgrInfo *)&col->out, d);
        return qlpg_in(s, strlen(s), len);
    }
    *len = strlen(s);
    return s;
}

/* Sets input i from a column's value: numbers and bools as they are, the
 * rest as the text a CSV field would have. */
static ql_status set_input(qlpg_entry *e, const struct col *col, int input, Datum d,
                           ql_error *err)
{
    size_t i = (size_t)input, len;
    if (col->kind == K_NUMBER) {
        if (col->conv == V_INT)
            return ql_record_set_int(e->rec, i, DatumGetInt64(d), err);
        ql_decimal dec;
        if (col->conv == V_NUMERIC && qlpg_numeric_to_decimal(d, &dec))
            return ql_record_set_decimal(e->rec, i, &dec, err);
    } else if (col->kind == K_BOOL && col->conv == V_BOOL)
        return ql_record_set_bool(e->rec, i, DatumGetBool(d), err);
    const char *s = col_text(col, d, &len);
    return ql_record_set_text(e->rec, i, s, len, err);
}

/* Sets a list input's items from an array column: one dimension, as many
 * elements as the list has items, a NULL element an empty item. */
static ql_status set_list(qlpg_entry *e, const struct col *col, const char *name,
                          Datum d, ql_error *err)
{
    ArrayType *arr = DatumGetArrayTypeP(d);
    int n = ArrayGetNItems(ARR_NDIM(arr), ARR_DIMS(arr));
    if (ARR_NDIM(arr) > 1 || n != col->nitems) {
        char what[64];
        if (ARR_NDIM(arr) > 1)
            snprintf(what, sizeof what, "an array of %d dimensions", ARR_NDIM(arr));
        else
            snprintf(what, sizeof what, "an array of %d", n);
        ql_error_clear(err);
        err->code = QL_ERECORD;
        snprintf(err->field, sizeof err->field, "%s", name);
        snprintf(err->message, sizeof err->message,
                 "'%s' is a list of %d items: give an array of %d values (NULL for an "
                 "empty item), not %s", name, col->nitems, col->nitems, what);
        return QL_ERECORD;
    }
    Datum *elems;
    bool *nulls;
    deconstruct_array(arr, col->elem, col->elmlen, col->elmbyval, col->elmalign, &elems,
                      &nulls, &n);
    for (int k = 0; k < n; k++) {
        if (nulls[k])
            continue;
        ql_status st = set_input(e, col, col->items[k], elems[k], err);
        if (st)
            return st;
    }
    return QL_OK;
}

/* Sets e's record from a row deformed into m's values and nulls. */
static ql_status fill_record(qlpg_entry *e, const rowmap *m, bool *have_date,
                             ql_date *date, char **id, ql_error *err)
{
    const Datum *values = m->values;
    const bool *nulls = m->nulls;
    int natts = m->td->natts;
    bool date_conflict = false;
    ql_record_clear(e->rec);
    *id = NULL;
    for (int a = 0; a < natts; a++) {
        const struct col *col = &m->col[a];
        size_t len;
        if (nulls[a] || col->role == C_IGNORE)
            continue;
        if (col->is_id) {
            const char *s = col_text(col, values[a], &len);
            *id = pnstrdup(s, len);
        }
        if (col->role == C_ID) {
            continue;
        } else if (col->role == C_DATE) {
            if (*have_date) {
                date_conflict = true; /* said once the id is read */
                continue;
            }
            /* a date column the library holds as it is; anything else
             * (infinity, a BC date, a year past 9999, text) read as the
             * command reads the field's text, and refused in its words */
            if (col->conv != V_DATE || !qlpg_date_of(DatumGetDateADT(values[a]), date)) {
                const char *s = col_text(col, values[a], &len);
                if (date_of_text(date, s, len, err))
                    return QL_ERECORD;
            }
            *have_date = true;
        } else if (col->role == C_LIST) {
            ql_status st = set_list(e, col, m->names[a],
                                    values[a], err);
            if (st)
                return st;
        } else {
            ql_status st = set_input(e, col, col->input, values[a], err);
            if (st)
                return st;
        }
    }
    if (!date_conflict && !*have_date && m->date_slip) {
        /* 'Date', 'dat': the row's date misspelt, and on_date NULL */
        const char *name = m->names[m->date_slip - 1];
        const char *shown = qlpg_shown(name, strlen(name), NAMEDATALEN);
        ql_error_clear(err);
        err->code = QL_ERECORD;
        snprintf(err->field, sizeof err->field, "%s", shown);
        snprintf(err->message, sizeof err->message,
                 "column \"%s\" is not an input of the rules: did you mean \"date\"? "
                 "(the row has no \"date\" column and on_date is NULL, so it has no "
                 "evaluation date)",
                 shown);
        return QL_ERECORD;
    }
    return date_conflict ? date_twice(err, "column") : QL_OK;
}

ql_status qlpg_record_from_row(FunctionCallInfo fcinfo, qlpg_entry *e,
                               HeapTupleHeader row, bool *have_date,
                               ql_date *date, char **id, ql_error *err)
{
    rowmap *m = map_row(fcinfo, e, HeapTupleHeaderGetTypeId(row),
                        HeapTupleHeaderGetTypMod(row));
    HeapTupleData tuple;
    tuple.t_len = HeapTupleHeaderGetDatumLength(row);
    ItemPointerSetInvalid(&tuple.t_self);
    tuple.t_tableOid = InvalidOid;
    tuple.t_data = row;
    heap_deform_tuple(&tuple, m->td, m->values, m->nulls);
    return fill_record(e, m, have_date, date, id, err);
}

ql_status qlpg_record_from_columns(FunctionCallInfo fcinfo, qlpg_entry *e,
                                   int first, bool *have_date, ql_date *date,
                                   char **id, ql_error *err)
{
    rowmap *m = map_columns(fcinfo, e, first);
    if (m->variadic) {
        /* a row's array of values: one a name, NULL an empty field */
        char msg[128];
        ql_record_clear(e->rec);
        *id = NULL;
        if (PG_ARGISNULL(first + 2)) {
            record_error(err, "", "%s", "the VARIADIC array of values is NULL");
            return QL_ERECORD;
        }
        ArrayType *arr = PG_GETARG_ARRAYTYPE_P(first + 2);
        int n = ArrayGetNItems(ARR_NDIM(arr), ARR_DIMS(arr));
        if (ARR_NDIM(arr) > 1 || n != m->td->natts) {
            snprintf(msg, sizeof msg, "the VARIADIC array has %d values%s for %d column names",
                     n, ARR_NDIM(arr) > 1 ? " in more than one dimension" : "",
                     m->td->natts);
            record_error(err, "", "%s", msg);
            return QL_ERECORD;
        }
        Datum *vals;
        bool *nulls;
        deconstruct_array(arr, m->v_elem, m->v_elmlen, m->v_elmbyval, m->v_elmalign, &vals,
                          &nulls, &n);
        memcpy(m->values, vals, sizeof(Datum) * n);
        memcpy(m->nulls, nulls, sizeof(bool) * n);
    } else
        for (int a = 0; a < m->td->natts; a++) {
            m->values[a] = fcinfo->args[first + 2 + a].value;
            m->nulls[a] = fcinfo->args[first + 2 + a].isnull;
        }
    return fill_record(e, m, have_date, date, id, err);
}

void qlpg_where_of(FunctionCallInfo fcinfo, int form, const qlpg_entry *e,
                   const ql_error *err, qlpg_where *w)
{
    memset(w, 0, sizeof *w);
    const rowmap *m = form == QLPG_FORM_JSONB ? NULL : qlpg_call_of(fcinfo)->rowmap;
    if (m && m->table_name)
        snprintf(w->table, sizeof w->table, "%s", m->table_name);
    if (form == QLPG_FORM_COLUMNS && m) {
        /* the ctid argument sits before the columns */
        int at = m->ctid_arg;
        ItemPointer tid = (ItemPointer)DatumGetPointer(fcinfo->args[at].value);
        if (!fcinfo->args[at].isnull)
            snprintf(w->row, sizeof w->row, "(%u,%u)",
                     ItemPointerGetBlockNumberNoCheck(tid),
                     ItemPointerGetOffsetNumberNoCheck(tid));
    }
    if (err->field[0])
        snprintf(w->field, sizeof w->field, "%s \"%s\"",
                 form == QLPG_FORM_JSONB ? "key" : "column", err->field);
    if (err->file[0]) {
        const char *file = qlpg_file_name(e->files, err->file);
        if (err->line)
            snprintf(w->rule, sizeof w->rule, "%s:%d:%d", file, err->line, err->column);
        else
            snprintf(w->rule, sizeof w->rule, "%s", file);
    }
}
