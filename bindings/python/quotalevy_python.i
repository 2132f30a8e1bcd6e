/*
 * quotalevy_python.i — the Python side of the SWIG interface.
 *
 * SWIG generates the module quotalevy.native from the language-neutral
 * ../quotalevy.i, which this file includes: the three handles as classes
 * that own their C object (loading, the rule set's getters, records,
 * results, their destructors), ql_status + ql_error raised as
 * native.NativeError, dates and texts as values.  What this file adds is
 * only what is Python's:
 *
 *   - QL_SWIG_RAISE: native.NativeError with the arguments (status name,
 *     message, file, line, column, field, formatted text), which the
 *     package (quotalevy/__init__.py) turns into RulesError or
 *     RecordError by the stage that failed;
 *   - bytes across: a str (as UTF-8) or bytes in, bytes out;
 *   - the GIL released while a rules file loads;
 *   - the paths that move whole records and results across in one call,
 *     hand-written against the CPython API because that is where the
 *     binding's speed is (measured: docs/performance.md): a mapping into
 *     a record and a result out as Python objects (convert.h), the batch
 *     of records (evaluate_many), the columnar path (cells.h, columns.h), and the
 *     rule set's description and parameters as Python values in one call.
 *
 * The pure-Python package builds the public API on top and keeps every
 * rule set alive while its records and results live.
 */
%module(package="quotalevy", threads="1") native

%{
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <string.h>
#include "quotalevy.h"

#include "convert.h"
#include "pydecimal.h"
#include "cells.h"
#include "columns.h"
#include "typedcols.h"
#include "colbatch.h"
#include "noinput.h"

#define QL_SWIG_RAISE(e) do { raise_ql(e); SWIG_fail; } while (0)
%}

/* The GIL is held in every call (the hand-written functions below use the
 * CPython API throughout) except where a feature says otherwise: loading
 * a rules file, which reads and compiles without touching Python. */
%nothread;

%init %{
    ql_native_error = PyErr_NewException("quotalevy.native.NativeError", NULL, NULL);
    PyModule_AddObject(m, "NativeError", ql_native_error);
    Py_INCREF(ql_native_error);
    PyObject *dec = PyImport_ImportModule("decimal");
    PyObject *dt = PyImport_ImportModule("datetime");
    if (dec && dt) {
        ql_decimal_type = PyObject_GetAttrString(dec, "Decimal");
        ql_date_type = PyObject_GetAttrString(dt, "date");
        ql_datetime_type = PyObject_GetAttrString(dt, "datetime");
        dec_fast_init();
    }
    Py_XDECREF(dec);
    Py_XDECREF(dt);
%}

%pythoncode %{
NativeError = _native.NativeError
%}

%nodefaultctor ql_batch;
struct ql_batch {};
%extend ql_batch { ~ql_batch() { batch_free($self); } }

/* Every function either returns a value or raises. */
%exception {
    $action
    if (PyErr_Occurred())
        SWIG_fail;
}

/* Bytes in: a str (its UTF-8) or a bytes object. */
%typemap(in) (const char *data, size_t len) (Py_ssize_t size_) {
    if (PyUnicode_Check($input)) {
        $1 = (char *)PyUnicode_AsUTF8AndSize($input, &size_);
    } else if (PyBytes_Check($input)) {
        char *p_;
        if (PyBytes_AsStringAndSize($input, &p_, &size_) == 0)
            $1 = p_;
    } else {
        PyErr_SetString(PyExc_TypeError, "expected a str or bytes");
    }
    if (!$1)
        SWIG_fail;
    $2 = (size_t)size_;
}

/* A file name in as os.open takes it: str (in the file system's
 * encoding, surrogateescape), bytes or os.PathLike; a NUL is a
 * ValueError, never a shorter name. */
%typemap(in) const char *path (PyObject *encoded_ = NULL) {
    if (!PyUnicode_FSConverter($input, &encoded_))
        SWIG_fail;
    $1 = PyBytes_AS_STRING(encoded_);
}
%typemap(freearg) const char *path {
    Py_XDECREF(encoded_$argnum);
}

/* Bytes out: a bytes object from the malloc'd buffer, which is freed. */
%typemap(out) ql_swig_bytes {
    if (!$1.data)
        SWIG_exception_fail(SWIG_MemoryError, "out of memory in a batch");
    $result = PyBytes_FromStringAndSize($1.data, (Py_ssize_t)$1.len);
    free($1.data);
}

