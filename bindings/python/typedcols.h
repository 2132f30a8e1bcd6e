/*
 * typedcols.h — the columnar path's typed way: a chunk of rows whose
 * cells are numbers, bools and enum values read into int64 columns and
 * evaluated in place by the library's columnar entry point
 * (ql_evaluate_columns), with no record and no result a row.
 *
 * The cells are read with the GIL held, each the way the library would
 * read its text on the fast way (record.c's number_fast, parse_bool, an
 * enum's exact value): a str of ASCII digits, an int, a bool, None, or a
 * Decimal read from its own digits (pydecimal.h); a string's or a date's
 * as below.  A column's numbers
 * share one scale, the most places a cell of the chunk has; the others
 * are multiplied up to it (12.5 as 12.50), which changes no value.  A
 * row with any other cell (a float, a Decimal of more digits, a
 * text with blanks, a str subclass …) is not read here.  Then, without
 * the GIL, ql_evaluate_columns evaluates the chunk.  Every row that
 * either was not read here, or failed there, or has an output the int64
 * columns do not give (QL_I64_WIDE) is done again exactly as
 * columns.h's record way does it — its cells' texts through the
 * converter, a record, ql_evaluate_many, the results read as there — so
 * that its values, its error and its message are that way's by
 * construction, and a converter's exception is raised at the same cell.
 * The rows that stay evaluated in place are the ones the library's
 * columnar contract holds identical to ql_evaluate of a record set with
 * the typed setters; tests/test_typed_columns.py holds them to
 * evaluate() row by row.
 *
 * A string input's cells (exact str) are handed to the library as their
 * UTF-8, borrowed from the str objects, which are held until the next
 * chunk (another thread may replace a list's items while the GIL is
 * released); a date input's (a datetime.date, a YYYY-MM-DD str) as their
 * day.  Date outputs come back as ql_dates (ql_columns_set_output_date).
 * Used only when every output column is a number, a bool or a date
 * output (a string output has no int64 form here).  A typed_cols is one
 * call's (one thread's): nothing is shared.
 * Included once, by quotalevy_python.i's wrapper, after columns.h.
 */
#ifndef QL_PY_TYPEDCOLS_H
#define QL_PY_TYPEDCOLS_H

#include <stdint.h>
#include <strings.h>

/* header-only internals of the library: static, so no symbol is linked */
#include "../../lib/plain_number.h" /* as record.c reads a number */
#include "../../lib/pow10.h"

enum { TC_NO = 0, TC_NUM, TC_BOOL, TC_ENUM, TC_STR, TC_DATE };

/* One input as this way reads its cells. */
typedef struct typed_in {
    int kind;      /* TC_*; TC_NO: no column */
    size_t n_enum; /* an enum's values, borrowed from the rule set */
    const char **en;
    size_t *en_len;
} typed_in;

typedef struct typed_cols {
    ql_columns *cols;
    size_t ni, ns, cap;
    typed_in *in;
    int64_t *vals;       /* ni × cap */
    uint8_t *pres;       /* ni × cap */
    int8_t *places;      /* cap: a column's cells' places, while read */
    int64_t *oc;         /* ns × cap: the outputs' coefficients */
    int8_t *os;          /* ns × cap: and scales (a date's state) */
    ql_date *od;         /* ns × cap: a date output's days */
    const char **txt;    /* ni × cap: a string input's UTF-8 texts */
    size_t *tlen;        /* ni × cap: and their lengths */
    PyObject **held;     /* ni × cap: the str cells texts point into, held
                            while the chunk is evaluated without the GIL */
    unsigned char *redo; /* cap: done again the record way */
    ql_record **rq;      /* cap: those rows' records and results */
    ql_result **sq;
    size_t rows_typed; /* rows evaluated in place, for the tests */
    size_t skip;       /* chunks left to take the record way at once */
} typed_cols;

/* A chunk most of whose rows had to be done again (rows of errors, of
 * cells this way does not read) cost both ways: the next TC_SKIP chunks
 * take the record way at once, then this way is tried again. */
#define TC_SKIP 8

/* The str cells input i's texts of the last chunk point into, let go. */
static void tc_let_go(typed_cols *t, size_t i)
{
    if (t->held)
        for (size_t j = 0; j < t->cap; j++)
            Py_CLEAR(t->held[i * t->cap + j]);
}

