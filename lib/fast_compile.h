/*
 * fast_compile.h — the fast compiler's helpers (fast_values.c,
 * fast_plan.c, fast_passes.c) for fast_compile.c.  Internal.
 */
#ifndef QL_FAST_COMPILE_H
#define QL_FAST_COMPILE_H

#include "fast_code.h"
#include "ruleset.h"

/* fast_values.c */

/* rs's constants, defaults, parameter values and bracket tables in 64
 * bits (ok flags 0 where a value does not fit), each input's kind and
 * each output's value; -1 on no memory. */
int qli_fast_build_values(ql_ruleset *rs, fprog *p);
/* Whether every value of type t is shown with d's places as
 * qli_sc_check_result requires, whatever it is: t's places are known and
 * no more than d's, and d's 17 at most (19 digits and 17 zeros are 36). */
int qli_fast_always_shown(vtype t, display d);
/* p->in_avail, in_fall and in_def from p->in_empty, once it is final;
 * -1 on no memory. */
int qli_fast_input_words(ql_ruleset *rs, fprog *p);
/* Each block's parameters (OP_PARAM), once each (p->par_first, p->par):
 * a date on which all have a value runs the block's unchecked form. */
int qli_fast_block_params(ql_ruleset *rs, fprog *p);

/* fast_plan.c */

/* The computed values every evaluation reaches (eager, per computed
 * value: the outputs, and what an eager value, or a check that runs on
 * every date, reads on every run of its code), and the inputs those read
 * on every run (msure, per input).  Both zeroed by the caller; -1 on no
 * memory. */
int qli_fast_find_eager(const ql_ruleset *rs, uint8_t *eager, uint8_t *msure);
/* Every computed value (i) and check (n_computed + i) in an order where
 * each comes after all its code names (the type checker refused
 * cycles); the caller frees it.  NULL on no memory. */
int *qli_fast_node_order(const ql_ruleset *rs);
/* The computed values that depend on the date alone (datec, per
 * computed value: they read no field and no check, only constants, the
 * date, parameters and such values), from `order`. */
int qli_fast_date_only(const ql_ruleset *rs, const int *order, uint8_t *datec);
/* The parameters the main program's inline code reads (p->main_par):
 * that of the computed values marked in `eager` and of every check. */
int qli_fast_main_params(ql_ruleset *rs, fprog *p, const uint8_t *eager);
/* fast_passes.c: over the finished code, in this order */

/* Jumps to jumps go straight on: an and-chain's false goes where its
 * reader goes on false (a check's "does not apply"), not through each
 * test. */
void qli_fast_thread_jumps(fop *code, size_t n);
/* The number operations whose operands are never an undivided quotient
 * made their _P forms (fast_code.h), and p->out_num narrowed to the
 * outputs that may hold one; nslots slots, eager as
 * qli_fast_find_eager's.  0, or -1 on no memory (the code is then left
 * as it is). */
int qli_fast_plain_slots(const ql_ruleset *rs, fprog *p, fop *code, size_t n,
                         size_t nslots, const uint8_t *eager);
/* Slot operands and jump targets as byte offsets (fast_code.h). */
void qli_fast_slots_to_offsets(fop *code, size_t n, uint32_t s_check);

#endif
