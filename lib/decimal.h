/*
 * decimal.h — the exact decimal number every computed value is made of.
 *
 * A qd is coef × 10^(−scale) with a signed 128-bit coefficient, |coef| <
 * 10^36 and 0 ≤ scale ≤ 36.  Addition, subtraction and multiplication are
 * always exact: a result that needs more than 36 significant digits or 36
 * digits after the point is QD_INEXACT, never a rounded number.  Division
 * alone may round: it is exact when the quotient terminates within
 * QD_DIV_SCALE digits, otherwise cut to what fits with "05up" sticky
 * rounding (mpdecimal's ROUND_05UP): the kept last digit is never 0 or 5
 * when digits were dropped, so a later explicit rounding to fewer digits
 * gives exactly the answer the true rational number would.  Such a cut
 * quotient is marked (`cut`): its exact value lies strictly within one
 * unit of its last place and is not that number.  The mark goes with the
 * value through + − × ÷, widened by what each step does to it (a sum's
 * doubt is the operands' doubts added, a product's grows with the other
 * factor), so `cut` is the doubt: the exact value v is not x and
 * |v − x| < w.  Rounding, comparing or showing such a value is decided
 * from x and w when no rounding boundary, and no other side, lies within
 * w of x — otherwise QD_CUT, never the digits taken as exact.  A result
 * whose integer part does not fit is an overflow, never a wrap.
 *
 * This header is internal: __int128 never reaches include/.
 */
#ifndef QL_DECIMAL_H
#define QL_DECIMAL_H

#include <stddef.h>
#include <stdint.h>

typedef __int128 qd_i128;
typedef unsigned __int128 qd_u128;

#define QD_DIGITS 36
#define QD_MAX_SCALE 36
/* Places a percentage may be written with: divided by 100, it carries
 * two more. */
#define QD_PERCENT_SCALE 34
_Static_assert(QD_PERCENT_SCALE + 2 == QD_MAX_SCALE,
               "a percentage's places fit a decimal once divided by 100");
/* Digits after the point a non-terminating quotient is carried to. */
#define QD_DIV_SCALE 20

typedef struct qd {
    qd_i128 coef;
    int32_t scale;
    /* 0: exact.  Else the value's doubt w = m × 10^e, packed as
     * m << 8 | (e + QD_DOUBT_BIAS) with 1 ≤ m < 2^23: the exact value is
     * not coef × 10^−scale and lies strictly within w of it.  A division
     * whose quotient does not end sets it to one unit of the last place
     * (QD_ULP(scale)); + − × ÷ on a cut operand widen it. */
    int32_t cut;
} qd;

#define QD_DOUBT_BIAS 128
/* One unit of the last of `scale` places: a quotient's doubt. */
#define QD_ULP(scale) ((int32_t)((1u << 8) | (unsigned)(QD_DOUBT_BIAS - (scale))))

/* Internal outcomes; callers turn them into ql_error messages. */
enum qd_status {
    QD_OK = 0,
    QD_OVERFLOW, /* the integer part needs more than 36 digits */
    QD_DIVZERO,
    QD_SYNTAX,
    QD_TOOLONG, /* a text with more digits than a qd holds */
    QD_INEXACT, /* + − × whose exact result a qd cannot hold */
    QD_CUT      /* a cut quotient rounded or compared past its places */
};

/* Rounding modes, as in mpdecimal.  "Up" means away from zero. */
typedef enum qd_round {
    QD_HALF_UP,   /* ties away from zero: 四舍五入, the default of round() */
    QD_HALF_EVEN, /* ties to the even digit: banker's rounding */
    QD_HALF_DOWN, /* ties toward zero */
    QD_UP,        /* away from zero */
    QD_DOWN,      /* toward zero (truncate) */
    QD_CEILING,   /* toward +infinity */
    QD_FLOOR,     /* toward −infinity */
    QD_05UP       /* sticky: toward zero unless that leaves a last 0 or 5 */
} qd_round;

