/*
 * numeric.c — numbers across the border without text: a PostgreSQL
 * numeric read as a ql_decimal from its base-10000 digits, and a
 * ql_decimal made a numeric from its coefficient and scale.
 *
 * Writing each number out as text (numeric_out) for the library to parse
 * again, and each result's text back through numeric_in, was a fifth of a
 * row's instructions.  Both ways here cover every value whose coefficient
 * fits in 64 bits at a scale up to 18 — every headcount, wage and levy
 * there is — and say "not here" for anything else (NaN, infinities, more
 * digits), which then takes the text path, so the two paths give the
 * library the very same decimal: the value at numeric's display scale,
 * exactly as numeric_out would have written it.
 *
 * numeric's stored form (PostgreSQL's src/backend/utils/adt/numeric.c) is
 * its on-disk format, which pg_upgrade carries between major versions
 * unchanged: a 2-byte header (short form: sign, display scale, weight) or
 * a 4-byte one (sign and display scale, then weight), then the digits,
 * each 0…9999, the first of weight `weight` (value digit × 10000^weight).
 * Trailing zero digits are not stored.  The layout is restated below
 * because the server keeps it private.
 */
#include "pg_quotalevy.h"

#include "utils/builtins.h"
#include "utils/numeric.h"

#include <string.h>

#define NBASE_DIGITS 4
#define NUM_SIGN_MASK 0xC000
#define NUM_NEG 0x4000
#define NUM_SHORT 0x8000
#define NUM_SPECIAL 0xC000
#define NUM_DSCALE_MASK 0x3FFF
#define NUM_SHORT_SIGN 0x2000
#define NUM_SHORT_DSCALE_MASK 0x1F80
#define NUM_SHORT_DSCALE_SHIFT 7
#define NUM_SHORT_WEIGHT_SIGN 0x0040
#define NUM_SHORT_WEIGHT_MASK 0x003F

/* The largest scale ql_decimal_from_int64 takes. */
#define FAST_SCALE_MAX 18

static const int64 pow10_64[FAST_SCALE_MAX + 1] = {
    1LL, 10LL, 100LL, 1000LL, 10000LL, 100000LL, 1000000LL, 10000000LL,
    100000000LL, 1000000000LL, 10000000000LL, 100000000000LL,
    1000000000000LL, 10000000000000LL, 100000000000000LL,
    1000000000000000LL, 10000000000000000LL, 100000000000000000LL,
    1000000000000000000LL};

bool qlpg_numeric_to_decimal(Datum d, ql_decimal *out)
{
    struct varlena *v = (struct varlena *)DatumGetPointer(d);
    if (VARATT_IS_EXTENDED(v) && !VARATT_IS_SHORT(v))
        return false; /* compressed or out of line: numeric is never so short */
    const unsigned char *p = (const unsigned char *)VARDATA_ANY(v);
    size_t len = VARSIZE_ANY_EXHDR(v);
    uint16 head;
    if (len < sizeof head)
        return false;
    memcpy(&head, p, sizeof head); /* a 1-byte varlena header leaves it unaligned */
    bool neg;
    int dscale, weight;
    size_t hdr;
    if ((head & NUM_SIGN_MASK) == NUM_SHORT) {
        neg = (head & NUM_SHORT_SIGN) != 0;
        dscale = (head & NUM_SHORT_DSCALE_MASK) >> NUM_SHORT_DSCALE_SHIFT;
        weight = head & NUM_SHORT_WEIGHT_MASK;
        if (head & NUM_SHORT_WEIGHT_SIGN)
            weight |= ~NUM_SHORT_WEIGHT_MASK;
        hdr = sizeof head;
    } else if ((head & NUM_SIGN_MASK) == NUM_SPECIAL) {
        return false; /* NaN, ±Infinity: the text path says what is wrong */
    } else {
        int16 w;
        if (len < sizeof head + sizeof w)
            return false;
        memcpy(&w, p + sizeof head, sizeof w);
        neg = (head & NUM_SIGN_MASK) == NUM_NEG;
        dscale = head & NUM_DSCALE_MASK;
        weight = w;
        hdr = sizeof head + sizeof w;
    }
    if (dscale > FAST_SCALE_MAX || (len - hdr) % sizeof(int16))
        return false;
    int ndigits = (int)((len - hdr) / sizeof(int16));
    /* value = Σ digit[k] × 10000^(weight − k); coef at scale dscale */
    int64 coef = 0;
    for (int k = 0; k < ndigits; k++) {
        int16 dg;
        memcpy(&dg, p + hdr + (size_t)k * sizeof dg, sizeof dg);
        if (dg < 0 || dg > 9999)
            return false;
        int place = NBASE_DIGITS * (weight - k) + dscale; /* its power of ten at dscale */
        if (place < 0) {
            /* below the display scale: numeric keeps only zeros there */
            if (dg % pow10_64[-place < NBASE_DIGITS ? -place : NBASE_DIGITS])
                return false;
            if (-place < NBASE_DIGITS &&
                __builtin_add_overflow(coef, dg / pow10_64[-place], &coef))
                return false;
            continue;
        }
        if (place > FAST_SCALE_MAX)
            return false; /* ≥ 10^19 at this scale: no int64 holds it */
        int64 term;
        if (__builtin_mul_overflow((int64)dg, pow10_64[place], &term) ||
            __builtin_add_overflow(coef, term, &coef))
            return false;
    }
    return ql_decimal_from_int64(out, neg ? -coef : coef, dscale) == QL_OK;
}

