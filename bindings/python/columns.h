/*
 * columns.h — the binding's columnar path: a batch of rows given as one
 * sequence of cells per input, evaluated in one call, the outputs handed
 * back as one column per CSV column of the command's output.
 *
 * Per chunk of rows (the batch's capacity) the cells' texts are gathered
 * with the GIL held (a str cell gives its UTF-8 without a copy, other
 * cells go through the package's converter once), then, with the GIL
 * released, the records are filled, evaluated with ql_evaluate_many and
 * every output written as text into per-column buffers.  No Python object
 * is made for a value inside the library's work: the columns come back
 * either packed (one bytes of texts, offsets and a mask per column; the
 * package makes a value when one is read) or as lists of objects built
 * from that text with a small per-column memo (many cells repeat).
 * Included once, by quotalevy.i's wrapper, after convert.h.
 */
#ifndef QL_PY_COLUMNS_H
#define QL_PY_COLUMNS_H

#include <stdint.h>

/* What a column of the output is made of, as the package passes it. */
enum { COL_OUTPUT = 0, COL_CHECK = 1 };

typedef struct col_spec {
    int src;        /* COL_OUTPUT or COL_CHECK */
    size_t index;   /* output or check index */
    int field;      /* ql_check_field for a check */
    ql_type type;   /* NUMBER, BOOL, DATE or STRING (enum, table) */
} col_spec;

/* A growing column of texts: data, offsets[n + 1], mask[n] (1: a value). */
typedef struct col_buf {
    char *data;
    size_t len, cap;
    int64_t *off;
    unsigned char *mask;
    size_t rows, rows_cap;
    /* the last date written and its text: a date column mostly repeats
     * one value, and formatting a date costs more than evaluating it */
    int has_date;
    ql_date date;
    char date_text[16];
    size_t date_len;
} col_buf;

static int col_reserve_rows(col_buf *c, size_t rows)
{
    if (rows <= c->rows_cap)
        return 0;
    size_t cap = c->rows_cap ? c->rows_cap : 1024;
    while (cap < rows)
        cap *= 2;
    int64_t *off = PyMem_RawRealloc(c->off, (cap + 1) * sizeof *off);
    if (!off)
        return -1;
    c->off = off;
    unsigned char *m = PyMem_RawRealloc(c->mask, cap);
    if (!m)
        return -1;
    c->mask = m;
    c->rows_cap = cap;
    return 0;
}

static int col_reserve_bytes(col_buf *c, size_t more)
{
    if (c->len + more <= c->cap)
        return 0;
    size_t cap = c->cap ? c->cap : 4096;
    while (cap < c->len + more)
        cap *= 2;
    char *d = PyMem_RawRealloc(c->data, cap);
    if (!d)
        return -1;
    c->data = d;
    c->cap = cap;
    return 0;
}

static void col_reset(col_buf *c)
{
    c->len = 0;
    c->rows = 0;
    if (c->off)
        c->off[0] = 0;
}

/* Appends one cell: the text of column s of res (none when res is NULL).
 * Runs without the GIL.  −1 when out of memory. */
static int col_put(col_buf *c, const col_spec *s, const ql_result *res)
{
    if (col_reserve_rows(c, c->rows + 1))
        return -1;
    if (c->rows == 0)
        c->off[0] = 0;
    int has = 0;
    if (res) {
        if (s->type == QL_TYPE_STRING) {
            ql_value v;
            ql_result_output(res, s->index, &v);
            if (v.type != QL_TYPE_NONE) {
                if (col_reserve_bytes(c, v.length))
                    return -1;
                memcpy(c->data + c->len, v.string ? v.string : "", v.length);
                c->len += v.length;
                has = 1;
            }
        } else if (s->type == QL_TYPE_DATE && s->src == COL_OUTPUT) {
            ql_value v;
            ql_result_output(res, s->index, &v);
            if (v.type == QL_TYPE_DATE) {
                if (!c->has_date || c->date != v.date) {
                    c->date_len = ql_date_format(v.date, c->date_text, sizeof c->date_text);
                    if (c->date_len >= sizeof c->date_text)
                        c->date_len = sizeof c->date_text - 1;
                    c->date = v.date;
                    c->has_date = 1;
                }
                if (col_reserve_bytes(c, c->date_len))
                    return -1;
                memcpy(c->data + c->len, c->date_text, c->date_len);
                c->len += c->date_len;
                has = 1;
            }
        } else {
            if (col_reserve_bytes(c, QL_DECIMAL_TEXT_MAX))
                return -1;
            size_t n = s->src == COL_OUTPUT
                ? ql_result_output_text(res, s->index, c->data + c->len, QL_DECIMAL_TEXT_MAX)
                : ql_result_check_text(res, s->index, (ql_check_field)s->field,
                                       c->data + c->len, QL_DECIMAL_TEXT_MAX);
            if (n >= QL_DECIMAL_TEXT_MAX)
                n = QL_DECIMAL_TEXT_MAX - 1; /* never: numbers fit */
            if (n) {
                c->len += n;
                has = 1;
            }
        }
    }
    c->mask[c->rows] = (unsigned char)has;
    c->rows++;
    c->off[c->rows] = (int64_t)c->len;
    return 0;
}

