/*
 * decimal_oracle.c — a line-oriented driver for the decimal code, so that
 * tests/decimal_oracle.py can compare it with Python's exact arithmetic.
 *
 *   in:  OP A B        (OP: add sub mul div cmp, round:DIGITS:MODE,
 *                       divround:DIGITS:MODE)
 *        OP A B [C]    a quotient A / B as eval.c holds it (qli_qd_div),
 *                      then: qround:DIGITS:MODE rounds it (round(x, n)
 *                      of a computed quotient), qshow:DIGITS:MODE shows
 *                      it as a `scale: DIGITS, display: MODE` output,
 *                      qcmp compares it with C; worked on first (its
 *                      doubt carried): qa:K:DIGITS:MODE rounds (A / B) K C
 *                      and qac:K compares it with A, K one of add sub
 *                      mul div rdiv (C / (A / B)) sq ((A / B)²); a
 *                      refusal is "cut:X:W" (the digits and the doubt)
 *        ratio A B C D A / B against C / D exactly: -1, 0 or 1
 *   out: RESULT        (the decimal, a comparison, or "overflow",
 *                       "inexact", "divzero", "cut:S" — a quotient cut
 *                       at S places refused, as the evaluator does …)
 *
 * The fast path's 64-bit arithmetic (lib/fast_num.h) is checked here
 * against the same operations: wherever both operands fit in 64 bits and
 * it gives an answer, that answer must be the exact engine's to the
 * scale; a quotient it keeps undivided must compare and round as the
 * exact engine's quotient does.  Any difference is written to stderr and
 * the driver exits 1 (the Python side then fails).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decimal.h"
#include "fast_num.h"
#include "scale.h"

static const char *modes[] = {"half_up", "half_even", "half_down", "up",
                              "down",    "ceiling",   "floor",     "05up"};

static long fast_checked, fast_bad;

static int mode_of(const char *m)
{
    for (int i = 0; i < 8; i++)
        if (!strcmp(m, modes[i]))
            return i;
    return 0;
}

static int to_f(const qd *a, fval *f)
{
    if (a->coef > INT64_MAX || a->coef < INT64_MIN)
        return 0;
    fn_set(f, (int64_t)a->coef, a->scale);
    return 1;
}

static void fast_fail(const char *line, const char *what, const fval *got,
                      const qd *want, int st)
{
    char w[QD_TEXT_MAX];
    if (st == 0)
        qli_qd_format(want, w);
    fprintf(stderr, "fast path differs on '%s' (%s): %" PRId64 "e-%d, exact %s\n",
            line, what, got->c, got->s, st ? "an error" : w);
    fast_bad++;
}

/* A 64-bit answer against the exact engine's (status st, value r). */
static void fast_same(const char *line, const char *what, int fst,
                      const fval *got, int st, const qd *r)
{
    if (fst != FN_OK)
        return; /* it may always decline: the exact engine decides */
    fast_checked++;
    if (st != 0 || got->d != 0 || got->c != r->coef || got->s != r->scale)
        fast_fail(line, what, got, r, st);
}

static void fast_check(const char *line, const char *op, const qd *x,
                       const qd *y, int st, const qd *r)
{
    fval a, b, g;
    if (!to_f(x, &a) || !to_f(y, &b))
        return;
    if (!strcmp(op, "add"))
        fast_same(line, "add", fn_add(&g, &a, &b, 0), &g, st, r);
    else if (!strcmp(op, "sub"))
        fast_same(line, "sub", fn_add(&g, &a, &b, 1), &g, st, r);
    else if (!strcmp(op, "mul"))
        fast_same(line, "mul", fn_mul(&g, &a, &b), &g, st, r);
    else if (!strcmp(op, "cmp")) {
        int c;
        if (fn_cmp(&a, &b, &c) == FN_OK) {
            fast_checked++;
            if (c != qli_qd_cmp(x, y))
                fast_fail(line, "cmp", &a, y, 0);
        }
    } else if (!strcmp(op, "div") && b.c != 0) {
        /* the undivided quotient: divided, compared, rounded */
        fval q = {a.c, {.d = b.c}, a.s - b.s, 0};
        int cut;
        fast_same(line, "div", fn_divide_cut(&g, &q, &cut), &g, st, r);
        if (st)
            return;
        for (int k = 0; k <= 6; k++) {
            for (int m = 0; m < 7; m++) {
                qd want;
                int wst = qli_qd_round_to(&want, r, k, (qd_round)m);
                fast_same(line, "round of a quotient",
                          fn_round_any(&g, &q, k, (qd_round)m), &g, wst, &want);
                fval c;
                int got;
                if (wst == 0 && to_f(&want, &c) && fn_cmp(&q, &c, &got) == FN_OK) {
                    fast_checked++;
                    if (got != qli_qd_cmp(r, &want))
                        fast_fail(line, "quotient compared", &c, &want, 0);
                }
            }
        }
    } else if (!strncmp(op, "divround:", 9)) {
        int digits = atoi(op + 9);
        const char *m = strchr(op + 9, ':') + 1;
        int mode = 0;
        for (int i = 0; i < 8; i++)
            if (!strcmp(m, modes[i]))
                mode = i;
        fast_same(line, "divround", fn_div_round(&g, &a, &b, digits, (qd_round)mode),
                  &g, st, r);
    } else if (!strncmp(op, "round:", 6)) {
        int digits = atoi(op + 6);
        const char *m = strchr(op + 6, ':') + 1;
        int mode = 0;
        for (int i = 0; i < 8; i++)
            if (!strcmp(m, modes[i]))
                mode = i;
        fast_same(line, "round", fn_round(&g, &a, digits, (qd_round)mode), &g, st, r);
    }
}

