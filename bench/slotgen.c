/*
 * slotgen.c — a prototype for issue #18's two unmet targets (bench
 * only, not part of the library): the fast path's main program
 * (lib/fast_code.h) generated as C once per *shape* of record — which
 * inputs are set, and at what scale each number is — so that every
 * scale, and every test of whether a field is set, is a constant the C
 * compiler folds.  Each value lives in a local (an 8-byte coefficient in
 * a register once its scale and quotient part are constant); the
 * fields are read in place from the record; the shortcuts of fast_ops.h
 * that test scales at run time (equal scales, an undivided quotient)
 * become dead code where the scales are known.  The arithmetic is
 * fast_num.h's, so every value and scale is the fast path's own, and
 * every case it cannot take (overflow, a field past 64 bits, an empty
 * field eval.c would refuse, a failed validation) hands the record back
 * exactly as the interpreter does.
 *
 *   slotgen OUT.c RULES.yaml SAMPLE.csv DATE K
 *
 * The K shapes most frequent among SAMPLE.csv's records (bench/
 * gen_units.py output) each get an instance of the program with their
 * scales constant; one more instance takes every other record with its
 * scales read at run time.  The parameters' scales are taken from the
 * rule set (each parameter whose values all have one scale) and checked
 * once a batch (slots_date_ok).  bench_slots.c runs the result against
 * ql_evaluate on every record and measures both.
 *
 * Where a rule set's code holds an instruction this prototype does not
 * translate, it writes a program that hands every record back (and
 * says so on standard error).
 */
#include <quotalevy.h>

#include "code.h"
#include "eval.h"
#include "fast_code.h"
#include "ruleset.h"
#include "units_csv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SLOT(off) ((unsigned)((off) / sizeof(fval)))
#define INSN(off) ((size_t)((uint32_t)(off) / sizeof(fop)))

typedef struct gen {
    FILE *o;
    uint8_t *target; /* per instruction: a jump lands there */
    const ql_ruleset *rs;
    const fprog *p;
    int seq;    /* labels of inlined blocks */
    int failed; /* an instruction not translated */
    int depth;
} gen;

/* The last instruction of the code region from start: the RET past
 * every jump target inside it. */
static size_t region_end(const fprog *p, size_t start)
{
    size_t far = start;
    for (size_t i = start; i < p->ncode; i++) {
        const fop *o = &p->code[i];
        size_t t = 0;
        switch ((fop_code)o->op) {
        case FO_JMP:
        case FO_JF:
        case FO_JT:
        case FO_JCMP_NUM:
        case FO_JCMP_DATE:
        case FO_JCMP_EQ:
        case FO_JCMP_P:
        case FO_CK_PERIOD: t = INSN(o->arg); break;
        case FO_NEED_SKIP: t = INSN(o->x); break;
        default: break;
        }
        if (t > far)
            far = t;
        if (o->op == FO_RET && i >= far)
            return i;
    }
    return p->ncode - 1;
}

static void emit_region(gen *g, size_t start, int lab, const char *on_ret);

/* A slot as the scalars it is in the generated C: cN (coefficient), dN
 * (divisor of an undivided quotient, 0 for a plain number), sN (scale),
 * and pN, lN for a string.  T(n): "cN, dN, sN"; P(n): "cN, sN" (a plain
 * number); R(n): "&cN, &dN, &sN".  Each from a ring of buffers, so that
 * one fprintf may take several. */
static const char *ring(void)
{
    static char buf[16][48];
    static int k;
    return buf[k++ % 16];
}
static const char *T(unsigned n)
{
    char *b = (char *)ring();
    snprintf(b, 48, "c%u, d%u, s%u", n, n, n);
    return b;
}
static const char *P(unsigned n)
{
    char *b = (char *)ring();
    snprintf(b, 48, "c%u, s%u", n, n);
    return b;
}
static const char *R(unsigned n)
{
    char *b = (char *)ring();
    snprintf(b, 48, "&c%u, &d%u, &s%u", n, n, n);
    return b;
}

/* slot d = slot x, every part */
static void emit_copy(FILE *f, unsigned d, unsigned x)
{
    if (d != x)
        fprintf(f,
                "    c%u = c%u; d%u = d%u; s%u = s%u; p%u = p%u; l%u = l%u;\n",
                d, x, d, x, d, x, d, x, d, x);
}

/* slot d = a plain number (coefficient expression, scale expression) */
static void emit_set(FILE *f, unsigned d, const char *c, const char *s)
{
    fprintf(f, "    c%u = %s; d%u = 0; s%u = %s;\n", d, c, d, d, s);
}

/* A comparison's ordering of the number slots x and y into c_, as
 * FOPB_CMP_P (plain) or FOPB_CMP_NUM (may be quotients) gives it:
 * sl_cmp is fn_cmp, whose equal-scale case is both bodies' shortcut. */