/* A status returns None: a failure has raised. */
%typemap(out) ql_status "$result = SWIG_Py_Void();";

/* Loading reads and compiles without Python: other threads run meanwhile. */
%thread ql_ruleset::ql_ruleset;

/* A record, a result or a batch keeps the rule set it was made for alive
 * (the C object borrows from it): native.ql_record(native.ql_ruleset(p))
 * must not outlive its rule set. */
%pythonappend ql_record::ql_record %{
    self._ruleset = rs
%}
%pythonappend ql_result::ql_result %{
    self._ruleset = rs
%}
%pythonappend ql_swig_batch::ql_swig_batch %{
    self._ruleset = rs
%}
/* A result that has evaluated a record reads its fields afterwards (an
 * output passing an input through, the trace): it keeps that record. */
%pythonappend ql_result::evaluate %{
    self._record = rec
%}

%include "../quotalevy.i"

%newobject load_file_overridden;
%newobject load_sealed;
%newobject batch_new;

%typemap(in) PyObject * "$1 = $input;";
%typemap(out) PyObject * "$result = $1;";

%inline %{
/* The package's FieldTypeError class, raised for a value of a type no
 * field takes (a float, an object). */
PyObject *register_field_type_error(PyObject *cls)
{
    Py_INCREF(cls);
    Py_XSETREF(ql_field_type_error, cls);
    Py_RETURN_NONE;
}

/* The package's FieldValueError class, raised for a value of the right
 * type but the wrong shape (a list given in part). */
PyObject *register_field_value_error(PyObject *cls)
{
    Py_INCREF(cls);
    Py_XSETREF(ql_field_value_error, cls);
    Py_RETURN_NONE;
}

/* A batch or record whose names (a list of str) gave `given` of the rule
 * set's inputs a value: the message every front end refuses it with
 * (tools/quotalevy/noinput.h), or None when it is not refused. */
PyObject *no_input_message(struct ql_ruleset *rs, long given, int table,
                           const char *holder, PyObject *names)
{
    const char *c_names[NOINPUT_NAMES_READ];
    size_t n = 0;
    char msg[QL_ERROR_MESSAGE_MAX];
    if (given < 0 || !noinput_refuses(rs, (size_t)given))
        Py_RETURN_NONE;
    if (!PyList_Check(names)) {
        PyErr_SetString(PyExc_TypeError, "names must be a list of str");
        return NULL;
    }
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(names) && n < NOINPUT_NAMES_READ; i++) {
        PyObject *item = PyList_GET_ITEM(names, i);
        const char *s = PyUnicode_Check(item) ? PyUnicode_AsUTF8(item) : NULL;
        if (!s) {
            if (!PyErr_Occurred())
                PyErr_SetString(PyExc_TypeError, "names must be a list of str");
            return NULL;
        }
        c_names[n++] = s;
    }
    noinput_message(msg, sizeof msg, rs, table, holder, c_names, n);
    return PyUnicode_DecodeUTF8(msg, (Py_ssize_t)strlen(msg), "replace");
}

/* Whether Decimals are made in place (pydecimal.h): True on the CPython
 * whose layout dec_fast_init found at import. */
PyObject *decimal_in_place(void)
{
    return PyBool_FromLong(dec_fast);
}

/* Decimal(text) as the columns make it (pydecimal.h): for the tests. */
PyObject *decimal_from_text(PyObject *text)
{
    Py_ssize_t n;
    const char *t = PyUnicode_Check(text) ? PyUnicode_AsUTF8AndSize(text, &n) : NULL;
    if (!t) {
        if (!PyErr_Occurred())
            PyErr_SetString(PyExc_TypeError, "decimal_from_text takes a str");
        return NULL;
    }
    return dec_from_text(t, (size_t)n);
}

/* overrides: a list of (param, value text, days since 1970-01-01[, shown[,
 * flags]]), shown: the value as the caller gave it (Decimal('1E+1')),
 * quoted in the library's messages in place of the text, or None; flags:
 * QL_OVERRIDE_NUMBER for a Decimal's plain text, the value itself in the
 * parameter's unit (a percentage's share), so the rules load once. */
