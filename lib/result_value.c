/*
 * result_value.c — reading an evaluation back out: outputs and checks as
 * public values (numbers at their display places), as 64-bit
 * coefficients, and the steps of its trace.
 */
#include "decimal.h"
#include "eval.h"
#include "result_access.h"
#include "ruleset.h"
#include "scale.h"
#include "util.h"
#include "value.h"

#include <stddef.h>
#include <string.h>

/* A value of type t as the public value, a number shown as d says.  A
 * number that cannot be (qli_sc_check_result failed the evaluation first, so
 * never after a successful one) is NONE, never other places. */
static void shown_as(const qval *v, vtype t, display d, int whole,
                     ql_value *out)
{
    qval s;
    if (t.kind != VK_NUMBER || d.scale < 0) {
        qli_qval_to_public(v, t, out);
        return;
    }
    if (qli_sc_show(&s.num, &v->num, d) == QD_OK)
        qli_qval_to_public(&s, t, out);
    else if (whole)
        qli_qval_to_public(v, t, out);
    else
        qli_value_none(out);
}

static void shown(const qval *v, vtype t, display d, ql_value *out)
{
    shown_as(v, t, d, 0, out);
}

/* A value as a step of a trace shows it: as shown() says, or, when it
 * cannot be shown at its places (35 digits with 2 places; a computed
 * value with more places than its `scale:` and no output showing it),
 * exactly as it was read or computed.  The trace is never checked more
 * tightly than the evaluation: asking for it changes no outcome. */
static void traced(const qval *v, vtype t, display d, ql_value *out)
{
    shown_as(v, t, d, 1, out);
}

/* An input's values have its declared places (money its currency's). */
static display input_display(const input_def *d)
{
    display s = {(int8_t)d->scale, -1};
    return s;
}

/* The value of input i the evaluation used: the default for an empty
 * field. */
static void input_value(const ql_result *res, size_t i, int whole,
                        ql_value *out)
{
    const input_def *d = &res->rs->inputs[i];
    qli_value_none(out);
    if (res->rec->present[i])
        shown_as(&res->rec->vals[i], d->type, input_display(d), whole, out);
    else if (d->has_default)
        shown_as(&d->def, d->type, input_display(d), whole, out);
    else if (d->type.kind == VK_STRING || d->type.kind == VK_ENUM)
        ql_record_get(out, res->rec, i); /* NONE */
}

/* A number the fast path left in 64 bits (c × 10^−s) as the public
 * value at display d's places, as shown() would give it: 1 when done, 0
 * when that needs the general way (a rounding for display, or more than
 * 64 bits at d's places).  No 128-bit step for the common value. */
static inline int shown64(ql_value *out, int64_t c, int s, display d)
{
    int64_t coef;
    int sc = qli_i64_shown(&coef, c, s, d);
    if (sc < 0)
        return 0;
    out->type = QL_TYPE_NUMBER;
    out->number.coef_hi = coef < 0 ? -1 : 0;
    out->number.coef_lo = (uint64_t)coef;
    out->number.scale = sc;
    return 1;
}

ql_status ql_result_output(ql_value *out, const ql_result *res, size_t i)
{
    if (!out || out->version != QL_VALUE_VERSION)
        return QL_EINVAL; /* a struct of a layout this library does not know */
    qli_value_none(out);  /* NONE whatever happens below */
    if (!usable(res) || i >= res->rs->n_outputs)
        return QL_EINVAL;
    const output_def *o = &res->rs->outputs[i];
    switch (o->kind) {
    case OUT_COMPUTED: {
        const fval *f = fast_value(res, (size_t)o->index);
        if (f && res->rs->computed[o->index].type.kind == VK_NUMBER &&
            shown64(out, f->c, f->s, o->disp))
            break;
        qval tmp;
        shown(cval(res, (size_t)o->index, &tmp),
              res->rs->computed[o->index].type, o->disp, out);
        break;
    }
    case OUT_INPUT:
        if (res->rec->present[o->index] ||
            res->rs->inputs[o->index].has_default)
            input_value(res, (size_t)o->index, 0, out);
        else
            ql_record_get(out, res->rec, (size_t)o->index);
        break;
    case OUT_CHECK: {
        const check_out *c = &res->checks[o->index];
        if (c->applicable) {
            out->type = QL_TYPE_BOOL;
            out->boolean = c->compliant;
        }
        break;
    }
    }
    return QL_OK;
}

ql_status ql_result_check(ql_check_result *out, const ql_result *res, size_t i)
{
    if (!out || out->version != QL_CHECK_RESULT_VERSION)
        return QL_EINVAL; /* a struct of a layout this library does not know */
    memset(out, 0, sizeof *out);
    out->version = QL_CHECK_RESULT_VERSION;
    qli_value_none(&out->required);
    qli_value_none(&out->actual);
    qli_value_none(&out->shortfall);
    if (!usable(res) || i >= res->rs->n_checks)
        return QL_EINVAL;
    const check_out *c = &res->checks[i];
    const display *d = res->rs->checks[i].disp;
    out->applicable = c->applicable;
    out->compliant = 1; /* not applicable: nothing is required */
    if (!c->applicable)
        return QL_OK;
    vtype num = {VK_NUMBER, NULL, 0, 0};
    ql_value *f[3] = {&out->required, &out->actual, &out->shortfall};
    out->compliant = c->compliant;
    for (int j = 0; j < 3; j++) {
        if (res->fastv) {
            const fval *v = &res->kv[3 * i + (size_t)j];
            if (shown64(f[j], v->c, v->s, d[j]))
                continue;
        }
        qval tmp;
        tmp.num = *check_num(res, i, j, &tmp.num);
        shown(&tmp, num, d[j], f[j]);
    }
    return QL_OK;
}

