/*
 * fast_run.h — the fast path's working state, shared by its interpreter
 * (fast_eval.c) and its entry, which reads a record into the slots and
 * writes the result out of them (fast_io.c).  Internal.
 */
#ifndef QL_FAST_RUN_H
#define QL_FAST_RUN_H

#include "eval.h"
#include "fast_code.h"

#include <stdint.h>

/* How a block ended, besides FN_OK. */
enum { F_FALL = 1, F_SKIP = 2 };

typedef struct fast_check {
    uint8_t applicable, compliant;
} fast_check;

struct fast_scratch {
    const ql_ruleset *rs;
    fval *v;            /* the slots */
    uint8_t *avail;     /* per input (QLI_REC_PADDED): 1 usable, 0 empty,
                           2 empty with a default past 64 bits */
    uint8_t *pavail;    /* per parameter: 1 in force on pdate and in 64 bits */
    uint8_t *cst, *kst; /* computed values and checks: 2 done */
    fast_check *ck;
    const ftable **tab;    /* per parameter: its table on pdate */
    uint8_t *blk_ok;       /* per block: every parameter it reads is in force */
    const fop **entry;     /* per block: where it starts on pdate */
    const fop **centry;    /* per computed value: its block's entry */
    const fop **mentry;    /* the same, its form for the main program */
    const fop *main_entry; /* the main program's form for pdate */
    int date_ok;           /* the date's program ran (fprog.date_start) */
    const fop **kentry;    /* per check: its code's entry */
    uint8_t *in_period;    /* per check: pdate within its from … until */
    struct fframe *frames; /* computed values being evaluated */
    ql_date pdate;
};

/* A computed value entered by FO_EVAL: where its caller goes on.
 * Entering a value is a jump, not a C call, as in eval.c. */
typedef struct fframe {
    const fop *ret;
    uint32_t dst; /* where the value goes, or FS_NONE */
    int32_t k; /* computed value k ≥ 0 done; check −k − 2 done; −1 none */
} fframe;

typedef struct fctx {
    const ql_ruleset *rs;
    const fprog *p;
    struct fast_scratch *s;
    fval *v;
    const ql_record *rec;   /* NULL for a row of columns (eval_columns.c) */
    const uint8_t *present; /* per input: set (the record's, or the row's) */
    int in_validation;
    int nframes;
} fctx;

/* Runs the code at start (a block, a check, the main program) to its
 * FO_RET, whose operand slot goes to *ret: FN_OK, F_SKIP (a validation
 * read an empty field) or F_FALL.  On failure the values it entered and
 * did not finish are marked not evaluated (a skipped validation may need
 * them later). */
int qli_fast_run(fctx *e, const fop *start, uint32_t *ret);

/* fast_io.c, for its two callers (qli_fast_eval, a record; and
 * eval_columns.c, a row of columns), which read the inputs in between:
 * qli_fast_begin sets *e up for rs on date in scratch s (of rs), the
 * date's parameters and what the date alone decides run when the date
 * changed; F_FALL when the fast path cannot take this date.  Then the
 * caller puts the inputs in their slots (e->v + s_input, s->avail, as
 * the record's load_inputs does, e->present) and qli_fast_body runs the
 * validations, every output and every check: FN_OK, or F_FALL (the
 * exact engine is to evaluate the record). */
int qli_fast_begin(fctx *e, const ql_ruleset *rs, struct fast_scratch *s,
                   ql_date date);
int qli_fast_body(fctx *e);
/* After qli_fast_body: the values into res as a record's fast
 * evaluation on date leaves them (write_back: in 64 bits, or as eval.c's
 * exact values where an output holds an undivided quotient or a number
 * not shown at its places), res->rec set to rec; F_FALL with res
 * unchanged where the exact engine is to decide. */
int qli_fast_put(fctx *e, ql_result *res, const ql_record *rec, ql_date date);
/* A batch's next record after one qli_fast_begin (ql_evaluate_many):
 * qli_fast_eval of rec into res without the set-up a record, FN_OK or
 * F_FALL with res to be evaluated by eval.c. */
int qli_fast_next(fctx *e, ql_result *res, const ql_record *rec, ql_date date);
/* Whether number f (not a quotient) is shown with d's places as
 * qli_sc_check_result requires (write_back's test of each it hands
 * out whose type does not prove it). */
int qli_fast_shown_fits(const fval *f, display d);

#endif
