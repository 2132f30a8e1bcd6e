/*
 * columns.h — the binding's columnar path: a batch of rows given as one
 * sequence of cells per input, evaluated in one call, the outputs handed
 * back as one column per CSV column of the command's output.
 *
 * Per chunk of rows (the batch's capacity) the cells' texts are gathered
 * with the GIL held (cells.h: a str cell gives its UTF-8 without a copy,
 * other cells go through the package's converter once), then, with the GIL
 * released, the records are filled and evaluated with ql_evaluate_many.
 * No Python object is made for a value inside the library's work.  The
 * columns come back either packed (the texts of a column in one bytes,
 * its int64 offsets and a mask in two more, and for a number column each
 * number's 64-bit coefficient and scale in two more, read from the
 * library as they are, ql_result_output_i64: no text is written for
 * them; the package makes a value when one is read), written row by row
 * without the GIL, or as lists of
 * objects made straight from the results, with the GIL, through a
 * per-column memo keyed by the value's bits (many cells repeat, and a
 * repeat is then neither formatted nor parsed), a Decimal made in place
 * from its coefficient (pydecimal.h).  A packed column's values are made
 * when read, by packed_objects, through a memo keyed by the text.
 * Included once, by quotalevy_python.i's wrapper, after convert.h and
 * cells.h.
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

/* A direct-mapped memo of a column's objects: its cells often repeat
 * (0.00, a rate, a date), and a Decimal made once is shared, as Decimals
 * are immutable.  Numbers and dates are keyed by their binary value, so a
 * repeat costs neither formatting nor parsing; strings by their text (up
 * to MEMO_KEY bytes). */
#define MEMO_SLOTS 1024
#define MEMO_KEY 46
typedef struct memo_slot {
    unsigned char len; /* 0: empty */
    char key[MEMO_KEY];
    PyObject *obj;     /* strong */
} memo_slot;

typedef struct value_slot {
    uint64_t hi, lo;   /* the coefficient, or the date */
    int32_t tag;       /* 0: empty; else scale + 1 */
    PyObject *obj;     /* strong */
} value_slot;

/* One column of the output being built: packed (texts in `data`, int64
 * offsets and a mask in two bytes objects made at their full size before
 * any row is written) or as objects, in its row of the caller's block. */
typedef struct col_out {
    col_spec spec;
    char *data;
    size_t len, cap;
    PyObject *off_obj, *mask_obj;
    int64_t *off;
    unsigned char *mask;
    /* a packed number column: each number as its 64-bit coefficient and
     * scale (mask 1), a number that is not one as its text (mask 2) */
    PyObject *coef_obj, *scl_obj;
    int64_t *coef;
    signed char *scl;
    PyObject **slots;   /* n object references, owned by the block */
    value_slot *vmemo;  /* numbers and dates */
    memo_slot *smemo;   /* strings */
    /* the memo's record: lookups and hits since the last verdict, and
     * whether it was found not to pay (memo_count) */
    unsigned tries, hits;
    int memo_off;
    /* the last date written packed and its text: formatting a date costs
     * more than evaluating it */
    int has_date;
    ql_date date;
    char date_text[16];
    size_t date_len;
} col_out;

static int col_grow(col_out *c, size_t more, size_t hint)
{
    if (c->len + more <= c->cap)
        return 0;
    size_t cap = c->cap ? 2 * c->cap : 4096;
    if (cap < hint)
        cap = hint;
    while (cap < c->len + more)
        cap *= 2;
    char *d = PyMem_RawRealloc(c->data, cap);
    if (!d)
        return -1;
    c->data = d;
    c->cap = cap;
    return 0;
}

static void col_out_free(col_out *c)
{
    PyMem_RawFree(c->data);
    Py_XDECREF(c->off_obj);
    Py_XDECREF(c->mask_obj);
    Py_XDECREF(c->coef_obj);
    Py_XDECREF(c->scl_obj);
    if (c->vmemo) {
        for (size_t q = 0; q < MEMO_SLOTS; q++)
            Py_XDECREF(c->vmemo[q].obj);
        PyMem_Free(c->vmemo);
    }
    if (c->smemo) {
        for (size_t q = 0; q < MEMO_SLOTS; q++)
            Py_XDECREF(c->smemo[q].obj);
        PyMem_Free(c->smemo);
    }
}

