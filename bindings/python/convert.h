/*
 * convert.h — the binding's C side of moving data across: Python values
 * into record fields (fill_record, with the batch's field-name cache),
 * results out as Python objects (result_to_py) or packed into one
 * string (result_packed), and the batch of records
 * and results evaluate_many reuses.  Included once, by quotalevy_python.i's
 * generated wrapper: the functions are static to it.
 */
#ifndef QL_PY_CONVERT_H
#define QL_PY_CONVERT_H

#include "../list_inputs.h" /* qlb_each_list: the lists, as every binding walks them */
#include "lookalike.h" /* name_fold */
#include "nearmiss.h" /* col_near_miss: the near-miss rule of every front end */

static PyObject *ql_native_error;   /* native.NativeError */
static PyObject *ql_decimal_type;   /* decimal.Decimal */
static PyObject *ql_date_type;      /* datetime.date */
static PyObject *ql_datetime_type;  /* datetime.datetime */
/* quotalevy.FieldTypeError (a RecordError and a TypeError), registered by
 * the package at import; TypeError until then. */
static PyObject *ql_field_type_error;
/* quotalevy.FieldValueError (a RecordError and a ValueError), the same. */
static PyObject *ql_field_value_error;

/* A text of the library's as a str.  A message may hold a path's bytes
 * that are not UTF-8 (a file name given as bytes): they are kept as
 * surrogates, as os functions keep them, so no error is lost to a
 * decoding error. */
static PyObject *c_text(const char *s)
{
    return PyUnicode_DecodeUTF8(s, (Py_ssize_t)strlen(s), "surrogateescape");
}

/* The arguments of an Error (status, message, file, line, column, field,
 * text) for err; NULL with an exception. */
static PyObject *error_args(const ql_error *err)
{
    char text[2048];
    ql_error_format(text, sizeof text, err);
    PyObject *m = c_text(err->message), *f = c_text(err->file),
             *fd = c_text(err->field), *t = c_text(text);
    PyObject *args = m && f && fd && t
                         ? Py_BuildValue("(sOOiiOO)", ql_status_name(err->code), m,
                                         f, err->line, err->column, fd, t)
                         : NULL;
    Py_XDECREF(m);
    Py_XDECREF(f);
    Py_XDECREF(fd);
    Py_XDECREF(t);
    return args;
}

static void raise_ql(const ql_error *err)
{
    PyObject *args = error_args(err);
    if (args) {
        PyErr_SetObject(ql_native_error, args);
        Py_DECREF(args);
    }
}

/* An error of a field the library never sees (its name or value cannot
 * become C text): `cls` (NativeError: a RecordError; FieldTypeError)
 * with status QL_ERECORD, `field` the name as given (any object, shown
 * by its repr, so a NUL or a surrogate in it is seen, never cut). */
static void raise_field(PyObject *cls, PyObject *field, const char *message)
{
    PyObject *name = PyUnicode_Check(field) ? (Py_INCREF(field), field)
                                            : PyObject_Repr(field);
    PyObject *text = name ? PyUnicode_FromFormat("field %R: %s", field, message) : NULL;
    PyObject *args = text ? Py_BuildValue("(ssOiiOO)", "QL_ERECORD", message, Py_None,
                                          0, 0, name, text)
                          : NULL;
    if (args)
        PyErr_SetObject(cls, args);
    Py_XDECREF(args);
    Py_XDECREF(text);
    Py_XDECREF(name);
}

/* A value of a type no field takes: FieldTypeError. */
static void raise_field_type(PyObject *field, const char *message)
{
    raise_field(ql_field_type_error ? ql_field_type_error : PyExc_TypeError, field,
                message);
}

/* What a str with a lone surrogate is, whichever path meets it. */
#define QL_PY_SURROGATE                                                      \
    "the str holds a lone surrogate (U+D800 to U+DFFF), which is not a "     \
    "character and has no UTF-8 form: expected text of Unicode characters"

/* What a NaN or infinite Decimal is, whichever path meets it. */
#define QL_PY_NAN_DECIMAL "a NaN or infinite Decimal is not a number"

/* The UTF-8 of str s (a value or name of field `field`), or NULL with an
 * exception: a RecordError naming the field when s holds a lone
 * surrogate (never a bare UnicodeEncodeError). */
static const char *str_utf8(PyObject *s, Py_ssize_t *len, PyObject *field)
{
    const char *t = PyUnicode_AsUTF8AndSize(s, len);
    if (t || !PyErr_ExceptionMatches(PyExc_UnicodeEncodeError))
        return t;
    PyErr_Clear();
    raise_field(ql_native_error, field, QL_PY_SURROGATE);
    return NULL;
}

/* A reusable set of records and results for evaluate_many. */
/* The field names of the last records a batch filled, by their place in
 * the mapping: records made alike (csv.DictReader's) share the name
 * objects, so an identical object needs no dictionary lookup. */
#define KEY_CACHE 64
typedef struct key_cache {
    PyObject *key[KEY_CACHE]; /* strong references */
    int idx[KEY_CACHE];
} key_cache;

struct ql_batch {
    struct ql_ruleset *rs;
    size_t cap;
    ql_record **recs;
    ql_result **res;
    ql_type *types;  /* of each output, for result_packed */
    char *pack;      /* where result_packed writes; grows for long strings */
    size_t pack_cap;
    key_cache keys;
};