/* The quotient ops: the fast path's undivided quotient against the exact
 * engine's answer st / r (for qcmp: st and the comparison in r->coef). */
static void fast_quot(const char *line, const char *op, const qd *x,
                      const qd *y, const qd *z, int st, const qd *r)
{
    fval a, b, c, g;
    if (!to_f(x, &a) || !to_f(y, &b) || b.c == 0)
        return;
    fval q = {a.c, {.d = b.c}, a.s - b.s, 0};
    if (!strncmp(op, "qround:", 7)) {
        int digits = atoi(op + 7);
        qd_round mode = (qd_round)mode_of(strchr(op + 7, ':') + 1);
        if (digits >= 0)
            fast_same(line, "qround", fn_round_any(&g, &q, digits, mode), &g, st, r);
    } else if (!strcmp(op, "qcmp") && to_f(z, &c)) {
        int got;
        if (fn_cmp(&q, &c, &got) == FN_OK) {
            fast_checked++;
            if (st || got != (int)r->coef)
                fast_fail(line, "qcmp", &c, r, st);
        }
        /* and as a bracket lookup compares it, its places found once */
        int qs = q.c ? fn_quot_scale(q.c, q.d, q.s) : 0;
        if (fn_cmp_quot_plain(&q, qs, &c, &got) == FN_OK) {
            fast_checked++;
            if (st || got != (int)r->coef)
                fast_fail(line, "qcmp (bracket)", &c, r, st);
        }
    }
}

/* Arithmetic on the quotient q = x / y (F-num-5): v = q K z, for K one
 * of add sub mul div, rdiv (z / q), sq (q × q).  *v is the value as
 * the evaluator holds it, its doubt included. */
static int quot_arith(const char *k, const qd *q, const qd *z, qd *v)
{
    if (!strncmp(k, "add", 3))
        return qli_qd_add(v, q, z);
    if (!strncmp(k, "sub", 3))
        return qli_qd_sub(v, q, z);
    if (!strncmp(k, "mul", 3))
        return qli_qd_mul(v, q, z);
    if (!strncmp(k, "div", 3))
        return qli_qd_div(v, q, z);
    if (!strncmp(k, "rdiv", 4))
        return qli_qd_div(v, z, q);
    return qli_qd_mul(v, q, q);
}

/* The quotient ops on the exact engine: 0, or a qd status. */
static qd quot_v[1]; /* qa/qac: the value rounded or compared */

static int quot_op(const char *op, const qd *x, const qd *y, const qd *z,
                   qd *r, int *cut_at)
{
    qd q;
    int st = qli_qd_div(&q, x, y);
    if (st)
        return st;
    *cut_at = q.scale;
    if (!strncmp(op, "qa:", 3) || !strncmp(op, "qac:", 4)) {
        /* qa:K:DIGITS:MODE rounds q K z; qac:K compares q K z with x */
        const char *k = strchr(op, ':') + 1;
        st = quot_arith(k, &q, z, quot_v);
        if (st)
            return st;
        if (op[2] == 'c') {
            int c;
            st = qli_qd_cmp_exact(&c, quot_v, x);
            *r = qli_qd_make(c, 0);
            return st;
        }
        const char *d = strchr(k, ':') + 1;
        return qli_qd_round_to(r, quot_v, atoi(d),
                               (qd_round)mode_of(strchr(d, ':') + 1));
    }
    if (!strncmp(op, "qround:", 7))
        return qli_qd_round_to(r, &q, atoi(op + 7),
                               (qd_round)mode_of(strchr(op + 7, ':') + 1));
    if (!strncmp(op, "qshow:", 6)) {
        display d = {(int8_t)atoi(op + 6), (int8_t)mode_of(strchr(op + 6, ':') + 1)};
        /* what eval.c's qli_eval_shown_exactly lets through, shown */
        if (!qli_qd_holds(&q, d.scale))
            return QD_CUT;
        return qli_sc_show(r, &q, d);
    }
    int c;
    st = qli_qd_cmp_exact(&c, &q, z);
    *r = qli_qd_make(c, 0);
    return st;
}

