/*
 * fast_code.h — the fast path's compiled form: a register bytecode over
 * 64-bit values (fast_num.h), written by fast_compile.c from the stack
 * code of code.h and run by fast_eval.c.  Internal.
 *
 * Every value an evaluation touches has a slot in one flat array, so an
 * operand is a place in it and an instruction reads its operands directly
 * (the compiler works with slot indices; the code it leaves names slots
 * by their byte offset, dst, x and y and an IN_*'s constants, so that the
 * interpreter adds, not multiplies — FO_RET's operand stays an index):
 *
 *   [constants | the date | parameters | inputs | computed values |
 *    check fields (5 a check) | registers]
 *
 * Constants are filled once per result, parameters once per date,
 * inputs once per record; a computed value's block writes its slot, a
 * check writes its five fields as expressions read them (".required" is 0
 * for a check that does not apply, as in eval.c).  Registers are the
 * stack positions of each block, each block with a window of its own: no
 * block is ever running twice at once (the type checker refused cycles).
 */
#ifndef QL_FAST_CODE_H
#define QL_FAST_CODE_H

#include "fast_num.h"
#include "ruleset.h"

#include <stdint.h>

typedef enum fop_code {
    FO_MOVE,      /* dst = x */
    FO_NEED_IN,   /* input arg must be set: else skip (validation) or fall back */
    FO_NEED_PAR,  /* parameter arg must have a value on the date */
    FO_NEED_SKIP, /* a validation's input arg: if empty, to x (skipped) */
    FO_ASSERT,    /* a validation: x must be true, else fall back */
    FO_PRESENT,   /* dst = whether input arg is set */
    FO_EVAL,      /* computed value arg, evaluated now unless it is already
                     (a8 = 1: its form for the main program) */
    FO_CHECK,     /* check arg, likewise */
    FO_PARAM_AT,  /* dst = parameter arg in force on the date x */
    FO_ADD, FO_SUB, FO_MUL, FO_DIV, FO_NEG, FO_ABS,
    FO_CMP_NUM,   /* dst = x <a8> y: a8's bit c + 1 is set when the
                     comparison holds for an ordering c of −1, 0, 1 */
    FO_CMP_DATE,
    FO_CMP_EQ,    /* bools and enums: equal or not */
    FO_CMP_STR,
    FO_NOT,
    FO_JMP,       /* to arg */
    FO_JF,        /* to arg if x is false, storing a8 in dst */
    FO_JT,        /* to arg if x is true, storing a8 in dst */
    FO_JCMP_NUM,  /* to arg if (x <a8 & 127> y) is a8 >> 7, storing that
                     in dst (the mask as FO_CMP_NUM's) */
    FO_JCMP_DATE,
    FO_JCMP_EQ,   /* bools and enums */
    FO_IN_NUM,    /* dst = x among the y constants from slot arg; a8: negated */
    FO_IN_INT,
    FO_IN_STR,
    FO_MIN,       /* dst = min of the y registers from x; a8: dates */
    FO_MAX,
    FO_MIN2,      /* dst = min(x, y); a8: dates */
    FO_MAX2,
    FO_ROUND,     /* dst = x rounded to arg places in mode a8 */
    FO_DIVROUND,  /* dst = round(x / y, arg) in mode a8 */
    FO_BRACKET,   /* dst = parameter arg's bracket of x */
    FO_YEAR, FO_MONTH, FO_DAY,
    FO_DAYS,      /* dst = days from x to y */
    FO_ADD_DATE,  /* dst = date x + y days (a8 = 0) or y × a8 months */
    FO_CK_PERIOD, /* check dst: to arg unless the date is in its period */
    FO_CK_SHORT,  /* check dst: shortfall = max(required − actual, 0) */
    FO_CK_DONE,   /* check dst applies; compliant = x, or actual ≥ required
                     when x is FS_NONE */
    FO_CK_NA,     /* check dst does not apply */
    FO_RET,       /* the block's value is x */
    FO_FALLBACK,  /* a shape this path does not take: the exact engine */
    /* The same operations on operands the compiler proved are never an
     * undivided quotient (fast_passes.c, qli_fast_plain_slots): no check
     * for one.  Inputs, parameters, constants and table values are never
     * one; a slot is only where some instruction may write one there. */
    FO_ADD_P, FO_SUB_P, FO_MUL_P, FO_CMP_P, FO_JCMP_P, FO_MIN2_P, FO_MAX2_P,
    FO_ROUND_P, FO_DIVROUND_P
} fop_code;

#define FS_NONE UINT32_MAX /* no slot */

typedef struct fop {
    uint8_t op;
    uint8_t a8;
    uint16_t pad;
    uint32_t dst, x, y;
    int32_t arg;
} fop;

/* A bracket table's rows in 64 bits (ok = 0: a bound or value does not
 * fit, and a lookup goes to the exact engine). */
typedef struct ftable {
    int ok;
    size_t nrows;
    fval *bound, *value;
    uint8_t *exclusive;
} ftable;

/* One parameter: its values in 64 bits (tables for VK_TABLE). */
typedef struct fparam {
    fval *v;       /* per param_value */
    uint8_t *ok;   /* per param_value: 1 when it fits */
    ftable *tab;   /* per param_value, tables only */
} fparam;