static void batch_free(struct ql_batch *b)
{
    if (!b)
        return;
    PyMem_Free(b->types);
    PyMem_Free(b->pack);
    for (int k = 0; k < KEY_CACHE; k++)
        Py_XDECREF(b->keys.key[k]);
    for (size_t i = 0; i < b->cap; i++) {
        if (b->recs)
            ql_record_free(b->recs[i]);
        if (b->res)
            ql_result_free(b->res[i]);
    }
    PyMem_Free(b->recs);
    PyMem_Free(b->res);
    PyMem_Free(b);
}

/* A ql_value as a Python object: Decimal, bool, str, date or None. */
static PyObject *value_to_py(const ql_value *v)
{
    char buf[QL_DECIMAL_TEXT_MAX];
    switch (v->type) {
    case QL_TYPE_NUMBER:
        ql_decimal_format(buf, sizeof buf, &v->number);
        return PyObject_CallFunction(ql_decimal_type, "s", buf);
    case QL_TYPE_BOOL:
        return PyBool_FromLong(v->boolean);
    case QL_TYPE_STRING:
    case QL_TYPE_TABLE:
        return PyUnicode_FromStringAndSize(v->string ? v->string : "",
                                           (Py_ssize_t)v->length);
    case QL_TYPE_DATE: {
        ql_date_format(buf, sizeof buf, v->date);
        return PyObject_CallMethod(ql_date_type, "fromisoformat", "s", buf);
    }
    default:
        Py_RETURN_NONE;
    }
}

/* The text of value v for a field (named `field` in errors), as a new
 * str; NULL with an exception.  A subclass of str, int or Decimal is
 * read by its value, never by a __str__ of its own (a str enum's
 * str() is 'Kind.X', its value 'x'). */
/* Whether a finite Decimal, as its as_tuple() `tup`, written out holds
 * more than a decimal can (QL_DECIMAL_DIGITS significant digits, or a
 * nonzero digit past QL_DECIMAL_MAX_SCALE places; trailing zeros aside,
 * which the library drops): then it is handed on as Python writes it
 * (str: 1E+40), which the library refuses as "number too long", saying
 * how long, so that the message quotes the Decimal's own text, not 41
 * digits the caller never wrote (probe8 P8-02's class); and
 * Decimal('1E+99999999999') written out would take 100 GB (P5-06).
 * 1 yes, 0 no, -1 with an exception. */
static int decimal_past_limits(PyObject *tup)
{
    PyObject *digits = PyTuple_Check(tup) && PyTuple_GET_SIZE(tup) == 3
                           ? PyTuple_GET_ITEM(tup, 1) : NULL;
    if (!digits || !PyTuple_Check(digits)) {
        PyErr_SetString(PyExc_TypeError, "Decimal.as_tuple() is not (sign, digits, exponent)");
        return -1;
    }
    long e = PyLong_AsLong(PyTuple_GET_ITEM(tup, 2));
    if (e == -1 && PyErr_Occurred())
        return -1;
    Py_ssize_t len = PyTuple_GET_SIZE(digits), n = len;
    while (n > 0 && PyLong_AsLong(PyTuple_GET_ITEM(digits, n - 1)) == 0)
        n--;
    if (n == 0)
        return 0; /* zero: 0E+50 is 0 */
    long e2 = e + (long)(len - n);
    return n > QL_DECIMAL_DIGITS || (long)n + e2 > QL_DECIMAL_DIGITS ||
           e2 < -QL_DECIMAL_MAX_SCALE;
}

/* A float's refusal: binary floating point has no 0.015. */
#define QL_PY_FLOAT_REFUSED                                                    \
    "a float is binary floating point and cannot hold a decimal such as "      \
    "0.015 exactly; pass a decimal.Decimal, an int or a string"

/* A numpy.datetime64 as a date's text: "2024-06-30", "" for NaT (an empty
 * field, as the columns read it), refused when it has a time of day.  A
 * day past 9999 is written as numpy writes it ("10000-01-01"), which the
 * field then refuses by its text.  Called by type name: numpy is never
 * imported here. */
static PyObject *datetime64_str(PyObject *v, PyObject *field)
{
    PyObject *text = PyObject_Str(v);
    if (!text || PyUnicode_CompareWithASCIIString(text, "NaT") == 0) {
        Py_XDECREF(text);
        return text ? PyUnicode_FromString("") : NULL;
    }
    PyObject *day = PyObject_CallMethod(v, "astype", "s", "datetime64[D]");
    int same = day ? PyObject_RichCompareBool(day, v, Py_EQ) : -1;
    if (same == 1) {
        Py_DECREF(text);
        text = PyObject_Str(day);
    } else if (same == 0) {
        const char *shown = PyUnicode_AsUTF8(text);
        if (shown) {
            char msg[200];
            snprintf(msg, sizeof msg,
                     "a date field takes a date, not the time of day of %.60s",
                     shown);
            raise_field_type(field, msg);
        }
        Py_CLEAR(text);
    } else {
        Py_CLEAR(text);
    }
    Py_XDECREF(day);
    return text;
}

