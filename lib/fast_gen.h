/*
 * fast_gen.h — the fast path's programs as C: for each bundled rule set,
 * its compiled bytecode (fast_code.h) translated instruction for
 * instruction at build time by tools/fastgen/fastgen.c into a function
 * that runs the bodies of fast_ops.h with the operands constant, with no
 * dispatch.  A rule set loaded at run time whose compiled code is that
 * code, instruction for instruction, runs the function in place of the
 * interpreter (qli_fast_run); any other runs the interpreter.  The
 * parameters, constants and tables stay in the slots and the program,
 * so a native program is right on every date.  Internal.
 */
#ifndef QL_FAST_GEN_H
#define QL_FAST_GEN_H

#include "fast_code.h"
#include "fast_run.h"

#include <stddef.h>

/* One generated program: the code it was made from and its function. */
typedef struct qli_fast_gen {
    const char *name; /* the rules file it was made from, for a profile */
    size_t ncode;
    const fop *code;
    qli_fast_native run;
} qli_fast_gen;

/* The programs generated into this build (none in the generator's own). */
const qli_fast_gen *qli_fast_gen_table(size_t *n);

/* p->native set to the generated program whose code is p's, if one is
 * and QUOTALEVY_FAST_GEN=0 was not in the environment (that leaves the
 * interpreter: for differential testing only). */
void qli_fast_gen_pick(fprog *p);

#endif
