/*
 * scale.h — how numbers are shown (scale.c): the currency's minor unit
 * for money, a fixed scale for every other number, checked at load.
 * Internal.
 */
#ifndef QL_SCALE_H
#define QL_SCALE_H

#include "ruleset.h"
#include "util.h"

/* The display of every computed value, check and output, and the errors
 * of outputs whose values could not be shown exactly (after the type
 * checker, which derived each expression's scale). */
ql_status qli_sc_outputs(ql_ruleset *rs, ql_error *err, ql_diag *diag);
/* v shown as d says (exact padding or dropping of zeros, or the declared
 * display rounding); v itself when it cannot be shown so. */
qd qli_sc_display(const qd *v, display d);
/* The minor unit of ISO 4217 currency `code`, or −1 if unknown. */
int qli_sc_currency_minor(const char *code);

#endif