static PyObject *field_str(PyObject *v, PyObject *field)
{
    if (PyFloat_Check(v)) {
        raise_field_type(field, QL_PY_FLOAT_REFUSED);
        return NULL;
    }
    if (PyBool_Check(v))
        return PyUnicode_FromString(v == Py_True ? "true" : "false");
    if (PyUnicode_Check(v))
        return PyUnicode_FromObject(v); /* the str itself, or a subclass's value */
    if (PyLong_Check(v))
        return PyNumber_ToBase(v, 10);
    if (PyObject_IsInstance(v, ql_decimal_type) == 1) {
        PyObject *finite = PyObject_CallMethod(ql_decimal_type, "is_finite", "O", v);
        int ok = finite && PyObject_IsTrue(finite);
        Py_XDECREF(finite);
        if (!ok) {
            raise_field(ql_native_error, field, QL_PY_NAN_DECIMAL);
            return NULL;
        }
        /* format 'f': plain notation, never 1E+3 — unless written out it
         * is past what a decimal holds: then as Python writes it */
        PyObject *tup = PyObject_CallMethod(ql_decimal_type, "as_tuple", "O", v);
        int past = tup ? decimal_past_limits(tup) : -1;
        Py_XDECREF(tup);
        if (past < 0)
            return NULL;
        if (past) /* Decimal's own str, never a subclass's __str__ */
            return PyObject_CallMethod(ql_decimal_type, "__str__", "O", v);
        return PyObject_CallMethod(ql_decimal_type, "__format__", "Os", v, "f");
    }
    if (PyObject_IsInstance(v, ql_datetime_type) == 1) {
        /* a datetime is a date too: its date when it has no time of day
         * (pandas' Timestamp of a date), else refused, as columns do */
        long parts = 0;
        static const char *const names[] = {"hour", "minute", "second", "microsecond"};
        for (int k = 0; k < 4; k++) {
            PyObject *x = PyObject_GetAttrString(v, names[k]);
            long n = x ? PyLong_AsLong(x) : -1;
            Py_XDECREF(x);
            if (n == -1 && PyErr_Occurred())
                return NULL;
            parts |= n;
        }
        if (parts) {
            raise_field_type(field, "a date field takes a date, not a datetime "
                                    "with a time of day");
            return NULL;
        }
        PyObject *d = PyObject_CallMethod(v, "date", NULL);
        PyObject *t = d ? PyObject_CallMethod(ql_date_type, "isoformat", "O", d) : NULL;
        Py_XDECREF(d);
        return t;
    }
    if (PyObject_IsInstance(v, ql_date_type) == 1)
        return PyObject_CallMethod(ql_date_type, "isoformat", "O", v);
    /* numpy's float32, float16 and longdouble are no Python float
     * (float64 is): the same refusal, not "expected …, not
     * numpy.float32"; numpy's integers, bools and datetime64 days (a
     * frame row's cells) are read as the columns read them */
    for (PyTypeObject *t = Py_TYPE(v); t; t = t->tp_base) {
        if (!strcmp(t->tp_name, "numpy.floating")) {
            raise_field_type(field, QL_PY_FLOAT_REFUSED);
            return NULL;
        }
        if (!strcmp(t->tp_name, "numpy.datetime64"))
            return datetime64_str(v, field);
        if (!strcmp(t->tp_name, "numpy.integer")) {
            PyObject *x = PyNumber_Index(v);
            PyObject *text = x ? PyNumber_ToBase(x, 10) : NULL;
            Py_XDECREF(x);
            return text;
        }
        if (!strcmp(t->tp_name, "numpy.bool_")) {
            int b = PyObject_IsTrue(v);
            return b < 0 ? NULL : PyUnicode_FromString(b ? "true" : "false");
        }
    }
    char msg[256], type[QL_TEXT_QUOTE_MAX];
    ql_text_quote(type, sizeof type, Py_TYPE(v)->tp_name, strlen(Py_TYPE(v)->tp_name), 0);
    snprintf(msg, sizeof msg, "expected a Decimal, int, str, bool, date or None, not %s",
             type);
    raise_field_type(field, msg);
    return NULL;
}

/* Sets field i of rec (named `field`) from a Python value; −1 with an
 * exception set. */
static int set_field(ql_record *rec, size_t i, PyObject *field, PyObject *v)
{
    ql_error err;
    if (v == Py_None)
        return ql_record_unset(rec, i, &err) ? -1 : 0;
    PyObject *text = field_str(v, field);
    if (!text)
        return -1;
    Py_ssize_t len;
    const char *s = str_utf8(text, &len, field);
    ql_status st = s ? ql_record_set_text(rec, i, s, (size_t)len, &err) : QL_OK;
    Py_DECREF(text);
    if (!s)
        return -1;
    if (st) {
        raise_ql(&err);
        return -1;
    }
    return 0;
}


/* Input index of field name `key` (a str), −1 if the rule set has none,
 * −2 with an exception set. */
static int field_index(PyObject *key, PyObject *index, key_cache *kc,
                       Py_ssize_t place)
{
    if (kc && place < KEY_CACHE && kc->key[place] == key)
        return kc->idx[place];
    if (!PyUnicode_Check(key)) {
        char msg[256], type[QL_TEXT_QUOTE_MAX];
        ql_text_quote(type, sizeof type, Py_TYPE(key)->tp_name,
                      strlen(Py_TYPE(key)->tp_name), 0);
        snprintf(msg, sizeof msg, "field names are str, not %s", type);
        raise_field_type(key, msg);
        return -2;
    }
    PyObject *ix = PyDict_GetItemWithError(index, key);
    if (!ix && PyErr_Occurred())
        return -2;
    int i = ix ? (int)PyLong_AsLong(ix) : -1;
    if (kc && place < KEY_CACHE) {
        Py_INCREF(key);
        Py_XSETREF(kc->key[place], key);
        kc->idx[place] = i;
    }
    return i;
}