/* coef × 10^−scale as the library writes a number (ql_value_format):
 * an optional '-', the integer digits (at least one), then, for a scale
 * above 0, '.' and exactly `scale` places — into buf, which has room for
 * QL_DECIMAL_TEXT_MAX bytes; its length.  The scale is at most 36. */
static size_t i64_text(char *buf, int64_t coef, int scale)
{
    char tmp[64];
    char *end = tmp + sizeof tmp, *p = end;
    uint64_t m = coef < 0 ? (uint64_t)0 - (uint64_t)coef : (uint64_t)coef;
    if (scale > 0) {
        for (int k = 0; k < scale; k++) {
            *--p = (char)('0' + m % 10);
            m /= 10;
        }
        *--p = '.';
    }
    do {
        *--p = (char)('0' + m % 10);
        m /= 10;
    } while (m);
    if (coef < 0)
        *--p = '-';
    size_t n = (size_t)(end - p);
    memcpy(buf, p, n);
    return n;
}

/* Appends row `row`'s cell of a packed date column c: day d (none when
 * `has` is 0), its text kept for the next cell, as dates repeat.
 * Without the GIL; room for a date was reserved per chunk. */
static void col_put_date(col_out *c, size_t row, int has, ql_date d)
{
    size_t n = 0;
    if (has) {
        if (!c->has_date || c->date != d) {
            c->date_len = ql_date_format(c->date_text, sizeof c->date_text, d);
            if (c->date_len >= sizeof c->date_text)
                c->date_len = sizeof c->date_text - 1;
            c->date = d;
            c->has_date = 1;
        }
        memcpy(c->data + c->len, c->date_text, c->date_len);
        n = c->date_len;
    }
    if (n)
        c->mask[row] = 1;
    c->len += n;
    c->off[row + 1] = (int64_t)c->len;
}

/* Appends row `row`'s cell of a packed string or date column c: the
 * text of output c of res (none when res is NULL; numbers and bools go
 * by col_put_i64).  Runs without the GIL; room for a date was reserved
 * per chunk.  −1 when out of memory. */
static int col_put_text(col_out *c, size_t row, const ql_result *res)
{
    const col_spec *s = &c->spec;
    size_t n = 0;
    if (!res) {
        /* no value */
    } else if (s->type == QL_TYPE_STRING) {
        ql_value v = QL_VALUE_INIT;
        ql_result_output(&v, res, s->index);
        if (v.type != QL_TYPE_NONE) {
            if (col_grow(c, v.length + 1, 0))
                return -1;
            memcpy(c->data + c->len, v.string ? v.string : "", v.length);
            n = v.length;
            c->mask[row] = 1;
        }
    } else if (s->type == QL_TYPE_DATE && s->src == COL_OUTPUT) {
        ql_value v = QL_VALUE_INIT;
        ql_result_output(&v, res, s->index);
        col_put_date(c, row, v.type == QL_TYPE_DATE, v.date);
        return 0;
    }
    if (n)
        c->mask[row] = 1;
    c->len += n;
    c->off[row + 1] = (int64_t)c->len;
    return 0;
}

/* A memo pays where cells repeat (0.00, a rate, a date, a bool's
 * neighbours); in a column of values that hardly repeat (an average
 * wage) its lookups, its evictions and the objects it holds miss the
 * cache at every row, and it costs more than it saves.  Every MEMO_TRIAL
 * lookups the hits are counted; under one in MEMO_PAYS the column makes
 * its objects without the memo from then on. */
#define MEMO_TRIAL 2048u
#define MEMO_PAYS 8u
static void memo_count(col_out *c, int hit)
{
    c->hits += (unsigned)hit;
    if (++c->tries == MEMO_TRIAL) {
        c->memo_off = c->hits * MEMO_PAYS < c->tries;
        c->tries = c->hits = 0;
    }
}

/* The object memoised under (hi, lo, tag), a new reference, or NULL with
 * *slot the place to keep the one made (NULL when the memo is off). */