/* An exact engine's number, shown as d says, into *coef. */
static int i64_of_qd(int64_t *coef, const qd *v, display d)
{
    qd s;
    if (v->cut || qli_sc_show(&s, v, d) != QD_OK || s.coef > INT64_MAX ||
        s.coef < INT64_MIN)
        return QL_I64_WIDE;
    *coef = (int64_t)s.coef;
    return (int)s.scale;
}

int ql_result_output_i64(int64_t *coef, const ql_result *res, size_t i)
{
    if (!coef || !usable(res) || i >= res->rs->n_outputs)
        return QL_I64_NONE;
    const output_def *o = &res->rs->outputs[i];
    if (o->kind != OUT_COMPUTED)
        return o->kind == OUT_INPUT ? QL_I64_WIDE : QL_I64_NONE;
    if (res->rs->computed[o->index].type.kind != VK_NUMBER)
        return QL_I64_NONE;
    const fval *f = fast_value(res, (size_t)o->index);
    if (f)
        return qli_i64_shown(coef, f->c, f->s, o->disp);
    return i64_of_qd(coef, &res->cvals[o->index].num, o->disp);
}

int ql_result_check_i64(int64_t *coef, const ql_result *res, size_t i,
                        ql_check_field f)
{
    if (!coef || !usable(res) || i >= res->rs->n_checks ||
        f < QL_CHECK_REQUIRED || f > QL_CHECK_SHORTFALL ||
        !res->checks[i].applicable)
        return QL_I64_NONE;
    int j = (int)f - QL_CHECK_REQUIRED;
    display d = res->rs->checks[i].disp[j];
    if (res->fastv) {
        const fval *v = &res->kv[3 * i + (size_t)j];
        return qli_i64_shown(coef, v->c, v->s, d);
    }
    qd tmp;
    return i64_of_qd(coef, check_num(res, i, j, &tmp), d);
}

/* The column readers: the output's (or check's) definition is looked up
 * once, then each result read as the one-value readers above read it. */

static int i64_bool(int64_t *coef, int b)
{
    *coef = b != 0;
    return 0;
}

/* The rule set of the first result with values, NULL when none has; the
 * arrays checked.  *st is QL_EINVAL for a NULL array with n > 0. */
static const ql_ruleset *column_rs(int64_t *coef, int8_t *scale,
                                   const ql_result *const *res, size_t n,
                                   ql_status *st, ql_error *err)
{
    *st = QL_OK;
    if (n && (!coef || !scale || !res)) {
        *st = qli_fail(err, QL_EINVAL, NULL, 0, 0, "NULL argument");
        return NULL;
    }
    /* the rule set of the first result there is, evaluated or not, so
     * that an index, a field or another rule set's result is refused
     * whether or not any result of the column has values */
    for (size_t r = 0; r < n; r++)
        if (res[r])
            return res[r]->rs;
    if (n)
        memset(scale, QL_I64_NONE, n);
    return NULL;
}

static ql_status other_rules(ql_error *err)
{
    return qli_fail(err, QL_EINVAL, NULL, 0, 0,
                    "the results are of different rule sets");
}

/* Output o (definition o, computed kind `kind`) of x, which has values,
 * as ql_results_output_i64 gives it: the general case. */
static int output_i64_of(int64_t *coef, const ql_result *x, const output_def *o,
                         int kind)
{
    size_t k = (size_t)o->index;
    if (o->kind == OUT_CHECK) {
        const check_out *c = &x->checks[k];
        return c->applicable ? i64_bool(coef, c->compliant) : QL_I64_NONE;
    }
    if (kind == VK_NUMBER) {
        const fval *f = fast_value(x, k);
        return f ? qli_i64_shown(coef, f->c, f->s, o->disp)
                 : i64_of_qd(coef, &x->cvals[k].num, o->disp);
    }
    if (kind == VK_BOOL) {
        const fval *f = fast_value(x, k);
        return i64_bool(coef, f ? f->c != 0 : x->cvals[k].b);
    }
    /* an input shown as an output, a date, a string, an enum */
    return o->kind == OUT_INPUT || kind ? QL_I64_WIDE : QL_I64_NONE;
}

