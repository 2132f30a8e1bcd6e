/*
 * fast_values.c — a rule set's values in 64 bits, for the fast path:
 * constants, input defaults, parameter values and bracket tables,
 * converted once at load (fast_compile.c calls it before compiling).  A
 * value that does not fit is marked so, and the code that reads it hands
 * the record to the exact engine.
 */
#include "code.h"
#include "eval.h" /* QLI_REC_PADDED */
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

int qli_fast_always_shown(vtype t, display d)
{
    return t.kind != VK_NUMBER || d.scale < 0 ||
           (t.scale != QL_SCALE_ANY && t.scale <= d.scale && d.scale <= 17);
}

int qli_fast_input_words(ql_ruleset *rs, fprog *p)
{
    size_t n = QLI_REC_PADDED(rs->n_inputs);
    p->n_in_words = n / 8;
    p->in_avail = qli_ar_alloc(&rs->arena, n + 1);
    p->in_fall = qli_ar_alloc(&rs->arena, n + 1);
    p->in_def =
        qli_ar_alloc(&rs->arena, (rs->n_inputs + 1) * sizeof *p->in_def);
    if (!p->in_avail || !p->in_fall || !p->in_def)
        return -1;
    p->n_in_def = 0;
    for (size_t i = 0; i < rs->n_inputs; i++) {
        uint8_t a = p->in_empty[i];
        if (a == 3)
            p->in_fall[i] = 0xFF;
        else
            p->in_avail[i] = a;
        if (a == 1)
            p->in_def[p->n_in_def++] = (uint32_t)i;
    }
    return 0;
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
    p->out_disp = qli_ar_alloc(a, (rs->n_outputs + 1) * sizeof *p->out_disp);
    p->out_pos = qli_ar_alloc(a, (rs->n_computed + 1) * sizeof *p->out_pos);
    if (!p->in_kind || !p->in_empty || !p->out_comp || !p->out_slot ||
        !p->out_kind || !p->out_done || !p->out_disp || !p->out_pos)
        return -1;
    for (size_t k = 0; k < rs->n_computed; k++)
        p->out_pos[k] = -1;
    for (size_t i = 0; i < rs->n_inputs; i++) {
        const input_def *d = &rs->inputs[i];
        p->in_kind[i] = (uint8_t)d->type.kind;
        if (d->has_default) {
            p->default_ok[i] =
                (uint8_t)to_fval(&d->def, d->type.kind, &p->defaults[i]);
            p->in_empty[i] = p->default_ok[i] ? 1 : 2;
        }
    }
    /* the computed values that are outputs take the first computed
     * slots, in the order they are first named, so the result copies
     * them as one block (fast_io.c's write_back) */
    p->comp_slot = qli_ar_alloc(a, (rs->n_computed + 1) * sizeof *p->comp_slot);
    p->out_num = qli_ar_alloc(a, (rs->n_outputs + 1) * sizeof *p->out_num);
    p->out_chk = qli_ar_alloc(a, (rs->n_outputs + 1) * sizeof *p->out_chk);
    if (!p->comp_slot || !p->out_num || !p->out_chk)
        return -1;
    for (size_t i = 0; i < rs->n_outputs; i++) {
        const output_def *o = &rs->outputs[i];
        p->n_out_input += o->kind == OUT_INPUT;
        if (o->kind != OUT_COMPUTED)
            continue;
        const computed_def *c = &rs->computed[o->index];
        if (p->out_pos[o->index] < 0) {
            if (c->type.kind == VK_NUMBER)
                p->out_num[p->n_out_num++] = (uint32_t)p->n_out_vals;
            p->out_pos[o->index] = (int32_t)p->n_out_vals++;
        }
        if (!qli_fast_always_shown(c->type, o->disp))
            p->out_chk[p->n_out_chk++] = (uint32_t)p->n_out_comp;
        p->out_disp[p->n_out_comp] = o->disp;
        p->out_kind[p->n_out_comp] = (uint8_t)c->type.kind;
        p->out_comp[p->n_out_comp++] = (uint32_t)o->index;
        p->out_done[o->index] = 2;
    }
    p->row = qli_ar_alloc(a, (rs->n_outputs + 1) * sizeof *p->row);
    if (!p->row)
        return -1;
    uint32_t ndates = 0;
    for (size_t i = 0; i < rs->n_outputs; i++) {
        const output_def *o = &rs->outputs[i];
        frow *r = &p->row[i];
        r->disp = o->disp;
        if (o->kind == OUT_CHECK) {
            r->kind = FR_CHECK;
            r->at = (uint32_t)o->index;
        } else if (o->kind == OUT_COMPUTED) {
            vkind k = rs->computed[o->index].type.kind;
            r->kind = k == VK_NUMBER ? FR_NUMBER
                      : k == VK_BOOL ? FR_BOOL
                      : k == VK_DATE ? FR_DATE
                                     : FR_OTHER;
            r->at = (uint32_t)p->out_pos[o->index];
            if (r->kind == FR_DATE)
                r->dk = ndates++;
        }
    }
    uint32_t next = (uint32_t)p->n_out_vals;
    for (size_t k = 0; k < rs->n_computed; k++)
        p->comp_slot[k] =
            p->s_comp + (p->out_pos[k] >= 0 ? (uint32_t)p->out_pos[k] : next++);
    for (size_t j = 0; j < p->n_out_comp; j++)
        p->out_slot[j] = p->comp_slot[p->out_comp[j]];
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
