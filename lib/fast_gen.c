/*
 * fast_gen.c — choosing a rule set's generated program at load
 * (fast_gen.h): only one made from exactly the code the rule set
 * compiled to, every instruction and operand the same.
 */
#include "fast_gen.h"

#include <stdlib.h>
#include <string.h>

/* Whether two instructions are the same (field by field: fop has
 * padding). */
static int same_op(const fop *a, const fop *b)
{
    return a->op == b->op && a->a8 == b->a8 && a->dst == b->dst &&
           a->x == b->x && a->y == b->y && a->arg == b->arg;
}

void qli_fast_gen_pick(fprog *p)
{
    p->native = NULL;
    const char *env = getenv("QUOTALEVY_FAST_GEN");
    if (env && strcmp(env, "0") == 0)
        return;
    size_t n;
    const qli_fast_gen *g = qli_fast_gen_table(&n);
    for (size_t k = 0; k < n; k++) {
        if (g[k].ncode != p->ncode)
            continue;
        size_t i = 0;
        while (i < p->ncode && same_op(&g[k].code[i], &p->code[i]))
            i++;
        if (i == p->ncode) {
            p->native = g[k].run;
            return;
        }
    }
}