/* Whether d's coefficient is an int64 (*units) at a scale numeric takes. */
static bool decimal_int64(const ql_decimal *d, int64 *units)
{
    if (d->scale < 0 || d->scale > QL_DECIMAL_MAX_SCALE)
        return false;
    int64 lo = (int64)d->coef_lo;
    if (d->coef_hi != (lo < 0 ? -1 : 0))
        return false;
    *units = lo;
    return true;
}

/* The largest scale make_short writes: the fraction's digits, padded to
 * whole base-10000 digits (× 10^3 at most), stay within 64 bits. */
#define SHORT_SCALE_MAX 15

/*
 * units × 10^−scale (0 ≤ scale ≤ SHORT_SCALE_MAX) as numeric's short
 * form, written here: what int64_div_fast_to_numeric makes (through a
 * NumericVar, a multiplication and make_result), in a tenth of its
 * instructions.  As make_result stores it: no leading or trailing zero
 * digits, and zero as no digits with weight 0 and a positive sign.
 */
static Numeric make_short(int64 units, int scale)
{
    uint64 mag = units < 0 ? -(uint64)units : (uint64)units;
    uint64 ip = mag / (uint64)pow10_64[scale], fp = mag % (uint64)pow10_64[scale];
    int nfrac = (scale + NBASE_DIGITS - 1) / NBASE_DIGITS;
    fp *= (uint64)pow10_64[nfrac * NBASE_DIGITS - scale]; /* to whole digits */
    int16 dig[5 + (SHORT_SCALE_MAX + NBASE_DIGITS - 1) / NBASE_DIGITS];
    int nint = 0;
    int16 rev[5];
    for (uint64 q = ip; q; q /= 10000)
        rev[nint++] = (int16)(q % 10000);
    int n = 0;
    for (int k = nint - 1; k >= 0; k--)
        dig[n++] = rev[k];
    for (int k = nfrac - 1; k >= 0; k--)
        dig[n++] = (int16)(fp / (uint64)pow10_64[NBASE_DIGITS * k] % 10000);
    int weight = nint - 1, first = 0;
    while (first < n && dig[first] == 0) {
        first++;
        weight--;
    }
    while (n > first && dig[n - 1] == 0)
        n--;
    bool neg = units < 0;
    if (n == first) {
        weight = 0;
        neg = false;
    }
    size_t size = VARHDRSZ + sizeof(uint16) + (size_t)(n - first) * sizeof(int16);
    Numeric r = (Numeric)palloc(size);
    SET_VARSIZE(r, size);
    uint16 head = NUM_SHORT | (neg ? NUM_SHORT_SIGN : 0) |
                  (uint16)(scale << NUM_SHORT_DSCALE_SHIFT) |
                  (weight < 0 ? NUM_SHORT_WEIGHT_SIGN : 0) |
                  (uint16)(weight & NUM_SHORT_WEIGHT_MASK);
    char *p = VARDATA(r);
    memcpy(p, &head, sizeof head);
    memcpy(p + sizeof head, dig + first, (size_t)(n - first) * sizeof(int16));
    return r;
}

Numeric qlpg_decimal_to_numeric(const ql_decimal *d)
{
    int64 units;
    if (decimal_int64(d, &units) && d->scale <= SHORT_SCALE_MAX)
        return make_short(units, d->scale);
    if (decimal_int64(d, &units))
        return int64_div_fast_to_numeric(units, d->scale);
    char buf[QL_DECIMAL_TEXT_MAX];
    ql_decimal_format(buf, sizeof buf, d);
    return DatumGetNumeric(DirectFunctionCall3(numeric_in, CStringGetDatum(buf),
                                               ObjectIdGetDatum(InvalidOid),
                                               Int32GetDatum(-1)));
}