struct ql_ruleset *load_file_overridden(const char *path, PyObject *overrides)
{
    if (!PyList_Check(overrides)) {
        PyErr_SetString(PyExc_TypeError, "overrides must be a list");
        return NULL;
    }
    Py_ssize_t n = PyList_GET_SIZE(overrides);
    ql_override *o = PyMem_Calloc((size_t)n + 1, sizeof *o);
    if (!o) {
        PyErr_NoMemory();
        return NULL;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *t = PyList_GET_ITEM(overrides, i);
        long from;
        o[i].version = QL_OVERRIDE_VERSION;
        if (!PyArg_ParseTuple(t, "ssl|zI", &o[i].param, &o[i].value, &from, &o[i].shown,
                              &o[i].flags)) {
            PyMem_Free(o);
            return NULL;
        }
        o[i].from = (ql_date)from;
    }
    ql_ruleset *rs = NULL;
    ql_error err;
    if (ql_ruleset_load_overridden(&rs, path, o, (size_t)n, &err))
        raise_ql(&err);
    PyMem_Free(o);
    return rs;
}

/* A rule set compiled again from the texts it was first read from (a
 * pickle's, see RuleSet.__reduce__): the top file's text named `name`,
 * then each file of its `extends` chain in turn, handed to the loader by
 * an include resolver — the chain is linear, so its k-th `extends:` is
 * the k-th parent — so nothing is read from the file system.  A parent
 * whose file name is not what the `extends:` names (other texts than the
 * chain's) is QL_ENAME. */
typedef struct sealed_chain {
    PyObject *parents; /* list of (original path, text), both bytes */
    Py_ssize_t next;
} sealed_chain;

/* The last part of a path. */
static const char *base_of(const char *p)
{
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

static ql_status sealed_resolve(const char **text, size_t *len, const char *name,
                                const char *from, void *payload, ql_error *err)
{
    (void)from;
    sealed_chain *c = payload;
    if (c->next >= PyList_GET_SIZE(c->parents)) {
        snprintf(err->message, sizeof err->message,
                 "the pickled rule set holds no file for this 'extends'");
        return QL_ENAME;
    }
    PyObject *t = PyList_GET_ITEM(c->parents, c->next);
    const char *path = PyBytes_AS_STRING(PyTuple_GET_ITEM(t, 0));
    const char *want = base_of(path), *got = base_of(name);
    size_t n = strlen(got);
    /* "national.yaml" or, found by name on the search path, "cn/national" */
    if (strcmp(want, got) &&
        !(strlen(want) == n + 5 && !strncmp(want, got, n) && !strcmp(want + n, ".yaml"))) {
        char shown[QL_TEXT_QUOTE_MAX];
        ql_text_quote(shown, sizeof shown, path, strlen(path), '\'');
        snprintf(err->message, sizeof err->message,
                 "the pickled rule set's next file was read from %s, which is "
                 "not the file this 'extends' names", shown);
        return QL_ENAME;
    }
    *text = PyBytes_AS_STRING(PyTuple_GET_ITEM(t, 1));
    *len = (size_t)PyBytes_GET_SIZE(PyTuple_GET_ITEM(t, 1));
    c->next++;
    return QL_OK;
}

/* name: bytes (the file system's encoding) or None; top: bytes; parents:
 * a list of (path, text), both bytes; overrides as load_file_overridden's. */
struct ql_ruleset *load_sealed(PyObject *name, PyObject *top, PyObject *parents,
                               PyObject *overrides)
{
    if ((name != Py_None && !PyBytes_Check(name)) || !PyBytes_Check(top) ||
        !PyList_Check(parents) || !PyList_Check(overrides)) {
        PyErr_SetString(PyExc_TypeError, "load_sealed(bytes, bytes, list, list)");
        return NULL;
    }
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(parents); i++) {
        PyObject *t = PyList_GET_ITEM(parents, i);
        if (!PyTuple_Check(t) || PyTuple_GET_SIZE(t) != 2 ||
            !PyBytes_Check(PyTuple_GET_ITEM(t, 0)) ||
            !PyBytes_Check(PyTuple_GET_ITEM(t, 1))) {
            PyErr_SetString(PyExc_TypeError, "a parent is (path, text) in bytes");
            return NULL;
        }
    }
    const char *source = name == Py_None ? NULL : PyBytes_AS_STRING(name);
    Py_ssize_t n = PyList_GET_SIZE(overrides);
    ql_override *o = PyMem_Calloc((size_t)n + 1, sizeof *o);
    if (!o)
        return (struct ql_ruleset *)PyErr_NoMemory();
    for (Py_ssize_t i = 0; i < n; i++) {
        long from;
        o[i].version = QL_OVERRIDE_VERSION;
        if (!PyArg_ParseTuple(PyList_GET_ITEM(overrides, i), "ssl|zI", &o[i].param,
                              &o[i].value, &from, &o[i].shown, &o[i].flags)) {
            PyMem_Free(o);
            return NULL;
        }
        o[i].from = (ql_date)from;
    }
    sealed_chain chain = {parents, 0};
    ql_load_options opts = QL_LOAD_OPTIONS_INIT;
    opts.buffer = PyBytes_AS_STRING(top);
    opts.buffer_len = (size_t)PyBytes_GET_SIZE(top);
    opts.overrides = o;
    opts.n_overrides = (size_t)n;
    opts.resolve = sealed_resolve;
    opts.resolve_payload = &chain;
    ql_ruleset *rs = NULL;
    ql_error err;
    if (ql_ruleset_load_ext(&rs, source, &opts, &err) == QL_OK &&
        chain.next != PyList_GET_SIZE(parents)) {
        ql_ruleset_free(rs);
        rs = NULL;
        ql_error_clear(&err);
        err.code = QL_ENAME;
        snprintf(err.message, sizeof err.message,
                 "the pickled rule set holds %zd files its rules do not extend",
                 PyList_GET_SIZE(parents) - chain.next);
    }
    if (!rs)
        raise_ql(&err);
    PyMem_Free(o);
    return rs;
}