static PyObject *memo_find(col_out *c, uint64_t hi, uint64_t lo, int32_t tag,
                           value_slot **slot)
{
    *slot = NULL;
    if (c->memo_off)
        return NULL;
    uint64_t h = (lo ^ (hi * 0x9E3779B97F4A7C15u) ^ (uint64_t)tag) * 0xFF51AFD7ED558CCDu;
    value_slot *s = &c->vmemo[(h >> 40) & (MEMO_SLOTS - 1)];
    int hit = s->tag == tag && s->lo == lo && s->hi == hi;
    memo_count(c, hit);
    if (hit) {
        Py_INCREF(s->obj);
        return s->obj;
    }
    *slot = s;
    return NULL;
}

/* Keeps o (a reference of its own) in slot under (hi, lo, tag). */
static void memo_keep(value_slot *slot, PyObject *o, uint64_t hi, uint64_t lo,
                      int32_t tag)
{
    Py_INCREF(o);
    Py_XSETREF(slot->obj, o);
    slot->hi = hi;
    slot->lo = lo;
    slot->tag = tag;
}

/* A new reference to the object of a cell of type `type` (NUMBER: a
 * Decimal; DATE: a date; else a str) given as its text, memoised by the
 * text; NULL with an exception. */
static PyObject *typed_object(col_out *c, int type, const char *t, size_t n)
{
    memo_slot *slot = NULL;
    if (n > 0 && n <= MEMO_KEY && !c->memo_off) {
        uint32_t h = 2166136261u;
        for (size_t k = 0; k < n; k++)
            h = (h ^ (unsigned char)t[k]) * 16777619u;
        slot = &c->smemo[h & (MEMO_SLOTS - 1)];
        int hit = slot->len == n && memcmp(slot->key, t, n) == 0;
        memo_count(c, hit);
        if (hit) {
            Py_INCREF(slot->obj);
            return slot->obj;
        }
    }
    PyObject *o;
    if (type == QL_TYPE_NUMBER) {
        o = dec_from_text(t, n);
    } else if (type == QL_TYPE_DATE) {
        PyObject *s = PyUnicode_DecodeUTF8(t, (Py_ssize_t)n, "strict");
        o = s ? PyObject_CallMethod(ql_date_type, "fromisoformat", "O", s) : NULL;
        Py_XDECREF(s);
    } else {
        o = PyUnicode_DecodeUTF8(t, (Py_ssize_t)n, "strict");
    }
    if (o && slot) {
        Py_INCREF(o);
        Py_XSETREF(slot->obj, o);
        slot->len = (unsigned char)n;
        memcpy(slot->key, t, n);
    }
    return o;
}

/* A new reference to the Decimal or date of a value, memoised by the
 * value's bits; NULL with an exception. */
static PyObject *value_object(col_out *c, const ql_value *v)
{
    uint64_t hi, lo;
    int32_t tag;
    if (v->type == QL_TYPE_NUMBER) {
        hi = (uint64_t)v->number.coef_hi;
        lo = v->number.coef_lo;
        tag = v->number.scale + 1;
    } else {
        hi = 0;
        lo = (uint64_t)(int64_t)v->date;
        tag = 1;
    }
    value_slot *slot = NULL;
    PyObject *held = memo_find(c, hi, lo, tag, &slot);
    if (held)
        return held;
    PyObject *o = NULL;
    if (v->type == QL_TYPE_NUMBER && (int64_t)lo >> 63 == (int64_t)hi) {
        /* the usual number: its coefficient fits 64 bits */
        o = dec_make((int64_t)lo, v->number.scale);
        if (!o && PyErr_Occurred())
            return NULL;
    }
    if (o)
        goto made;
    char buf[QL_DECIMAL_TEXT_MAX];
    size_t n = v->type == QL_TYPE_NUMBER ? ql_decimal_format(buf, sizeof buf, &v->number)
                                         : ql_date_format(buf, sizeof buf, v->date);
    if (n >= sizeof buf)
        n = sizeof buf - 1;
    PyObject *s = PyUnicode_FromKindAndData(PyUnicode_1BYTE_KIND, buf, (Py_ssize_t)n);
    if (!s)
        return NULL;
    o = v->type == QL_TYPE_NUMBER
        ? PyObject_CallOneArg(ql_decimal_type, s)
        : PyObject_CallMethod(ql_date_type, "fromisoformat", "O", s);
    Py_DECREF(s);
made:
    if (o && slot)
        memo_keep(slot, o, hi, lo, tag);
    return o;
}

