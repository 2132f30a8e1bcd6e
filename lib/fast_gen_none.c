/*
 * fast_gen_none.c — no generated programs: the table of the library the
 * generator (tools/fastgen/fastgen.c) is linked with, before there is
 * any C to choose (fast_gen.h).
 */
#include "fast_gen.h"

const qli_fast_gen *qli_fast_gen_table(size_t *n)
{
    *n = 0;
    return NULL;
}