/* Whether a magnitude cut to its kept digits (the last one q_last) moves
 * up by one under `mode`: `dropped` is the first digit cut off, `sticky`
 * whether any later one was non-zero.  The one "round up?" rule of the
 * exact engine (decimal.c) and the fast path (fast_num.h), so the two
 * cannot round apart. */
static inline int qli_qd_round_up(qd_round mode, int negative, unsigned q_last,
                                  unsigned dropped, int sticky)
{
    int inexact = dropped || sticky;
    switch (mode) {
    case QD_HALF_UP: return dropped >= 5;
    case QD_HALF_DOWN: return dropped > 5 || (dropped == 5 && sticky);
    case QD_HALF_EVEN:
        return dropped > 5 || (dropped == 5 && (sticky || (q_last & 1)));
    case QD_UP: return inexact;
    case QD_DOWN: return 0;
    case QD_CEILING: return inexact && !negative;
    case QD_FLOOR: return inexact && negative;
    case QD_05UP: return inexact && (q_last == 0 || q_last == 5);
    }
    return 0;
}

/* What a division's remainder rem (0 ≤ rem < d < 2^127) says of the
 * dropped digits, in qli_qd_round_up's terms: compared with half the
 * divisor, exactly. */
static inline void qli_qd_rem_digits(qd_u128 rem, qd_u128 d, unsigned *dropped,
                                     int *sticky)
{
    qd_u128 twice = rem << 1;
    *dropped = rem && twice >= d ? 5 : 0;
    *sticky = rem && twice != d;
}

/* The mode a rules file names ("half_up", "half_even", "half_down", "up",
 * "down", "ceiling", "floor"), as mpdecimal's mpd_round_string; −1 for
 * a name that is none of them. */
int qli_qd_round_named(const char *name, size_t len);

extern const qd_u128 qli_qd_pow10[39];
/* "00" "01" … "99": two digits at a time (decimal_text.c, text64.h). */
extern const char qli_qd_digit_pairs[201];

static inline qd qli_qd_make(qd_i128 coef, int32_t scale)
{
    qd r;
    r.coef = coef;
    r.scale = scale;
    r.cut = 0;
    return r;
}

/* a's trailing zeros after the point dropped (1.50 is 1.5, 2.000 is 2):
 * the places a number is written with say nothing of its value, so
 * nothing read from a rules file or an override keeps them. */
static inline void qli_qd_trim(qd *a)
{
    while (a->scale > 0 && a->coef % 10 == 0) {
        a->coef /= 10;
        a->scale--;
    }
}

static inline int qli_qd_sign(const qd *a) { return (a->coef > 0) - (a->coef < 0); }
static inline int qli_qd_is_zero(const qd *a) { return a->coef == 0; }

int qli_qd_add(qd *r, const qd *a, const qd *b);
int qli_qd_sub(qd *r, const qd *a, const qd *b);
int qli_qd_mul(qd *r, const qd *a, const qd *b);
int qli_qd_div(qd *r, const qd *a, const qd *b);
int qli_qd_neg(qd *r, const qd *a);
/* a ÷ 100 for a literal "a%": the point moved two places, exact for
 * every a of at most QD_PERCENT_SCALE places; QD_TOOLONG past that. */
int qli_qd_percent(qd *r, const qd *a);
int qli_qd_abs(qd *r, const qd *a);
/* a ÷ b rounded once, exactly, to `digits` ≥ 0 places: what
 * round(a / b, digits) gives, without the intermediate quotient. */
int qli_qd_div_round(qd *r, const qd *a, const qd *b, int digits, qd_round mode);
/* Rounds to `digits` after the point (negative: to tens, hundreds, …).
 * A cut value rounds to what every number within its doubt rounds to; if
 * they do not all round alike it is QD_CUT (a quotient cut at its last
 * place always rounds to fewer places, never to as many or more). */