/* value_object of day d, memoised under the same key; NULL with an
 * exception. */
static PyObject *date_object(col_out *c, ql_date d)
{
    ql_value v = QL_VALUE_INIT;
    v.type = QL_TYPE_DATE;
    v.date = d;
    return value_object(c, &v);
}

/* value_object of the number coef × 10^−scale, memoised under the same
 * key; NULL with an exception. */
static PyObject *i64_object(col_out *c, int64_t coef, int scale)
{
    uint64_t hi = (uint64_t)(coef >> 63), lo = (uint64_t)coef;
    int32_t tag = scale + 1;
    value_slot *slot = NULL;
    PyObject *held = memo_find(c, hi, lo, tag, &slot);
    if (held)
        return held;
    PyObject *o = dec_make(coef, scale);
    if (!o) {
        if (PyErr_Occurred())
            return NULL;
        char buf[QL_DECIMAL_TEXT_MAX];
        o = dec_from_text(buf, i64_text(buf, coef, scale));
        if (!o)
            return NULL;
    }
    if (slot)
        memo_keep(slot, o, hi, lo, tag);
    return o;
}

static PyObject *none_ref(void)
{
    Py_INCREF(Py_None);
    return Py_None;
}

/* A check's applicable or compliant field as a bool (None: a compliant
 * of a check that does not apply), read as the text's length. */
static PyObject *check_bool(const ql_result *res, size_t i, int field)
{
    char b[8];
    size_t n = ql_result_check_text(b, sizeof b, res, i, (ql_check_field)field);
    return n ? PyBool_FromLong(n == 4) : none_ref();
}

/* A new reference to the object of column c's cell in res (None when res
 * is NULL): Decimal, bool, date, str or None, as the packed text reads.
 * Numbers are read as 64-bit coefficients (ql_result_output_i64); one
 * that is not is read whole, as is everything else. */
static PyObject *cell_object(col_out *c, const ql_result *res)
{
    const col_spec *s = &c->spec;
    if (!res)
        return none_ref();
    if (s->src == COL_CHECK && s->field <= QL_CHECK_COMPLIANT)
        return check_bool(res, s->index, s->field);
    if (s->type == QL_TYPE_NUMBER) {
        int64_t coef;
        int scale = s->src == COL_OUTPUT
                        ? ql_result_output_i64(&coef, res, s->index)
                        : ql_result_check_i64(&coef, res, s->index, (ql_check_field)s->field);
        if (scale >= 0)
            return i64_object(c, coef, scale);
        if (scale == QL_I64_NONE)
            return none_ref();
    }
    if (s->src == COL_CHECK) {
        ql_check_result ck = QL_CHECK_RESULT_INIT;
        ql_result_check(&ck, res, s->index);
        const ql_value *v = s->field == QL_CHECK_REQUIRED ? &ck.required
                          : s->field == QL_CHECK_ACTUAL ? &ck.actual
                                                        : &ck.shortfall;
        return v->type == QL_TYPE_NUMBER ? value_object(c, v) : none_ref();
    }
    ql_value v = QL_VALUE_INIT;
    ql_result_output(&v, res, s->index);
    switch (v.type) {
    case QL_TYPE_NUMBER:
    case QL_TYPE_DATE:
        return value_object(c, &v);
    case QL_TYPE_BOOL:
        return PyBool_FromLong(v.boolean);
    case QL_TYPE_STRING:
    case QL_TYPE_TABLE:
        return typed_object(c, QL_TYPE_STRING, v.string ? v.string : "", v.length);
    default:
        return none_ref();
    }
}

