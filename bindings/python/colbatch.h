/*
 * colbatch.h — the columnar call: a batch of rows given as one sequence
 * of cells per input, evaluated a chunk (the batch's capacity) at a
 * time, either in place from int64 columns where the chunk's cells allow
 * it (typedcols.h) or the record way (cells.h: each cell's text set into
 * a record, ql_evaluate_many), the outputs written into the columns of
 * columns.h.  Included once, by quotalevy_python.i's wrapper, after
 * typedcols.h.
 */
#ifndef QL_PY_COLBATCH_H
#define QL_PY_COLBATCH_H

/*
 * Evaluates n rows given as `columns` (a list with one item per input of
 * the rule set: a list or tuple of n cells, or None for no column) on
 * `date`.  `specs` lists the output columns as (src, index, field, type).
 * `block`: None for packed columns, or where the objects go: a writable,
 * C-contiguous buffer of len(specs) × n object references (a numpy object
 * array of shape (len(specs), n), made by numpy.empty: all None), column s
 * in its row s.  `stop`: 1 to stop after the chunk holding the first
 * failing row.  Returns (columns, errors): columns a list with, per spec,
 * None (in the block) or a tuple (data bytes, offsets bytes of int64,
 * mask bytes); errors a list of (row, status, message, file, line,
 * column, field, text) in row order.  typed: 1 to evaluate in place
 * the chunks' rows whose cells allow it (typedcols.h), 0 to take the
 * record way for every row.  Returns (columns, errors, the number of
 * rows evaluated in place).
 */
static PyObject *columns_evaluate(struct ql_batch *b, PyObject *columns,
                                  Py_ssize_t n, long date, PyObject *specs_in,
                                  PyObject *conv, PyObject *block, int stop,
                                  int typed)
{
    const ql_ruleset *rs = b->rs;
    size_t ni = ql_ruleset_input_count(rs), nc = ql_ruleset_check_count(rs);
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
                            "columns_evaluate: each column must be a list or "
                            "tuple of n cells");
            return NULL;
        }
    }
    size_t ns = (size_t)PyList_GET_SIZE(specs_in);
    int objects = block != Py_None;
    Py_buffer view = {0};
    if (objects) {
        if (PyObject_GetBuffer(block, &view,
                               PyBUF_WRITABLE | PyBUF_FORMAT |
                                   PyBUF_C_CONTIGUOUS))
            return NULL;
        if (!view.format || strcmp(view.format, "O") != 0 ||
            view.itemsize != (Py_ssize_t)sizeof(PyObject *) ||
            view.len != (Py_ssize_t)ns * n * (Py_ssize_t)sizeof(PyObject *)) {
            PyBuffer_Release(&view);
            PyErr_SetString(
                PyExc_TypeError,
                "columns_evaluate: the block must hold len(specs) x n objects");
            return NULL;
        }
    }
    size_t cap = b->cap;
    col_out *outs = PyMem_Calloc(ns + 1, sizeof *outs);
    cell *cells = PyMem_Calloc(cap * (ni + 1), sizeof *cells);
    PyObject **held = PyMem_Calloc(cap * (ni + 1), sizeof *held);
    int *bad_input =
        PyMem_Calloc(cap, sizeof *bad_input); /* fill failure: input + 1 */
    const ql_result **use =
        PyMem_Calloc(cap, sizeof *use); /* NULL: a failed row */
    PyObject *outcols = PyList_New((Py_ssize_t)ns), *errs = PyList_New(0);
    PyObject *ret = NULL;
    Py_ssize_t done = 0;
    typed_cols tcols = {0};
    if (!outs || !cells || !held || !bad_input || !use || !outcols || !errs) {
        PyErr_NoMemory();
        goto out;
    }
    for (size_t s = 0; s < ns; s++)
        if (col_open(&outs[s], PyList_GET_ITEM(specs_in, (Py_ssize_t)s), n,
                     objects ? (PyObject **)view.buf + (Py_ssize_t)s * n : NULL,
                     nc))
            goto out;
    typed = typed ? typed_open(&tcols, b, columns, outs, ns) : 0;
    if (typed < 0)
        goto out;
    int stopped = 0;
    PyThreadState *ts;
    for (Py_ssize_t r0 = 0; r0 < n && !stopped; r0 += (Py_ssize_t)cap) {
        size_t k = (size_t)(n - r0) < cap ? (size_t)(n - r0) : cap;
        if (typed && tcols.skip) {
            tcols.skip--;   /* typedcols.h's TC_SKIP: the record way */
        } else if (typed) { /* typedcols.h: in place, where the cells allow */
            int failed = typed_chunk(&tcols, b, columns, conv, r0, k, (size_t)n,
                                     (ql_date)date, cells, held, bad_input, use,
                                     errs, outs, objects);
            for (size_t q = 0; q < k * ni; q++)
                Py_CLEAR(held[q]);
            if (failed < 0)
                goto out;
            done = r0 + (Py_ssize_t)k;
            stopped = failed && stop;
            continue;
        }
        /* 1. the cells' texts, with the GIL */
        if (gather_cells(columns, ni, r0, k, conv, cells, held, NULL))
            goto out;
        /* 2. fill, evaluate (and write the texts out), without the GIL */
        int oom = 0;
        ts = PyEval_SaveThread(); /* the GIL released */
        fill_chunk(b, ni, k, cells, bad_input, NULL);
        ql_evaluate_many(b->res, (const ql_record *const *)b->recs, k,
                         (ql_date)date, 0);
        if (!objects)
            oom = chunk_texts(b, outs, ns, r0, k, (size_t)n, bad_input, use);
        PyEval_RestoreThread(ts);
        /* 3. the errors of the chunk, and its objects, with the GIL */
        int failed =
            oom ? (PyErr_NoMemory(), -1)
                : chunk_errors(b, ni, r0, k, cells, bad_input, errs, NULL);
        for (size_t q = 0; q < k * ni; q++)
            Py_CLEAR(held[q]);
        if (failed < 0)
            goto out;
        if (objects && chunk_objects(b, outs, ns, r0, k, bad_input, use))
            goto out;
        done = r0 + (Py_ssize_t)k;
        stopped = failed && stop;
    }
    for (size_t s = 0; s < ns; s++) {
        PyObject *col = col_close(&outs[s], n, done);
        if (!col)
            goto out;
        PyList_SET_ITEM(outcols, (Py_ssize_t)s, col);
    }
    ret = Py_BuildValue("(OOn)", outcols, errs, (Py_ssize_t)tcols.rows_typed);
out:
    typed_close(&tcols);
    if (objects)
        PyBuffer_Release(&view);
    Py_XDECREF(outcols);
    Py_XDECREF(errs);
    for (size_t s = 0; outs && s < ns; s++)
        col_out_free(&outs[s]);
    PyMem_Free(outs);
    PyMem_Free(cells);
    PyMem_Free(held);
    PyMem_Free(bad_input);
    PyMem_Free(use);
    return ret;
}

#endif
