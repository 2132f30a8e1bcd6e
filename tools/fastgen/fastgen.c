/*
 * fastgen.c — the build's generator of the fast path's programs as C
 * (lib/fast_gen.h): loads each bundled rule set with the library, takes
 * the bytecode the fast compiler made of it (lib/fast_code.h), and
 * writes one function a rule set that runs it instruction for
 * instruction — each instruction's body from lib/fast_ops.h, the very
 * text the interpreter runs, with its operands constant and its jumps
 * gotos — beside a copy of the code, which a rule set loaded later must
 * match exactly for the function to be chosen.
 *
 *   fastgen OUT.c RULES.yaml...
 *
 * Run by the build (meson.build); linked with the library built without
 * generated programs (lib/fast_gen_none.c).  Not installed.
 */
#include <quotalevy.h>

#include "fast_code.h"
#include "ruleset.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The body in fast_ops.h that runs op, or NULL where the generated code
 * has its own (entering a value or a check, returning). */
static const char *body_of(int op)
{
    switch ((fop_code)op) {
    case FO_MOVE: return "FOPB_MOVE";
    case FO_NEED_IN: return "FOPB_NEED_IN";
    case FO_NEED_PAR: return "FOPB_NEED_PAR";
    case FO_NEED_SKIP: return "FOPB_NEED_SKIP";
    case FO_ASSERT: return "FOPB_ASSERT";
    case FO_PRESENT: return "FOPB_PRESENT";
    case FO_PARAM_AT: return "FOPB_PARAM_AT";
    case FO_ADD: return "FOPB_ADD";
    case FO_SUB: return "FOPB_SUB";
    case FO_MUL: return "FOPB_MUL";
    case FO_DIV: return "FOPB_DIV";
    case FO_NEG:
    case FO_ABS: return "FOPB_NEG";
    case FO_CMP_NUM: return "FOPB_CMP_NUM";
    case FO_CMP_DATE: return "FOPB_CMP_DATE";
    case FO_CMP_EQ: return "FOPB_CMP_EQ";
    case FO_CMP_STR: return "FOPB_CMP_STR";
    case FO_NOT: return "FOPB_NOT";
    case FO_JMP: return "FOPB_JMP";
    case FO_JF: return "FOPB_JF";
    case FO_JT: return "FOPB_JT";
    case FO_JCMP_NUM: return "FOPB_JCMP_NUM";
    case FO_JCMP_DATE: return "FOPB_JCMP_DATE";
    case FO_JCMP_EQ: return "FOPB_JCMP_EQ";
    case FO_IN_NUM:
    case FO_IN_INT:
    case FO_IN_STR: return "FOPB_IN";
    case FO_MIN:
    case FO_MAX: return "FOPB_MINMAX";
    case FO_MIN2:
    case FO_MAX2: return "FOPB_MIN2";
    case FO_ROUND: return "FOPB_ROUND";
    case FO_DIVROUND: return "FOPB_DIVROUND";
    case FO_BRACKET: return "FOPB_BRACKET";
    case FO_YEAR:
    case FO_MONTH:
    case FO_DAY: return "FOPB_YMD";
    case FO_DAYS: return "FOPB_DAYS";
    case FO_ADD_DATE: return "FOPB_ADD_DATE";
    case FO_CK_PERIOD: return "FOPB_CK_PERIOD";
    case FO_CK_SHORT: return "FOPB_CK_SHORT";
    case FO_CK_DONE: return "FOPB_CK_DONE";
    case FO_CK_NA: return "FOPB_CK_NA";
    case FO_FALLBACK: return "FOPB_FALLBACK";
    case FO_ADD_P: return "FOPB_ADD_P";
    case FO_SUB_P: return "FOPB_SUB_P";
    case FO_MUL_P: return "FOPB_MUL_P";
    case FO_CMP_P: return "FOPB_CMP_P";
    case FO_JCMP_P: return "FOPB_JCMP_P";
    case FO_MIN2_P:
    case FO_MAX2_P: return "FOPB_MIN2_P";
    case FO_ROUND_P: return "FOPB_ROUND_P";
    case FO_DIVROUND_P: return "FOPB_DIVROUND_P";
    case FO_EVAL:
    case FO_CHECK:
    case FO_RET: return NULL;
    }
    return "FOPB_FALLBACK"; /* an operation this generator does not know */
}

/* The instruction index op jumps to, or −1 (the byte offsets of
 * fast_code.h: arg for jumps and a check's period, x for a skip). */
static long target_of(const fop *o)
{
    switch ((fop_code)o->op) {
    case FO_JMP:
    case FO_JF:
    case FO_JT:
    case FO_JCMP_NUM:
    case FO_JCMP_DATE:
    case FO_JCMP_EQ:
    case FO_JCMP_P:
    case FO_CK_PERIOD: return (long)((uint32_t)o->arg / sizeof(fop));
    case FO_NEED_SKIP: return (long)(o->x / sizeof(fop));
    default: return -1;
    }
}

/* The generated code of entering a computed value or a check: a call of
 * qli_fast_run for its block (which runs this function again), the
 * value put where the interpreter's FO_RET would put it. */