static void typed_close(typed_cols *t)
{
    ql_columns_free(t->cols);
    for (size_t i = 0; i < t->ni; i++)
        tc_let_go(t, i);
    PyMem_Free(t->od);
    PyMem_Free(t->txt);
    PyMem_Free(t->tlen);
    PyMem_Free(t->held);
    if (t->in)
        for (size_t i = 0; i < t->ni; i++) {
            PyMem_Free(t->in[i].en);
            PyMem_Free(t->in[i].en_len);
        }
    PyMem_Free(t->in);
    PyMem_Free(t->vals);
    PyMem_Free(t->pres);
    PyMem_Free(t->places);
    PyMem_Free(t->oc);
    PyMem_Free(t->os);
    PyMem_Free(t->redo);
    PyMem_Free(t->rq);
    PyMem_Free(t->sq);
    memset(t, 0, sizeof *t);
}

/* Sets t up for a call over `columns` with the output columns outs[0 ..
 * ns − 1]: 1 when this way takes the call, 0 when it does not (t
 * empty), −1 with an exception. */
static int typed_open(typed_cols *t, struct ql_batch *b, PyObject *columns,
                      const col_out *outs, size_t ns)
{
    const ql_ruleset *rs = b->rs;
    size_t ni = ql_ruleset_input_count(rs);
    memset(t, 0, sizeof *t);
    for (size_t s = 0; s < ns; s++)
        if (outs[s].spec.type != QL_TYPE_NUMBER &&
            outs[s].spec.type != QL_TYPE_BOOL &&
            (outs[s].spec.type != QL_TYPE_DATE ||
             outs[s].spec.src != COL_OUTPUT))
            return 0;
    size_t cap = b->cap;
    t->ni = ni;
    t->ns = ns;
    t->cap = cap;
    t->in = PyMem_Calloc(ni + 1, sizeof *t->in);
    t->vals = PyMem_Calloc(ni * cap + 1, sizeof *t->vals);
    t->pres = PyMem_Calloc(ni * cap + 1, sizeof *t->pres);
    t->places = PyMem_Calloc(cap, sizeof *t->places);
    t->oc = PyMem_Calloc(ns * cap + 1, sizeof *t->oc);
    t->os = PyMem_Calloc(ns * cap + 1, sizeof *t->os);
    t->od = PyMem_Calloc(ns * cap + 1, sizeof *t->od);
    t->txt = PyMem_Calloc(ni * cap + 1, sizeof *t->txt);
    t->tlen = PyMem_Calloc(ni * cap + 1, sizeof *t->tlen);
    t->held = PyMem_Calloc(ni * cap + 1, sizeof *t->held);
    t->redo = PyMem_Calloc(cap, 1);
    t->rq = PyMem_Calloc(cap, sizeof *t->rq);
    t->sq = PyMem_Calloc(cap, sizeof *t->sq);
    if (!t->in || !t->vals || !t->pres || !t->places || !t->oc || !t->os ||
        !t->od || !t->txt || !t->tlen || !t->held || !t->redo || !t->rq ||
        !t->sq) {
        typed_close(t);
        PyErr_NoMemory();
        return -1;
    }
    ql_error err;
    if (ql_columns_new(&t->cols, rs, &err)) {
        typed_close(t);
        if (err.code == QL_ENOMEM) {
            PyErr_NoMemory();
            return -1;
        }
        return 0; /* the record way says what is wrong */
    }
    for (size_t i = 0; i < ni; i++) {
        typed_in *in = &t->in[i];
        if (PyList_GET_ITEM(columns, (Py_ssize_t)i) == Py_None)
            continue;
        const char *ty = ql_ruleset_input_type(rs, i);
        in->kind = strcmp(ty, "bool") == 0     ? TC_BOOL
                   : strcmp(ty, "enum") == 0   ? TC_ENUM
                   : strcmp(ty, "string") == 0 ? TC_STR
                   : strcmp(ty, "date") == 0   ? TC_DATE
                                               : TC_NUM;
        if (in->kind == TC_ENUM) {
            while (ql_ruleset_input_enum(rs, i, in->n_enum))
                in->n_enum++;
            in->en = PyMem_Calloc(in->n_enum + 1, sizeof *in->en);
            in->en_len = PyMem_Calloc(in->n_enum + 1, sizeof *in->en_len);
            if (!in->en || !in->en_len) {
                typed_close(t);
                PyErr_NoMemory();
                return -1;
            }
            for (size_t k = 0; k < in->n_enum; k++) {
                in->en[k] = ql_ruleset_input_enum(rs, i, k);
                in->en_len[k] = strlen(in->en[k]);
            }
        }
    }
    for (size_t s = 0; s < ns; s++) {
        const col_spec *sp = &outs[s].spec;
        int64_t *oc = t->oc + s * cap;
        int8_t *os = t->os + s * cap;
        ql_status st =
            sp->type == QL_TYPE_DATE
                ? ql_columns_set_output_date(t->cols, sp->index,
                                             t->od + s * cap, os, &err)
            : sp->src == COL_OUTPUT
                ? ql_columns_set_output(t->cols, sp->index, oc, os, &err)
                : ql_columns_set_check(t->cols, sp->index,
                                       (ql_check_field)sp->field, oc, os, &err);
        if (st) { /* never: specs checked at col_open */
            typed_close(t);
            return 0;
        }
    }
    return 1;
}