/*
 * Rows [start, stop) of a packed column (col_close's three bytes objects:
 * the texts, their int64 offsets, the mask) as a list of objects of type
 * `type` — Decimal, bool, date, str or None — made through a memo keyed
 * by the text, so a repeated cell is one object.  NULL with an
 * exception.
 */
static PyObject *packed_objects(int type, PyObject *data, PyObject *offs, PyObject *mask,
                                Py_ssize_t start, Py_ssize_t stop)
{
    if (!PyBytes_Check(data) || !PyBytes_Check(offs) || !PyBytes_Check(mask)) {
        PyErr_SetString(PyExc_TypeError, "packed_objects: bytes expected");
        return NULL;
    }
    Py_ssize_t n = PyBytes_GET_SIZE(mask), size = PyBytes_GET_SIZE(data);
    if (PyBytes_GET_SIZE(offs) != (n + 1) * (Py_ssize_t)sizeof(int64_t) || start < 0 ||
        stop > n || start > stop) {
        PyErr_SetString(PyExc_ValueError, "packed_objects: bad column or range");
        return NULL;
    }
    const char *d = PyBytes_AS_STRING(data);
    const unsigned char *m = (const unsigned char *)PyBytes_AS_STRING(mask);
    int64_t off0, off1;
    memcpy(&off0, PyBytes_AS_STRING(offs) + start * (Py_ssize_t)sizeof off0, sizeof off0);
    col_out memo = {0};
    memo.smemo = PyMem_Calloc(MEMO_SLOTS, sizeof *memo.smemo);
    PyObject *out = memo.smemo ? PyList_New(stop - start) : NULL;
    if (!memo.smemo)
        PyErr_NoMemory();
    for (Py_ssize_t r = start; out && r < stop; r++, off0 = off1) {
        memcpy(&off1, PyBytes_AS_STRING(offs) + (r + 1) * (Py_ssize_t)sizeof off1, sizeof off1);
        if (off0 < 0 || off1 < off0 || off1 > size) {
            PyErr_SetString(PyExc_ValueError, "packed_objects: bad offsets");
            Py_CLEAR(out);
            break;
        }
        const char *t = d + off0;
        size_t len = (size_t)(off1 - off0);
        PyObject *o;
        if (!m[r])
            o = none_ref();
        else if (type == QL_TYPE_BOOL)
            o = PyBool_FromLong(len == 4 && memcmp(t, "true", 4) == 0);
        else
            o = typed_object(&memo, type, t, len);
        if (!o) {
            Py_CLEAR(out);
            break;
        }
        PyList_SET_ITEM(out, r - start, o);
    }
    col_out_free(&memo);
    return out;
}

/*
 * Rows [start, stop) of a packed number column (col_close's five bytes
 * objects) as a list: Decimals made from the coefficients (mask 1, memo
 * by value) or from the texts (mask 2), None for empty — or, with
 * `texts`, each as the str the command writes.  NULL with an exception.
 */
