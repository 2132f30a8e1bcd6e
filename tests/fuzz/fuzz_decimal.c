/*
 * fuzz_decimal.c — the decimal parser and arithmetic on arbitrary bytes.
 * The input is split at its first space into two numbers; whatever parses
 * must format and parse back to the same value, and every operation and
 * rounding mode must return a status, never crash or wrap.
 */
#include <stdint.h>
#include <string.h>

#include "decimal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void roundtrip(const qd *a)
{
    char buf[QD_TEXT_MAX];
    size_t n = qli_qd_format(a, buf);
    qd b;
    if (qli_qd_parse(&b, buf, n) != QD_OK || qli_qd_cmp(a, &b) != 0 || b.scale != a->scale)
        __builtin_trap(); /* the text form must read back exactly */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    const char *sp = memchr(s, ' ', size);
    size_t la = sp ? (size_t)(sp - s) : size;
    qd a, b, r;
    if (qli_qd_parse(&a, s, la) != QD_OK)
        return 0;
    roundtrip(&a);
    if (!sp || qli_qd_parse(&b, sp + 1, size - la - 1) != QD_OK)
        b = qli_qd_make(7, 1);
    roundtrip(&b);
    int (*ops[])(qd *, const qd *, const qd *) = {qli_qd_add, qli_qd_sub, qli_qd_mul, qli_qd_div};
    for (int k = 0; k < 4; k++)
        if (ops[k](&r, &a, &b) == QD_OK)
            roundtrip(&r);
    for (int mode = QD_HALF_UP; mode <= QD_05UP; mode++)
        for (int digits = -3; digits <= 3; digits++) {
            if (qli_qd_round_to(&r, &a, digits, (qd_round)mode) == QD_OK)
                roundtrip(&r);
            if (digits >= 0 && qli_qd_div_round(&r, &a, &b, digits * 6, (qd_round)mode) == QD_OK) {
                roundtrip(&r);
                /* rounding the sticky quotient to fewer places than it
                 * carries gives the same answer as the exact division */
                qd q, r2;
                if (qli_qd_div(&q, &a, &b) == QD_OK && digits * 6 < q.scale &&
                    qli_qd_round_to(&r2, &q, digits * 6, (qd_round)mode) == QD_OK &&
                    r2.scale == r.scale && qli_qd_cmp(&r, &r2) != 0)
                    __builtin_trap();
            }
        }
    if (qli_qd_cmp(&a, &b) != -qli_qd_cmp(&b, &a))
        __builtin_trap();
    return 0;
}
