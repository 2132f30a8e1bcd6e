/*
 * eval_columns.c — a batch given column by column (ql_evaluate_columns,
 * include/quotalevy.h): the caller's int64 arrays read straight into the
 * fast path's slots row after row, and its outputs written straight into
 * the caller's arrays, with no record and no result a row.
 *
 * A row is either evaluated here in full or not at all: its values are
 * checked as the typed setters check them (record_num.h, in 64 bits), the
 * fast path's program runs (fast_io.c's qli_fast_begin / qli_fast_body),
 * and every condition on which a record's fast evaluation would hand its
 * result to the exact engine (write_back) is tested before anything is
 * written.  Any row that does not pass goes the reference way: a record
 * set from the row with the public setters, ql_evaluate, and the public
 * column readers (ql_results_output_i64) — so its values, errors and
 * messages are ql_evaluate's by construction, and tests/test_columns.c
 * and the fuzz target hold the fast rows to them.
 */
#include "eval_columns.h"
#include "date.h"
#include "decimal.h"
#include "eval.h"
#include "fast.h"
#include "fast_code.h"
#include "fast_num.h"
#include "fast_run.h"
#include "record_num.h"
#include "result_access.h"
#include "ruleset.h"
#include "scale.h"
#include "unicode.h"
#include "util.h"
#include "value.h"

#include <stdlib.h>
#include <string.h>

/* An input's column: numbers (v) or texts (t, tl: a string input). */
typedef struct col_in {
    const int64_t *v;       /* NULL (and t NULL): no column, empty */
    const uint8_t *present; /* NULL: every row set */
    int8_t scale;
    const char *const *t;
    const size_t *tl;
} col_in;

/* An output's (or a check field's) column. */
typedef struct col_out {
    int64_t *coef; /* NULL: not written */
    int8_t *scale;
    ql_date *days; /* a date output's (coef NULL then) */
} col_out;

/* How a wanted column is written from the slots after a fast row: an
 * output (a number, a bool, a check's compliance, or a value a column
 * does not give), or a check's field (applicable, compliant, a number). */
enum {
    OC_NUM,
    OC_BOOL,
    OC_CHECK,
    OC_DATE,
    OC_WIDE,
    OC_CK_APPL,
    OC_CK_COMPL,
    OC_CK_NUM
};
typedef struct out_plan {
    uint8_t how;
    display disp;  /* OC_NUM, OC_CK_NUM */
    uint32_t slot; /* OC_NUM, OC_BOOL, OC_CK_NUM: the value's slot */
    uint32_t k;    /* OC_CHECK, OC_CK_*: the check */
    int64_t *coef;
    int8_t *scale;
    ql_date *days; /* OC_DATE */
} out_plan;

/* An input with a column, as a row reads it: laid out once a batch, so
 * a row's loop touches one array. */
typedef struct in_plan {
    uint32_t i;
    uint8_t kind, empty, empty_avail; /* vkind; fprog.in_empty, in_avail */
    uint8_t compared;                 /* a string a formula compares */
    int8_t scale;
    const int64_t *v;
    const uint8_t *present;
    const char *const *t; /* a string input's texts and lengths */
    const size_t *tl;
    uint64_t n_enum;
    struct rec_field f;
} in_plan;

struct ql_columns {
    const ql_ruleset *rs;
    struct fast_scratch *s; /* NULL: the rule set has no fast path */
    ql_record *rec;         /* the exact way, a row at a time */
    ql_result *res;
    col_in *in;        /* per input */
    col_out *out;      /* per output */
    col_out *ck;       /* per check, 5 fields */
    uint8_t *present;  /* per input (padded): the row's, for FO_PRESENT */
    in_plan *with_col; /* the inputs with a column */
    size_t n_with_col;
    out_plan *plan; /* the output and check-field columns wanted, by how */
    size_t n_plan;
    size_t group[OC_CK_NUM + 2]; /* plan[group[h] … group[h + 1]): how h */
    int fast_ok;                 /* the columns allow the fast path at all */
    size_t fast_rows; /* rows evaluated in place so far (eval_columns.h) */
};

size_t qli_columns_fast_rows(const ql_columns *c)
{
    return c ? c->fast_rows : 0;
}