static PyObject *packed_numbers(PyObject *data, PyObject *offs, PyObject *mask,
                                PyObject *coefs, PyObject *scales, Py_ssize_t start,
                                Py_ssize_t stop, int texts)
{
    if (!PyBytes_Check(data) || !PyBytes_Check(offs) || !PyBytes_Check(mask) ||
        !PyBytes_Check(coefs) || !PyBytes_Check(scales)) {
        PyErr_SetString(PyExc_TypeError, "packed_numbers: bytes expected");
        return NULL;
    }
    Py_ssize_t n = PyBytes_GET_SIZE(mask), size = PyBytes_GET_SIZE(data);
    if (PyBytes_GET_SIZE(offs) != (n + 1) * (Py_ssize_t)sizeof(int64_t) ||
        PyBytes_GET_SIZE(coefs) != n * (Py_ssize_t)sizeof(int64_t) ||
        PyBytes_GET_SIZE(scales) != n || start < 0 || stop > n || start > stop) {
        PyErr_SetString(PyExc_ValueError, "packed_numbers: bad column or range");
        return NULL;
    }
    const char *d = PyBytes_AS_STRING(data);
    const unsigned char *m = (const unsigned char *)PyBytes_AS_STRING(mask);
    const signed char *sc = (const signed char *)PyBytes_AS_STRING(scales);
    col_out memo = {0};
    memo.vmemo = PyMem_Calloc(MEMO_SLOTS, sizeof *memo.vmemo);
    memo.smemo = PyMem_Calloc(MEMO_SLOTS, sizeof *memo.smemo);
    PyObject *out = memo.vmemo && memo.smemo ? PyList_New(stop - start) : NULL;
    if (!memo.vmemo || !memo.smemo)
        PyErr_NoMemory();
    for (Py_ssize_t r = start; out && r < stop; r++) {
        PyObject *o = NULL;
        if (m[r] == 1) {
            int64_t c;
            memcpy(&c, PyBytes_AS_STRING(coefs) + r * (Py_ssize_t)sizeof c, sizeof c);
            if (sc[r] < 0 || sc[r] > 36) {
                PyErr_SetString(PyExc_ValueError, "packed_numbers: bad scale");
            } else if (texts) {
                char buf[QL_DECIMAL_TEXT_MAX];
                size_t len = i64_text(buf, c, sc[r]);
                o = PyUnicode_FromKindAndData(PyUnicode_1BYTE_KIND, buf, (Py_ssize_t)len);
            } else {
                o = i64_object(&memo, c, sc[r]);
            }
        } else if (m[r] == 2) {
            int64_t o0, o1;
            memcpy(&o0, PyBytes_AS_STRING(offs) + r * (Py_ssize_t)sizeof o0, sizeof o0);
            memcpy(&o1, PyBytes_AS_STRING(offs) + (r + 1) * (Py_ssize_t)sizeof o1, sizeof o1);
            if (o0 < 0 || o1 < o0 || o1 > size)
                PyErr_SetString(PyExc_ValueError, "packed_numbers: bad offsets");
            else if (texts)
                o = PyUnicode_DecodeUTF8(d + o0, (Py_ssize_t)(o1 - o0), "strict");
            else
                o = typed_object(&memo, QL_TYPE_NUMBER, d + o0, (size_t)(o1 - o0));
        } else {
            o = none_ref();
        }
        if (!o) {
            Py_CLEAR(out);
            break;
        }
        PyList_SET_ITEM(out, r - start, o);
    }
    col_out_free(&memo);
    return out;
}

/* Rows of a chunk read a column at a time, so many at once that the
 * readers' lookups are paid once a column, so few that the results read
 * stay in cache across the columns. */
#define COL_SPAN 64

/* Column c's number or bool cells of the m results use[0..m−1] (NULL:
 * no value), rows row0 on, by the library's column readers: a number's
 * coefficient and scale into the column's arrays (a bool's 0 or 1 into
 * tc, ts), QL_I64_NONE or QL_I64_WIDE where they give none. */
static void col_read_i64(col_out *c, const ql_result *const *use, size_t m, size_t row0,
                         int64_t *tc, int8_t *ts)
{
    const col_spec *s = &c->spec;
    int64_t *coef = c->coef ? c->coef + row0 : tc;
    int8_t *scl = c->coef ? (int8_t *)c->scl + row0 : ts;
    ql_status st = s->src == COL_OUTPUT
                       ? ql_results_output_i64(coef, scl, use, m, s->index, NULL)
                       : ql_results_check_i64(coef, scl, use, m, s->index,
                                              (ql_check_field)s->field, NULL);
    if (st) /* never: one batch's results, a spec checked at col_open */
        memset(scl, QL_I64_WIDE, m);
}

/* The text of a number or bool cell the column readers did not give
 * (QL_I64_WIDE) at the end of c's data; its length. */
static size_t col_wide_text(col_out *c, const ql_result *res)
{
    const col_spec *s = &c->spec;
    size_t n = s->src == COL_OUTPUT
                   ? ql_result_output_text(c->data + c->len, QL_DECIMAL_TEXT_MAX, res,
                                           s->index)
                   : ql_result_check_text(c->data + c->len, QL_DECIMAL_TEXT_MAX, res,
                                          s->index, (ql_check_field)s->field);
    return n < QL_DECIMAL_TEXT_MAX ? n : QL_DECIMAL_TEXT_MAX - 1; /* never cut */
}

