/*
 * value.h — the static types of the rules language and the runtime value
 * every slot holds (value.c turns them into public ql_values).  Internal.
 */
#ifndef QL_VALUE_H
#define QL_VALUE_H

#include "quotalevy.h"
#include "decimal.h"

#include <stdint.h>

typedef enum vkind {
    VK_NUMBER = 1,
    VK_BOOL,
    VK_STRING,
    VK_DATE,
    VK_ENUM,  /* an index into an enum definition's values */
    VK_TABLE  /* a bracket table: parameters only */
} vkind;

typedef struct enum_def {
    const char *name; /* the input that declared it */
    size_t n;
    const char **values;
    size_t *lens;
} enum_def;

/* "; did you mean 'x'?" for a text that is not a value of en: the value
 * it is but for case, else the nearest within a few letters; "" when
 * none is near (error.c). */
const char *qli_enum_suggest(const enum_def *en, const char *text,
                             size_t len, char *buf, size_t size);

/* A number's scale as the type checker derives it: the most digits after
 * the point its value can carry, or QL_SCALE_ANY when nothing bounds it
 * (a quotient not rounded, an input without `scale:`). */
#define QL_SCALE_ANY 255

typedef struct vtype {
    vkind kind;
    const enum_def *en; /* VK_ENUM only */
    uint8_t scale;      /* VK_NUMBER: 0…36 or QL_SCALE_ANY */
    uint8_t money;      /* VK_NUMBER: an amount in the rule set's currency */
    /* VK_NUMBER money: an amount per unit somewhere in its making (an
     * amount divided by a plain number: a wage per head, a levy per
     * position), which adds up over records only if the rules say so */
    uint8_t per;
    /* VK_NUMBER not money: a share somewhere in its making (a number
     * divided by a number that is not the same for every record: a
     * quota rate, a ratio of persons), which adds up over records only
     * if the rules say so (a check's shortfall, P3-11) */
    uint8_t share;
    /* VK_NUMBER not money: a percentage, a share the rules write in
     * percent (a parameter's `unit: percent` or values written with
     * '%', a table's values with '%', a literal like 5%, and sums,
     * extremes, branches and products of percentages): a bare number
     * meeting it must be written in percent too (typecheck_percent.c) */
    uint8_t pct;
} vtype;

/* How a number is shown: `scale` places (−1: as it is), and the rounding
 * mode (qd_round) a rule set declared for display only, or −1 when the
 * value always fits (the type checker proved it). */
typedef struct display {
    int8_t scale;
    int8_t mode;
} display;

/* A value in 64 bits, as the fast path (fast_num.h) computes with it and
 * a record keeps each field beside its qval.  Numbers: c × 10^−s when d
 * is 0, else the quotient c ÷ d with s = the dividend's scale minus the
 * divisor's.  bool, date and enum values live in c (s and d 0); strings
 * in p and len. */
typedef struct fval {
    int64_t c;
    union {
        int64_t d;
        const char *p;
    };
    int32_t s;
    uint32_t len;
} fval;

/* A runtime value; its kind is known statically from the code. */
typedef union qval {
    qd num;
    int b;
    ql_date date;
    int32_t en;
    struct {
        const char *s;
        uint32_t len;
    } str;
} qval;

/* A public decimal as a qd; nonzero (and *out untouched) when it is
 * outside the documented bounds. */
int qli_qd_from_public(qd *out, const ql_decimal *d);
/* Callers have checked out->version (QL_VALUE_VERSION, the only one so
 * far); these write every member of that version and keep it. */
/* A NONE value. */
void qli_value_none(ql_value *out);
/* A typed value as a public ql_value (strings borrowed). */
void qli_qval_to_public(const qval *v, vtype t, ql_value *out);
/* The public type of values of static type t (enums are strings). */
ql_type qli_vtype_public(vtype t);

#endif
