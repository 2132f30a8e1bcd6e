/*
 * names.c — name → index tables for the loader, so that finding a
 * definition by name costs the same with 100,000 of them as with ten:
 * loading stays linear in the size of the rules (a strcmp scan per name
 * once made 99,000 inputs take 42 s).
 *
 * Open addressing over (hash, index + 1) pairs; the names themselves stay
 * with their owner, which a lookup asks through a callback.  A table
 * either grows (malloc, for the loader's sections while files merge) or
 * is sized once in an arena (kept by a rule set, freed with it).
 */
#include "names.h"

#include <stdlib.h>
#include <string.h>

uint32_t qli_names_hash(const char *s, size_t len)
{
    uint32_t h = 2166136261u; /* FNV-1a */
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h;
}

static size_t capacity_for(size_t n)
{
    size_t cap = 16;
    while (cap < 2 * n + 2)
        cap *= 2;
    return cap;
}

int qli_names_init(qli_names *t, size_t n, ql_arena *ar)
{
    memset(t, 0, sizeof *t);
    t->cap = capacity_for(n);
    t->ar = ar;
    t->slot = ar ? qli_ar_alloc(ar, t->cap * sizeof *t->slot)
                 : calloc(t->cap, sizeof *t->slot);
    if (!t->slot)
        return -1;
    if (ar)
        memset(t->slot, 0, t->cap * sizeof *t->slot);
    return 0;
}

void qli_names_free(qli_names *t)
{
    if (!t->ar)
        free(t->slot);
    t->slot = NULL;
    t->cap = t->n = 0;
}

static void put(qli_names_slot *slot, size_t cap, uint32_t hash,
                uint32_t index1)
{
    size_t i = hash & (cap - 1);
    while (slot[i].index1)
        i = (i + 1) & (cap - 1);
    slot[i].hash = hash;
    slot[i].index1 = index1;
}

int qli_names_add(qli_names *t, size_t index, const char *s, size_t len)
{
    if (index >= UINT32_MAX)
        return -1;
    if (2 * (t->n + 1) > t->cap) {
        if (t->ar)
            return -1; /* an arena table is sized once */
        size_t cap = t->cap * 2;
        qli_names_slot *slot = calloc(cap, sizeof *slot);
        if (!slot)
            return -1;
        for (size_t i = 0; i < t->cap; i++)
            if (t->slot[i].index1)
                put(slot, cap, t->slot[i].hash, t->slot[i].index1);
        free(t->slot);
        t->slot = slot;
        t->cap = cap;
    }
    put(t->slot, t->cap, qli_names_hash(s, len), (uint32_t)index + 1);
    t->n++;
    return 0;
}

long qli_names_find(const qli_names *t, const char *s, size_t len,
                    qli_names_name_fn name_of, const void *owner)
{
    if (!t->slot)
        return -1;
    uint32_t h = qli_names_hash(s, len);
    for (size_t i = h & (t->cap - 1); t->slot[i].index1;
         i = (i + 1) & (t->cap - 1)) {
        if (t->slot[i].hash != h)
            continue;
        size_t k = t->slot[i].index1 - 1;
        const char *name = name_of(owner, k);
        if (name && strlen(name) == len && memcmp(name, s, len) == 0)
            return (long)k;
    }
    return -1;
}