/* Rows row0 .. row0 + m − 1 of a packed number or bool column, after
 * col_read_i64: masks and offsets set, a bool's text and a number the
 * readers did not give written.  Without the GIL. */
static void col_put_i64(col_out *c, const ql_result *const *use, size_t m, size_t row0,
                        const int8_t *ts, const int64_t *tc)
{
    unsigned char *mask = c->mask + row0;
    int64_t *off = c->off + row0 + 1;
    if (c->coef) {
        const signed char *scl = c->scl + row0;
        for (size_t j = 0; j < m; j++) {
            mask[j] = scl[j] >= 0;
            if (scl[j] == QL_I64_WIDE) {
                size_t n = col_wide_text(c, use[j]);
                mask[j] = n ? 2 : 0; /* in a number column: a text */
                c->len += n;
            }
            off[j] = (int64_t)c->len;
        }
        return;
    }
    for (size_t j = 0; j < m; j++) {
        size_t n = 0;
        if (ts[j] >= 0) {
            memcpy(c->data + c->len, tc[j] ? "true" : "false", 5);
            n = tc[j] ? 4 : 5;
        } else if (ts[j] == QL_I64_WIDE) {
            n = col_wide_text(c, use[j]);
        }
        mask[j] = n != 0;
        c->len += n;
        off[j] = (int64_t)c->len;
    }
}

/* The chunk's results written into the packed columns: numbers and
 * bools COL_SPAN rows at a time a column (col_read_i64), dates and
 * strings a cell at a time.  Without the GIL; −1 out of memory. */
static int chunk_texts(struct ql_batch *b, col_out *outs, size_t ns, Py_ssize_t r0,
                       size_t k, size_t n, const int *bad_input, const ql_result **use)
{
    for (size_t s = 0; s < ns; s++) {
        col_out *c = &outs[s];
        /* numbers, bools and dates fit QL_DECIMAL_TEXT_MAX: reserve the
         * chunk's worst case once, and size the rest of the column on
         * what the rows so far took */
        size_t hint = r0 ? (c->len / (size_t)r0 + 1) * n / 8 * 9 : 0;
        if (c->spec.type != QL_TYPE_STRING && col_grow(c, k * QL_DECIMAL_TEXT_MAX, hint))
            return -1;
    }
    for (size_t j = 0; j < k; j++)
        use[j] = (bad_input[j] || ql_result_status(b->res[j]) != QL_OK) ? NULL : b->res[j];
    int64_t tc[COL_SPAN];
    int8_t ts[COL_SPAN];
    for (size_t j0 = 0; j0 < k; j0 += COL_SPAN) {
        size_t m = k - j0 < COL_SPAN ? k - j0 : COL_SPAN, row0 = (size_t)r0 + j0;
        for (size_t s = 0; s < ns; s++) {
            col_out *c = &outs[s];
            if (c->spec.type == QL_TYPE_NUMBER || c->spec.type == QL_TYPE_BOOL) {
                col_read_i64(c, use + j0, m, row0, tc, ts);
                col_put_i64(c, use + j0, m, row0, ts, tc);
                continue;
            }
            for (size_t j = j0; j < j0 + m; j++)
                if (col_put_text(c, (size_t)r0 + j, use[j]))
                    return -1;
        }
    }
    return 0;
}

/* The chunk's cells as objects, into each column's row of the block:
 * numbers and bools COL_SPAN rows at a time a column through the column
 * readers (a Decimal made from the coefficient, through the memo), the
 * rest a cell at a time.  With the GIL; −1 with an exception. */