/* A direct-mapped memo of objects by their text: a column's cells often
 * repeat (0.00, a rate, a date), and a Decimal made once is shared, as
 * Decimals are immutable.  Texts over MEMO_KEY bytes are not memoised. */
#define MEMO_SLOTS 1024
#define MEMO_KEY 46
typedef struct memo_slot {
    unsigned char len; /* 0: empty */
    char key[MEMO_KEY];
    PyObject *obj;     /* strong */
} memo_slot;

/* The object of one cell's text, new reference; NULL with an exception. */
static PyObject *cell_object(ql_type type, const char *t, size_t n, memo_slot *memo)
{
    if (type == QL_TYPE_BOOL)
        return PyBool_FromLong(n == 4); /* "true" / "false" */
    memo_slot *slot = NULL;
    if (memo && n > 0 && n <= MEMO_KEY) {
        uint32_t h = 2166136261u;
        for (size_t k = 0; k < n; k++)
            h = (h ^ (unsigned char)t[k]) * 16777619u;
        slot = &memo[h & (MEMO_SLOTS - 1)];
        if (slot->len == n && memcmp(slot->key, t, n) == 0) {
            Py_INCREF(slot->obj);
            return slot->obj;
        }
    }
    PyObject *o;
    if (type == QL_TYPE_STRING) {
        o = PyUnicode_DecodeUTF8(t, (Py_ssize_t)n, "strict");
    } else {
        PyObject *s = PyUnicode_FromKindAndData(PyUnicode_1BYTE_KIND, t, (Py_ssize_t)n);
        if (!s)
            return NULL;
        if (type == QL_TYPE_NUMBER)
            o = PyObject_CallOneArg(ql_decimal_type, s);
        else
            o = PyObject_CallMethod(ql_date_type, "fromisoformat", "O", s);
        Py_DECREF(s);
    }
    if (o && slot) {
        Py_XSETREF(slot->obj, o);
        Py_INCREF(o);
        slot->len = (unsigned char)n;
        memcpy(slot->key, t, n);
    }
    return o;
}

/* One cell of the input, as the library will read it. */
typedef struct cell {
    const char *text; /* NULL: empty */
    Py_ssize_t len;
} cell;

/* The text of an input cell, with the GIL held.  A str (the usual cell)
 * lends its UTF-8; None is empty; anything else goes through conv(value,
 * input index, row), which returns a str or None or raises.  *hold gets
 * a strong reference to whatever owns the text.  −1 with an exception. */
static int cell_text(PyObject *v, PyObject *conv, size_t input, Py_ssize_t row,
                     cell *c, PyObject **hold)
{
    *hold = NULL;
    c->text = NULL;
    c->len = 0;
    if (v == Py_None)
        return 0;
    PyObject *s;
    if (PyUnicode_CheckExact(v)) {
        Py_INCREF(v);
        s = v;
    } else if (PyLong_CheckExact(v)) {
        s = PyObject_Str(v);
    } else if (v == Py_True || v == Py_False) {
        s = PyUnicode_FromString(v == Py_True ? "true" : "false");
    } else {
        s = PyObject_CallFunction(conv, "Onn", v, (Py_ssize_t)input, row);
        if (s == Py_None) {
            Py_DECREF(s);
            return 0;
        }
        if (s && !PyUnicode_Check(s)) {
            Py_DECREF(s);
            PyErr_SetString(PyExc_TypeError, "the cell converter must return a str or None");
            return -1;
        }
    }
    if (!s)
        return -1;
    c->text = PyUnicode_AsUTF8AndSize(s, &c->len);
    if (!c->text) {
        Py_DECREF(s);
        return -1;
    }
    if (c->len == 0)
        c->text = NULL; /* an empty text is an empty field */
    *hold = s;
    return 0;
}

/* The (status, message, file, line, column, field, text) of an error. */
static PyObject *error_args(const ql_error *e)
{
    char text[2048];
    ql_error_format(e, text, sizeof text);
    return Py_BuildValue("(sssiiss)", ql_status_name(e->code), e->message,
                         e->file, e->line, e->column, e->field, text);
}