static void emit_cmp(gen *g, unsigned x, unsigned y)
{
    fprintf(g->o, "    if (sl_cmp(%s, %s, &c_)) return F_FALL;\n", T(x), T(y));
}

/* Two operands made plain into slots ax and bx (PLAIN2): the temporaries
 * 0 and 1 of the program (a_, b_). */
static void emit_plain2(gen *g, unsigned x, unsigned y)
{
    fprintf(g->o,
            "    ca_ = c%u; da_ = d%u; sa_ = s%u; cb_ = c%u; db_ = d%u; sb_ = "
            "s%u;\n"
            "    if ((da_ | db_) != 0 && (sl_plain(&ca_, &da_, &sa_) || "
            "sl_plain(&cb_, &db_, &sb_))) return F_FALL;\n",
            x, x, x, y, y, y);
}

static void emit_op(gen *g, size_t i, int lab, const char *on_ret)
{
    const fprog *p = g->p;
    const fop *o = &p->code[i];
    FILE *f = g->o;
    unsigned d = SLOT(o->dst), x = SLOT(o->x), y = SLOT(o->y);
    size_t t = INSN(o->arg);
    if (g->target[i])
        fprintf(f, "L%d_%zu:;\n", lab, i);
    switch ((fop_code)o->op) {
    case FO_MOVE: emit_copy(f, d, x); break;
    case FO_NEED_IN:
        /* the main program runs outside a validation: F_FALL */
        fprintf(f, "    if (av%d != 1) return F_FALL;\n", o->arg);
        break;
    case FO_NEED_SKIP:
        fprintf(f,
                "    if (av%d != 1) { if (av%d != 0) return F_FALL; goto "
                "L%d_%zu; }\n",
                o->arg, o->arg, lab, INSN(o->x));
        break;
    case FO_ASSERT: fprintf(f, "    if (!c%u) return F_FALL;\n", x); break;
    case FO_NEED_PAR:
        fprintf(f, "    if (!s->pavail[%d]) return F_FALL;\n", o->arg);
        break;
    case FO_PRESENT: {
        char b[32];
        snprintf(b, sizeof b, "pr%d", o->arg);
        emit_set(f, d, b, "0");
        break;
    }
    case FO_EVAL: {
        const computed_def *c = &g->rs->computed[o->arg];
        uint32_t st = o->a8 ? p->mstart_chk[c->block] : p->start_chk[c->block];
        int sub = ++g->seq;
        if (g->depth > 8) {
            g->failed = 1;
            fprintf(f, "    return F_FALL;\n");
            break;
        }
        /* each value once, as the interpreter's cst */
        unsigned cs = p->comp_slot[o->arg];
        fprintf(f, "    if (!done%d_%d) {\n", lab, o->arg);
        char ret[200];
        snprintf(ret, sizeof ret,
                 "c%u = c%%u; d%u = d%%u; s%u = s%%u; p%u = p%%u; l%u = l%%u; "
                 "goto E%d;",
                 cs, cs, cs, cs, cs, sub);
        g->depth++;
        emit_region(g, st, sub, ret);
        g->depth--;
        fprintf(f, "E%d:;\n    done%d_%d = 1;\n    }\n", sub, lab, o->arg);
        break;
    }
    case FO_CHECK: {
        int sub = ++g->seq;
        if (g->depth > 8) {
            g->failed = 1;
            fprintf(f, "    return F_FALL;\n");
            break;
        }
        fprintf(f, "    if (!kdone%d_%d) {\n", lab, o->arg);
        char ret[64];
        snprintf(ret, sizeof ret, "(void)c%%u; goto E%d;", sub);
        g->depth++;
        emit_region(g, p->check_start_chk[o->arg], sub, ret);
        g->depth--;
        fprintf(f, "E%d:;\n    kdone%d_%d = 1;\n    }\n", sub, lab, o->arg);
        break;
    }
    case FO_PARAM_AT:
        fprintf(f,
                "    { int k_ = qli_param_index_at(&e->rs->params[%d], "
                "(ql_date)c%u);\n"
                "      if (k_ < 0 || !p->params[%d].ok[k_]) return F_FALL;\n"
                "      const fval *f_ = &p->params[%d].v[k_];\n"
                "      c%u = f_->c; d%u = f_->d; s%u = f_->s; }\n",
                o->arg, x, o->arg, o->arg, d, d, d);
        break;
    case FO_ADD:
    case FO_SUB:
    case FO_ADD_P:
    case FO_SUB_P: {
        int sub = o->op == FO_SUB || o->op == FO_SUB_P;
        if (o->op == FO_ADD || o->op == FO_SUB) {
            emit_plain2(g, x, y);
            fprintf(f,
                    "    if (sl_add(&c%u, &s%u, ca_, sa_, cb_, sb_, %d)) "
                    "return F_FALL;\n",
                    d, d, sub);
        } else {
            fprintf(f,
                    "    if (sl_add(&c%u, &s%u, %s, %s, %d)) return F_FALL;\n",
                    d, d, P(x), P(y), sub);
        }
        fprintf(f, "    d%u = 0;\n", d);
        break;
    }
    case FO_MUL:
    case FO_MUL_P:
        if (o->op == FO_MUL) {
            emit_plain2(g, x, y);
            fprintf(f,
                    "    if (sl_mul(&c%u, &s%u, ca_, sa_, cb_, sb_)) return "
                    "F_FALL;\n",
                    d, d);
        } else {
            fprintf(f, "    if (sl_mul(&c%u, &s%u, %s, %s)) return F_FALL;\n",
                    d, d, P(x), P(y));
        }
        fprintf(f, "    d%u = 0;\n", d);
        break;
    case FO_DIV:
        emit_plain2(g, x, y);
        fprintf(f,
                "    if (cb_ == 0) return F_FALL;\n    c%u = ca_; d%u = cb_; "
                "s%u = sa_ - sb_;\n",
                d, d, d);
        break;
    case FO_NEG:
    case FO_ABS:
        fprintf(
            f, "    if (c%u == INT64_MIN || d%u == INT64_MIN) return F_FALL;\n",
            x, x);
        emit_copy(f, d, x);
        if (o->op == FO_NEG)
            fprintf(f, "    c%u = -c%u;\n", d, d);
        else
            fprintf(
                f,
                "    c%u = c%u < 0 ? -c%u : c%u; d%u = d%u < 0 ? -d%u : d%u;\n",
                d, d, d, d, d, d, d, d);
        break;
    case FO_CMP_NUM:
    case FO_CMP_P:
        emit_cmp(g, x, y);
        fprintf(f, "    c%u = qli_fop_holds(c_, %u); d%u = 0; s%u = 0;\n", d,
                o->a8, d, d);
        break;
    case FO_CMP_DATE:
        fprintf(f,
                "    c_ = (c%u > c%u) - (c%u < c%u);\n    c%u = "
                "qli_fop_holds(c_, %u); d%u = 0; s%u = 0;\n",
                x, y, x, y, d, o->a8, d, d);
        break;
    case FO_CMP_EQ:
        fprintf(f,
                "    c%u = qli_fop_holds(c%u != c%u, %u); d%u = 0; s%u = 0;\n",
                d, x, y, o->a8, d, d);
        break;
    case FO_CMP_STR:
        fprintf(f,
                "    c%u = qli_fop_holds(sl_str_eq(p%u, l%u, p%u, l%u) ? 0 : "
                "1, %u); d%u = 0; s%u = 0;\n",
                d, x, x, y, y, o->a8, d, d);
        break;
    case FO_NOT:
        fprintf(f, "    c%u = !c%u; d%u = 0; s%u = 0;\n", d, x, d, d);
        break;
    case FO_JMP: fprintf(f, "    goto L%d_%zu;\n", lab, t); break;
    case FO_JF:
    case FO_JT:
        fprintf(f, "    if (%sc%u) { c%u = %u; goto L%d_%zu; }\n",
                o->op == FO_JF ? "!" : "", x, d, o->a8, lab, t);
        break;
    case FO_JCMP_NUM:
    case FO_JCMP_P:
    case FO_JCMP_DATE:
    case FO_JCMP_EQ:
        if (o->op == FO_JCMP_DATE)
            fprintf(f, "    c_ = (c%u > c%u) - (c%u < c%u);\n", x, y, x, y);
        else if (o->op == FO_JCMP_EQ)
            fprintf(f, "    c_ = c%u != c%u;\n", x, y);
        else
            emit_cmp(g, x, y);
        fprintf(f,
                "    if (qli_fop_holds(c_, %u) == %u) { c%u = %u; goto "
                "L%d_%zu; }\n",
                o->a8 & 127, o->a8 >> 7, d, o->a8 >> 7, lab, t);
        break;
    case FO_IN_NUM:
    case FO_IN_INT:
    case FO_IN_STR: {
        unsigned k0 = SLOT((uint32_t)o->arg);
        fprintf(f, "    { int hit_ = 0;\n");
        for (uint32_t k = 0; k < o->y; k++) {
            if (o->op == FO_IN_NUM)
                fprintf(f,
                        "      if (!hit_) { if (sl_cmp(%s, %s, &c_)) return "
                        "F_FALL; hit_ = c_ == 0; }\n",
                        T(x), T(k0 + k));
            else if (o->op == FO_IN_STR)
                fprintf(
                    f,
                    "      if (!hit_) hit_ = sl_str_eq(p%u, l%u, p%u, l%u);\n",
                    x, x, k0 + k, k0 + k);
            else
                fprintf(f, "      if (!hit_) hit_ = c%u == c%u;\n", x, k0 + k);
        }
        fprintf(f, "      c%u = %shit_; d%u = 0; s%u = 0; }\n", d,
                o->a8 ? "!" : "", d, d);
        break;
    }
    case FO_MIN2:
    case FO_MAX2:
    case FO_MIN2_P:
    case FO_MAX2_P: {
        int want = o->op == FO_MIN2 || o->op == FO_MIN2_P ? -1 : 1;
        if (o->a8)
            fprintf(f, "    c_ = (c%u > c%u) - (c%u < c%u);\n", y, x, y, x);
        else
            emit_cmp(g, y, x);
        fprintf(f, "    if (c_ == %d) {\n", want);
        emit_copy(f, d, y);
        fprintf(f, "    } else {\n");
        emit_copy(f, d, x);
        fprintf(f, "    }\n");
        break;
    }
    case FO_MIN:
    case FO_MAX: {
        int want = o->op == FO_MIN ? -1 : 1;
        for (uint32_t k = 1; k < o->y; k++) {
            if (o->a8)
                fprintf(f, "    c_ = (c%u > c%u) - (c%u < c%u);\n", x + k, x,
                        x + k, x);
            else
                emit_cmp(g, x + k, x);
            fprintf(f, "    if (c_ == %d) {\n", want);
            emit_copy(f, x, x + k);
            fprintf(f, "    }\n");
        }
        emit_copy(f, d, x);
        break;
    }
    case FO_ROUND:
        fprintf(
            f,
            "    if (sl_round_any(%s, %s, %d, (qd_round)%u)) return F_FALL;\n",
            R(d), T(x), o->arg, o->a8);
        break;
    case FO_ROUND_P:
        fprintf(f,
                "    if (sl_round(&c%u, &s%u, %s, %d, (qd_round)%u)) return "
                "F_FALL;\n    d%u = 0;\n",
                d, d, P(x), o->arg, o->a8, d);
        break;
    case FO_DIVROUND:
        emit_plain2(g, x, y);
        fprintf(f,
                "    if (sl_div_round(&c%u, &s%u, ca_, sa_, cb_, sb_, %d, "
                "(qd_round)%u)) return F_FALL;\n    d%u = 0;\n",
                d, d, o->arg, o->a8, d);
        break;
    case FO_DIVROUND_P:
        fprintf(f,
                "    if (sl_div_round(&c%u, &s%u, %s, %s, %d, (qd_round)%u)) "
                "return F_FALL;\n    d%u = 0;\n",
                d, d, P(x), P(y), o->arg, o->a8, d);
        break;
    case FO_BRACKET:
        fprintf(f, "    if (sl_bracket(%s, %s, s->tab[%d])) return F_FALL;\n",
                R(d), T(x), o->arg);
        break;
    case FO_YEAR:
    case FO_MONTH:
    case FO_DAY:
        fprintf(f,
                "    { int y_, m_, d_; qli_date_ymd((ql_date)c%u, &y_, &m_, "
                "&d_); c%u = %s; d%u = 0; s%u = 0; }\n",
                x, d,
                o->op == FO_YEAR    ? "y_"
                : o->op == FO_MONTH ? "m_"
                                    : "d_",
                d, d);
        break;
    case FO_DAYS:
        fprintf(f, "    c%u = c%u - c%u; d%u = 0; s%u = 0;\n", d, y, x, d, d);
        break;
    case FO_ADD_DATE:
        fprintf(f,
                "    { ql_date m_; if (sl_add_date((ql_date)c%u, %s, %u, &m_)) "
                "return F_FALL; c%u = m_; d%u = 0; s%u = 0; }\n",
                x, T(y), o->a8, d, d, d);
        break;
    case FO_CK_PERIOD:
        fprintf(f, "    if (!s->in_period[%u]) goto L%d_%zu;\n", o->dst, lab,
                t);
        break;
    case FO_CK_SHORT: {
        unsigned b = p->s_check + 5 * o->dst, rq = b + CF_REQUIRED,
                 ac = b + CF_ACTUAL, sh = b + CF_SHORTFALL;
        emit_plain2(g, rq, ac);
        fprintf(f,
                "    if (sl_add(&c%u, &s%u, ca_, sa_, cb_, sb_, 1)) return "
                "F_FALL;\n    d%u = 0;\n"
                "    if (c%u < 0) { c%u = 0; s%u = 0; }\n",
                sh, sh, sh, sh, sh, sh);
        break;
    }
    case FO_CK_DONE: {
        unsigned b = p->s_check + 5 * o->dst;
        if (o->x == FS_NONE)
            fprintf(f,
                    "    if (sl_cmp(%s, %s, &c_)) return F_FALL;\n    "
                    "s->ck[%u].compliant = c_ >= 0;\n",
                    T(b + CF_ACTUAL), T(b + CF_REQUIRED), o->dst);
        else
            fprintf(f, "    s->ck[%u].compliant = c%u != 0;\n", o->dst, x);
        fprintf(f, "    s->ck[%u].applicable = 1;\n", o->dst);
        emit_set(f, b + CF_APPLICABLE, "1", "0");
        char cmp[48];
        snprintf(cmp, sizeof cmp, "s->ck[%u].compliant", o->dst);
        emit_set(f, b + CF_COMPLIANT, cmp, "0");
        break;
    }
    case FO_CK_NA:
        /* not applicable, compliant, 0 required, 0 actual, 0 short
         * (qli_fop_ck_na) */
        fprintf(f, "    s->ck[%u] = (fast_check){0, 0};\n", o->dst);
        for (unsigned k = 0; k < 5; k++)
            emit_set(f, x + k, k == CF_COMPLIANT ? "1" : "0", "0");
        break;
    case FO_RET:
        fputs("    ", f);
        fprintf(f, on_ret, o->x, o->x, o->x, o->x, o->x);
        fputc('\n', f);
        break;
    case FO_FALLBACK: fprintf(f, "    return F_FALL;\n"); break;
    default:
        g->failed = 1;
        fprintf(f, "    return F_FALL; /* op %u not translated */\n", o->op);
        break;
    }
}

