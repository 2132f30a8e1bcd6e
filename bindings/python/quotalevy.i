/*
 * quotalevy.i — the SWIG interface of the Python binding.
 *
 * SWIG wraps the three handles as classes that own their C object
 * (%newobject factories, destructors calling the _free functions) and a
 * handful of functions that move whole records and results across in one
 * call: a Python mapping in, Decimal / bool / str / date objects out.  The
 * pure-Python package (quotalevy/__init__.py) builds the public API on
 * top and keeps every rule set alive while its records and results live.
 *
 * The C helpers that move values across (Python values into records,
 * results out) are in convert.h.
 *
 * Errors: every failing call raises native.NativeError with the arguments
 * (status name, message, file, line, column, field, formatted text), which
 * the package turns into RulesError or RecordError.
 */
%module(package="quotalevy") native

%{
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <string.h>
#include "quotalevy.h"

#include "convert.h"
#include "columns.h"
%}

%init %{
    ql_native_error = PyErr_NewException("quotalevy.native.NativeError", NULL, NULL);
    PyModule_AddObject(m, "NativeError", ql_native_error);
    Py_INCREF(ql_native_error);
    PyObject *dec = PyImport_ImportModule("decimal");
    PyObject *dt = PyImport_ImportModule("datetime");
    if (dec && dt) {
        ql_decimal_type = PyObject_GetAttrString(dec, "Decimal");
        ql_date_type = PyObject_GetAttrString(dt, "date");
    }
    Py_XDECREF(dec);
    Py_XDECREF(dt);
%}

%pythoncode %{
NativeError = _native.NativeError
%}

/* The handles: opaque to Python, owned by their wrappers. */
%nodefaultctor ql_ruleset;
%nodefaultctor ql_record;
%nodefaultctor ql_result;
struct ql_ruleset {};
struct ql_record {};
struct ql_result {};
%extend ql_ruleset { ~ql_ruleset() { ql_ruleset_free($self); } }
%extend ql_record { ~ql_record() { ql_record_free($self); } }
%extend ql_result { ~ql_result() { ql_result_free($self); } }
%nodefaultctor ql_batch;
struct ql_batch {};
%extend ql_batch { ~ql_batch() { batch_free($self); } }

/* Every remaining function either returns a value or raises. */
%exception {
    $action
    if (PyErr_Occurred())
        SWIG_fail;
}

%newobject load_file;
%newobject load_string;
%newobject load_file_overridden;
%newobject record_new;
%newobject result_new;
%newobject batch_new;

%typemap(in) PyObject * "$1 = $input;";
%typemap(out) PyObject * "$result = $1;";
%apply (char *STRING, size_t LENGTH) { (const char *text, size_t len) };