/* Sets input i (named by key, a str) to val. */
static int set_known(ql_record *rec, int i, PyObject *key, PyObject *val)
{
    if (PyUnicode_CheckExact(val)) {
        /* the usual value, text: no conversion */
        Py_ssize_t len;
        const char *t = str_utf8(val, &len, key);
        if (!t)
            return -1;
        ql_error err;
        if (ql_record_set_text(rec, (size_t)i, t, (size_t)len, &err)) {
            raise_ql(&err);
            return -1;
        }
        return 0;
    }
    return set_field(rec, (size_t)i, key, val);
}

/* The problem a record reports: of all of them, the first in the rule
 * set's declaration order (rank: a key that is no str -1, input i i), so
 * that it does not depend on the mapping's order (a dict built in
 * another key order, P4-05; docs/architecture.md rule 5).  Holds the
 * exception of the lowest rank. */
typedef struct fill_worst {
    int rank;
    PyObject *type, *value, *tb;
} fill_worst;

/* Takes the exception set now as the record's problem of this rank if it
 * comes first; −1 (left set) for one that must stop the call at once
 * (MemoryError, KeyboardInterrupt, anything not an Exception). */
static int keep_error(fill_worst *w, int rank)
{
    if (!PyErr_ExceptionMatches(PyExc_Exception) ||
        PyErr_ExceptionMatches(PyExc_MemoryError))
        return -1;
    if (w->type && rank >= w->rank) {
        PyErr_Clear();
        return 0;
    }
    Py_XDECREF(w->type);
    Py_XDECREF(w->value);
    Py_XDECREF(w->tb);
    PyErr_Fetch(&w->type, &w->value, &w->tb);
    w->rank = rank;
    return 0;
}

typedef struct key_lists {
    const ql_ruleset *rs;
    const char *key;           /* the key, NUL-terminated */
    const int32_t *folded;     /* its bare name (before '['), folded */
    size_t nfolded;
    const unsigned char *seen; /* inputs the record gives */
    size_t first, size;        /* the list found */
} key_lists;

/* Whether the key's folded bare name is list (first, size)'s, the ASCII
 * case of the list's name aside (as the command compares a header). */
static int names_list(void *arg, size_t first, size_t size)
{
    key_lists *k = arg;
    const char *in = ql_ruleset_input_name(k->rs, first);
    size_t bl = (size_t)(strchr(in, '[') - in), j = 0;
    if (bl != k->nfolded)
        return 0;
    while (j < bl && (k->folded[j] == (unsigned char)in[j] ||
                      (in[j] >= 'A' && in[j] <= 'Z' && k->folded[j] == in[j] - 'A' + 'a')))
        j++;
    if (j < bl)
        return 0;
    k->first = first, k->size = size;
    return 1;
}

/* Whether the key is a near miss of list (first, size)'s bare name and
 * the record gives none of its items ('Positions' for 'positions'). */
static int nears_list(void *arg, size_t first, size_t size)
{
    key_lists *k = arg;
    for (size_t j = 0; j < size; j++)
        if (k->seen[first + j])
            return 0;
    const char *in = ql_ruleset_input_name(k->rs, first);
    char base[256];
    snprintf(base, sizeof base, "%.*s", (int)(strchr(in, '[') - in), in);
    if (!col_near_miss(k->key, base))
        return 0;
    k->first = first, k->size = size;
    return 1;
}

/* The key s as a field name into field (size bytes): whole when it fits,
 * else cut at a character with "…" (a str's UTF-8 is valid; "%.127s" cut
 * inside a character). */
static void field_cut(char *field, size_t size, const char *s)
{
    size_t n = strlen(s);
    if (n < size) {
        memcpy(field, s, n + 1);
        return;
    }
    n = size - 4; /* room for "…" (3 bytes) and the NUL */
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--; /* s[n] starts the first character left out */
    memcpy(field, s, n);
    memcpy(field + n, "\xe2\x80\xa6", 4);
}

/* Raises the record's error for `key` (field: the key) and keeps it at
 * `rank`. */
static int key_refused(const ql_ruleset *rs, const char *key, const char *why, int rank,
                       fill_worst *w)
{
    ql_error err;
    ql_error_clear(&err);
    err.code = QL_ERECORD;
    /* the key quoted as the library quotes one: "%.200s" cut inside a
     * character (120 × 企), and the message was no longer UTF-8 */
    char id[QL_TEXT_QUOTE_MAX], shown[QL_TEXT_QUOTE_MAX];
    const char *rid = ql_ruleset_meta(rs, "id");
    ql_text_quote(id, sizeof id, rid, strlen(rid), '\'');
    ql_text_quote(shown, sizeof shown, key, strlen(key), '\'');
    snprintf(err.message, sizeof err.message, "the rule set %s has no input called %s: %s", id,
             shown, why);
    field_cut(err.field, sizeof err.field, key);
    raise_ql(&err);
    return keep_error(w, rank);
}

