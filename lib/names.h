/*
 * names.h — name → index tables (names.c): the loader's lookups by name
 * in constant time.  Internal.
 */
#ifndef QL_NAMES_H
#define QL_NAMES_H

#include "util.h"

#include <stdint.h>

typedef struct qli_names_slot {
    uint32_t hash;
    uint32_t index1; /* index + 1; 0: empty */
} qli_names_slot;

typedef struct qli_names {
    qli_names_slot *slot;
    size_t cap, n;
    ql_arena *ar; /* set: sized once in this arena; NULL: malloc, grows */
} qli_names;

/* The name of entry i of the owner, or NULL for one no longer there. */
typedef const char *(*qli_names_name_fn)(const void *owner, size_t i);

uint32_t qli_names_hash(const char *s, size_t len);
/* Room for n names (an arena table holds no more); −1: out of memory. */
int qli_names_init(qli_names *t, size_t n, ql_arena *ar);
void qli_names_free(qli_names *t);
/* Adds entry `index` under name s; −1: out of memory or room. */
int qli_names_add(qli_names *t, size_t index, const char *s, size_t len);
/* The index of the entry called s, or −1.  A name added twice finds the
 * first whose name_of still matches. */
long qli_names_find(const qli_names *t, const char *s, size_t len,
                    qli_names_name_fn name_of, const void *owner);

#endif