/* A bool's text as record.c's parse_bool reads it: 1 or 0, −1 for
 * another text. */
static int tc_bool_text(const char *s, size_t len)
{
    static const char *yes[] = {"true", "yes", "1"},
                      *no[] = {"false", "no", "0"};
    for (int k = 0; k < 3; k++) {
        if (strlen(yes[k]) == len && strncasecmp(s, yes[k], len) == 0)
            return 1;
        if (strlen(no[k]) == len && strncasecmp(s, no[k], len) == 0)
            return 0;
    }
    return -1;
}

/* Cell v of an input read as this way reads it: 1 with its value in
 * *coef (and a number's places in *places), 0 for an empty field, −1
 * for a cell this way leaves to the record way.  With the GIL; raises
 * nothing. */
static int tc_cell(const typed_in *in, PyObject *v, int64_t *coef, int *places)
{
    *places = 0;
    if (v == Py_None)
        return 0;
    if (PyUnicode_CheckExact(v) && PyUnicode_IS_COMPACT_ASCII(v)) {
        const char *s = (const char *)PyUnicode_DATA(v);
        size_t len = (size_t)PyUnicode_GET_LENGTH(v);
        if (len == 0)
            return 0;
        if (s[0] == ' ' || s[0] == '\t' || s[len - 1] == ' ' ||
            s[len - 1] == '\t')
            return -1; /* trimmed there */
        if (in->kind == TC_NUM)
            return qli_plain_number(s, len, coef, places) ? 1 : -1;
        if (in->kind == TC_BOOL) {
            int b = tc_bool_text(s, len);
            *coef = b;
            return b < 0 ? -1 : 1;
        }
        for (size_t k = 0; k < in->n_enum; k++)
            if (in->en_len[k] == len && memcmp(in->en[k], s, len) == 0) {
                *coef = (int64_t)k;
                return 1;
            }
        return -1;
    }
    if (v == Py_True || v == Py_False) {
        /* read as "true" / "false": a bool's, anything else's error */
        *coef = v == Py_True;
        return in->kind == TC_BOOL ? 1 : -1;
    }
    if (PyLong_CheckExact(v)) {
        int over = 0;
        long long x = PyLong_AsLongLongAndOverflow(v, &over);
        if (over || (x == -1 && PyErr_Occurred())) {
            PyErr_Clear();
            return -1;
        }
        if (in->kind == TC_NUM && x > -qli_pow10[18] && x < qli_pow10[18]) {
            *coef = x;
            return 1;
        }
        if (in->kind == TC_BOOL && (x == 0 || x == 1)) { /* "0", "1" */
            *coef = x;
            return 1;
        }
        return -1;
    }
    if (in->kind == TC_NUM && dec_read(v, coef, places))
        return 1;
    return -1;
}

/* A date input's cell: None empty; a datetime.date (not a subclass: a
 * datetime is one) as its day; a str of exactly YYYY-MM-DD (a frame's
 * datetime64 column is made such texts) as ql_date_parse reads it.  1
 * with the day in *day, 0 empty, −1 for the record way (which says why
 * of a text it refuses).  With the GIL; raises nothing. */
static int tc_date_cell(PyObject *v, int64_t *day)
{
    if (v == Py_None)
        return 0;
    if (Py_TYPE(v) == (PyTypeObject *)ql_date_type) {
        /* date(1970, 1, 1).toordinal() is 719163 */
        PyObject *o = PyObject_CallMethod(v, "toordinal", NULL);
        long n = o ? PyLong_AsLong(o) : -1;
        Py_XDECREF(o);
        if (n == -1 && PyErr_Occurred()) {
            PyErr_Clear();
            return -1;
        }
        *day = (int64_t)n - 719163;
        return 1;
    }
    if (PyUnicode_CheckExact(v) && PyUnicode_IS_COMPACT_ASCII(v) &&
        PyUnicode_GET_LENGTH(v) == 10) {
        ql_date d;
        if (ql_date_parse(&d, (const char *)PyUnicode_DATA(v), 10, NULL))
            return -1;
        *day = d;
        return 1;
    }
    return -1;
}