ql_status ql_columns_new(ql_columns **out, const ql_ruleset *rs, ql_error *err)
{
    if (!out || !rs)
        return qli_fail(err, QL_EINVAL, NULL, 0, 0, "NULL argument");
    *out = NULL;
    ql_columns *c = calloc(1, sizeof *c);
    if (!c)
        return qli_fail(err, QL_ENOMEM, NULL, 0, 0, "out of memory");
    c->rs = rs;
    size_t ni = rs->n_inputs, no = rs->n_outputs, nk = rs->n_checks;
    c->in = calloc(ni + 1, sizeof *c->in);
    c->out = calloc(no + 1, sizeof *c->out);
    c->ck = calloc(5 * nk + 1, sizeof *c->ck);
    c->present = calloc(QLI_REC_PADDED(ni) + 1, 1);
    c->with_col = calloc(ni + 1, sizeof *c->with_col);
    c->plan = calloc(no + 5 * nk + 1, sizeof *c->plan);
    ql_status st = QL_ENOMEM;
    if (c->in && c->out && c->ck && c->present && c->with_col && c->plan &&
        (st = ql_record_new(&c->rec, rs, err)) == QL_OK &&
        (st = ql_result_new(&c->res, rs, err)) == QL_OK) {
        c->s = rs->fast ? qli_fast_scratch_new(rs) : NULL;
        *out = c;
        return QL_OK;
    }
    ql_columns_free(c);
    return st == QL_ENOMEM
               ? qli_fail(err, QL_ENOMEM, NULL, 0, 0, "out of memory")
               : st;
}

void ql_columns_free(ql_columns *c)
{
    if (!c)
        return;
    qli_fast_scratch_free(c->s);
    ql_record_free(c->rec);
    ql_result_free(c->res);
    free(c->in);
    free(c->out);
    free(c->ck);
    free(c->present);
    free(c->with_col);
    free(c->plan);
    free(c);
}

ql_status ql_columns_set_input(ql_columns *c, size_t i, const int64_t *values,
                               int scale, const uint8_t *present, ql_error *err)
{
    if (!c)
        return qli_fail(err, QL_EINVAL, NULL, 0, 0, "NULL argument");
    const ql_ruleset *rs = c->rs;
    if (i >= rs->n_inputs)
        return qli_fail(err, QL_EINVAL, NULL, 0, 0,
                        "input %zu out of range (the rule set has %zu inputs)",
                        i, rs->n_inputs);
    const input_def *d = &rs->inputs[i];
    vkind k = d->type.kind;
    if (!values && !present) {
        c->in[i] = (col_in){NULL, NULL, 0}; /* no column: empty */
        return QL_OK;
    }
    if (k != VK_NUMBER && k != VK_BOOL && k != VK_DATE && k != VK_ENUM)
        return qli_fail(err, QL_EINVAL, NULL, 0, 0,
                        "input '%s' is a %s: a column of int64 values cannot "
                        "hold it (give its texts with "
                        "ql_columns_set_input_text)",
                        d->name, d->type_word);
    if (k == VK_NUMBER ? scale < 0 || scale > 18 : scale != 0)
        return qli_fail(err, QL_EINVAL, NULL, 0, 0,
                        "scale %d for input '%s' (%s): expected %s", scale,
                        d->name, d->type_word, k == VK_NUMBER ? "0 … 18" : "0");
    if (!values && present)
        return qli_fail(err, QL_EINVAL, NULL, 0, 0,
                        "input '%s': a present array without values", d->name);
    c->in[i] = (col_in){values, present, (int8_t)scale, NULL, NULL};
    return QL_OK;
}

ql_status ql_columns_set_input_text(ql_columns *c, size_t i,
                                    const char *const *texts,
                                    const size_t *lens, const uint8_t *present,
                                    ql_error *err)
{
    if (!c)
        return qli_fail(err, QL_EINVAL, NULL, 0, 0, "NULL argument");
    const ql_ruleset *rs = c->rs;
    if (i >= rs->n_inputs)
        return qli_fail(err, QL_EINVAL, NULL, 0, 0,
                        "input %zu out of range (the rule set has %zu inputs)",
                        i, rs->n_inputs);
    const input_def *d = &rs->inputs[i];
    if (!texts && !lens && !present) {
        c->in[i] = (col_in){NULL, NULL, 0, NULL, NULL}; /* no column */
        return QL_OK;
    }
    if (d->type.kind != VK_STRING)
        return qli_fail(err, QL_EINVAL, NULL, 0, 0,
                        "input '%s' is a %s, not a string: give its values "
                        "with ql_columns_set_input",
                        d->name, d->type_word);
    if (!texts || !lens)
        return qli_fail(err, QL_EINVAL, NULL, 0, 0, "input '%s': %s without %s",
                        d->name,
                        texts  ? "texts"
                        : lens ? "lengths"
                               : "a present array",
                        texts ? "their lengths" : "texts");
    c->in[i] = (col_in){NULL, present, 0, texts, lens};
    return QL_OK;
}