static int chunk_objects(struct ql_batch *b, col_out *outs, size_t ns, Py_ssize_t r0,
                         size_t k, const int *bad_input, const ql_result **use)
{
    for (size_t j = 0; j < k; j++)
        use[j] = (bad_input[j] || ql_result_status(b->res[j]) != QL_OK) ? NULL : b->res[j];
    int64_t tc[COL_SPAN];
    int8_t ts[COL_SPAN];
    for (size_t j0 = 0; j0 < k; j0 += COL_SPAN) {
        size_t m = k - j0 < COL_SPAN ? k - j0 : COL_SPAN;
        for (size_t s = 0; s < ns; s++) {
            col_out *c = &outs[s];
            int typed = c->spec.type == QL_TYPE_NUMBER || c->spec.type == QL_TYPE_BOOL;
            if (typed)
                col_read_i64(c, use + j0, m, 0, tc, ts);
            PyObject **slot = c->slots + r0 + (Py_ssize_t)j0;
            for (size_t j = 0; j < m; j++) {
                PyObject *o;
                if (!typed || ts[j] == QL_I64_WIDE)
                    o = cell_object(c, use[j0 + j]);
                else if (ts[j] < 0)
                    o = none_ref();
                else if (c->spec.type == QL_TYPE_BOOL)
                    o = PyBool_FromLong(tc[j] != 0);
                else
                    o = i64_object(c, tc[j], ts[j]);
                if (!o)
                    return -1;
                Py_XSETREF(slot[j], o);
            }
        }
    }
    return 0;
}

/* Column c of the output, empty, ready for n rows: packed, or as objects
 * into `slots`; −1 with an exception. */
static int col_open(col_out *c, PyObject *spec, Py_ssize_t n, PyObject **slots, size_t nc)
{
    int src, field, type;
    Py_ssize_t idx;
    if (!PyArg_ParseTuple(spec, "inii", &src, &idx, &field, &type))
        return -1;
    if (idx < 0 || (src == COL_CHECK && (size_t)idx >= nc) || field < 0 || field > 4) {
        PyErr_SetString(PyExc_ValueError, "columns_evaluate: bad column spec");
        return -1;
    }
    c->spec = (col_spec){src, (size_t)idx, field, (ql_type)type};
    if (slots) {
        c->slots = slots;
        c->vmemo = PyMem_Calloc(MEMO_SLOTS, sizeof *c->vmemo);
        c->smemo = PyMem_Calloc(MEMO_SLOTS, sizeof *c->smemo);
        if (!c->vmemo || !c->smemo) {
            PyErr_NoMemory();
            return -1;
        }
        return 0;
    }
    /* the offsets and the mask in the bytes objects handed back: their
     * size is known now, so they are never copied */
    c->off_obj = PyBytes_FromStringAndSize(NULL, (n + 1) * (Py_ssize_t)sizeof(int64_t));
    c->mask_obj = PyBytes_FromStringAndSize(NULL, n);
    if (!c->off_obj || !c->mask_obj)
        return -1;
    c->off = (int64_t *)PyBytes_AS_STRING(c->off_obj);
    c->mask = (unsigned char *)PyBytes_AS_STRING(c->mask_obj);
    c->off[0] = 0;
    memset(c->mask, 0, (size_t)n);
    if (c->spec.type == QL_TYPE_NUMBER) {
        c->coef_obj = PyBytes_FromStringAndSize(NULL, n * (Py_ssize_t)sizeof(int64_t));
        c->scl_obj = PyBytes_FromStringAndSize(NULL, n);
        if (!c->coef_obj || !c->scl_obj)
            return -1;
        c->coef = (int64_t *)PyBytes_AS_STRING(c->coef_obj);
        c->scl = (signed char *)PyBytes_AS_STRING(c->scl_obj);
    }
    return 0;
}

/* Column c handed back: None when it went into the block, else (data,
 * offsets, mask) as bytes, rows from `done` on (never evaluated: after a
 * stop) empty. */
static PyObject *col_close(col_out *c, Py_ssize_t n, Py_ssize_t done)
{
    if (c->slots)
        return none_ref(); /* the block's rows past a stop stay None */
    for (Py_ssize_t r = done; r < n; r++)
        c->off[r + 1] = (int64_t)c->len;
    PyObject *data = PyBytes_FromStringAndSize(c->data ? c->data : "", (Py_ssize_t)c->len);
    if (!data)
        return NULL;
    if (c->coef)
        return Py_BuildValue("(NOOOO)", data, c->off_obj, c->mask_obj, c->coef_obj,
                             c->scl_obj);
    return Py_BuildValue("(NOO)", data, c->off_obj, c->mask_obj);
}

#endif