/* {name: (value, from date, source) or None when not in force}. */
PyObject *ruleset_params(struct ql_ruleset *rs, long date)
{
    PyObject *d = PyDict_New();
    if (!d)
        return NULL;
    for (size_t i = 0; i < ql_ruleset_param_count(rs); i++) {
        ql_value v = QL_VALUE_INIT;
        ql_date from;
        const char *src;
        PyObject *t;
        if (ql_ruleset_param_value(&v, &from, &src, rs, i, (ql_date)date, NULL)) {
            Py_INCREF(Py_None);
            t = Py_None;
        } else {
            PyObject *val = value_to_py(&v), *f = date_obj(from);
            t = (val && f) ? Py_BuildValue("(NNz)", val, f, src) : NULL;
            if (!t) {
                Py_XDECREF(val);
                Py_XDECREF(f);
            }
        }
        if (!t || PyDict_SetItemString(d, ql_ruleset_param_name(rs, i), t)) {
            Py_XDECREF(t);
            Py_DECREF(d);
            return NULL;
        }
        Py_DECREF(t);
    }
    return d;
}

/* Evaluates one mapping; returns (outputs, checks, trace). */
PyObject *evaluate(struct ql_ruleset *rs, struct ql_record *rec,
                   struct ql_result *res, PyObject *mapping, PyObject *index,
                   long date, int trace)
{
    if (!PyDict_Check(index)) {
        PyErr_SetString(PyExc_TypeError, "index must be a dict");
        return NULL;
    }
    if (fill_record(rs, rec, mapping, index, NULL))
        return NULL;
    ql_error err;
    if (ql_evaluate(res, rec, (ql_date)date, trace ? QL_EVAL_TRACE : 0, &err)) {
        raise_ql(&err);
        return NULL;
    }
    return result_to_py(rs, res, trace);
}

struct ql_batch *batch_new(struct ql_ruleset *rs, size_t cap)
{
    struct ql_batch *b = PyMem_Calloc(1, sizeof *b);
    if (!b || cap == 0) {
        PyMem_Free(b);
        PyErr_NoMemory();
        return NULL;
    }
    b->rs = rs;
    b->cap = cap;
    b->recs = PyMem_Calloc(cap, sizeof *b->recs);
    b->res = PyMem_Calloc(cap, sizeof *b->res);
    for (size_t i = 0; b->recs && b->res && i < cap; i++) {
        ql_error err;
        if (ql_record_new(&b->recs[i], rs, &err) || ql_result_new(&b->res[i], rs, &err)) {
            raise_ql(&err);
            break;
        }
    }
    size_t no = ql_ruleset_output_count(rs), nc = ql_ruleset_check_count(rs);
    b->types = PyMem_Calloc(no + 1, sizeof *b->types);
    b->pack_cap = (no + 5 * nc + 1) * (QL_DECIMAL_TEXT_MAX + 2);
    b->pack = PyMem_Malloc(b->pack_cap);
    for (size_t i = 0; b->types && i < no; i++)
        b->types[i] = ql_ruleset_output_type(rs, i);
    if (!b->recs || !b->res || !b->types || !b->pack)
        PyErr_NoMemory();
    return b; /* on an error the wrapper frees it */
}