ql_status ql_columns_set_output(ql_columns *c, size_t i, int64_t *coef,
                                int8_t *scale, ql_error *err)
{
    if (!c || !coef != !scale)
        return qli_fail(err, QL_EINVAL, NULL, 0, 0,
                        "NULL argument (coef and scale are NULL together)");
    if (i >= c->rs->n_outputs)
        return qli_fail(err, QL_EINVAL, NULL, 0, 0,
                        "output %zu out of range (the rule set has %zu)", i,
                        c->rs->n_outputs);
    c->out[i] = (col_out){coef, scale, NULL};
    return QL_OK;
}

ql_status ql_columns_set_output_date(ql_columns *c, size_t i, ql_date *days,
                                     int8_t *state, ql_error *err)
{
    if (!c || !days != !state)
        return qli_fail(err, QL_EINVAL, NULL, 0, 0,
                        "NULL argument (days and state are NULL together)");
    const ql_ruleset *rs = c->rs;
    if (i >= rs->n_outputs)
        return qli_fail(err, QL_EINVAL, NULL, 0, 0,
                        "output %zu out of range (the rule set has %zu)", i,
                        rs->n_outputs);
    const output_def *o = &rs->outputs[i];
    if (days && (o->kind != OUT_COMPUTED ||
                 rs->computed[o->index].type.kind != VK_DATE))
        return qli_fail(err, QL_EINVAL, NULL, 0, 0,
                        "output '%s' is not a computed date: give its column "
                        "with ql_columns_set_output",
                        o->name);
    c->out[i] = (col_out){NULL, state, days};
    return QL_OK;
}

ql_status ql_columns_set_check(ql_columns *c, size_t i, ql_check_field f,
                               int64_t *coef, int8_t *scale, ql_error *err)
{
    if (!c || !coef != !scale)
        return qli_fail(err, QL_EINVAL, NULL, 0, 0,
                        "NULL argument (coef and scale are NULL together)");
    if (i >= c->rs->n_checks || f < QL_CHECK_APPLICABLE ||
        f > QL_CHECK_SHORTFALL)
        return qli_fail(err, QL_EINVAL, NULL, 0, 0,
                        "check %zu field %d out of range (the rule set has %zu "
                        "checks of 5 fields)",
                        i, (int)f, c->rs->n_checks);
    c->ck[5 * i + (size_t)f] = (col_out){coef, scale, NULL};
    return QL_OK;
}

/* ------------------------------------------------------------ the plan */

/* The batch's plan from the columns set: the inputs with a column, the
 * slots of those without (empty on every row: their default, once), the
 * outputs wanted.  fast_ok 0 where no row could take the fast path. */