/* A key that is no input (unknown, a str), after the record's fields, as
 * every front end reads it (docs/architecture.md, "Names in a record that
 * are no input"): a near miss of an input the record gives no value
 * (seen[j] 0), or an item a[1] of the one-value a whether it has a value
 * or not (nearmiss.h), ranked at that input, or of a list's bare name none of
 * whose items it gives; an item past a list (positions[13] of twelve,
 * positions[0], Positions[13]), ranked at its first item, as columns and
 * the command refuse it; a near miss of `id` when the record has none,
 * ranked after the inputs: the record's error.  Any other key is passed
 * over here (the package warns of it, or refuses it with extra='error';
 * rule 4). */
static int near_unknown(const ql_ruleset *rs, PyObject *key, const unsigned char *seen,
                        int has_id, fill_worst *w)
{
    Py_ssize_t n;
    const char *name = PyUnicode_AsUTF8AndSize(key, &n);
    if (!name || memchr(name, '\0', (size_t)n)) {
        PyErr_Clear(); /* not text: no input's slip */
        return 0;
    }
    size_t ni = ql_ruleset_input_count(rs);
    int best = -1, best_d = 0, twice = -1;
    for (size_t j = 0; j < ni && (!w->type || (int)j < w->rank); j++) {
        const char *in = ql_ruleset_input_name(rs, j);
        if (seen[j]) {
            /* it has its value: the key is something else, but for an
             * item a[1] of the one-value a, a second value of a (P18-10) */
            if (twice < 0 && col_item_of(name, in) == 1)
                twice = (int)j;
            continue;
        }
        int d = col_near_input(name, in); /* a near miss, or a[1] for a */
        if (d && (!best_d || d < best_d))
            best = (int)j, best_d = d;
    }
    char why[QL_ERROR_MESSAGE_MAX];
    if (best >= 0) {
        const char *in = ql_ruleset_input_name(rs, (size_t)best);
        if (!col_near_miss(name, in))
            snprintf(why, sizeof why,
                     "'%s' is one value, not a list: give its value under '%s'. It has no "
                     "value in the record, and a key the rules do not read would be passed "
                     "over",
                     in, in);
        else
            snprintf(why, sizeof why,
                     "did you mean '%s'? It has no value in the record, and a key the rules "
                     "do not read would be passed over",
                     in);
        return key_refused(rs, name, why, best, w);
    }
    int32_t small[128], *f = (size_t)n < 128 ? small : PyMem_Malloc(((size_t)n + 1) * sizeof *f);
    if (!f) {
        PyErr_NoMemory();
        return -1;
    }
    key_lists k = {rs, name, f, name_fold(name, f), seen, 0, 0};
    size_t br = 0;
    while (br < k.nfolded && f[br] != '[')
        br++;
    int found = 0;
    if ((found = qlb_each_list(rs, nears_list, &k)))
        snprintf(why, sizeof why,
                 "did you mean the list '%.*s'? None of its items has a value in the "
                 "record, and a key the rules do not read would be passed over",
                 (int)(strchr(ql_ruleset_input_name(rs, k.first), '[') -
                       ql_ruleset_input_name(rs, k.first)),
                 ql_ruleset_input_name(rs, k.first));
    else if (br > 0 && br < k.nfolded) {
        k.nfolded = br;
        if ((found = qlb_each_list(rs, names_list, &k))) {
            const char *in = ql_ruleset_input_name(rs, k.first);
            int bl = (int)(strchr(in, '[') - in);
            snprintf(why, sizeof why, "'%.*s' is a list of %zu items, %.*s[1] … %.*s[%zu]",
                     bl, in, k.size, bl, in, bl, in, k.size);
        }
    }
    if (f != small)
        PyMem_Free(f);
    if (found)
        return key_refused(rs, name, why, (int)k.first, w);
    if (twice >= 0) {
        const char *in = ql_ruleset_input_name(rs, (size_t)twice);
        snprintf(why, sizeof why,
                 "'%s' is one value, not a list, and the record gives it under '%s': which "
                 "of the two is meant?",
                 in, in);
        return key_refused(rs, name, why, twice, w);
    }
    if (!has_id && ql_ruleset_input_index(rs, "id") < 0 && col_near_miss(name, "id")) {
        snprintf(why, sizeof why,
                 "did you mean 'id'? The record has no 'id', and a key the rules do not "
                 "read would be passed over");
        return key_refused(rs, name, why, (int)ni, w);
    }
    return 0;
}

/* One (key, val) of a record: set, or its problem kept by rank; a key
 * that is no input goes to *unknown (a list made on the first). */
static int fill_one(ql_record *rec, PyObject *key, PyObject *val, PyObject *index,
                    key_cache *kc, Py_ssize_t place, fill_worst *w, PyObject **unknown,
                    unsigned char *given)
{
    int i = field_index(key, index, kc, place);
    if (i >= 0)
        given[i] = 1;
    if (i == -2)
        return keep_error(w, -1);
    if (i < 0) {
        Py_ssize_t n;
        const char *name = PyUnicode_AsUTF8AndSize(key, &n);
        if (!name || memchr(name, '\0', (size_t)n)) { /* no name: refused first */
            if (!name)
                PyErr_Clear();
            raise_field(ql_native_error, key,
                        !name ? "no input has this name: a field name that holds a lone "
                                "surrogate (U+D800 to U+DFFF) is not text"
                              : "no input has this name: a NUL character is not allowed "
                                "in a field name");
            return keep_error(w, -1);
        }
        if (n == 2 && !memcmp(name, "id", 2))
            return 0; /* the record's id: taken, not read (rule 1) */
        if (!*unknown && !(*unknown = PyList_New(0)))
            return -1;
        return PyList_Append(*unknown, key);
    }
    if (w->type && i >= w->rank)
        return 0; /* declared after the problem kept: not read */
    return set_known(rec, i, key, val) ? keep_error(w, i) : 0;
}