static const char enter_eval[] = "    if (s->cst[o->arg] != 2) {\n"
                                 "        uint32_t r_;\n"
                                 "        s->cst[o->arg] = 1;\n"
                                 "        int st_ = qli_fast_run(e, (o->a8 ? "
                                 "s->mentry : s->centry)[o->arg], &r_);\n"
                                 "        if (st_) {\n"
                                 "            s->cst[o->arg] = 0;\n"
                                 "            return st_;\n"
                                 "        }\n"
                                 "        v[p->comp_slot[o->arg]] = v[r_];\n"
                                 "        s->cst[o->arg] = 2;\n"
                                 "    }\n"
                                 "    NEXT();\n";
static const char enter_check[] =
    "    if (s->kst[o->arg] != 2) {\n"
    "        uint32_t r_;\n"
    "        int st_ = qli_fast_run(e, s->kentry[o->arg], &r_);\n"
    "        if (st_)\n"
    "            return st_;\n"
    "        s->kst[o->arg] = 2;\n"
    "    }\n"
    "    NEXT();\n";

static void emit_program(FILE *out, int k, const char *name, const fprog *p)
{
    fprintf(out, "/* %s: %zu instructions */\n", name, p->ncode);
    fprintf(out, "static const fop K%d[%zu] = {\n", k, p->ncode ? p->ncode : 1);
    for (size_t i = 0; i < p->ncode; i++) {
        const fop *o = &p->code[i];
        fprintf(out, "    {%u, %u, 0, %uu, %uu, %uu, %d},\n", o->op, o->a8,
                o->dst, o->x, o->y, o->arg);
    }
    fprintf(out, "};\n\n");
    fprintf(
        out,
        "static int run%d(fctx *e, const fop *start, uint32_t *ret)\n"
        "{\n"
        "    const fprog *p = e->p;\n"
        "    struct fast_scratch *s = e->s;\n"
        "    fval *v = e->v;\n"
        "    fval a = {0}, b = {0};\n"
        "    const fval *xp = NULL, *yp = NULL;\n"
        "    int c = 0;\n"
        "    (void)p; (void)s; (void)a; (void)b; (void)xp; (void)yp; (void)c;\n"
        "    switch (start - p->code) {\n",
        k);
    for (size_t i = 0; i < p->ncode; i++)
        fprintf(out, "    case %zu: goto L%zu;\n", i, i);
    fprintf(out, "    default: goto L%zu;\n    }\n", p->ncode);
    for (size_t i = 0; i < p->ncode; i++) {
        const fop *o = &p->code[i];
        long t = target_of(o);
        fprintf(out,
                "L%zu: {\n    const fop *const o = &K%d[%zu];\n    (void)o;\n",
                i, k, i);
        fprintf(out, "#define NEXT() goto L%zu\n", i + 1);
        if (t >= 0 && (size_t)t <= p->ncode)
            fprintf(out, "#define JUMP(off) goto L%ld\n", t);
        else
            fprintf(out, "#define JUMP(off) return F_FALL\n");
        const char *body = body_of(o->op);
        if (body)
            fprintf(out, "    %s\n", body);
        else if (o->op == FO_EVAL)
            fputs(enter_eval, out);
        else if (o->op == FO_CHECK)
            fputs(enter_check, out);
        else
            fprintf(out, "    *ret = o->x;\n    return FN_OK;\n");
        fprintf(out, "#undef NEXT\n#undef JUMP\n}\n");
    }
    fprintf(out, "L%zu:\n    return F_FALL;\n}\n\n", p->ncode);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: fastgen OUT.c RULES.yaml...\n");
        return 2;
    }
    FILE *out = fopen(argv[1], "w");
    if (!out) {
        perror(argv[1]);
        return 1;
    }
    fprintf(
        out,
        "/* The fast path's programs of the bundled rule sets as C,\n"
        " * written by tools/fastgen/fastgen.c (lib/fast_gen.h).  Generated:\n"
        " * do not edit. */\n"
        "#include \"fast_gen.h\"\n#include \"fast_ops.h\"\n\n");
    int n = 0;
    const char **names = calloc((size_t)argc, sizeof *names);
    size_t *ncode = calloc((size_t)argc, sizeof *ncode);
    for (int i = 2; i < argc; i++) {
        ql_ruleset *rs;
        ql_error err;
        if (ql_ruleset_load(&rs, argv[i], &err)) {
            fprintf(stderr, "fastgen: %s: %s\n", argv[i], err.message);
            fclose(out);
            return 1;
        }
        if (rs->fast) {
            const char *base = strstr(argv[i], "rules/");
            names[n] = base ? base : argv[i];
            ncode[n] = rs->fast->ncode;
            emit_program(out, n, names[n], rs->fast);
            n++;
        }
        ql_ruleset_free(rs);
    }
    fprintf(out, "static const qli_fast_gen table[%d] = {\n", n ? n : 1);
    for (int k = 0; k < n; k++)
        fprintf(out, "    {\"%s\", %zu, K%d, run%d},\n", names[k], ncode[k], k,
                k);
    fprintf(out,
            "};\n\nconst qli_fast_gen *qli_fast_gen_table(size_t *n)\n{\n"
            "    *n = %d;\n    return table;\n}\n",
            n);
    free(names);
    free(ncode);
    return fclose(out) == 0 ? 0 : 1;
}