static void plan_batch(ql_columns *c)
{
    const ql_ruleset *rs = c->rs;
    const fprog *p = rs->fast;
    c->n_with_col = 0;
    c->n_plan = 0;
    c->fast_ok = c->s && p && p->n_out_input == 0;
    for (size_t i = 0; i < rs->n_inputs; i++) {
        c->present[i] = 0;
        if (c->in[i].v || c->in[i].t) {
            in_plan *w = &c->with_col[c->n_with_col++];
            w->i = (uint32_t)i;
            w->kind = (uint8_t)rs->inputs[i].type.kind;
            w->empty = p ? p->in_empty[i] : 0;
            w->empty_avail = p ? p->in_avail[i] : 0;
            w->scale = c->in[i].scale;
            w->v = c->in[i].v;
            w->present = c->in[i].present;
            w->t = c->in[i].t;
            w->tl = c->in[i].tl;
            w->compared = (uint8_t)(rs->inputs[i].compared != 0);
            w->n_enum = rs->inputs[i].en.n;
            w->f = c->rec->fplan[i];
            continue;
        }
        if (!c->fast_ok)
            continue;
        if (p->in_empty[i] == 3)
            c->fast_ok = 0; /* every row is eval.c's error */
        c->s->avail[i] = p->in_avail[i];
        if (p->in_empty[i] == 1)
            c->s->v[p->s_input + i] = p->defaults[i];
    }
    for (size_t i = 0; i < rs->n_outputs; i++) {
        if (!c->out[i].coef && !c->out[i].days)
            continue;
        const output_def *o = &rs->outputs[i];
        out_plan *w = &c->plan[c->n_plan++];
        w->coef = c->out[i].coef;
        w->scale = c->out[i].scale;
        w->days = c->out[i].days;
        w->disp = o->disp;
        w->k = (uint32_t)o->index;
        if (w->days) {
            w->how = OC_DATE;
            w->slot = p ? p->comp_slot[o->index] : 0;
        } else if (o->kind == OUT_CHECK) {
            w->how = OC_CHECK;
        } else if (o->kind == OUT_INPUT) {
            w->how = OC_WIDE;
        } else {
            vkind k = rs->computed[o->index].type.kind;
            w->how = k == VK_NUMBER ? OC_NUM : k == VK_BOOL ? OC_BOOL : OC_WIDE;
            w->slot = p ? p->comp_slot[o->index] : 0;
        }
    }
    for (size_t k = 0; k < 5 * rs->n_checks; k++) {
        if (!c->ck[k].coef)
            continue;
        out_plan *w = &c->plan[c->n_plan++];
        int f = (int)(k % 5);
        w->days = NULL;
        w->coef = c->ck[k].coef;
        w->scale = c->ck[k].scale;
        w->k = (uint32_t)(k / 5);
        w->how = f == QL_CHECK_APPLICABLE  ? OC_CK_APPL
                 : f == QL_CHECK_COMPLIANT ? OC_CK_COMPL
                                           : OC_CK_NUM;
        if (w->how == OC_CK_NUM) {
            int j = f - QL_CHECK_REQUIRED;
            w->disp = rs->checks[w->k].disp[j];
            w->slot =
                p ? p->s_check + 5 * w->k + (uint32_t)(CF_REQUIRED + j) : 0;
        }
    }
    /* grouped by how, so that a row writes each group in a loop of its
     * own, with no dispatch a column (the order of writes is free) */
    for (size_t a = 1; a < c->n_plan; a++)
        for (size_t b = a; b > 0 && c->plan[b - 1].how > c->plan[b].how; b--) {
            out_plan t = c->plan[b];
            c->plan[b] = c->plan[b - 1];
            c->plan[b - 1] = t;
        }
    size_t at = 0;
    for (int h = 0; h <= OC_CK_NUM + 1; h++) {
        while (at < c->n_plan && c->plan[at].how < h)
            at++;
        c->group[h] = at;
    }
}

/* ------------------------------------------------------------ fast rows */

/* Whether ql_record_set_text would store text s[0, len) (len > 0) as it
 * is: ASCII with no NUL (valid UTF-8, so), no blank at either end to
 * trim, within a string's length.  Any other text (UTF-8 beyond ASCII
 * too) the setter reads, the exact way, and says what is wrong. */
static inline int text_fast(const char *s, size_t len)
{
    if (!s || len > UINT32_MAX || s[0] == ' ' || s[0] == '\t' ||
        s[len - 1] == ' ' || s[len - 1] == '\t')
        return 0;
    for (size_t k = 0; k < len; k++)
        if ((unsigned char)s[k] - 1u >= 0x7Fu)
            return 0;
    return 1;
}

/* A compared string's text passes store_string's check (NFC, nothing
 * invisible) as it is. */
static inline int text_shown_as_is(const char *s, size_t len)
{
    qli_uc_problem up;
    return qli_uc_check(s, len, &up) == QLI_UC_OK;
}

/* Row r's inputs into the slots as a record set from it would be read
 * (fast_io.c's load_inputs): F_FALL where a value is refused or might be
 * (the setter is to say why) or an empty field is eval.c's error. */
