/*
 * scale.h — how numbers are shown (scale.c): the currency's minor unit
 * for money, a fixed scale for every other number, checked at load.
 * Internal.
 */
#ifndef QL_SCALE_H
#define QL_SCALE_H

#include "ruleset.h"
#include "util.h"

struct ql_result; /* eval.h */

/* The display of every computed value, check and output, and the errors
 * of outputs whose values could not be shown exactly (after the type
 * checker, which derived each expression's scale). */
ql_status qli_sc_outputs(ql_ruleset *rs, ql_error *err, ql_diag *diag);
/* *out = v shown as d says: exact padding or dropping of zeros, or the
 * declared display rounding.  QD_OVERFLOW when its places would take it
 * past 36 digits, QD_INEXACT when it has more places and d declares no
 * rounding: a number is never shown with other places than its own
 * (*out is then v). */
int qli_sc_show(qd *out, const qd *v, display d);
/* After a successful evaluation: every number res hands out — each
 * output, every check's numbers and, with a trace, every step — can be
 * shown with its declared places (qli_sc_show), or res fails with
 * QL_ERANGE at the definition of the first that cannot.  Both engines'
 * results go through it (result.c). */
ql_status qli_sc_check_result(struct ql_result *res);
/* The minor unit of ISO 4217 currency `code`, or −1 if unknown. */
int qli_sc_currency_minor(const char *code);
/* "; did you mean 'KRW'?" into buf for an unknown code that is a known
 * one in another case or a common name of one (RMB), else "" (P13-06). */
const char *qli_sc_currency_suggest(const char *code, char *buf, size_t size);

#endif
