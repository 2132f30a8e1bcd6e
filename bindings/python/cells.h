/*
 * cells.h — the columnar path's input half: a chunk of rows, given as
 * one Python list of cells per input, turned into field texts and set
 * into the batch's records.
 *
 * With the GIL held, each cell gives its text (a str its UTF-8, without a
 * copy; None is empty; any other cell goes through the package's
 * converter once) and is held until the chunk is filled; the records are
 * then filled from those texts without the GIL.  A converter is Python
 * code and may change a caller's list while it is read: each cell is read
 * against the list's length at that moment.  Included once, by
 * quotalevy_python.i's wrapper, before columns.h.
 */
#ifndef QL_PY_CELLS_H
#define QL_PY_CELLS_H

/* One cell of the input, as the library will read it. */
typedef struct cell {
    const char *text; /* NULL: empty */
    Py_ssize_t len;   /* CELL_NOT_TEXT, CELL_NOT_NUMBER: no text (below) */
} cell;

/* len of a str without a UTF-8 form (a lone surrogate) */
#define CELL_NOT_TEXT (-1)
/* len of a NaN or infinite Decimal: no number, the row's own error, as
 * evaluate() refuses it (QL_PY_NAN_DECIMAL) */
#define CELL_NOT_NUMBER (-2)

/* Whether v is a Decimal that is NaN or infinite; −1 with an exception. */
static int cell_nan_decimal(PyObject *v)
{
    if (Py_IS_TYPE(v, (PyTypeObject *)ql_decimal_type) && dec_fast)
        return (((const dec_object *)v)->dec.flags & 0x0E) !=
               0; /* INF, NAN, SNAN */
    int is = PyObject_IsInstance(v, ql_decimal_type);
    if (is <= 0)
        return is;
    PyObject *finite =
        PyObject_CallMethod(ql_decimal_type, "is_finite", "O", v);
    if (!finite)
        return -1;
    int ok = PyObject_IsTrue(finite);
    Py_DECREF(finite);
    return ok < 0 ? -1 : !ok;
}

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
    if (PyUnicode_CheckExact(v) && PyUnicode_IS_COMPACT_ASCII(v)) {
        /* the usual cell: its ASCII is its UTF-8, no call needed */
        c->len = PyUnicode_GET_LENGTH(v);
        c->text = c->len ? (const char *)PyUnicode_DATA(v) : NULL;
        Py_INCREF(v);
        *hold = v;
        return 0;
    }
    PyObject *s;
    if (PyUnicode_CheckExact(v)) {
        Py_INCREF(v);
        s = v;
    } else if (PyLong_CheckExact(v)) {
        s = PyObject_Str(v);
    } else if (v == Py_True || v == Py_False) {
        s = PyUnicode_FromString(v == Py_True ? "true" : "false");
    } else {
        int nan = cell_nan_decimal(v);
        if (nan) {
            c->len = CELL_NOT_NUMBER;
            return nan < 0 ? -1 : 0;
        }
        s = PyObject_CallFunction(conv, "Onn", v, (Py_ssize_t)input, row);
        if (s == Py_None) {
            Py_DECREF(s);
            return 0;
        }
        if (s && !PyUnicode_Check(s)) {
            Py_DECREF(s);
            PyErr_SetString(PyExc_TypeError,
                            "the cell converter must return a str or None");
            return -1;
        }
    }
    if (!s)
        return -1;
    c->text = PyUnicode_AsUTF8AndSize(s, &c->len);
    if (!c->text) {
        if (!PyErr_ExceptionMatches(PyExc_UnicodeEncodeError)) {
            Py_DECREF(s);
            return -1;
        }
        /* a lone surrogate: no text, the row's own error (chunk_errors) */
        PyErr_Clear();
        c->len = CELL_NOT_TEXT;
        *hold = s;
        return 0;
    }
    if (c->len == 0)
        c->text = NULL; /* an empty text is an empty field */
    *hold = s;
    return 0;
}