static inline int load_row(ql_columns *c, fctx *e, size_t r)
{
    const fprog *p = e->p;
    fval *v = e->v + p->s_input;
    uint8_t *avail = e->s->avail;
    for (const in_plan *w = c->with_col, *end = w + c->n_with_col; w < end;
         w++) {
        uint32_t i = w->i;
        size_t len = 0;
        if (w->t && (!w->present || w->present[r])) {
            const char *s = w->t[r];
            len = w->tl[r];
            if (len && (!text_fast(s, len) ||
                        (w->compared && !text_shown_as_is(s, len))))
                return F_FALL; /* the setter is to read it, or say why */
            if (len) {
                v[i].c = 0;
                v[i].p = s;
                v[i].s = 0;
                v[i].len = (uint32_t)len;
                c->present[i] = 1;
                avail[i] = 1;
                continue;
            }
        }
        if ((w->present && !w->present[r]) || (w->t && !len)) {
            if (w->empty == 3)
                return F_FALL;
            c->present[i] = 0;
            avail[i] = w->empty_avail;
            if (w->empty == 1)
                v[i] = p->defaults[i];
            continue;
        }
        int64_t x = w->v[r];
        int sc = w->scale;
        if (w->kind == VK_NUMBER) {
            if (!qli_rec_num_ok(&w->f, &x, &sc))
                return F_FALL;
        } else if (w->kind == VK_BOOL) {
            x = x != 0;
        } else if (w->kind == VK_DATE) {
            if (x < QLI_DAY_MIN || x > QLI_DAY_MAX) /* ql_record_set_date's */
                return F_FALL;
        } else if ((uint64_t)x >= w->n_enum) { /* VK_ENUM; a negative too */
            return F_FALL;
        }
        v[i].c = x;
        v[i].d = 0;
        v[i].s = sc;
        v[i].len = 0;
        c->present[i] = 1;
        avail[i] = 1;
    }
    return FN_OK;
}

/* Whether the values a fast evaluation left can be handed out as they
 * are: the tests write_back makes before it writes a result (no
 * undivided quotient, every number shown at its places), whichever
 * columns are wanted, so a row passes here exactly when a record's fast
 * evaluation would leave its result in 64 bits. */
/* qli_fast_shown_fits with its common answer inline (the same first
 * test): a number at its places, or padded by at most 17 zeros. */
static inline int fits(const fval *f, display d)
{
    if (d.scale < 0 || f->s == d.scale ||
        (f->s < d.scale && d.scale - f->s <= 17))
        return 1;
    return qli_fast_shown_fits(f, d);
}

static inline int row_shown(const fctx *e)
{
    const ql_ruleset *rs = e->rs;
    const fprog *p = e->p;
    const fval *ov = e->v + p->s_comp;
    int64_t quotient = 0;
    for (size_t k = 0; k < p->n_out_num; k++)
        quotient |= ov[p->out_num[k]].d;
    if (quotient)
        return 0;
    for (size_t k = 0; k < p->n_out_chk; k++) {
        uint32_t j = p->out_chk[k];
        if (!fits(&ov[p->out_pos[p->out_comp[j]]], p->out_disp[j]))
            return 0;
    }
    const fast_check *ck = e->s->ck;
    const fval *fv = &e->v[p->s_check];
    for (size_t k = 0; k < rs->n_checks; k++, fv += 5) {
        if (!ck[k].applicable)
            continue;
        const display *d = rs->checks[k].disp;
        if ((fv[CF_REQUIRED].d | fv[CF_ACTUAL].d | fv[CF_SHORTFALL].d) != 0 ||
            !fits(&fv[CF_REQUIRED], d[0]) || !fits(&fv[CF_ACTUAL], d[1]) ||
            !fits(&fv[CF_SHORTFALL], d[2]))
            return 0;
    }
    return 1;
}

static inline void put(const out_plan *w, size_t r, int64_t coef, int scale)
{
    if (scale >= 0)
        w->coef[r] = coef;
    w->scale[r] = (int8_t)scale;
}

/* Row r's wanted columns from the slots, as ql_results_output_i64 and
 * ql_results_check_i64 give them after a fast evaluation. */
