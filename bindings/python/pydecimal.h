/*
 * pydecimal.h — decimal.Decimal objects made straight from a 64-bit
 * coefficient and a scale, without a text round trip.
 *
 * Python 3.11 has no C API for decimal, and Decimal(text) costs about a
 * thousand instructions (its keyword arguments parsed, the context looked
 * up, the text copied, parsed and checked) where a result holds the
 * coefficient already.  dec_make fills the object as _decimal's own
 * constructor does: a PyDecObject is a head, a hash and libmpdec's mpd_t
 * whose digits live in four words inside the object (static data), each
 * word holding 19 decimal digits.  That layout is CPython's, not a
 * promise, so it is used only after dec_fast_init has checked it on
 * objects Decimal() itself made (sizes, flags, exponent, digit counts and
 * words of known values) and then compared objects made both ways (==,
 * str, hash); on any difference — another Python, another libmpdec —
 * dec_make returns NULL without an exception and every value goes
 * through Decimal(text), as before.  Needs the GIL.  Included once, by
 * quotalevy_python.i's wrapper, after convert.h.
 */
#ifndef QL_PY_DECIMAL_H
#define QL_PY_DECIMAL_H

#include <stdint.h>

/* libmpdec's mpd_t in a 64-bit build (mpdecimal.h: mpd_ssize_t is
 * int64_t, mpd_uint_t uint64_t, MPD_RADIX 10^19) */
typedef struct dec_mpd {
    uint8_t flags;
    int64_t exp;
    int64_t digits;
    int64_t len;
    int64_t alloc;
    uint64_t *data;
} dec_mpd;

/* CPython 3.11's PyDecObject (Modules/_decimal/_decimal.c) */
#define DEC_MINALLOC 4
typedef struct dec_object {
    PyObject_HEAD Py_hash_t hash;
    dec_mpd dec;
    uint64_t data[DEC_MINALLOC];
} dec_object;

#define DEC_NEG 1       /* MPD_NEG */
#define DEC_STATIC 0x30 /* MPD_STATIC | MPD_STATIC_DATA */

static int dec_fast; /* 1 once dec_fast_init found the layout */

/* The number of decimal digits of m (1 for 0), from its bit length:
 * bits × 1233 / 4096 is log10(2) × bits, one short or exact. */
static int64_t dec_digits(uint64_t m)
{
    static const uint64_t p10[20] = {1u,
                                     10u,
                                     100u,
                                     1000u,
                                     10000u,
                                     100000u,
                                     1000000u,
                                     10000000u,
                                     100000000u,
                                     1000000000u,
                                     10000000000u,
                                     100000000000u,
                                     1000000000000u,
                                     10000000000000u,
                                     100000000000000u,
                                     1000000000000000u,
                                     10000000000000000u,
                                     100000000000000000u,
                                     1000000000000000000u,
                                     10000000000000000000u};
    int bits = 64 - __builtin_clzll(m | 1);
    int t = (bits * 1233) >> 12;
    return t + (m >= p10[t]) + (m == 0);
}

/* A new Decimal of value coef × 10^−scale (0 ≤ scale ≤ 36), made in
 * place; NULL without an exception when the layout was not found (the
 * caller goes through Decimal(text)), NULL with MemoryError when out of
 * memory. */
static PyObject *dec_make(int64_t coef, int scale)
{
    if (!dec_fast)
        return NULL;
    dec_object *o = PyObject_Malloc(sizeof *o);
    if (!o)
        return PyErr_NoMemory();
    PyObject_Init((PyObject *)o, (PyTypeObject *)ql_decimal_type);
    uint64_t mag = coef < 0 ? -(uint64_t)coef : (uint64_t)coef; /* < 10^19 */
    o->hash = -1;
    o->dec.flags = (uint8_t)(DEC_STATIC | (coef < 0 ? DEC_NEG : 0));
    o->dec.exp = -(int64_t)scale;
    o->dec.digits = dec_digits(mag);
    o->dec.len = 1;
    o->dec.alloc = DEC_MINALLOC;
    o->dec.data = o->data;
    o->data[0] = mag;
    return (PyObject *)o;
}

/* Whether a Decimal made by Decimal(text) has the layout dec_make makes,
 * with the given sign, exponent, digit count and words. */
static int dec_layout_is(PyObject *d, int neg, int64_t exp, int64_t digits,
                         int64_t len, uint64_t w0, uint64_t w1)
{
    const dec_object *o = (const dec_object *)d;
    return (o->dec.flags & ~DEC_NEG) == DEC_STATIC &&
           (o->dec.flags & DEC_NEG) == neg && o->dec.exp == exp &&
           o->dec.digits == digits && o->dec.len == len &&
           o->dec.alloc == DEC_MINALLOC && o->dec.data == o->data &&
           o->data[0] == w0 && (len < 2 || o->data[1] == w1);
}

/* Whether dec_make(coef, scale) is Decimal(text) in every way a program
 * can see: equal, the same str (so the same exponent), the same hash. */
static int dec_same(int64_t coef, int scale, const char *text)
{
    PyObject *ref = PyObject_CallFunction(ql_decimal_type, "s", text);
    PyObject *got = ref ? dec_make(coef, scale) : NULL;
    PyObject *s = got ? PyObject_Str(got) : NULL,
             *rs = s ? PyObject_Str(ref) : NULL;
    int ok = rs && PyObject_RichCompareBool(got, ref, Py_EQ) == 1 &&
             PyUnicode_Compare(s, rs) == 0 &&
             PyObject_Hash(got) == PyObject_Hash(ref);
    Py_XDECREF(s);
    Py_XDECREF(rs);
    Py_XDECREF(got);
    Py_XDECREF(ref);
    PyErr_Clear();
    return ok;
}