typedef struct lists_given {
    const ql_ruleset *rs;
    const unsigned char *given; /* the inputs the record gave, by key */
    fill_worst *w;
} lists_given;

/* List (first, size), some of whose items the record gave and others
 * not (a month lost): read as empty, so the record's error, naming the
 * missing keys, ranked at the first of them as every front end ranks it
 * (bind14: it was raised before the fill, ahead of a misspelt key that
 * ranks earlier); 1 (an exception set) for one that stops the call. */
static int list_whole(void *arg, size_t first, size_t size)
{
    lists_given *g = arg;
    size_t have = 0, nmiss = 0, miss0 = 0;
    char miss[256] = "";
    size_t o = 0;
    for (size_t j = 0; j < size; j++) {
        if (g->given[first + j]) {
            have++;
            continue;
        }
        if (!nmiss++)
            miss0 = first + j;
        if (nmiss <= 6 && o < sizeof miss)
            o += (size_t)snprintf(miss + o, sizeof miss - o, "%s%s", nmiss > 1 ? ", " : "",
                                  ql_ruleset_input_name(g->rs, first + j));
        else if (nmiss == 7 && o < sizeof miss)
            o += (size_t)snprintf(miss + o, sizeof miss - o, ", …");
    }
    if (!have || !nmiss || (g->w->type && (int)miss0 >= g->w->rank))
        return 0;
    const char *one = ql_ruleset_input_name(g->rs, first);
    char msg[QL_ERROR_MESSAGE_MAX];
    snprintf(msg, sizeof msg,
             "the record has %zu of the %zu items of the list '%.*s': no key %s, so %s would "
             "be read as empty (give every item, None where an item is meant empty)",
             have, size, (int)(strchr(one, '[') - one), one, miss,
             nmiss == 1 ? "it" : "they");
    PyObject *field = PyUnicode_FromString(ql_ruleset_input_name(g->rs, miss0));
    if (!field)
        return 1;
    raise_field(ql_field_value_error ? ql_field_value_error : ql_native_error, field, msg);
    Py_DECREF(field);
    return keep_error(g->w, (int)miss0) ? 1 : 0;
}

/* After the fields: the lists given in part, the near misses among the
 * unknown keys, and the problem kept raised.  `items` is the record's
 * (key, value) list when it is no dict. */
static int fill_end(const ql_ruleset *rs, PyObject *map, PyObject *index, fill_worst *w,
                    PyObject *unknown, const unsigned char *given)
{
    int st = 0;
    if (unknown) {
        unsigned char *seen = PyMem_Calloc(ql_ruleset_input_count(rs) + 1, 1);
        PyObject *keys = seen ? PyMapping_Keys(map) : NULL;
        if (!keys)
            st = -1;
        int has_id = 0;
        for (Py_ssize_t k = 0; !st && k < PyList_GET_SIZE(keys); k++) {
            PyObject *key = PyList_GET_ITEM(keys, k);
            PyObject *ix = PyDict_GetItemWithError(index, key);
            if (ix)
                seen[PyLong_AsLong(ix)] = 1;
            else if (PyErr_Occurred())
                st = keep_error(w, -1);
            else if (PyUnicode_Check(key) && PyUnicode_CompareWithASCIIString(key, "id") == 0)
                has_id = 1;
        }
        for (Py_ssize_t k = 0; !st && k < PyList_GET_SIZE(unknown); k++)
            st = near_unknown(rs, PyList_GET_ITEM(unknown, k), seen, has_id, w);
        Py_XDECREF(keys);
        PyMem_Free(seen);
        Py_DECREF(unknown);
        if (!seen && !PyErr_Occurred())
            PyErr_NoMemory();
    }
    lists_given g = {rs, given, w};
    if (!st && qlb_each_list(rs, list_whole, &g))
        st = -1;
    if (st) {
        Py_XDECREF(w->type);
        Py_XDECREF(w->value);
        Py_XDECREF(w->tb);
        return -1;
    }
    if (!w->type)
        return 0;
    PyErr_Restore(w->type, w->value, w->tb);
    return -1;
}

/* Fills rec from a mapping of field names to values; `index` maps each
 * input name to its index (the package builds it once per rule set).
 * Every field is looked at: the problem raised is the first in
 * declaration order (fill_worst). */
