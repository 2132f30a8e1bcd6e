/*
 * cells.h — the columnar path's input half: a chunk of rows, given as
 * one Python list of cells per input, turned into field texts and set
 * into the batch's records.
 *
 * With the GIL held, each cell's text is copied into one buffer of the
 * chunk (a str gives its UTF-8, None is empty, any other cell goes
 * through the package's converter once); the records are then filled
 * from that buffer without the GIL.  Copying costs a few bytes a cell
 * where holding a reference to each cell's str until the fill cost a
 * second visit to every object — 15 000 of them scattered over the heap
 * for a chunk of 1 024 rows of 15 inputs, out of cache by then — and a
 * third to let go of it.  The buffer is ours: no other thread can
 * change a text while the records are filled.  Included once, by
 * quotalevy_python.i's wrapper, before columns.h.
 */
#ifndef QL_PY_CELLS_H
#define QL_PY_CELLS_H

/* One cell of the input, as the library will read it. */
typedef struct cell {
    const char *text; /* NULL: empty */
    Py_ssize_t len;   /* CELL_NOT_TEXT: a str without a UTF-8 form */
} cell;

#define CELL_NOT_TEXT (-1)

/* The texts of a chunk's cells, end to end (no NUL between them). */
typedef struct cell_buf {
    char *data;
    size_t len, cap;
} cell_buf;

static void cell_buf_free(cell_buf *t)
{
    PyMem_RawFree(t->data);
    *t = (cell_buf){0};
}

/* Appends n bytes to t; their offset, or −1 with MemoryError. */
static Py_ssize_t cell_buf_put(cell_buf *t, const char *s, size_t n)
{
    if (t->cap - t->len < n) {
        size_t cap = t->cap ? t->cap : 1 << 16;
        while (cap - t->len < n) {
            if (cap > ((size_t)PY_SSIZE_T_MAX) / 2) {
                PyErr_NoMemory();
                return -1;
            }
            cap *= 2;
        }
        char *d = PyMem_RawRealloc(t->data, cap);
        if (!d) {
            PyErr_NoMemory();
            return -1;
        }
        t->data = d;
        t->cap = cap;
    }
    memcpy(t->data + t->len, s, n);
    t->len += n;
    return (Py_ssize_t)(t->len - n);
}

/* The text of an input cell, with the GIL held, copied into t: c->text
 * gets its offset in t (made a pointer by gather_cells once the chunk's
 * texts are in), c->len its length.  A str (the usual cell) gives its
 * UTF-8; None is empty; anything else goes through conv(value, input
 * index, row), which returns a str or None or raises.  −1 with an
 * exception. */
static int cell_text(PyObject *v, PyObject *conv, size_t input, Py_ssize_t row,
                     cell *c, cell_buf *t)
{
    c->text = NULL;
    c->len = 0;
    if (v == Py_None)
        return 0;
    const char *s = NULL;
    Py_ssize_t n = 0;
    PyObject *made = NULL; /* a text made for the cell, let go once copied */
    if (PyUnicode_CheckExact(v) && PyUnicode_IS_COMPACT_ASCII(v)) {
        /* the usual cell: its ASCII is its UTF-8, no call needed */
        n = PyUnicode_GET_LENGTH(v);
        s = (const char *)PyUnicode_DATA(v);
    } else {
        if (PyUnicode_CheckExact(v)) {
            Py_INCREF(v);
            made = v;
        } else if (PyLong_CheckExact(v)) {
            made = PyObject_Str(v);
        } else if (v == Py_True || v == Py_False) {
            made = PyUnicode_FromString(v == Py_True ? "true" : "false");
        } else {
            made =
                PyObject_CallFunction(conv, "Onn", v, (Py_ssize_t)input, row);
            if (made == Py_None) {
                Py_DECREF(made);
                return 0;
            }
            if (made && !PyUnicode_Check(made)) {
                Py_DECREF(made);
                PyErr_SetString(PyExc_TypeError,
                                "the cell converter must return a str or None");
                return -1;
            }
        }
        if (!made)
            return -1;
        s = PyUnicode_AsUTF8AndSize(made, &n);
        if (!s) {
            Py_DECREF(made);
            if (!PyErr_ExceptionMatches(PyExc_UnicodeEncodeError))
                return -1;
            /* a lone surrogate: no text, the row's own error (chunk_errors) */
            PyErr_Clear();
            c->len = CELL_NOT_TEXT;
            return 0;
        }
    }
    if (n > 0) { /* an empty text is an empty field */
        Py_ssize_t at = cell_buf_put(t, s, (size_t)n);
        if (at < 0) {
            Py_XDECREF(made);
            return -1;
        }
        c->text =
            (const char *)(uintptr_t)at; /* an offset until the chunk is in */
        c->len = n;
    }
    Py_XDECREF(made);
    return 0;
}