static inline void write_row(const ql_columns *c, const fctx *e, size_t r)
{
    const fval *v = e->v;
    const fast_check *ck = e->s->ck;
    const out_plan *w = c->plan, *end;
    for (end = c->plan + c->group[OC_NUM + 1]; w < end; w++) {
        int64_t coef = 0;
        int sc = qli_i64_shown(&coef, v[w->slot].c, v[w->slot].s, w->disp);
        put(w, r, coef, sc);
    }
    for (end = c->plan + c->group[OC_BOOL + 1]; w < end; w++)
        put(w, r, v[w->slot].c != 0, 0);
    for (end = c->plan + c->group[OC_CHECK + 1]; w < end; w++)
        put(w, r, ck[w->k].compliant, ck[w->k].applicable ? 0 : QL_I64_NONE);
    for (end = c->plan + c->group[OC_DATE + 1]; w < end; w++) {
        w->days[r] = (ql_date)v[w->slot].c; /* a date of 0001 … 9999 */
        w->scale[r] = 0;
    }
    for (end = c->plan + c->group[OC_WIDE + 1]; w < end; w++)
        put(w, r, 0, QL_I64_WIDE);
    for (end = c->plan + c->group[OC_CK_APPL + 1]; w < end; w++)
        put(w, r, ck[w->k].applicable, 0);
    for (end = c->plan + c->group[OC_CK_COMPL + 1]; w < end; w++)
        put(w, r, ck[w->k].compliant, ck[w->k].applicable ? 0 : QL_I64_NONE);
    for (end = c->plan + c->group[OC_CK_NUM + 1]; w < end; w++) {
        int64_t coef = 0;
        int sc = ck[w->k].applicable
                     ? qli_i64_shown(&coef, v[w->slot].c, v[w->slot].s, w->disp)
                     : QL_I64_NONE;
        put(w, r, coef, sc);
    }
}

/* ------------------------------------------------------------ the exact way */

/* Row r as a record, set with the public setters; QL_OK, or the first
 * refusal (in declaration order, as ql_record_set_texts reports it) in
 * *err. */
static ql_status set_row(ql_columns *c, size_t r, ql_error *err)
{
    ql_record *rec = c->rec;
    ql_record_clear(rec);
    for (size_t k = 0; k < c->n_with_col; k++) {
        uint32_t i = c->with_col[k].i;
        const col_in *ci = &c->in[i];
        if (ci->present && !ci->present[r])
            continue;
        const input_def *d = &c->rs->inputs[i];
        ql_status st;
        if (ci->t) { /* a string: as the text setter reads it */
            if (ci->tl[r] &&
                (st = ql_record_set_text(rec, i, ci->t[r], ci->tl[r], err)))
                return st;
            continue;
        }
        int64_t x = ci->v[r];
        switch (d->type.kind) {
        case VK_NUMBER: {
            ql_decimal dec;
            ql_decimal_from_int64(&dec, x, ci->scale);
            st = ql_record_set_decimal(rec, i, &dec, err);
            break;
        }
        case VK_BOOL: st = ql_record_set_bool(rec, i, x != 0, err); break;
        case VK_DATE:
            if (x < QLI_DAY_MIN || x > QLI_DAY_MAX) {
                /* the setter's words, with the cell's own value even past
                 * a ql_date's 32 bits */
                char why[160];
                qli_date_range_why(why, sizeof why, x);
                qli_fail(err, QL_ERECORD, NULL, 0, 0, "%s", why);
                qli_error_set_field(err, d->name);
                st = QL_ERECORD;
            } else {
                st = ql_record_set_date(rec, i, (ql_date)x, err);
            }
            break;
        default: /* VK_ENUM */
            if (x < 0 || (uint64_t)x >= d->en.n) {
                qli_fail(err, QL_ERECORD, NULL, 0, 0,
                         "enum index %lld is not one of the %zu values of "
                         "field '%s' (0 … %zu)",
                         (long long)x, d->en.n, d->name, d->en.n - 1);
                qli_error_set_field(err, d->name);
                st = QL_ERECORD;
            } else {
                st = ql_record_set_text(rec, i, d->en.values[x], d->en.lens[x],
                                        err);
            }
            break;
        }
        if (st)
            return st;
    }
    return QL_OK;
}

/* Every wanted column of row r: QL_I64_NONE (a failed row). */
static void none_row(const ql_columns *c, size_t r)
{
    for (size_t k = 0; k < c->n_plan; k++)
        c->plan[k].scale[r] = QL_I64_NONE;
}

/* A date output's column from res, as ql_result_output gives it: the
 * day with state 0, or QL_I64_NONE for no date. */
static void read_date(const ql_columns *c, size_t i, size_t r)
{
    ql_value v = QL_VALUE_INIT;
    if (ql_result_output(&v, c->res, i) == QL_OK && v.type == QL_TYPE_DATE) {
        c->out[i].days[r] = v.date;
        c->out[i].scale[r] = 0;
    } else {
        c->out[i].scale[r] = QL_I64_NONE;
    }
}

/* Row r's wanted columns from the columns' result, with the public
 * column readers. */