int qli_qd_round_to(qd *r, const qd *a, int digits, qd_round mode);
/* Compares two exact values (a cut value is taken at its digits). */
int qli_qd_cmp(const qd *a, const qd *b);
/* qli_qd_cmp_exact when a or b is cut. */
int qli_qd_cmp_cut(int *out, const qd *a, const qd *b);
/* Compares the exact values a and b stand for: *out is −1, 0 or 1, or
 * QD_CUT when they lie closer than their doubts (the digits cannot say
 * which is larger, nor that they are equal). */
static inline int qli_qd_cmp_exact(int *out, const qd *a, const qd *b)
{
    if (a->cut | b->cut)
        return qli_qd_cmp_cut(out, a, b);
    *out = qli_qd_cmp(a, b);
    return QD_OK;
}
/* Compares the ratios n1 / d1 and n2 / d2 of exact values (d1, d2 ≠ 0)
 * exactly: the sign of n1·d2 − n2·d1 (256-bit products, 72 digits),
 * times the signs of d1 and d2.  *out is −1, 0 or 1. */
void qli_qd_cmp_ratio(int *out, const qd *n1, const qd *d1, const qd *n2,
                      const qd *d2);
/* Whether a cut value is a sticky quotient: its doubt at most one unit
 * of its last place, and that digit neither 0 nor 5 — so it rounds to
 * fewer places from its digits alone, in every mode. */
int qli_qd_sticky(const qd *a);
/* Whether a can be shown at `places` places exactly in any mode: it is
 * exact, or a sticky quotient rounded to fewer places than it carries. */
static inline int qli_qd_holds(const qd *a, int places)
{
    return !a->cut || (places < a->scale && qli_qd_sticky(a));
}
/* Whether a can be shown at `places` places rounded with `mode` (−1:
 * no rounding) from what is known of it: qli_qd_holds, or a cut value
 * whose doubt holds no boundary of that rounding. */
int qli_qd_shows(const qd *a, int places, int mode);
/* a's doubt as text, rounded up to one digit ("0.00000000000000000003",
 * "3E-40"; "0" when a is exact), for messages.  buf needs QD_TEXT_MAX
 * bytes. */
size_t qli_qd_doubt_text(const qd *a, char *buf);
/* True if a has no nonzero digits after the point. */
int qli_qd_is_integer(const qd *a);

/* Parses a plain decimal; see ql_decimal_parse. */
int qli_qd_parse(qd *r, const char *s, size_t len);
/* For a text qli_qd_parse refused as QD_SYNTAX: when it is a number in
 * exponent form (1e400, -2.5E-7) that written out needs more than a qd
 * holds, writes how many digits it has before the point to *int_digits
 * and after it to *places (either at most QD_EXPONENT_SHOWN_MAX, "more
 * than" past it) and returns 1; else 0.  So that 1e400 is refused as out
 * of range, as PostgreSQL's numeric and Python's Decimal give it written
 * out, not as the wrong notation. */
/* A zero is measured by its places alone (0e-400 has 400), and one whose
 * exponent puts the point more than QD_DIGITS places past it (0E+999999)
 * returns 2, its exponent in *int_digits. */
#define QD_EXPONENT_SHOWN_MAX 1000000
int qli_qd_exponent_too_long(const char *s, size_t len, long *int_digits,
                             long *places);
/* Whether s[0, len) is a number in exponent form (1e2, -2.5E-7, 0e-400),
 * which the plain readers refuse, to be named as a number. */
int qli_qd_exponent_form(const char *s, size_t len);
/* Writes plain notation, NUL terminated; buf needs QD_TEXT_MAX bytes. */
#define QD_TEXT_MAX 80
size_t qli_qd_format(const qd *a, char *buf);
/* c × 10^−scale as qli_qd_format writes it once shown with `shown`
 * places (qli_sc_display's padding with zeros, or dropping of zeros;
 * −1: as it is), straight from 64 bits.  0 when that needs more (digits
 * to round, padding past 17 places): the caller goes the general way.
 * buf needs QD_TEXT_MAX bytes. */
size_t qli_qd_format_i64(int64_t c, int scale, int shown, char *buf);

#endif