/* Looks for the layout (see the file's comment); sets dec_fast. */
static void dec_fast_init(void)
{
    dec_fast = 0;
    PyTypeObject *t = (PyTypeObject *)ql_decimal_type;
    if (!t || !PyType_Check(ql_decimal_type) ||
        t->tp_basicsize != (Py_ssize_t)sizeof(dec_object) ||
        t->tp_itemsize != 0 || (t->tp_flags & Py_TPFLAGS_HAVE_GC))
        return;
    static const struct {
        const char *text;
        int neg;
        int64_t exp, digits, len;
        uint64_t w0, w1;
    } probe[] = {
        {"-12.34", 1, -2, 4, 1, 1234, 0},
        {"0.00", 0, -2, 1, 1, 0, 0},
        {"7", 0, 0, 1, 1, 7, 0},
        {"9223372036854775.807", 0, -3, 19, 1, 9223372036854775807u, 0},
        /* two words: the radix is 10^19 */
        {"12345678901234567890123.5", 0, -1, 24, 2, 6789012345678901235u,
         12345},
    };
    for (size_t i = 0; i < sizeof probe / sizeof probe[0]; i++) {
        PyObject *d =
            PyObject_CallFunction(ql_decimal_type, "s", probe[i].text);
        int ok = d && Py_IS_TYPE(d, t) &&
                 dec_layout_is(d, probe[i].neg, probe[i].exp, probe[i].digits,
                               probe[i].len, probe[i].w0, probe[i].w1);
        Py_XDECREF(d);
        PyErr_Clear();
        if (!ok)
            return;
    }
    dec_fast = 1;
    static const struct {
        int64_t coef;
        int scale;
        const char *text;
    } same[] = {
        {-1234, 2, "-12.34"},
        {0, 2, "0.00"},
        {0, 0, "0"},
        {7, 0, "7"},
        {5, 36, "0.000000000000000000000000000000000005"},
        {INT64_MAX, 3, "9223372036854775.807"},
        {INT64_MIN, 0, "-9223372036854775808"},
        {-1, 6, "-0.000001"},
        {1000000000000000000, 18, "1.000000000000000000"},
    };
    for (size_t i = 0; i < sizeof same / sizeof same[0]; i++)
        if (!dec_same(same[i].coef, same[i].scale, same[i].text)) {
            dec_fast = 0;
            return;
        }
}

/* A finite Decimal d (exactly the type, not a subclass) as coef ×
 * 10^−places, read from the layout dec_make makes (one word): 1 when it
 * is a number of at most 18 digits with 0 … 18 places — what its text,
 * format(d, "f"), would give the library's 64-bit reading — else 0 (a
 * special value, a positive exponent, more digits: the caller reads
 * its text).  Needs the GIL. */
static int dec_read(PyObject *d, int64_t *coef, int *places)
{
    if (!dec_fast || !Py_IS_TYPE(d, (PyTypeObject *)ql_decimal_type))
        return 0;
    const dec_object *o = (const dec_object *)d;
    /* MPD_INF, MPD_NAN, MPD_SNAN are the bits above the sign */
    if ((o->dec.flags & 0x0E) || o->dec.len != 1 || o->dec.exp > 0 ||
        o->dec.exp < -18 || !o->dec.data)
        return 0;
    uint64_t mag = o->dec.data[0];
    /* its text's digits: the coefficient's, and a 0 before the point
     * when every digit is a place ("0.05"), as the library counts them */
    int64_t digits = dec_digits(mag), p = -o->dec.exp;
    if (digits <= p)
        digits = p + 1;
    if (digits > 18)
        return 0;
    *coef = (o->dec.flags & DEC_NEG) ? -(int64_t)mag : (int64_t)mag;
    *places = (int)p;
    return 1;
}

/* A new Decimal of the value in text (n bytes, a number as the library
 * writes it: an optional '-', digits, an optional '.' and digits): made
 * in place when its coefficient fits 64 bits, else by Decimal(text).
 * NULL with an exception. */
static PyObject *dec_from_text(const char *t, size_t n)
{
    if (dec_fast && n > 0 && n <= 40) {
        size_t k = 0;
        int neg = t[0] == '-';
        k += (size_t)neg;
        uint64_t mag = 0;
        int digits = 0, scale = -1, ok = k < n;
        for (; ok && k < n; k++) {
            char ch = t[k];
            if (ch == '.' && scale < 0) {
                scale = 0;
                continue;
            }
            if (ch < '0' || ch > '9' || digits == 19) {
                ok = 0;
                break;
            }
            mag = mag * 10 + (uint64_t)(ch - '0');
            digits += mag != 0;
            if (scale >= 0)
                scale++;
        }
        /* "-0" is Decimal's negative zero, which dec_make does not make */
        if (ok && scale != 0 && mag <= (uint64_t)INT64_MAX &&
            !(neg && mag == 0))
            return dec_make(neg ? -(int64_t)mag : (int64_t)mag,
                            scale < 0 ? 0 : scale);
    }
    PyObject *s =
        PyUnicode_FromKindAndData(PyUnicode_1BYTE_KIND, t, (Py_ssize_t)n);
    PyObject *o = s ? PyObject_CallOneArg(ql_decimal_type, s) : NULL;
    Py_XDECREF(s);
    return o;
}

#endif