static void emit_region(gen *g, size_t start, int lab, const char *on_ret)
{
    size_t end = region_end(g->p, start);
    /* the done flags of the values and checks this region enters, each
     * once */
    size_t nv = g->rs->n_computed + g->rs->n_checks + 1;
    uint8_t *seen = calloc(nv, 1);
    for (size_t i = start; i <= end; i++) {
        const fop *o = &g->p->code[i];
        if (o->op == FO_EVAL && !seen[o->arg]) {
            seen[o->arg] = 1;
            fprintf(g->o, "    int done%d_%d = 0; (void)done%d_%d;\n", lab,
                    o->arg, lab, o->arg);
        } else if (o->op == FO_CHECK &&
                   !seen[g->rs->n_computed + (size_t)o->arg]) {
            seen[g->rs->n_computed + (size_t)o->arg] = 1;
            fprintf(g->o, "    int kdone%d_%d = 0; (void)kdone%d_%d;\n", lab,
                    o->arg, lab, o->arg);
        }
    }
    free(seen);
    for (size_t i = start; i <= end; i++)
        emit_op(g, i, lab, on_ret);
}

/* ------------------------------------------------------------ shapes */

/* A record's shape: per input, -1 empty, else its scale (0 for a field
 * that is not a number). */
typedef struct shape {
    signed char sc[64];
    size_t count;
} shape;