static int fill_record(const ql_ruleset *rs, ql_record *rec, PyObject *map,
                       PyObject *index, key_cache *kc)
{
    if (!PyMapping_Check(map) || PyUnicode_Check(map)) {
        PyErr_SetString(PyExc_TypeError, "a record must be a mapping of field names to values");
        return -1;
    }
    ql_record_clear(rec);
    fill_worst w = {0, NULL, NULL, NULL};
    PyObject *unknown = NULL;
    /* the inputs given by key: a list given in part is found at the end */
    size_t ni = ql_ruleset_input_count(rs);
    unsigned char small[256];
    unsigned char *given = ni < sizeof small ? small : PyMem_Malloc(ni + 1);
    if (!given) {
        PyErr_NoMemory();
        return -1;
    }
    memset(given, 0, ni + 1);
    int bad = 0;
    if (PyDict_CheckExact(map)) { /* the common case, without a copy */
        Py_ssize_t pos = 0, place = 0;
        PyObject *key, *val;
        while (!bad && PyDict_Next(map, &pos, &key, &val)) {
            /* own them: a value's __str__ could change the dict */
            Py_INCREF(key);
            Py_INCREF(val);
            bad = fill_one(rec, key, val, index, kc, place++, &w, &unknown, given);
            Py_DECREF(key);
            Py_DECREF(val);
        }
    } else {
        PyObject *items = PyMapping_Items(map);
        Py_ssize_t n = items ? PyList_GET_SIZE(items) : 0;
        bad = !items;
        for (Py_ssize_t k = 0; !bad && k < n; k++) {
            PyObject *pair = PyList_GET_ITEM(items, k);
            bad = fill_one(rec, PyTuple_GET_ITEM(pair, 0), PyTuple_GET_ITEM(pair, 1), index,
                           NULL, 0, &w, &unknown, given);
        }
        Py_XDECREF(items);
    }
    int st;
    if (bad) {
        Py_XDECREF(unknown);
        Py_XDECREF(w.type);
        Py_XDECREF(w.value);
        Py_XDECREF(w.tb);
        st = -1;
    } else {
        st = fill_end(rs, map, index, &w, unknown, given);
    }
    if (given != small)
        PyMem_Free(given);
    return st;
}

/* An output value in its raw form: numbers and dates as their text (the
 * package makes Decimal / date of it when read), bool, str or None. */
static PyObject *value_raw(const ql_value *v)
{
    char buf[QL_DECIMAL_TEXT_MAX];
    switch (v->type) {
    case QL_TYPE_NUMBER: {
        size_t n = ql_decimal_format(buf, sizeof buf, &v->number);
        return PyUnicode_FromStringAndSize(buf, (Py_ssize_t)n);
    }
    case QL_TYPE_DATE: {
        size_t n = ql_date_format(buf, sizeof buf, v->date);
        return PyUnicode_FromStringAndSize(buf, (Py_ssize_t)n);
    }
    default:
        return value_to_py(v);
    }
}

/* Makes room for n more bytes at *o in the batch's pack buffer (which
 * may move); −1 out of memory. */
static int pack_room(struct ql_batch *b, char **o, size_t n)
{
    size_t used = (size_t)(*o - b->pack);
    if (used + n <= b->pack_cap)
        return 0;
    size_t cap = (used + n) * 2;
    char *q = PyMem_Realloc(b->pack, cap);
    if (!q)
        return -1;
    b->pack = q;
    b->pack_cap = cap;
    *o = q + used;
    return 0;
}

/* A result's outputs and checks as one str of tagged fields separated by
 * NUL: the outputs in order (n number, d date, T / F bool, s string,
 * - none), then five fields a check (applicable, compliant, required,
 * actual, shortfall).  One object instead of dozens; the package splits
 * it when a value is read.  Written straight from the library's text into
 * the batch's buffer.  NULL with an exception when out of memory; NULL
 * without one if a string holds a NUL (records and rules files refuse
 * them, so never): the caller uses result_to_py then. */
static PyObject *result_packed(struct ql_batch *b, const ql_result *res)
{
    const ql_ruleset *rs = b->rs;
    size_t no = ql_ruleset_output_count(rs), nc = ql_ruleset_check_count(rs);
    char *o = b->pack;
    int ascii = 1;
    for (size_t i = 0; i < no; i++) {
        ql_type ty = b->types[i];
        if (ty != QL_TYPE_NUMBER && ty != QL_TYPE_DATE && ty != QL_TYPE_BOOL) {
            ql_value v = QL_VALUE_INIT; /* strings and enums */
            ql_result_output(&v, res, i);
            size_t n = v.type == QL_TYPE_NONE ? 0 : v.length;
            if (n && memchr(v.string, '\0', n))
                return NULL;
            if (pack_room(b, &o, n + 2))
                return PyErr_NoMemory();
            if (i)
                *o++ = '\0';
            *o++ = v.type == QL_TYPE_NONE ? '-' : 's';
            if (n) /* an empty string's v.string is NULL: no memcpy from it */
                memcpy(o, v.string, n);
            o += n;
            ascii = 0;
            continue;
        }
        if (pack_room(b, &o, QL_DECIMAL_TEXT_MAX + 2))
            return PyErr_NoMemory();
        if (i)
            *o++ = '\0';
        size_t n = ql_result_output_text(o + 1, QL_DECIMAL_TEXT_MAX, res, i);
        if (n == 0) {
            *o++ = '-';
        } else if (ty == QL_TYPE_BOOL) {
            char c = o[1] == 't' ? 'T' : 'F'; /* "true" / "false" */
            *o++ = c;
        } else {
            *o = ty == QL_TYPE_NUMBER ? 'n' : 'd';
            o += n + 1;
        }
    }
    char t[QL_DECIMAL_TEXT_MAX];
    for (size_t i = 0; i < nc; i++) {
        if (pack_room(b, &o, 5 + 3 * (QL_DECIMAL_TEXT_MAX + 2)))
            return PyErr_NoMemory();
        if (no || i)
            *o++ = '\0';
        *o++ = ql_result_check_text(t, sizeof t, res, i, QL_CHECK_APPLICABLE) == 4 ? 'T' : 'F';
        *o++ = '\0';
        size_t n = ql_result_check_text(t, sizeof t, res, i, QL_CHECK_COMPLIANT);
        *o++ = n == 0 ? '-' : t[0] == 't' ? 'T' : 'F';
        for (int f = QL_CHECK_REQUIRED; f <= QL_CHECK_SHORTFALL; f++) {
            *o++ = '\0';
            n = ql_result_check_text(o + 1, QL_DECIMAL_TEXT_MAX, res, i, (ql_check_field)f);
            if (n == 0) {
                *o++ = '-';
            } else {
                *o = 'n';
                o += n + 1;
            }
        }
    }
    Py_ssize_t len = o - b->pack;
    /* numbers, dates and bools are ASCII; strings are UTF-8 */
    return ascii ? PyUnicode_FromKindAndData(PyUnicode_1BYTE_KIND, b->pack, len)
                 : PyUnicode_DecodeUTF8(b->pack, len, "strict");
}