/* Gathers the texts of rows r0 .. r0 + k − 1 of every column into
 * cells[j * ni + i], each held by held[...]; −1 with an exception (and
 * nothing held).  only (NULL: every row) names the rows to gather with
 * a nonzero byte; the others' cells are left alone (typedcols.h). */
static int gather_cells(PyObject *columns, size_t ni, Py_ssize_t r0, size_t k,
                        PyObject *conv, cell *cells, PyObject **held,
                        const unsigned char *only)
{
    for (size_t j = 0; j < k; j++) {
        if (only && !only[j])
            continue;
        for (size_t i = 0; i < ni; i++) {
            PyObject *col = PyList_GET_ITEM(columns, i);
            cell *c = &cells[j * ni + i];
            PyObject **h = &held[j * ni + i];
            if (col == Py_None) {
                c->text = NULL;
                *h = NULL;
                continue;
            }
            /* the length read afresh at every cell: a converter (Python
             * code, the caller's too) may have shortened a caller's list */
            if (r0 + (Py_ssize_t)j >= PySequence_Fast_GET_SIZE(col)) {
                PyErr_SetString(
                    PyExc_RuntimeError,
                    "a column's list was shortened while it was read");
                for (size_t q = 0; q < j * ni + i; q++)
                    Py_CLEAR(held[q]);
                return -1;
            }
            PyObject *v = PySequence_Fast_ITEMS(col)[r0 + (Py_ssize_t)j];
            if (cell_text(v, conv, i, r0 + (Py_ssize_t)j, c, h)) {
                for (size_t q = 0; q < j * ni + i; q++)
                    Py_CLEAR(held[q]);
                return -1;
            }
        }
    }
    return 0;
}

/* Fills the chunk's k records from its cells; bad_input[j] = input + 1 of
 * the first field a record refused (0: none).  only as gather_cells'.
 * Runs without the GIL. */
static void fill_chunk(struct ql_batch *b, size_t ni, size_t k,
                       const cell *cells, int *bad_input,
                       const unsigned char *only)
{
    for (size_t j = 0; j < k; j++) {
        bad_input[j] = 0;
        if (only && !only[j])
            continue;
        ql_record *rec = b->recs[j];
        ql_record_clear(rec);
        for (size_t i = 0; i < ni; i++) {
            const cell *c = &cells[j * ni + i];
            ql_error err;
            if (c->len < 0 ||
                (c->text &&
                 ql_record_set_text(rec, i, c->text, (size_t)c->len, &err))) {
                bad_input[j] = (int)i + 1;
                break;
            }
        }
    }
}

/* Appends the chunk's errors to errs as (row, error args); 1 if any, 0 if
 * none, −1 with an exception.  only as gather_cells': the other rows
 * have no error. */
static int chunk_errors(struct ql_batch *b, size_t ni, Py_ssize_t r0, size_t k,
                        const cell *cells, const int *bad_input, PyObject *errs,
                        const unsigned char *only)
{
    int failed = 0;
    for (size_t j = 0; j < k; j++) {
        if (only && !only[j])
            continue;
        ql_error err;
        const ql_error *e = NULL;
        if (bad_input[j]) {
            /* set again, to have its error: only for a refused row */
            size_t i = (size_t)bad_input[j] - 1;
            const cell *c = &cells[j * ni + i];
            if (c->len < 0) {
                ql_error_clear(&err);
                err.code = QL_ERECORD;
                snprintf(err.message, sizeof err.message, "%s",
                         c->len == CELL_NOT_TEXT ? QL_PY_SURROGATE
                                                 : QL_PY_NAN_DECIMAL);
                snprintf(err.field, sizeof err.field, "%s",
                         ql_ruleset_input_name(b->rs, i));
            } else {
                ql_record_set_text(b->recs[j], i, c->text, (size_t)c->len,
                                   &err);
            }
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
            return -1;
        }
        Py_DECREF(t);
    }
    return failed;
}

#endif