static void shape_of(shape *sh, const ql_ruleset *rs, const ql_record *rec)
{
    memset(sh->sc, -1, sizeof sh->sc);
    for (size_t i = 0; i < rs->n_inputs && i < 64; i++)
        if (rec->present[i])
            sh->sc[i] =
                (signed char)(rs->fast->in_kind[i] == VK_NUMBER ? rec->v64[i].s
                                                                : 0);
}

static int by_count(const void *a, const void *b)
{
    const shape *x = a, *y = b;
    return (x->count < y->count) - (x->count > y->count);
}

/* The parameter's one scale on every date, or -1. */
static int param_scale(const ql_ruleset *rs, size_t i)
{
    const fparam *fp = &rs->fast->params[i];
    if (fp->tab || rs->params[i].nvalues == 0)
        return -1;
    int sc = -2;
    for (size_t k = 0; k < rs->params[i].nvalues; k++) {
        if (!fp->ok[k] || fp->v[k].d != 0 ||
            rs->params[i].type.kind != VK_NUMBER)
            return -1;
        if (sc == -2)
            sc = fp->v[k].s;
        else if (sc != fp->v[k].s)
            return -1;
    }
    return sc < 0 ? -1 : sc;
}

int main(int argc, char **argv)
{
    if (argc != 6) {
        fprintf(stderr, "usage: slotgen OUT.c RULES.yaml SAMPLE.csv DATE K\n");
        return 2;
    }
    ql_ruleset *rs;
    ql_error err;
    if (ql_ruleset_load(&rs, argv[2], &err)) {
        fprintf(stderr, "slotgen: %s: %s\n", argv[2], err.message);
        return 1;
    }
    const fprog *p = rs->fast;
    if (!p || rs->n_inputs > 64 || p->n_valid_run) {
        fprintf(stderr, "slotgen: %s: no fast code this prototype takes\n",
                argv[2]);
        return 1;
    }
    size_t n = 0;
    ql_record **recs = units_read(rs, argv[3], &n);
    if (!recs)
        return 1;
    int kmax = atoi(argv[5]);
    shape *shapes = calloc(n + 1, sizeof *shapes);
    size_t nsh = 0;
    for (size_t r = 0; r < n; r++) {
        shape sh;
        shape_of(&sh, rs, recs[r]);
        sh.count = 0;
        size_t k = 0;
        while (k < nsh && memcmp(shapes[k].sc, sh.sc, sizeof sh.sc))
            k++;
        if (k == nsh)
            shapes[nsh++] = sh;
        shapes[k].count++;
    }
    /* a shape with an empty field eval.c refuses always falls back: none
     * of its own */
    size_t keep = 0;
    for (size_t k = 0; k < nsh; k++) {
        int falls = 0;
        for (size_t i = 0; i < rs->n_inputs; i++)
            falls |= shapes[k].sc[i] < 0 && p->in_fall[i];
        if (!falls)
            shapes[keep++] = shapes[k];
    }
    nsh = keep;
    qsort(shapes, nsh, sizeof *shapes, by_count);
    if ((size_t)kmax > nsh)
        kmax = (int)nsh;

    FILE *f = fopen(argv[1], "w");
    if (!f) {
        perror(argv[1]);
        return 1;
    }
    gen g = {f, calloc(p->ncode + 1, 1), rs, p, 0, 0, 0};
    for (size_t i = 0; i < p->ncode; i++) {
        const fop *o = &p->code[i];
        switch ((fop_code)o->op) {
        case FO_JMP:
        case FO_JF:
        case FO_JT:
        case FO_JCMP_NUM:
        case FO_JCMP_DATE:
        case FO_JCMP_EQ:
        case FO_JCMP_P:
        case FO_CK_PERIOD:
            if (INSN(o->arg) <= p->ncode)
                g.target[INSN(o->arg)] = 1;
            break;
        case FO_NEED_SKIP:
            if (INSN(o->x) <= p->ncode)
                g.target[INSN(o->x)] = 1;
            break;
        default: break;
        }
    }
    fprintf(f,
            "/* Written by bench/slotgen.c from %s and %zu sample records\n"
            " * (%zu shapes; the %d most frequent constant). Generated: do not "
            "edit. */\n",
            argv[2], n, nsh, kmax);
    size_t covered = 0;
    for (int k = 0; k < kmax; k++) {
        covered += shapes[k].count;
        fprintf(f, "/* shape %d: %zu records:", k, shapes[k].count);
        for (size_t i = 0; i < rs->n_inputs; i++)
            fprintf(f, " %d", shapes[k].sc[i]);
        fprintf(f, " */\n");
    }
    fprintf(f, "/* the constant shapes cover %zu of %zu sample records */\n\n",
            covered, n);
    fprintf(f, "#define SLOTS_NCODE %zu\n#define SLOTS_NSHAPES %d\n\n",
            p->ncode, kmax);
    fprintf(f, "static const signed char slots_shape[%d][%zu] = {\n",
            kmax ? kmax : 1, rs->n_inputs);
    for (int k = 0; k < kmax; k++) {
        fprintf(f, "    {");
        for (size_t i = 0; i < rs->n_inputs; i++)
            fprintf(f, "%d, ", shapes[k].sc[i]);
        fprintf(f, "},\n");
    }
    fprintf(f, "};\n\n");

    /* the parameters' scales, checked once a batch */
    fprintf(f, "static const signed char slots_param_scale[%zu] = {",
            rs->n_params ? rs->n_params : 1);
    for (size_t i = 0; i < rs->n_params; i++)
        fprintf(f, "%d, ", param_scale(rs, i));
    fprintf(f, "};\n\n");

    /* the program, once: SH is a shape's row (its scales constant) or
     * NULL (read from the record) */
    fprintf(
        f,
        "static inline __attribute__((always_inline)) int\n"
        "slots_body(fctx *e, const ql_record *rec, const signed char *SH)\n{\n"
        "    const fprog *p = e->p;\n"
        "    struct fast_scratch *s = e->s;\n"
        "    const fval *const rv = rec->v64;\n"
        "    int c_ = 0;\n"
        "    (void)p; (void)c_;\n");
    /* present and wide: as load_inputs refuses */
    fprintf(f,
            "    if (!SH) {\n"
            "        for (size_t w = 0; w < %zu; w++) {\n"
            "            uint64_t pr, wd, fa;\n"
            "            memcpy(&pr, rec->present + 8 * w, 8); memcpy(&wd, "
            "rec->wide + 8 * w, 8);\n"
            "            memcpy(&fa, p->in_fall + 8 * w, 8);\n"
            "            if ((pr & wd) | ((pr ^ 0x0101010101010101ULL) * 0xFF "
            "& fa)) return F_FALL;\n"
            "        }\n"
            "    } else {\n"
            "        for (size_t w = 0; w < %zu; w++) {\n"
            "            uint64_t pr, wd;\n"
            "            memcpy(&pr, rec->present + 8 * w, 8); memcpy(&wd, "
            "rec->wide + 8 * w, 8);\n"
            "            if (pr & wd) return F_FALL;\n"
            "        }\n"
            "    }\n",
            p->n_in_words, p->n_in_words);
    /* the computed slots the scratch holds before a record: the date's
     * values (its program's writes) and the constant ones */
    uint8_t *from_scratch = calloc(p->nslots + 1, 1);
    for (size_t i = p->date_start; i <= region_end(p, p->date_start); i++)
        if (p->code[i].op != FO_RET && SLOT(p->code[i].dst) < p->nslots)
            from_scratch[SLOT(p->code[i].dst)] = 1;
    for (size_t k = 0; k < rs->n_computed; k++)
        if (p->comp_const[k] >= 0)
            from_scratch[p->comp_slot[k]] = 1;
    /* every slot as scalar locals (c, d, s; p, l for a string): a value
     * whose scale is constant is then one 8-byte coefficient */
    fprintf(f, "    int64_t ca_ = 0, da_ = 0, cb_ = 0, db_ = 0;\n    int32_t "
               "sa_ = 0, sb_ = 0;\n"
               "    (void)ca_; (void)da_; (void)cb_; (void)db_; (void)sa_; "
               "(void)sb_;\n");
    for (size_t k = 0; k < p->nslots; k++) {
        char c[96], d[96], sc[96], pp[96], l[96];
        snprintf(c, sizeof c, "e->v[%zu].c", k);
        snprintf(d, sizeof d, "e->v[%zu].d", k);
        snprintf(sc, sizeof sc, "e->v[%zu].s", k);
        snprintf(pp, sizeof pp, "e->v[%zu].p", k);
        snprintf(l, sizeof l, "e->v[%zu].len", k);
        if (k >= p->s_const && k < p->s_date) {
            const fval *cv = &p->consts[k - p->s_const];
            if (cv->d == 0 && p->const_ok[k - p->s_const] && cv->len == 0) {
                snprintf(c, sizeof c, "%lldLL", (long long)cv->c);
                snprintf(d, sizeof d, "0");
                snprintf(sc, sizeof sc, "%d", cv->s);
                snprintf(pp, sizeof pp, "NULL");
                snprintf(l, sizeof l, "0");
            }
        } else if (k >= p->s_param && k < p->s_input) {
            int ps = param_scale(rs, k - p->s_param);
            if (ps >= 0) {
                snprintf(d, sizeof d, "SH ? 0 : e->v[%zu].d", k);
                snprintf(sc, sizeof sc, "SH ? %d : e->v[%zu].s", ps, k);
            }
        } else if (k >= p->s_input && k < p->s_comp) {
            size_t i = k - p->s_input;
            const fval *df = &p->defaults[i];
            fprintf(f,
                    "    const int pr%zu = SH ? SH[%zu] >= 0 : "
                    "rec->present[%zu]; (void)pr%zu;\n"
                    "    const int av%zu = pr%zu ? 1 : %u; (void)av%zu;\n",
                    i, i, i, i, i, i, p->in_avail[i], i);
            /* an empty field's value: its default, or what the record
             * holds (never read) */
            char dc[96], dd[96], ds[96];
            if (p->in_empty[i] == 1 && df->d == 0 && df->len == 0) {
                snprintf(dc, sizeof dc, "%lldLL", (long long)df->c);
                snprintf(dd, sizeof dd, "0");
                snprintf(ds, sizeof ds, "%d", df->s);
            } else {
                const char *src = p->in_empty[i] == 1 ? "p->defaults" : "rv";
                snprintf(dc, sizeof dc, "%s[%zu].c", src, i);
                snprintf(dd, sizeof dd, "%s[%zu].d", src, i);
                snprintf(ds, sizeof ds, "%s[%zu].s", src, i);
            }
            const char *src = p->in_empty[i] == 1 ? "p->defaults" : "rv";
            snprintf(c, sizeof c, "pr%zu ? rv[%zu].c : %s", i, i, dc);
            if (p->in_kind[i] == VK_NUMBER) {
                snprintf(d, sizeof d, "SH ? 0 : pr%zu ? rv[%zu].d : %s", i, i,
                         dd);
                snprintf(sc, sizeof sc,
                         "SH ? (SH[%zu] >= 0 ? SH[%zu] : %s) : pr%zu ? "
                         "rv[%zu].s : %s",
                         i, i, ds, i, i, ds);
            } else {
                snprintf(d, sizeof d, "0");
                snprintf(sc, sizeof sc, "0");
            }
            snprintf(pp, sizeof pp, "pr%zu ? rv[%zu].p : %s[%zu].p", i, i, src,
                     i);
            snprintf(l, sizeof l, "pr%zu ? rv[%zu].len : %s[%zu].len", i, i,
                     src, i);
            if (p->in_kind[i] == VK_NUMBER) {
                snprintf(pp, sizeof pp, "NULL");
                snprintf(l, sizeof l, "0");
            }
        } else if (!(k == p->s_date ||
                     (k >= p->s_comp && k < p->s_check && from_scratch[k]))) {
            snprintf(c, sizeof c, "0");
            snprintf(d, sizeof d, "0");
            snprintf(sc, sizeof sc, "0");
            snprintf(pp, sizeof pp, "NULL");
            snprintf(l, sizeof l, "0");
        }
        fprintf(
            f,
            "    int64_t c%zu = %s, d%zu = %s; int32_t s%zu = %s;\n"
            "    const char *p%zu = %s; uint32_t l%zu = %s;\n"
            "    (void)c%zu; (void)d%zu; (void)s%zu; (void)p%zu; (void)l%zu;\n",
            k, c, k, d, k, sc, k, pp, k, l, k, k, k, k, k);
    }
    for (size_t j = 0; j < p->n_out_comp; j++)
        if (p->out_kind[j] == VK_STRING)
            g.failed = 1; /* the store below writes numbers, bools and dates */
    emit_region(&g, p->main_start, 0, "(void)c%u; goto done;");
    fprintf(f, "done:\n");
    /* the outputs and the checks' fields where write_back reads them */
    fprintf(f, "    {\n        fval *out = e->v;\n");
    for (size_t k = p->s_comp; k < p->s_comp + p->n_out_vals; k++)
        fprintf(f,
                "        out[%zu].c = c%zu; out[%zu].d = d%zu; out[%zu].s = "
                "s%zu;\n",
                k, k, k, k, k, k);
    for (size_t k = p->s_check; k < p->s_check + 5 * rs->n_checks; k++)
        fprintf(f,
                "        out[%zu].c = c%zu; out[%zu].d = d%zu; out[%zu].s = "
                "s%zu;\n",
                k, k, k, k, k, k);
    fprintf(f, "    }\n    return FN_OK;\n}\n\n");

    /* whether the date's program fits the constant shapes: the main
     * program's parameters and the entered blocks' in force, and each
     * parameter at the scale assumed */
    fprintf(f, "static int slots_date_ok(const fctx *e)\n{\n"
               "    const fprog *p = e->p;\n");
    fprintf(f, "    if (p->ncode != SLOTS_NCODE) return 0;\n");
    fprintf(f, "    for (size_t k = 0; k < p->n_main_par; k++)\n"
               "        if (!e->s->pavail[p->main_par[k]]) return 0;\n");
    for (size_t i = 0; i < rs->n_params; i++)
        if (param_scale(rs, i) >= 0)
            fprintf(f,
                    "    if (e->s->pavail[%zu] && (e->v[%zu].s != %d || "
                    "e->v[%zu].d != 0)) return 0;\n",
                    i, p->s_param + i, param_scale(rs, i), p->s_param + i);
    fprintf(f, "    return 1;\n}\n\n");
    /* the dispatch: a record of a constant shape (its present bytes, then
     * its numbers' scales) runs that shape's instance, any other the
     * instance that reads the scales */
    fprintf(f, "static inline int slots_run(fctx *e, const ql_record *rec)\n{\n"
               "    const fval *const rv = rec->v64;\n    (void)rv;\n");
    for (size_t w = 0; w < p->n_in_words; w++)
        fprintf(
            f,
            "    uint64_t pw%zu;\n    memcpy(&pw%zu, rec->present + %zu, 8);\n",
            w, w, 8 * w);
    for (int k = 0; k < kmax; k++) {
        fprintf(f, "    if (1");
        for (size_t w = 0; w < p->n_in_words; w++) {
            uint64_t word = 0;
            for (size_t b = 0; b < 8; b++) {
                size_t i = 8 * w + b;
                if (i < rs->n_inputs && shapes[k].sc[i] >= 0)
                    word |= (uint64_t)1 << (8 * b);
            }
            fprintf(f, " && pw%zu == 0x%016llxULL", w,
                    (unsigned long long)word);
        }
        for (size_t i = 0; i < rs->n_inputs; i++)
            if (shapes[k].sc[i] >= 0 && p->in_kind[i] == VK_NUMBER)
                fprintf(f, " && rv[%zu].s == %d", i, shapes[k].sc[i]);
        fprintf(f, ")\n        return slots_body(e, rec, slots_shape[%d]);\n",
                k);
    }
    fprintf(f, "    return slots_body(e, rec, NULL);\n}\n");
    fclose(f);
    if (g.failed)
        fprintf(stderr,
                "slotgen: %s: an instruction not translated (the program hands "
                "records back)\n",
                argv[2]);
    fprintf(stderr,
            "slotgen: %zu shapes in %zu records; the %d constant cover %zu "
            "(%.1f %%)\n",
            nsh, n, kmax, covered,
            100.0 * (double)covered / (double)(n ? n : 1));
    for (size_t r = 0; r < n; r++)
        ql_record_free(recs[r]);
    free(recs);
    free(shapes);
    free(g.target);
    free(from_scratch);
    ql_ruleset_free(rs);
    return 0;
}
