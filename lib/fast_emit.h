/*
 * fast_emit.h — the fast compiler's state and its emitter (fast_emit.c),
 * shared by fast_compile.c, which lays out the whole program from
 * compiled blocks.  Internal.
 */
#ifndef QL_FAST_EMIT_H
#define QL_FAST_EMIT_H

#include "fast_code.h"
#include "ruleset.h"

#include <stddef.h>
#include <stdint.h>

typedef struct fcc {
    ql_ruleset *rs;
    fprog *p;
    fop *code;
    size_t n, cap;
    int oom;
    /* the block being compiled */
    uint32_t *stack; /* slot of each stack position */
    int depth, maxdepth;
    uint32_t rbase; /* its register window */
    /* per stack pc of the block: the fast pc, and the stack at a jump in */
    uint32_t *fpc;
    int *saved; /* index into pool, −1 none */
    uint32_t *pool;
    size_t npool, cappool;
    uint8_t *target;
    /* what the current straight run has made sure of */
    uint32_t gen;
    uint32_t *known; /* inputs, params, computed, checks */
    size_t k_par, k_comp, k_check;
    /* compiling for the main program: the values every evaluation
     * reaches and every check are in their slots already */
    int ctx_main;
    uint8_t *eager;      /* per computed value: every evaluation reaches it */
    uint8_t *datec;      /* per computed value: the date alone decides it */
    uint8_t *msure;      /* per input: checked once before the main program */
    uint32_t reg0;       /* inline: the slot stack position 0 lives in */
    uint32_t *blk_rbase; /* per block: its register window */
    /* compiling a validation inline: an empty field skips it (FO_NEED_SKIP,
     * to be pointed past its end) */
    int in_valid;
    size_t *skip;
    size_t nskip, capskip;
} fcc;

/* One instruction appended to f->code (f->oom set on no memory). */
void qli_fast_emit(fcc *f, int op, int a8, uint32_t dst, uint32_t x, uint32_t y,
                   int32_t arg);
/* The slot of register d of the window at f->rbase. */
uint32_t qli_fast_reg_window(const fcc *f, int d);
/* Compiles block b: as a block of its own ending in FO_RET (dst
 * FS_NONE), or inline, its value moved to slot dst.  `checked`: with a
 * FO_NEED_PAR before each parameter.  Its registers start at f->rbase;
 * f->maxdepth is how many it used.  0, or -1 on no memory or a shape the
 * fast path does not take. */
int qli_fast_compile_block(fcc *f, int b, int checked, uint32_t dst);

#endif
