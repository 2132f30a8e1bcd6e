/*
 * decimal_round.c — rounding a decimal to a number of places in a named
 * mode (round(), display roundings), including a cut quotient, which is
 * rounded from its doubt or refused when a boundary lies within it.  The
 * modes' names as rules files write them.  See decimal.c.
 */
#include "decimal.h"
#include "decimal_wide.h"

#include <string.h>

int qli_qd_round_named(const char *name, size_t len)
{
    static const struct {
        const char *name;
        qd_round mode;
    } modes[] = {{"half_up", QD_HALF_UP},     {"half_even", QD_HALF_EVEN},
                 {"half_down", QD_HALF_DOWN}, {"up", QD_UP},
                 {"down", QD_DOWN},           {"ceiling", QD_CEILING},
                 {"floor", QD_FLOOR}};
    for (size_t i = 0; i < sizeof modes / sizeof *modes; i++)
        if (strlen(modes[i].name) == len && !memcmp(modes[i].name, name, len))
            return (int)modes[i].mode;
    return -1;
}

/* qli_qd_round_to of a cut value by its doubt: with x its digits and w
 * its doubt, the exact value lies in the open interval (x − w, x + w).
 * Rounding is monotone, so it rounds alike everywhere there exactly when
 * it rounds alike just inside both ends: at T, one place past x, w and
 * every boundary of the rounding, the ends are lo + 1 and hi − 1 units. */
static int round_doubt(qd *r, const qd *a, int digits, qd_round mode)
{
    int T = a->scale > digits + 1 ? a->scale : digits + 1;
    if (T < 0)
        T = 0;
    u256 x = u256_from(mag128(a->coef)), W;
    u256_mul_pow10(&x, T - a->scale); /* < 10^36 · 10^37 */
    if (dbt_at(&W, dbt_of(a), T))
        return QD_CUT;
    int neg[2];
    u256 end[2];
    u256 one = u256_from(1);
    for (int i = 0; i < 2; i++) {
        neg[i] = a->coef < 0;
        end[i] = x;
        add_signed256(&neg[i], &end[i], i == 0, &W); /* x − w, x + w */
        u256_mul64(&end[i], 10);                     /* < 10^75 */
        add_signed256(&neg[i], &end[i], i == 1, &one);
        qli_qd_drop_digits(&end[i], T + 1 - digits, mode, neg[i]);
        if (u256_is_zero(&end[i]))
            neg[i] = 0;
    }
    if (neg[0] != neg[1] || u256_cmp(&end[0], &end[1]) != 0)
        return QD_CUT; /* a boundary lies within its doubt */
    int scale = digits;
    if (digits < 0) {
        if (u256_mul_pow10(&end[0], -digits))
            return QD_OVERFLOW;
        scale = 0;
    }
    return qli_qd_pack(r, neg[0], end[0], scale, QD_DOWN, 1);
}

int qli_qd_shows(const qd *a, int places, int mode)
{
    if (qli_qd_holds(a, places))
        return 1;
    qd t;
    return mode >= 0 && round_doubt(&t, a, places, (qd_round)mode) == QD_OK;
}

int qli_qd_round_to(qd *r, const qd *a, int digits, qd_round mode)
{
    if (digits > QD_MAX_SCALE)
        digits = QD_MAX_SCALE;
    if (digits < -QD_DIGITS)
        digits = -QD_DIGITS;
    if (a->cut && !(digits < a->scale && qli_qd_sticky(a)))
        return round_doubt(r, a, digits, mode);
    if (digits >= a->scale) {
        /* Pad to the asked scale where it fits: round(5, 2) is 5.00. */
        int d = digits - a->scale;
        qd_u128 m = mag128(a->coef);
        if (m < qli_qd_pow10[QD_DIGITS - d]) {
            r->coef = a->coef * (qd_i128)qli_qd_pow10[d];
            r->scale = digits;
            r->cut = 0;
        } else {
            *r = *a;
        }
        return QD_OK;
    }
    int k = a->scale - digits; /* digits to drop: 1 ≤ k ≤ 72 */
    int neg = a->coef < 0;
    qd_u128 mm = mag128(a->coef);
    if (digits >= 0 && k <= 19 && mm < ((qd_u128)1 << 64)) {
        /* Fast path: the whole magnitude in 64 bits, one division. */
        uint64_t m64 = (uint64_t)mm, p = (uint64_t)qli_qd_pow10[k];
        uint64_t q = m64 / p, rem = m64 % p, tenth = p / 10;
        unsigned dropped = (unsigned)(tenth ? rem / tenth : rem);
        int sticky = tenth ? rem % tenth != 0 : 0;
        q += (uint64_t)qli_qd_round_up(mode, neg, (unsigned)(q % 10), dropped,
                                       sticky);
        r->coef = neg ? -(qd_i128)q : (qd_i128)q;
        r->scale = digits;
        r->cut = 0;
        return QD_OK; /* q ≤ m64 + 1 < 2^64 + 1 < 10^36: always fits */
    }
    u256 m = u256_from(mm);
    qli_qd_drop_digits(&m, k, mode, neg);
    int scale = digits;
    if (digits < 0) {
        if (u256_mul_pow10(&m, -digits))
            return QD_OVERFLOW;
        scale = 0;
    }
    return qli_qd_pack(r, neg && !u256_is_zero(&m), m, scale, QD_05UP, 0);
}
