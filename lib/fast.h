/*
 * fast.h — the fast path: a record evaluated in 64-bit arithmetic by the
 * register bytecode of fast_code.h (fast_eval.c), or handed back to the
 * exact engine (eval.c) untouched.  Internal.
 *
 * The fast path gives exactly the results eval.c gives or none: any
 * value that does not fit in 64 bits, any overflow, an empty field an
 * expression needs, a validation that fails, any error at all sends the
 * record to eval.c, which stays the reference and writes the messages.
 * Traces are always eval.c's.
 */
#ifndef QL_FAST_H
#define QL_FAST_H

#include "eval.h"

/* The fast path's working memory: every slot of one evaluation (NULL:
 * the rule set has no fast code, or no memory).  A result makes one on
 * its first fast evaluation; a batch (ql_evaluate_many) runs every record
 * in its first result's, so a million results do not each hold one. */
struct fast_scratch *qli_fast_scratch_new(const ql_ruleset *rs);
void qli_fast_scratch_free(struct fast_scratch *s);
/* res's scratch, made now if need be; NULL as above. */
struct fast_scratch *qli_fast_scratch_of(ql_result *res);

/* Evaluates rec on date into res the fast way, in scratch s (of res's
 * rule set): QL_OK with res filled as eval.c would fill it for the
 * outputs and checks, or nonzero with res as it was, for eval.c. */
int qli_fast_eval(ql_result *res, const ql_record *rec, ql_date date,
                  struct fast_scratch *s);

/* Evaluates as ql_evaluate does: the fast path in s (or res's own
 * scratch when s is NULL or of another rule set) when it can, else
 * eval.c (always for a trace). */
ql_status qli_evaluate(ql_result *res, const ql_record *rec, ql_date date,
                       unsigned flags, struct fast_scratch *s);

#endif