ql_status ql_results_output_i64(int64_t *coef, int8_t *scale,
                                const ql_result *const *res, size_t n, size_t i,
                                ql_error *err)
{
    ql_status st;
    const ql_ruleset *rs = column_rs(coef, scale, res, n, &st, err);
    if (!rs)
        return st;
    if (i >= rs->n_outputs)
        return qli_fail(err, QL_EINVAL, NULL, 0, 0, "output %zu of %zu", i,
                        rs->n_outputs);
    const output_def *o = &rs->outputs[i];
    int kind =
        o->kind == OUT_COMPUTED ? (int)rs->computed[o->index].type.kind : 0;
    /* the usual cell: a number the fast path left in slot j */
    int32_t j =
        kind == VK_NUMBER && rs->fast ? rs->fast->out_pos[o->index] : -1;
    for (size_t r = 0; r < n; r++) {
        const ql_result *x = res[r];
        int s;
        if (x && x->rs != rs)
            return other_rules(err);
        if (!usable(x))
            s = QL_I64_NONE;
        else if (j >= 0 && x->fastv)
            s = qli_i64_shown(&coef[r], x->ov[j].c, x->ov[j].s, o->disp);
        else
            s = output_i64_of(&coef[r], x, o, kind);
        scale[r] = (int8_t)s;
    }
    return QL_OK;
}

ql_status ql_results_check_i64(int64_t *coef, int8_t *scale,
                               const ql_result *const *res, size_t n, size_t i,
                               ql_check_field f, ql_error *err)
{
    ql_status st;
    const ql_ruleset *rs = column_rs(coef, scale, res, n, &st, err);
    if (!rs)
        return st;
    if (i >= rs->n_checks || f < QL_CHECK_APPLICABLE || f > QL_CHECK_SHORTFALL)
        return qli_fail(err, QL_EINVAL, NULL, 0, 0,
                        "check %zu of %zu, field %d", i, rs->n_checks, (int)f);
    int j = (int)f - QL_CHECK_REQUIRED;
    display d = j >= 0 ? rs->checks[i].disp[j] : (display){0};
    size_t at = 3 * i + (size_t)(j >= 0 ? j : 0);
    for (size_t r = 0; r < n; r++) {
        const ql_result *x = res[r];
        if (x && x->rs != rs)
            return other_rules(err);
        const check_out *c = usable(x) ? &x->checks[i] : NULL;
        int s;
        if (!c) {
            s = QL_I64_NONE;
        } else if (f == QL_CHECK_APPLICABLE) {
            s = i64_bool(&coef[r], c->applicable);
        } else if (!c->applicable) {
            s = QL_I64_NONE;
        } else if (f == QL_CHECK_COMPLIANT) {
            s = i64_bool(&coef[r], c->compliant);
        } else if (x->fastv) {
            s = qli_i64_shown(&coef[r], x->kv[at].c, x->kv[at].s, d);
        } else {
            qd tmp;
            s = i64_of_qd(&coef[r], check_num(x, i, j, &tmp), d);
        }
        scale[r] = (int8_t)s;
    }
    return QL_OK;
}

size_t ql_result_trace_count(const ql_result *res)
{
    return usable(res) ? res->ntrace : 0;
}

ql_status ql_result_trace_step(ql_trace_step *out, const ql_result *res,
                               size_t i)
{
    if (!usable(res) || !out || out->version != QL_TRACE_STEP_VERSION ||
        i >= res->ntrace)
        return QL_EINVAL;
    const ql_ruleset *rs = res->rs;
    const trace_ent *t = &res->trace[i];
    memset(out, 0, sizeof *out);
    out->version = QL_TRACE_STEP_VERSION;
    qli_value_none(&out->value);
    out->kind = (ql_step_kind)t->kind;
    out->until = -1;
    switch (out->kind) {
    case QL_STEP_INPUT: {
        const input_def *d = &rs->inputs[t->index];
        out->name = d->name;
        out->description = d->description;
        input_value(res, (size_t)t->index, 1, &out->value);
        break;
    }
    case QL_STEP_PARAM: {
        const param_def *d = &rs->params[t->index];
        const param_value *pv = &d->values[res->pidx[t->index]];
        out->name = d->name;
        out->description = d->description;
        out->source = pv->source;
        out->from = pv->from;
        out->until = pv->until;
        if (d->type.kind == VK_TABLE) {
            out->value.type = QL_TYPE_TABLE;
            out->value.string = pv->text;
            out->value.length = strlen(pv->text);
        } else {
            qli_qval_to_public(&pv->v, d->type, &out->value);
        }
        break;
    }
    case QL_STEP_COMPUTED: {
        const computed_def *d = &rs->computed[t->index];
        out->name = d->name;
        out->formula = d->formula;
        out->description = d->description;
        out->source = d->source;
        qval tmp;
        traced(cval(res, (size_t)t->index, &tmp), d->type, d->disp,
               &out->value);
        break;
    }
    case QL_STEP_CHECK: {
        const check_def *d = &rs->checks[t->index];
        const check_out *c = &res->checks[t->index];
        out->name = d->name;
        out->description = d->title;
        out->source = d->source;
        out->formula = d->expr[0] ? d->expr[0]->text : NULL;
        if (c->applicable) {
            out->value.type = QL_TYPE_BOOL;
            out->value.boolean = c->compliant;
        }
        break;
    }
    }
    return QL_OK;
}