%inline %{
const char *version(void) { return ql_version(); }

/* The package's FieldTypeError class, raised for a value of a type no
 * field takes (a float, an object). */
PyObject *register_field_type_error(PyObject *cls)
{
    Py_INCREF(cls);
    Py_XSETREF(ql_field_type_error, cls);
    Py_RETURN_NONE;
}

struct ql_ruleset *load_file(const char *path)
{
    ql_ruleset *rs = NULL;
    ql_error err;
    ql_status st;
    Py_BEGIN_ALLOW_THREADS
    st = ql_ruleset_load(&rs, path, &err);
    Py_END_ALLOW_THREADS
    if (st)
        raise_ql(&err);
    return rs;
}

/* overrides: a list of (param, value text, days since 1970-01-01). */
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
        if (!PyArg_ParseTuple(t, "ssl", &o[i].param, &o[i].value, &from)) {
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

struct ql_ruleset *load_string(const char *text, size_t len, const char *name)
{
    ql_ruleset *rs = NULL;
    ql_error err;
    if (ql_ruleset_load_buffer(&rs, text, len, name, &err))
        raise_ql(&err);
    return rs;
}

struct ql_record *record_new(struct ql_ruleset *rs)
{
    ql_record *r = NULL;
    ql_error err;
    if (ql_record_new(&r, rs, &err))
        raise_ql(&err);
    return r;
}

struct ql_result *result_new(struct ql_ruleset *rs)
{
    ql_result *r = NULL;
    ql_error err;
    if (ql_result_new(&r, rs, &err))
        raise_ql(&err);
    return r;
}

/* Days since 1970-01-01 of "YYYY-MM-DD". */
long parse_date(const char *text)
{
    ql_date d = 0;
    ql_error err;
    if (ql_date_parse(&d, text, strlen(text), &err))
        raise_ql(&err);
    return d;
}

/* {meta: {...}, inputs: [(name, type, description)], outputs: [(name,
 * is_check)], checks: [(name, title, source)], params: [name]} */
PyObject *ruleset_info(struct ql_ruleset *rs)
{
    static const char *keys[] = {"id", "title", "jurisdiction", "version",
                                 "description", "file"};
    PyObject *meta = PyDict_New(), *in = PyList_New(0), *out = PyList_New(0),
             *ck = PyList_New(0), *par = PyList_New(0);
    if (!meta || !in || !out || !ck || !par)
        goto fail;
    for (size_t k = 0; k < 6; k++) {
        const char *v = ql_ruleset_meta(rs, keys[k]);
        PyObject *s = v ? PyUnicode_FromString(v) : (Py_INCREF(Py_None), Py_None);
        if (!s || PyDict_SetItemString(meta, keys[k], s)) {
            Py_XDECREF(s);
            goto fail;
        }
        Py_DECREF(s);
    }
    for (size_t i = 0; i < ql_ruleset_input_count(rs); i++) {
        PyObject *t = Py_BuildValue("(ssz)", ql_ruleset_input_name(rs, i),
                                    ql_ruleset_input_type(rs, i),
                                    ql_ruleset_input_description(rs, i));
        if (!t || PyList_Append(in, t)) {
            Py_XDECREF(t);
            goto fail;
        }
        Py_DECREF(t);
    }
    for (size_t i = 0; i < ql_ruleset_output_count(rs); i++) {
        PyObject *t = Py_BuildValue("(sOi)", ql_ruleset_output_name(rs, i),
                                    ql_ruleset_output_is_check(rs, i) ? Py_True : Py_False,
                                    (int)ql_ruleset_output_type(rs, i));
        if (!t || PyList_Append(out, t)) {
            Py_XDECREF(t);
            goto fail;
        }
        Py_DECREF(t);
    }
    for (size_t i = 0; i < ql_ruleset_check_count(rs); i++) {
        PyObject *t = Py_BuildValue("(sss)", ql_ruleset_check_name(rs, i),
                                    ql_ruleset_check_title(rs, i),
                                    ql_ruleset_check_source(rs, i));
        if (!t || PyList_Append(ck, t)) {
            Py_XDECREF(t);
            goto fail;
        }
        Py_DECREF(t);
    }
    for (size_t i = 0; i < ql_ruleset_param_count(rs); i++) {
        PyObject *s = PyUnicode_FromString(ql_ruleset_param_name(rs, i));
        if (!s || PyList_Append(par, s)) {
            Py_XDECREF(s);
            goto fail;
        }
        Py_DECREF(s);
    }
    return Py_BuildValue("{sNsNsNsNsN}", "meta", meta, "inputs", in, "outputs",
                         out, "checks", ck, "params", par);
fail:
    Py_XDECREF(meta);
    Py_XDECREF(in);
    Py_XDECREF(out);
    Py_XDECREF(ck);
    Py_XDECREF(par);
    return NULL;
}

/* {name: (value, from date, source) or None when not in force}. */
PyObject *ruleset_params(struct ql_ruleset *rs, long date)
{
    PyObject *d = PyDict_New();
    if (!d)
        return NULL;
    for (size_t i = 0; i < ql_ruleset_param_count(rs); i++) {
        ql_value v;
        ql_date from;
        const char *src;
        PyObject *t;
        if (ql_ruleset_param_value(rs, i, (ql_date)date, &v, &from, &src, NULL)) {
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


/* The columnar path (columns.h). */
PyObject *evaluate_columns(struct ql_batch *b, PyObject *columns, long n,
                           long date, PyObject *specs, PyObject *conv, PyObject *block,
                           int stop)
{
    return columns_evaluate(b, columns, (Py_ssize_t)n, date, specs, conv, block, stop);
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
    ql_evaluate_many((const ql_record *const *)b->recs, b->res, (size_t)n,
                     (ql_date)date, trace ? QL_EVAL_TRACE : 0);
    Py_END_ALLOW_THREADS
    out = PyList_New(n);
    for (Py_ssize_t i = 0; out && i < n; i++) {
        PyObject *item;
        if (pre[i]) {
            item = pre[i];
            pre[i] = NULL;
        } else if (ql_result_status(b->res[i]) != QL_OK) {
            const ql_error *e = ql_result_error(b->res[i]);
            char text[2048];
            ql_error_format(e, text, sizeof text);
            item = Py_BuildValue("(sssiiss)", ql_status_name(e->code), e->message,
                                 e->file, e->line, e->column, e->field, text);
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