int main(void)
{
    char line[512];
    while (fgets(line, sizeof line, stdin)) {
        char op[64], a[128], b[128] = "0", c3[128] = "0", c4[128] = "1";
        if (sscanf(line, "%63s %127s %127s %127s %127s", op, a, b, c3, c4) < 2)
            continue;
        qd x, y, z, r;
        if (qli_qd_parse(&x, a, strlen(a)) || qli_qd_parse(&y, b, strlen(b)) ||
            qli_qd_parse(&z, c3, strlen(c3))) {
            printf("parse-error\n");
            continue;
        }
        int st = 0, cut_at = -1;
        if (!strcmp(op, "ratio")) {
            /* A / B against C / D, exactly (OP_CMP_DIV's comparison) */
            qd w;
            int c;
            if (qli_qd_parse(&w, c4, strlen(c4)) || y.coef == 0 || w.coef == 0) {
                printf("divzero\n");
                continue;
            }
            qli_qd_cmp_ratio(&c, &x, &y, &z, &w);
            printf("%d\n", c);
            continue;
        }
        if (op[0] == 'q') {
            *quot_v = qli_qd_make(0, 0);
            st = quot_op(op, &x, &y, &z, &r, &cut_at);
            line[strcspn(line, "\n")] = '\0';
            fast_quot(line, op, &x, &y, &z, st, &r);
            if (st == QD_CUT && op[1] == 'a') {
                /* the value's digits and its doubt: the Python side
                 * checks that the exact value lies within it, and that
                 * what was refused truly falls inside */
                char xv[QD_TEXT_MAX], w[QD_TEXT_MAX];
                if (quot_v->cut) {
                    qli_qd_format(quot_v, xv);
                    qli_qd_doubt_text(quot_v, w);
                    printf("cut:%s:%s\n", xv, w);
                } else {
                    printf("cut:div\n"); /* a divisor whose doubt holds 0 */
                }
            } else if (st == QD_CUT)
                printf("cut:%d\n", cut_at);
            else if (st == QD_OVERFLOW)
                printf("overflow\n");
            else if (st == QD_DIVZERO)
                printf("divzero\n");
            else if (st == QD_INEXACT)
                printf("inexact\n");
            else if (st)
                printf("error\n");
            else if (!strcmp(op, "qcmp") || !strncmp(op, "qac:", 4))
                printf("%d\n", (int)r.coef);
            else {
                char buf[QD_TEXT_MAX];
                qli_qd_format(&r, buf);
                printf("%s\n", buf);
            }
            continue;
        }
        if (!strcmp(op, "add"))
            st = qli_qd_add(&r, &x, &y);
        else if (!strcmp(op, "sub"))
            st = qli_qd_sub(&r, &x, &y);
        else if (!strcmp(op, "mul"))
            st = qli_qd_mul(&r, &x, &y);
        else if (!strcmp(op, "div"))
            st = qli_qd_div(&r, &x, &y);
        else if (!strcmp(op, "cmp")) {
            printf("%d\n", qli_qd_cmp(&x, &y));
            continue;
        } else if (!strncmp(op, "divround:", 9)) {
            int digits = atoi(op + 9);
            const char *m = strchr(op + 9, ':') + 1;
            int mode = 0;
            for (int i = 0; i < 8; i++)
                if (!strcmp(m, modes[i]))
                    mode = i;
            st = qli_qd_div_round(&r, &x, &y, digits, (qd_round)mode);
        } else if (!strncmp(op, "round:", 6)) {
            int digits = atoi(op + 6);
            const char *m = strchr(op + 6, ':') + 1;
            int mode = 0;
            for (int i = 0; i < 8; i++)
                if (!strcmp(m, modes[i]))
                    mode = i;
            st = qli_qd_round_to(&r, &x, digits, (qd_round)mode);
        }
        line[strcspn(line, "\n")] = '\0';
        fast_check(line, op, &x, &y, st, &r);
        if (st == QD_OVERFLOW)
            printf("overflow\n");
        else if (st == QD_DIVZERO)
            printf("divzero\n");
        else if (st == QD_INEXACT)
            printf("inexact\n");
        else if (st == QD_CUT)
            printf("cut\n");
        else if (st)
            printf("error\n");
        else {
            char buf[QD_TEXT_MAX];
            qli_qd_format(&r, buf);
            printf("%s\n", buf);
        }
    }
    fprintf(stderr, "fast path: %ld operations compared, %ld differ\n",
            fast_checked, fast_bad);
    return fast_bad ? 1 : 0;
}