static PyObject *date_obj(ql_date d)
{
    char buf[16];
    ql_date_format(buf, sizeof buf, d);
    return PyObject_CallMethod(ql_date_type, "fromisoformat", "s", buf);
}

/* (outputs list, checks list, trace list or None, explanation text or
 * None) of an evaluated result; the text is the library's own
 * (ql_result_explain), the same as the command's `explain`. */
static PyObject *result_to_py(const ql_ruleset *rs, const ql_result *res,
                              int trace)
{
    size_t no = ql_ruleset_output_count(rs), nc = ql_ruleset_check_count(rs);
    PyObject *outs = PyList_New((Py_ssize_t)no);
    PyObject *checks = PyList_New((Py_ssize_t)nc);
    PyObject *steps = NULL, *text = NULL;
    if (!outs || !checks)
        goto fail;
    for (size_t i = 0; i < no; i++) {
        ql_value v = QL_VALUE_INIT;
        ql_result_output(&v, res, i);
        PyObject *o = value_raw(&v);
        if (!o)
            goto fail;
        PyList_SET_ITEM(outs, (Py_ssize_t)i, o);
    }
    for (size_t i = 0; i < nc; i++) {
        ql_check_result c = QL_CHECK_RESULT_INIT;
        ql_result_check(&c, res, i);
        PyObject *rq = value_raw(&c.required), *ac = value_raw(&c.actual),
                 *sh = value_raw(&c.shortfall);
        PyObject *t = (rq && ac && sh)
            ? Py_BuildValue("(NNNNN)", PyBool_FromLong(c.applicable),
                            c.applicable ? PyBool_FromLong(c.compliant)
                                         : (Py_INCREF(Py_None), Py_None),
                            rq, ac, sh)
            : NULL;
        if (!t) {
            Py_XDECREF(rq);
            Py_XDECREF(ac);
            Py_XDECREF(sh);
            goto fail;
        }
        PyList_SET_ITEM(checks, (Py_ssize_t)i, t);
    }
    if (trace) {
        size_t ns = ql_result_trace_count(res);
        steps = PyList_New((Py_ssize_t)ns);
        if (!steps)
            goto fail;
        for (size_t i = 0; i < ns; i++) {
            ql_trace_step s = QL_TRACE_STEP_INIT;
            ql_result_trace_step(&s, res, i);
            PyObject *val = value_to_py(&s.value);
            PyObject *from = s.kind == QL_STEP_PARAM ? date_obj(s.from)
                                                     : (Py_INCREF(Py_None), Py_None);
            PyObject *until = s.kind == QL_STEP_PARAM && s.until >= 0
                                  ? date_obj(s.until)
                                  : (Py_INCREF(Py_None), Py_None);
            PyObject *t = (val && from && until)
                ? Py_BuildValue("(ssNzzzNN)", ql_step_kind_name(s.kind), s.name, val,
                                s.formula, s.description, s.source, from, until)
                : NULL;
            if (!t) {
                Py_XDECREF(val);
                Py_XDECREF(from);
                Py_XDECREF(until);
                goto fail;
            }
            PyList_SET_ITEM(steps, (Py_ssize_t)i, t);
        }
        size_t n = ql_result_explain(NULL, 0, res);
        char *buf = PyMem_Malloc(n + 1);
        if (!buf) {
            PyErr_NoMemory();
            goto fail;
        }
        ql_result_explain(buf, n + 1, res);
        text = PyUnicode_DecodeUTF8(buf, (Py_ssize_t)n, "replace");
        PyMem_Free(buf);
        if (!text)
            goto fail;
    } else {
        Py_INCREF(Py_None);
        steps = Py_None;
        Py_INCREF(Py_None);
        text = Py_None;
    }
    return Py_BuildValue("(NNNN)", outs, checks, steps, text);
fail:
    Py_XDECREF(outs);
    Py_XDECREF(checks);
    Py_XDECREF(steps);
    Py_XDECREF(text);
    return NULL;
}

#endif
