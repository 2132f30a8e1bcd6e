/*
 * pow10.h — the powers of ten that fit 64 bits, 10^0 … 10^18, for every
 * piece of code that scales an int64 coefficient: the record's 64-bit
 * checks (record_num.h), the command's sum cells (sumcell.c) and the
 * Python binding's typed columns (bindings/python/typedcols.h).  One
 * table, so that none can differ.
 *
 * Header-only and internal: the table is static, so a file that includes
 * this links no symbol of the library (the bindings include it by its
 * path in the source tree), and it includes nothing but <stdint.h>.
 */
#ifndef QL_POW10_H
#define QL_POW10_H

#include <stdint.h>

/* The largest k with 10^k in an int64. */
#define QLI_POW10_MAX 18

/* 10^k, k = 0 … QLI_POW10_MAX. */
static const int64_t qli_pow10[QLI_POW10_MAX + 1] = {1LL,
                                                     10LL,
                                                     100LL,
                                                     1000LL,
                                                     10000LL,
                                                     100000LL,
                                                     1000000LL,
                                                     10000000LL,
                                                     100000000LL,
                                                     1000000000LL,
                                                     10000000000LL,
                                                     100000000000LL,
                                                     1000000000000LL,
                                                     10000000000000LL,
                                                     100000000000000LL,
                                                     1000000000000000LL,
                                                     10000000000000000LL,
                                                     100000000000000000LL,
                                                     1000000000000000000LL};

#endif