/* A string input's cells of rows r0 … r0 + k − 1 as UTF-8 texts borrowed
 * from their str objects (held until the next chunk): an exact str, any
 * text (the library trims, empties and refuses as the record way's
 * setter would), None an empty field; any other cell the record way's
 * (its converter makes the text).  Then set as the columns' input i.  0,
 * or −1 with an exception. */
static int tc_read_text(typed_cols *t, size_t i, PyObject *col, Py_ssize_t r0,
                        size_t k)
{
    const char **tx = t->txt + i * t->cap;
    size_t *tl = t->tlen + i * t->cap;
    uint8_t *pr = t->pres + i * t->cap;
    PyObject **held = t->held + i * t->cap;
    tc_let_go(t, i);
    for (size_t j = 0; j < k; j++) {
        if (r0 + (Py_ssize_t)j >= PySequence_Fast_GET_SIZE(col)) {
            PyErr_SetString(PyExc_RuntimeError,
                            "a column's list was shortened while it was read");
            return -1;
        }
        PyObject *v = PySequence_Fast_ITEMS(col)[r0 + (Py_ssize_t)j];
        tx[j] = NULL;
        tl[j] = 0;
        pr[j] = 0;
        if (v == Py_None)
            continue;
        Py_ssize_t n;
        const char *s =
            PyUnicode_CheckExact(v) ? PyUnicode_AsUTF8AndSize(v, &n) : NULL;
        if (!s) { /* not a str, or a lone surrogate: the record way says */
            PyErr_Clear();
            t->redo[j] = 1;
            continue;
        }
        Py_INCREF(v);
        held[j] = v;
        tx[j] = s;
        tl[j] = (size_t)n;
        pr[j] = 1;
    }
    ql_error err;
    if (ql_columns_set_input_text(t->cols, i, tx, tl, pr, &err)) {
        raise_ql(&err); /* never: a string input */
        return -1;
    }
    return 0;
}

/* Input i's cells of rows r0 … r0 + k − 1 into its int64 column, at the
 * most places any of them has; a row whose cell is not read here, or
 * whose number does not fit 64 bits at those places, marked in redo.
 * Then set as the columns' input i.  0, or −1 with an exception. */
static int tc_read_input(typed_cols *t, size_t i, PyObject *col, Py_ssize_t r0,
                         size_t k)
{
    const typed_in *in = &t->in[i];
    int64_t *v = t->vals + i * t->cap;
    uint8_t *pr = t->pres + i * t->cap;
    int8_t *pl = t->places;
    int top = 0;
    for (size_t j = 0; j < k; j++) {
        if (r0 + (Py_ssize_t)j >= PySequence_Fast_GET_SIZE(col)) {
            PyErr_SetString(PyExc_RuntimeError,
                            "a column's list was shortened while it was read");
            return -1;
        }
        int places = 0;
        PyObject *cell = PySequence_Fast_ITEMS(col)[r0 + (Py_ssize_t)j];
        int got = in->kind == TC_DATE ? tc_date_cell(cell, &v[j])
                                      : tc_cell(in, cell, &v[j], &places);
        pr[j] = got > 0;
        pl[j] = (int8_t)places;
        if (got < 0)
            t->redo[j] = 1;
        else if (got > 0 && places > top)
            top = places;
    }
    if (top > 0)
        for (size_t j = 0; j < k; j++) {
            if (!pr[j] || pl[j] == top)
                continue;
            int64_t m = qli_pow10[top - pl[j]];
            if (__builtin_mul_overflow(v[j], m, &v[j])) {
                pr[j] = 0;
                t->redo[j] = 1;
            }
        }
    ql_error err;
    if (ql_columns_set_input(t->cols, i, v, top, pr, &err)) {
        raise_ql(&err); /* never: a number input, scale 0 … 18 */
        return -1;
    }
    return 0;
}

/* ql_evaluate_columns' report of a failed row: marked to be done again
 * (its error is the record way's to give), and counted. */
typedef struct tc_failures {
    unsigned char *redo;
    size_t calls;
} tc_failures;

static void tc_row_failed(size_t row, const ql_error *err, void *payload)
{
    (void)err;
    tc_failures *f = payload;
    f->redo[row] = 1;
    f->calls++;
}