static void read_row(const ql_columns *c, size_t r)
{
    const ql_result *const one = c->res;
    for (size_t i = 0; i < c->rs->n_outputs; i++) {
        if (c->out[i].days)
            read_date(c, i, r);
        else if (c->out[i].coef)
            ql_results_output_i64(&c->out[i].coef[r], &c->out[i].scale[r], &one,
                                  1, i, NULL);
    }
    for (size_t k = 0; k < 5 * c->rs->n_checks; k++)
        if (c->ck[k].coef)
            ql_results_check_i64(&c->ck[k].coef[r], &c->ck[k].scale[r], &one, 1,
                                 k / 5, (ql_check_field)(k % 5), NULL);
}

/* The batch's error from row r's: "row 7, field 'd': …", its place
 * kept (a rule's file, line and column). */
static void batch_error(ql_error *out, size_t r, const ql_error *row)
{
    char msg[QL_ERROR_MESSAGE_MAX + 64];
    ql_error tmp = *row;
    tmp.file[0] = '\0'; /* the message and the field only */
    tmp.line = tmp.column = 0;
    ql_error_format(msg, sizeof msg, &tmp);
    qli_fail(out, row->code, row->file, row->line, row->column, "row %zu%s%s",
             r, !strncmp(msg, "field '", 7) ? ", " : ": ", msg);
    qli_error_set_field(out, row->field);
}

/* Row r the reference way: QL_OK with its columns written, or its
 * status (columns NONE, on_error told; the first in *first_err). */
static ql_status exact_row(ql_columns *c, size_t r, ql_date date,
                           ql_row_error_cb on_error, void *payload,
                           ql_error *first_err)
{
    ql_error err;
    ql_status st = set_row(c, r, &err);
    if (st == QL_OK)
        st = ql_evaluate(c->res, c->rec, date, 0, &err);
    if (st) {
        none_row(c, r);
        if (first_err)
            batch_error(first_err, r, &err);
        if (on_error)
            on_error(r, &err, payload);
        return st;
    }
    read_row(c, r);
    return QL_OK;
}

/* Row r when the fast values cannot be handed out as they are (an
 * undivided quotient at an output, as Germany's employment_rate on
 * every row, or a number shown at its places only by a display
 * rounding): put into the columns' result as a record's fast evaluation
 * puts them (qli_fast_put, which divides as eval.c divides), checked as
 * ql_evaluate then checks such a result (qli_sc_check_result), and read
 * with the public column readers as exact_row reads it — what exact_row
 * would write, without the record and eval.c.  0 where the exact way is
 * to decide (and to say why). */
static int result_row(ql_columns *c, fctx *e, size_t r, ql_date date)
{
    ql_result *res = c->res;
    if (qli_fast_put(e, res, NULL, date) != FN_OK ||
        (!res->fastv && qli_sc_check_result(res) != QL_OK))
        return 0;
    read_row(c, r);
    return 1;
}

/* Row r the fast way: 1 with its columns written, 0 where the exact way
 * is to evaluate it. */
static int fast_row(ql_columns *c, fctx *e, size_t r, ql_date date)
{
    if (load_row(c, e, r) != FN_OK || qli_fast_body(e) != FN_OK)
        return 0;
    if (!row_shown(e))
        return result_row(c, e, r, date);
    write_row(c, e, r);
    return 1;
}

ql_status ql_evaluate_columns(ql_columns *c, size_t n, ql_date date,
                              ql_row_error_cb on_error, void *payload,
                              ql_error *err)
{
    if (!c)
        return qli_fail(err, QL_EINVAL, NULL, 0, 0, "NULL argument");
    if (!qli_date_in_range(date)) {
        char why[160];
        qli_date_range_why(why, sizeof why, date);
        return qli_fail(err, QL_EINVAL, NULL, 0, 0,
                        "bad argument: the evaluation's %s", why);
    }
    plan_batch(c);
    ql_status first = QL_OK;
    fctx e;
    int fast = c->fast_ok && qli_fast_begin(&e, c->rs, c->s, date) == FN_OK;
    e.rec = NULL;
    e.present = c->present;
    for (size_t r = 0; r < n; r++) {
        if (fast && fast_row(c, &e, r, date)) {
            c->fast_rows++;
            continue;
        }
        ql_status st = exact_row(c, r, date, on_error, payload,
                                 first == QL_OK ? err : NULL);
        if (st == QL_ENOMEM) {
            qli_fail(err, QL_ENOMEM, NULL, 0, 0, "out of memory (row %zu)", r);
            return st;
        }
        if (st && first == QL_OK)
            first = st;
    }
    return first;
}
