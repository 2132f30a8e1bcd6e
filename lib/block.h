/*
 * block.h — one allocation holding several arrays, so that a record or
 * a result (record.c, result.c) is a few adjacent cache lines, not a
 * dozen scattered allocations a batch must wait on one by one.
 * Internal.
 *
 * Parts are laid out in the order asked for, each at its alignment; the
 * block starts on a cache line (QLI_LINE) and is zeroed.
 */
#ifndef QL_BLOCK_H
#define QL_BLOCK_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define QLI_LINE 64 /* bytes of a cache line on the targets measured */

typedef struct qli_block {
    size_t size;  /* bytes laid out so far */
    int overflow; /* a size did not fit size_t */
} qli_block;

/* Room for count elements of elem bytes at align (a power of two) after
 * what the block holds; returns their offset. */
static inline size_t qli_block_part(qli_block *b, size_t count, size_t elem,
                                    size_t align)
{
    size_t at = (b->size + align - 1) & ~(align - 1), bytes;
    if (at < b->size || __builtin_mul_overflow(count, elem, &bytes) ||
        __builtin_add_overflow(at, bytes, &b->size))
        b->overflow = 1;
    return at;
}

/* The block, zeroed, on a cache line; NULL on no memory. */
static inline void *qli_block_alloc(const qli_block *b)
{
    size_t size = (b->size + QLI_LINE - 1) & ~(size_t)(QLI_LINE - 1);
    if (b->overflow || size < b->size)
        return NULL;
    void *p = aligned_alloc(QLI_LINE, size ? size : QLI_LINE);
    if (p)
        memset(p, 0, size ? size : QLI_LINE);
    return p;
}

/* The part at offset `off` of block `base`. */
#define QLI_PART(base, off) ((void *)((char *)(base) + (off)))

#endif