/* Output column s's cell of a row done the record way, from its result
 * (NULL: the row failed), into oc/os as columns.h's col_read_i64 reads
 * it (the batch readers: a bool as 0 or 1, a check's applicable and
 * compliant too, which the one-result readers do not give). */
static void tc_read_result(const col_spec *sp, const ql_result *res,
                           int64_t *oc, int8_t *os, ql_date *od)
{
    if (sp->type == QL_TYPE_DATE) { /* a date output, as its day */
        ql_value v = QL_VALUE_INIT;
        *os = QL_I64_NONE;
        if (res && ql_result_output(&v, res, sp->index) == QL_OK &&
            v.type == QL_TYPE_DATE) {
            *od = v.date;
            *os = 0;
        }
        return;
    }
    const ql_result *const one[1] = {res};
    ql_status st = sp->src == COL_OUTPUT
                       ? ql_results_output_i64(oc, os, one, 1, sp->index, NULL)
                       : ql_results_check_i64(oc, os, one, 1, sp->index,
                                              (ql_check_field)sp->field, NULL);
    if (st) /* never: a spec checked at col_open */
        *os = QL_I64_WIDE;
}

/* The rows in redo done the record way (records filled from `cells`,
 * gathered), and use[j] set for every row: the result of a redone row
 * that evaluated, else NULL.  Without the GIL. */
static void tc_redo(typed_cols *t, struct ql_batch *b, size_t k, ql_date date,
                    const cell *cells, int *bad_input, const ql_result **use,
                    const col_out *outs, size_t m)
{
    if (m) {
        fill_chunk(b, t->ni, k, cells, bad_input, t->redo);
        size_t q = 0;
        for (size_t j = 0; j < k; j++)
            if (t->redo[j]) {
                t->rq[q] = b->recs[j];
                t->sq[q++] = b->res[j];
            }
        ql_evaluate_many(t->sq, (const ql_record *const *)t->rq, q, date, 0);
    }
    for (size_t j = 0; j < k; j++) {
        use[j] = NULL;
        if (!t->redo[j])
            continue;
        if (!bad_input[j] && ql_result_status(b->res[j]) == QL_OK)
            use[j] = b->res[j];
        for (size_t s = 0; s < t->ns; s++)
            tc_read_result(&outs[s].spec, use[j], t->oc + s * t->cap + j,
                           t->os + s * t->cap + j, t->od + s * t->cap + j);
    }
}

/* The chunk's cells written into the packed columns (columns.h's
 * col_put_i64).  Without the GIL; −1 out of memory. */
static int tc_texts(typed_cols *t, col_out *outs, Py_ssize_t r0, size_t k,
                    size_t n, const ql_result **use)
{
    for (size_t s = 0; s < t->ns; s++) {
        col_out *c = &outs[s];
        size_t hint = r0 ? (c->len / (size_t)r0 + 1) * n / 8 * 9 : 0;
        if (col_grow(c, k * QL_DECIMAL_TEXT_MAX, hint))
            return -1;
        const int64_t *oc = t->oc + s * t->cap;
        const int8_t *os = t->os + s * t->cap;
        if (c->spec.type == QL_TYPE_DATE) {
            const ql_date *od = t->od + s * t->cap;
            for (size_t j = 0; j < k; j++)
                col_put_date(c, (size_t)r0 + j, os[j] == 0, od[j]);
            continue;
        }
        if (c->coef) {
            memcpy(c->coef + r0, oc, k * sizeof *oc);
            memcpy(c->scl + r0, os, k);
        }
        col_put_i64(c, use, k, (size_t)r0, os, oc);
    }
    return 0;
}

/* The chunk's cells as objects into each column's row of the block, as
 * columns.h's chunk_objects makes them.  With the GIL; −1 with an
 * exception. */
static int tc_objects(typed_cols *t, col_out *outs, Py_ssize_t r0, size_t k,
                      const ql_result **use)
{
    for (size_t s = 0; s < t->ns; s++) {
        col_out *c = &outs[s];
        const int64_t *oc = t->oc + s * t->cap;
        const int8_t *os = t->os + s * t->cap;
        PyObject **slot = c->slots + r0;
        for (size_t j = 0; j < k; j++) {
            PyObject *o;
            if (os[j] == QL_I64_WIDE)
                o = cell_object(c, use[j]);
            else if (os[j] < 0)
                o = none_ref();
            else if (c->spec.type == QL_TYPE_DATE)
                o = date_object(c, t->od[s * t->cap + j]);
            else if (c->spec.type == QL_TYPE_BOOL)
                o = PyBool_FromLong(oc[j] != 0);
            else
                o = i64_object(c, oc[j], os[j]);
            if (!o)
                return -1;
            Py_XSETREF(slot[j], o);
        }
    }
    return 0;
}

