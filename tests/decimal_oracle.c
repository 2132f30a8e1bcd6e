/*
 * decimal_oracle.c — a line-oriented driver for the decimal code, so that
 * tests/decimal_oracle.py can compare it with Python's exact arithmetic.
 *
 *   in:  OP A B        (OP: add sub mul div cmp, or round:DIGITS:MODE)
 *   out: RESULT        (the decimal, a comparison, or "overflow",
 *                       "inexact", "divzero" …)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decimal.h"

static const char *modes[] = {"half_up", "half_even", "half_down", "up",
                              "down",    "ceiling",   "floor",     "05up"};

int main(void)
{
    char line[512];
    while (fgets(line, sizeof line, stdin)) {
        char op[64], a[128], b[128] = "0";
        if (sscanf(line, "%63s %127s %127s", op, a, b) < 2)
            continue;
        qd x, y, r;
        if (qli_qd_parse(&x, a, strlen(a)) || qli_qd_parse(&y, b, strlen(b))) {
            printf("parse-error\n");
            continue;
        }
        int st = 0;
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
        if (st == QD_OVERFLOW)
            printf("overflow\n");
        else if (st == QD_DIVZERO)
            printf("divzero\n");
        else if (st == QD_INEXACT)
            printf("inexact\n");
        else if (st)
            printf("error\n");
        else {
            char buf[QD_TEXT_MAX];
            qli_qd_format(&r, buf);
            printf("%s\n", buf);
        }
    }
    return 0;
}