/* How output i is written in a row (ql_result_row_text) after a fast
 * evaluation: a number, bool or date at res->ov[at], a check (at: its
 * index), or another way (strings, enums, inputs). */
enum { FR_OTHER, FR_NUMBER, FR_BOOL, FR_DATE, FR_CHECK };
typedef struct frow {
    uint8_t kind;
    display disp; /* numbers */
    uint32_t at;
    uint32_t dk; /* FR_DATE: its place among the row's dates (res->dtext) */
} frow;

struct fctx;
/* A program generated as C for this code (fast_gen.h): runs from start
 * as qli_fast_run does. */
typedef int (*qli_fast_native)(struct fctx *e, const fop *start,
                               uint32_t *ret);

typedef struct fprog {
    fop *code;
    qli_fast_native native; /* or NULL: the interpreter (fast_eval.c) */
    size_t ncode;
    /* Per stack-code block, its first instruction: `start` for a date on
     * which every parameter it reads has a value, `start_chk` with a
     * FO_NEED_PAR before each parameter it reads, for other dates. */
    uint32_t *start, *start_chk;
    uint32_t *par_first; /* per block: its parameters, par[par_first[b] …] */
    uint32_t *par;
    /* Each check as code (entered by FO_CHECK from validations and the
     * values they read). */
    uint32_t *check_start, *check_start_chk; /* as start and start_chk */
    /* The record's evaluation after the validations, in one straight
     * program (as start and start_chk: `main_start` for a date on which
     * every parameter in main_par has a value): every computed value that
     * every evaluation reaches (an output, or named where its reader
     * always passes) and every check, inline, each after what it reads,
     * each writing its slots directly.  A value only some evaluations
     * reach (named in one branch of an if) is entered on demand, in a
     * form for the main program: mstart, mstart_chk (per block). */
    uint32_t main_start, main_start_chk;
    /* The values every evaluation reaches that the date alone decides
     * (a deadline: at(post_rule_deadline, max(date, …))), run once when
     * the date changes, not in the main program; every parameter checked. */
    uint32_t date_start;
    uint32_t *main_par;
    size_t n_main_par;
    uint32_t *mstart, *mstart_chk;
    int32_t *comp_const; /* per computed value: the constant it is, or −1 */
    uint8_t *valid_inline; /* per validation: 1 part of the main program
                              (it reads no computed value or check), 0 run
                              before it as a block of its own */
    uint32_t *valid_run; /* the validations with valid_inline 0, in order */
    size_t n_valid_run;
    size_t nslots;
    uint32_t s_const, s_date, s_param, s_input, s_comp, s_check, s_reg;
    fval *consts;      /* the constant slots' values */
    uint8_t *const_ok; /* 0: does not fit (blocks using it fall back) */
    fparam *params;
    fval *defaults;    /* per input: its default, if it has one */
    uint8_t *default_ok;
    uint8_t *in_kind;  /* per input: its vkind */
    uint8_t *in_empty; /* per input, when empty: 1 default, 2 default past
                          64 bits, 0 none, 3 the exact engine's error
                          (required, or the main program always reads it
                          and it has no 64-bit default) */
    /* in_empty as the record is read, eight inputs a word (padded to
     * QLI_REC_PADDED): in_avail, what an empty field's avail is (in_empty,
     * 0 for 3); in_fall, 0xFF a byte where in_empty is 3; in_def, the
     * inputs with a 64-bit default (in_empty 1) */
    uint8_t *in_avail, *in_fall;
    uint32_t *in_def;
    size_t n_in_words, n_in_def;
    /* the computed values that are outputs, their slots and kinds, and
     * per computed value 2 for an output, 0 for another (eval.c's cstate
     * after an evaluation, as the fast path leaves it) */
    uint32_t *out_comp, *out_slot;
    uint8_t *out_kind, *out_done;
    size_t n_out_comp;
    display *out_disp; /* per such output: how it is shown */
    /* The computed values that are outputs, each once, take the first
     * computed slots (comp_slot, per computed value: its slot), so a
     * result copies them as one block: out_pos, per computed value, its
     * place in that block or −1; out_num, the places of the numbers
     * among them that may hold an undivided quotient (narrowed by
     * qli_fast_plain_slots: write_back looks at these alone); out_chk, the outputs (as out_comp) whose type does not
     * prove them showable at their places (qli_fast_always_shown). */
    uint32_t *comp_slot;
    int32_t *out_pos;
    uint32_t *out_num, *out_chk;
    size_t n_out_vals, n_out_num, n_out_chk;
    frow *row; /* per output */
    size_t n_out_input; /* outputs that are inputs (qli_sc_check_result
                           checks them after a fast evaluation too) */
} fprog;

/* Compiles rs's stack code into rs->fast (in the rule set's arena).  A
 * rule set too large for 32-bit slots, or loaded with QUOTALEVY_FAST=0 in
 * the environment (for differential testing only), keeps rs->fast NULL
 * and every record is evaluated by eval.c.  QL_ENOMEM on no memory. */
ql_status qli_fast_compile(ql_ruleset *rs, ql_error *err);

#endif