/*
 * Rows r0 … r0 + k − 1 of `columns` (n rows in all) evaluated this way
 * into the output columns (packed, or into the block's objects), their
 * errors appended to errs as columns.h's chunk_errors appends them.
 * cells, held, bad_input and use are the caller's chunk arrays (held
 * cleared by the caller).  1 if a row failed, 0 if none, −1 with an
 * exception.
 */
static int typed_chunk(typed_cols *t, struct ql_batch *b, PyObject *columns,
                       PyObject *conv, Py_ssize_t r0, size_t k, size_t n,
                       ql_date date, cell *cells, PyObject **held,
                       int *bad_input, const ql_result **use, PyObject *errs,
                       col_out *outs, int objects)
{
    size_t ni = t->ni, cap = t->cap;
    PyThreadState *ts;
    memset(t->redo, 0, k);
    /* 1. the cells read, with the GIL */
    for (size_t i = 0; i < ni; i++) {
        PyObject *col = PyList_GET_ITEM(columns, (Py_ssize_t)i);
        int kind = t->in[i].kind;
        if (kind != TC_NO && (kind == TC_STR ? tc_read_text(t, i, col, r0, k)
                                             : tc_read_input(t, i, col, r0, k)))
            return -1;
    }
    for (size_t j = 0; j < k; j++)
        if (t->redo[j]) /* evaluated empty there, cheaply, and done again */
            for (size_t i = 0; i < ni; i++)
                t->pres[i * cap + j] = 0;
    /* 2. evaluated in place, without the GIL */
    size_t m = 0;
    int oom = 0;
    ts = PyEval_SaveThread(); /* the GIL released */
    ql_error err;
    tc_failures fails = {t->redo, 0};
    ql_status st =
        ql_evaluate_columns(t->cols, k, date, tc_row_failed, &fails, &err);
    for (size_t s = 0; s < t->ns; s++) {
        const int8_t *os = t->os + s * cap;
        for (size_t j = 0; j < k; j++)
            t->redo[j] |= os[j] == QL_I64_WIDE;
    }
    for (size_t j = 0; j < k; j++)
        m += t->redo[j];
    if (st != QL_OK && !fails.calls) {
        /* the call itself refused (a date out of range, no memory): every
         * row the record way, which says why as it says it */
        memset(t->redo, 1, k);
        m = k;
    }
    if (!m) {
        for (size_t j = 0; j < k; j++)
            use[j] = NULL;
        if (!objects)
            oom = tc_texts(t, outs, r0, k, n, use);
    }
    PyEval_RestoreThread(ts);
    t->rows_typed += k - m;
    t->skip = 2 * m > k ? TC_SKIP : 0;
    if (oom) {
        PyErr_NoMemory();
        return -1;
    }
    if (!m)
        return objects && tc_objects(t, outs, r0, k, use) ? -1 : 0;
    /* 3. the other rows the record way: their texts with the GIL, then
     * filled and evaluated without it */
    if (gather_cells(columns, ni, r0, k, conv, cells, held, t->redo))
        return -1;
    /* a converter (Python code, the caller's too) that shortened a list
     * whose other cells were read before it ran: refused as the record
     * way refuses the read past the end that would follow */
    for (size_t i = 0; i < ni; i++) {
        PyObject *col = PyList_GET_ITEM(columns, (Py_ssize_t)i);
        if (col != Py_None && (size_t)PySequence_Fast_GET_SIZE(col) < n) {
            PyErr_SetString(PyExc_RuntimeError,
                            "a column's list was shortened while it was read");
            return -1;
        }
    }
    ts = PyEval_SaveThread(); /* the GIL released */
    tc_redo(t, b, k, date, cells, bad_input, use, outs, m);
    if (!objects)
        oom = tc_texts(t, outs, r0, k, n, use);
    PyEval_RestoreThread(ts);
    int failed =
        oom ? (PyErr_NoMemory(), -1)
            : chunk_errors(b, ni, r0, k, cells, bad_input, errs, t->redo);
    if (failed < 0)
        return -1;
    if (objects && tc_objects(t, outs, r0, k, use))
        return -1;
    return failed;
}

#endif