/* The columnar path (colbatch.h). */
PyObject *evaluate_columns(struct ql_batch *b, PyObject *columns, long n,
                           long date, PyObject *specs, PyObject *conv, PyObject *block,
                           int stop, int typed)
{
    return columns_evaluate(b, columns, (Py_ssize_t)n, date, specs, conv, block, stop,
                            typed);
}

/* Rows [start, stop) of a packed column as objects (columns.h). */
PyObject *column_objects(int type, PyObject *data, PyObject *offsets, PyObject *mask,
                         long start, long stop)
{
    return packed_objects(type, data, offsets, mask, (Py_ssize_t)start, (Py_ssize_t)stop);
}

/* A packed number column's rows [start, stop) as Decimals (texts: 0) or
 * as the command's texts (texts: 1). */
PyObject *column_numbers(PyObject *data, PyObject *offsets, PyObject *mask,
                         PyObject *coefs, PyObject *scales, long start, long stop,
                         int texts)
{
    return packed_numbers(data, offsets, mask, coefs, scales, (Py_ssize_t)start,
                          (Py_ssize_t)stop, texts);
}

/* Evaluates a list of at most cap mappings through ql_evaluate_many, with
 * the GIL released while the C library works.  Returns one item per
 * mapping: (outputs, checks, trace), the NativeError args of a record
 * that failed (a tuple whose first item is the status name), or the
 * exception its values raised (a float: FieldTypeError). */
PyObject *evaluate_many(struct ql_batch *b, PyObject *mappings, PyObject *index,
                        long date, int trace)
{
    if (!PyList_Check(mappings) || !PyDict_Check(index)) {
        PyErr_SetString(PyExc_TypeError, "evaluate_many needs a list and a dict");
        return NULL;
    }
    Py_ssize_t n = PyList_GET_SIZE(mappings);
    if ((size_t)n > b->cap) {
        PyErr_SetString(PyExc_ValueError, "more records than the batch holds");
        return NULL;
    }
    PyObject **pre = PyMem_Calloc((size_t)n + 1, sizeof *pre); /* fill errors */
    PyObject *out = NULL;
    if (!pre) {
        PyErr_NoMemory();
        return NULL;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        if (fill_record(b->rs, b->recs[i], PyList_GET_ITEM(mappings, i), index,
                        &b->keys)) {
            /* a record's own error stays the record's: the package yields
             * or raises it in its place; MemoryError and anything not an
             * Exception (KeyboardInterrupt) stop the batch */
            if (!PyErr_ExceptionMatches(PyExc_Exception) ||
                PyErr_ExceptionMatches(PyExc_MemoryError))
                goto done;
            PyObject *type, *value, *tb;
            PyErr_Fetch(&type, &value, &tb);
            PyErr_NormalizeException(&type, &value, &tb);
            if (tb && value)
                PyException_SetTraceback(value, tb);
            if (type == ql_native_error)
                pre[i] = PyObject_GetAttrString(value, "args");
            else {
                pre[i] = value;
                Py_XINCREF(value);
            }
            Py_XDECREF(type);
            Py_XDECREF(value);
            Py_XDECREF(tb);
            if (!pre[i])
                goto done;
        }
    }
    Py_BEGIN_ALLOW_THREADS
    ql_evaluate_many(b->res, (const ql_record *const *)b->recs, (size_t)n,
                     (ql_date)date, trace ? QL_EVAL_TRACE : 0);
    Py_END_ALLOW_THREADS
    out = PyList_New(n);
    for (Py_ssize_t i = 0; out && i < n; i++) {
        PyObject *item;
        if (pre[i]) {
            item = pre[i];
            pre[i] = NULL;
        } else if (ql_result_status(b->res[i]) != QL_OK) {
            item = error_args(ql_result_error(b->res[i]));
        } else {
            item = trace ? NULL : result_packed(b, b->res[i]);
            if (!item && !PyErr_Occurred())
                item = result_to_py(b->rs, b->res[i], trace);
        }
        if (!item) {
            Py_CLEAR(out);
            break;
        }
        PyList_SET_ITEM(out, i, item);
    }
done:
    for (Py_ssize_t i = 0; i < n; i++)
        Py_XDECREF(pre[i]);
    PyMem_Free(pre);
    return out;
}
%}
