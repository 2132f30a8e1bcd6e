/*
 * fast_values.c — a rule set's values in 64 bits, for the fast path:
 * constants, input defaults, parameter values and bracket tables,
 * converted once at load (fast_compile.c calls it before compiling).  A
 * value that does not fit is marked so, and the code that reads it hands
 * the record to the exact engine.
 */
#include "code.h"
#include "fast_code.h"
#include "fast_compile.h"
#include "ruleset.h"
#include "util.h"
#include "value.h"

#include <string.h>

/* A number, bool, date or enum value of kind k as a 64-bit value; 0 if a
 * number does not fit. */
static int to_fval(const qval *q, vkind k, fval *out)
{
    memset(out, 0, sizeof *out);
    switch (k) {
    case VK_NUMBER:
        if (q->num.coef > INT64_MAX || q->num.coef < INT64_MIN)
            return 0;
        out->c = (int64_t)q->num.coef;
        out->s = q->num.scale;
        return 1;
    case VK_BOOL: out->c = q->b != 0; return 1;
    case VK_DATE: out->c = q->date; return 1;
    case VK_ENUM: out->c = q->en; return 1;
    case VK_STRING:
        out->p = q->str.s;
        out->len = q->str.len;
        return 1;
    default: return 0;
    }
}

static int qd_to_fval(const qd *q, fval *out)
{
    qval v;
    v.num = *q;
    return to_fval(&v, VK_NUMBER, out);
}

int qli_fast_build_values(ql_ruleset *rs, fprog *p)
{
    ql_arena *a = &rs->arena;
    p->consts = qli_ar_alloc(a, (rs->nconsts + 1) * sizeof *p->consts);
    p->const_ok = qli_ar_alloc(a, rs->nconsts + 1);
    p->params = qli_ar_alloc(a, (rs->n_params + 1) * sizeof *p->params);
    p->defaults = qli_ar_alloc(a, (rs->n_inputs + 1) * sizeof *p->defaults);
    p->default_ok = qli_ar_alloc(a, rs->n_inputs + 1);
    if (!p->consts || !p->const_ok || !p->params || !p->defaults ||
        !p->default_ok)
        return -1;
    for (size_t k = 0; k < rs->nconsts; k++)
        p->const_ok[k] = (uint8_t)to_fval(
            &rs->consts[k], (vkind)rs->const_kind[k], &p->consts[k]);
    p->in_kind = qli_ar_alloc(a, rs->n_inputs + 1);
    p->in_empty = qli_ar_alloc(a, rs->n_inputs + 1);
    p->out_comp = qli_ar_alloc(a, (rs->n_outputs + 1) * sizeof *p->out_comp);
    p->out_slot = qli_ar_alloc(a, (rs->n_outputs + 1) * sizeof *p->out_slot);
    p->out_kind = qli_ar_alloc(a, rs->n_outputs + 1);
    p->out_done = qli_ar_alloc(a, rs->n_computed + 1);
    if (!p->in_kind || !p->in_empty || !p->out_comp || !p->out_slot ||
        !p->out_kind || !p->out_done)
        return -1;
    for (size_t i = 0; i < rs->n_inputs; i++) {
        const input_def *d = &rs->inputs[i];
        p->in_kind[i] = (uint8_t)d->type.kind;
        if (d->has_default) {
            p->default_ok[i] =
                (uint8_t)to_fval(&d->def, d->type.kind, &p->defaults[i]);
            p->in_empty[i] = p->default_ok[i] ? 1 : 2;
        }
    }
    for (size_t i = 0; i < rs->n_outputs; i++) {
        const output_def *o = &rs->outputs[i];
        if (o->kind != OUT_COMPUTED)
            continue;
        p->out_kind[p->n_out_comp] = (uint8_t)rs->computed[o->index].type.kind;
        p->out_slot[p->n_out_comp] = p->s_comp + (uint32_t)o->index;
        p->out_comp[p->n_out_comp++] = (uint32_t)o->index;
        p->out_done[o->index] = 2;
    }
    for (size_t i = 0; i < rs->n_params; i++) {
        const param_def *d = &rs->params[i];
        fparam *fp = &p->params[i];
        size_t n = d->nvalues + 1;
        fp->v = qli_ar_alloc(a, n * sizeof *fp->v);
        fp->ok = qli_ar_alloc(a, n);
        if (!fp->v || !fp->ok)
            return -1;
        if (d->type.kind == VK_TABLE) {
            fp->tab = qli_ar_alloc(a, n * sizeof *fp->tab);
            if (!fp->tab)
                return -1;
        }
        for (size_t k = 0; k < d->nvalues; k++) {
            const param_value *pv = &d->values[k];
            if (d->type.kind != VK_TABLE) {
                fp->ok[k] = (uint8_t)to_fval(&pv->v, d->type.kind, &fp->v[k]);
                continue;
            }
            ftable *t = &fp->tab[k];
            size_t nr = pv->nrows + 1;
            t->bound = qli_ar_alloc(a, nr * sizeof *t->bound);
            t->value = qli_ar_alloc(a, nr * sizeof *t->value);
            t->exclusive = qli_ar_alloc(a, nr);
            if (!t->bound || !t->value || !t->exclusive)
                return -1;
            t->nrows = pv->nrows;
            t->ok = 1;
            for (size_t r = 0; r < pv->nrows; r++) {
                t->ok &= qd_to_fval(&pv->rows[r].bound, &t->bound[r]) &
                         qd_to_fval(&pv->rows[r].value, &t->value[r]);
                t->exclusive[r] = (uint8_t)pv->rows[r].exclusive;
            }
            fp->ok[k] = (uint8_t)t->ok;
        }
    }
    return 0;
}

int qli_fast_block_params(ql_ruleset *rs, fprog *p)
{
    size_t total = 0;
    for (size_t i = 0; i < rs->ncode; i++)
        total += rs->code[i].op == OP_PARAM;
    p->par = qli_ar_alloc(&rs->arena, (total + 1) * sizeof *p->par);
    if (!p->par)
        return -1;
    size_t n = 0;
    for (size_t b = 0; b < rs->nblocks; b++) {
        p->par_first[b] = (uint32_t)n;
        for (size_t i = rs->blocks[b].start; rs->code[i].op != OP_RET; i++) {
            if (rs->code[i].op != OP_PARAM)
                continue;
            size_t k = p->par_first[b];
            while (k < n && p->par[k] != (uint32_t)rs->code[i].arg)
                k++;
            if (k == n)
                p->par[n++] = (uint32_t)rs->code[i].arg;
        }
    }
    p->par_first[rs->nblocks] = (uint32_t)n;
    return 0;
}