/*
 * Evaluates n rows given as `columns` (a list with one item per input of
 * the rule set: a list or tuple of n cells, or None for no column) on
 * `date`.  `specs` lists the output columns as (src, index, field, type).
 * `objects`: 1 to return lists of objects, 0 for packed columns.
 * `stop`: 1 to stop after the chunk holding the first failing row.
 * Returns (columns, errors): columns a list with, per spec, a list of
 * objects or a tuple (data bytes, offsets bytes of int64, mask bytes);
 * errors a list of (row, status, message, file, line, column, field,
 * text) in row order.
 */
static PyObject *columns_evaluate(struct ql_batch *b, PyObject *columns,
                                  Py_ssize_t n, long date, PyObject *specs_in,
                                  PyObject *conv, int objects, int stop)
{
    const ql_ruleset *rs = b->rs;
    size_t ni = ql_ruleset_input_count(rs);
    if (!PyList_Check(columns) || (size_t)PyList_GET_SIZE(columns) != ni ||
        !PyList_Check(specs_in) || n < 0 || !PyCallable_Check(conv)) {
        PyErr_SetString(PyExc_TypeError, "columns_evaluate: bad arguments");
        return NULL;
    }
    for (size_t i = 0; i < ni; i++) {
        PyObject *c = PyList_GET_ITEM(columns, i);
        if (c != Py_None && !((PyList_CheckExact(c) || PyTuple_CheckExact(c)) &&
                              PySequence_Fast_GET_SIZE(c) == n)) {
            PyErr_SetString(PyExc_TypeError,
                            "columns_evaluate: each column must be a list or tuple of n cells");
            return NULL;
        }
    }
    size_t ns = (size_t)PyList_GET_SIZE(specs_in);
    size_t cap = b->cap;
    col_spec *specs = PyMem_Calloc(ns + 1, sizeof *specs);
    col_buf *bufs = PyMem_Calloc(ns + 1, sizeof *bufs);
    cell *cells = PyMem_Calloc(cap * (ni + 1), sizeof *cells);
    PyObject **held = PyMem_Calloc(cap * (ni + 1), sizeof *held);
    int *bad_input = PyMem_Calloc(cap, sizeof *bad_input); /* fill failure: input + 1 */
    memo_slot *memo = objects ? PyMem_Calloc(ns * MEMO_SLOTS + 1, sizeof *memo) : NULL;
    PyObject *outcols = PyList_New((Py_ssize_t)ns), *errs = PyList_New(0);
    PyObject *ret = NULL;
    int oom = 0;
    if (!specs || !bufs || !cells || !held || !bad_input || (objects && !memo) ||
        !outcols || !errs) {
        PyErr_NoMemory();
        goto done;
    }
    for (size_t k = 0; k < ns; k++) {
        PyObject *t = PyList_GET_ITEM(specs_in, k);
        int src, field, type;
        Py_ssize_t idx;
        if (!PyArg_ParseTuple(t, "inii", &src, &idx, &field, &type))
            goto done;
        specs[k] = (col_spec){src, (size_t)idx, field, (ql_type)type};
        if (objects) {
            PyObject *l = PyList_New(n);
            if (!l)
                goto done;
            PyList_SET_ITEM(outcols, (Py_ssize_t)k, l);
        }
    }
    int stopped = 0;
    for (Py_ssize_t r0 = 0; r0 < n && !stopped; r0 += (Py_ssize_t)cap) {
        size_t k = (size_t)(n - r0) < cap ? (size_t)(n - r0) : cap;
        /* 1. the cells' texts, with the GIL */
        for (size_t j = 0; j < k; j++) {
            for (size_t i = 0; i < ni; i++) {
                PyObject *col = PyList_GET_ITEM(columns, i);
                cell *c = &cells[j * ni + i];
                PyObject **h = &held[j * ni + i];
                if (col == Py_None) {
                    c->text = NULL;
                    *h = NULL;
                    continue;
                }
                PyObject *v = PySequence_Fast_ITEMS(col)[r0 + (Py_ssize_t)j];
                if (cell_text(v, conv, i, r0 + (Py_ssize_t)j, c, h)) {
                    for (size_t q = 0; q < j * ni + i; q++)
                        Py_CLEAR(held[q]);
                    goto done;
                }
            }
        }
        /* 2. fill, evaluate and write the texts out, without the GIL */
        Py_BEGIN_ALLOW_THREADS
        for (size_t j = 0; j < k; j++) {
            ql_record *rec = b->recs[j];
            ql_record_clear(rec);
            bad_input[j] = 0;
            for (size_t i = 0; i < ni; i++) {
                const cell *c = &cells[j * ni + i];
                ql_error err;
                if (c->text && ql_record_set_text(rec, i, c->text, (size_t)c->len, &err)) {
                    bad_input[j] = (int)i + 1;
                    break;
                }
            }
        }
        ql_evaluate_many((const ql_record *const *)b->recs, b->res, k, (ql_date)date, 0);
        for (size_t s = 0; s < ns && !oom; s++) {
            if (objects)
                col_reset(&bufs[s]);
            for (size_t j = 0; j < k && !oom; j++) {
                const ql_result *res = (bad_input[j] || ql_result_status(b->res[j]) != QL_OK)
                                           ? NULL : b->res[j];
                oom = col_put(&bufs[s], &specs[s], res);
            }
        }
        Py_END_ALLOW_THREADS
        if (oom) {
            for (size_t q = 0; q < k * ni; q++)
                Py_CLEAR(held[q]);
            PyErr_NoMemory();
            goto done;
        }
        /* 3. the errors of the chunk, and its objects, with the GIL */
        int failed = 0;
        for (size_t j = 0; j < k; j++) {
            ql_error err;
            const ql_error *e = NULL;
            if (bad_input[j]) {
                size_t i = (size_t)bad_input[j] - 1;
                const cell *c = &cells[j * ni + i];
                ql_record_set_text(b->recs[j], i, c->text, (size_t)c->len, &err);
                e = &err;
            } else if (ql_result_status(b->res[j]) != QL_OK) {
                e = ql_result_error(b->res[j]);
            }
            if (!e)
                continue;
            failed = 1;
            PyObject *a = error_args(e);
            PyObject *row = a ? PyLong_FromSsize_t(r0 + (Py_ssize_t)j) : NULL;
            PyObject *t = row ? PyTuple_Pack(2, row, a) : NULL;
            Py_XDECREF(a);
            Py_XDECREF(row);
            if (!t || PyList_Append(errs, t)) {
                Py_XDECREF(t);
                for (size_t q = 0; q < k * ni; q++)
                    Py_CLEAR(held[q]);
                goto done;
            }
            Py_DECREF(t);
        }
        for (size_t q = 0; q < k * ni; q++)
            Py_CLEAR(held[q]);
        if (failed && stop)
            stopped = 1;
        if (!objects)
            continue;
        for (size_t s = 0; s < ns; s++) {
            col_buf *c = &bufs[s];
            PyObject *l = PyList_GET_ITEM(outcols, (Py_ssize_t)s);
            for (size_t j = 0; j < k; j++) {
                PyObject *o;
                if (!c->mask[j]) {
                    Py_INCREF(Py_None);
                    o = Py_None;
                } else {
                    o = cell_object(specs[s].type, c->data + c->off[j],
                                    (size_t)(c->off[j + 1] - c->off[j]), memo + s * MEMO_SLOTS);
                    if (!o)
                        goto done;
                }
                PyList_SET_ITEM(l, r0 + (Py_ssize_t)j, o);
            }
        }
    }
    if (stopped && objects) {
        /* rows past the stop are never read: fill them with None */
        for (size_t s = 0; s < ns; s++) {
            PyObject *l = PyList_GET_ITEM(outcols, (Py_ssize_t)s);
            for (Py_ssize_t r = 0; r < n; r++)
                if (!PyList_GET_ITEM(l, r)) {
                    Py_INCREF(Py_None);
                    PyList_SET_ITEM(l, r, Py_None);
                }
        }
    }
    if (!objects) {
        for (size_t s = 0; s < ns; s++) {
            col_buf *c = &bufs[s];
            if (col_reserve_rows(c, 1)) {
                PyErr_NoMemory();
                goto done;
            }
            if (c->rows == 0)
                c->off[0] = 0;
            PyObject *t = Py_BuildValue("(y#y#y#)", c->data ? c->data : "", (Py_ssize_t)c->len,
                                        (const char *)c->off, (Py_ssize_t)((c->rows + 1) * sizeof *c->off),
                                        (const char *)c->mask, (Py_ssize_t)c->rows);
            if (!t)
                goto done;
            PyList_SET_ITEM(outcols, (Py_ssize_t)s, t);
        }
    }
    ret = PyTuple_Pack(2, outcols, errs);
done:
    Py_XDECREF(outcols);
    Py_XDECREF(errs);
    if (bufs)
        for (size_t s = 0; s < ns; s++) {
            PyMem_RawFree(bufs[s].data);
            PyMem_RawFree(bufs[s].off);
            PyMem_RawFree(bufs[s].mask);
        }
    if (memo) {
        for (size_t q = 0; q < ns * MEMO_SLOTS; q++)
            Py_XDECREF(memo[q].obj);
        PyMem_Free(memo);
    }
    PyMem_Free(specs);
    PyMem_Free(bufs);
    PyMem_Free(cells);
    PyMem_Free(held);
    PyMem_Free(bad_input);
    return ret;
}

#endif