/* How many rows ahead the gathering asks for a column's next cells: an
 * object's header is read from memory while the rows before it are
 * copied. */
#define CELL_AHEAD 8

/* Gathers the texts of rows r0 .. r0 + k − 1 of every column into
 * cells[j * ni + i], their bytes in t (emptied first); −1 with an
 * exception. */
static int gather_cells(PyObject *columns, size_t ni, Py_ssize_t r0, size_t k,
                        PyObject *conv, cell *cells, cell_buf *t)
{
    t->len = 0;
    for (size_t j = 0; j < k; j++) {
        for (size_t i = 0; i < ni; i++) {
            PyObject *col = PyList_GET_ITEM(columns, i);
            cell *c = &cells[j * ni + i];
            if (col == Py_None) {
                c->text = NULL;
                c->len = 0;
                continue;
            }
            /* read afresh at every cell: a converter (Python code) may
             * have changed a caller's list */
            Py_ssize_t size = PySequence_Fast_GET_SIZE(col) - r0;
            if ((Py_ssize_t)j >= size) {
                PyErr_SetString(
                    PyExc_RuntimeError,
                    "a column's list was shortened while it was read");
                return -1;
            }
            PyObject *const *items = PySequence_Fast_ITEMS(col) + r0;
            if ((Py_ssize_t)(j + CELL_AHEAD) < size)
                __builtin_prefetch(items[j + CELL_AHEAD]);
            if (cell_text(items[j], conv, i, r0 + (Py_ssize_t)j, c, t))
                return -1;
        }
    }
    for (size_t q = 0; q < k * ni; q++)
        if (cells[q].len > 0)
            cells[q].text = t->data + (uintptr_t)cells[q].text;
    return 0;
}

/* Fills the chunk's k records from its cells; bad_input[j] = input + 1 of
 * the first field a record refused (0: none).  Runs without the GIL. */
static void fill_chunk(struct ql_batch *b, size_t ni, size_t k,
                       const cell *cells, int *bad_input)
{
    for (size_t j = 0; j < k; j++) {
        ql_record *rec = b->recs[j];
        ql_record_clear(rec);
        bad_input[j] = 0;
        for (size_t i = 0; i < ni; i++) {
            const cell *c = &cells[j * ni + i];
            ql_error err;
            if (c->len == CELL_NOT_TEXT ||
                (c->text &&
                 ql_record_set_text(rec, i, c->text, (size_t)c->len, &err))) {
                bad_input[j] = (int)i + 1;
                break;
            }
        }
    }
}

/* Appends the chunk's errors to errs as (row, error args); 1 if any, 0 if
 * none, −1 with an exception. */
static int chunk_errors(struct ql_batch *b, size_t ni, Py_ssize_t r0, size_t k,
                        const cell *cells, const int *bad_input, PyObject *errs)
{
    int failed = 0;
    for (size_t j = 0; j < k; j++) {
        ql_error err;
        const ql_error *e = NULL;
        if (bad_input[j]) {
            /* set again, to have its error: only for a refused row */
            size_t i = (size_t)bad_input[j] - 1;
            const cell *c = &cells[j * ni + i];
            if (c->len == CELL_NOT_TEXT) {
                ql_error_clear(&err);
                err.code = QL_ERECORD;
                snprintf(err.message, sizeof err.message, "%s",
                         QL_PY_SURROGATE);
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
