/*
 * nearmiss.c — whether one name is a slip of another (see nearmiss.h):
 * the edit distance of their folded forms (lookalike.h).  Shared by the
 * command's column checks and the SWIG bindings' record fill
 * (bindings/swig_batch.h), so a near miss is one thing in every front end.
 */
#include "nearmiss.h"

#include <stdlib.h>
#include <string.h>

#include "lookalike.h"

/* Edit distance of a and b (code points) if it is at most 2, else 3
 * (names are at most a few hundred characters here: longer ones differ
 * in length first). */
static int distance(const int32_t *a, size_t na, const int32_t *b, size_t nb)
{
    if ((na > nb ? na - nb : nb - na) > 2)
        return 3;
    if (nb > 256) {
        if (na != nb)
            return 3;
        return memcmp(a, b, na * sizeof *a) ? 3 : 0;
    }
    int row[258], prev[258];
    for (size_t j = 0; j <= nb; j++)
        prev[j] = (int)j;
    for (size_t i = 1; i <= na; i++) {
        row[0] = (int)i;
        int best = row[0];
        for (size_t j = 1; j <= nb; j++) {
            int d = prev[j - 1] + (a[i - 1] != b[j - 1]);
            if (prev[j] + 1 < d)
                d = prev[j] + 1;
            if (row[j - 1] + 1 < d)
                d = row[j - 1] + 1;
            row[j] = d;
            if (d < best)
                best = d;
        }
        if (best > 2)
            return 3;
        memcpy(prev, row, (nb + 1) * sizeof *row);
    }
    return prev[nb] > 2 ? 3 : prev[nb];
}

/* Where a name's list index opens: the '[' of a trailing "[digits]",
 * or n when it has none. */
static size_t index_at(const int32_t *s, size_t n)
{
    if (n < 3 || s[n - 1] != ']')
        return n;
    size_t i = n - 1;
    while (i > 0 && s[i - 1] >= '0' && s[i - 1] <= '9')
        i--;
    return i > 0 && i < n - 1 && s[i - 1] == '[' ? i - 1 : n;
}

/* Whether code point c is among s[0…n). */
static int memchr_cp(const int32_t *s, size_t n, int32_t c)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] == c)
            return 1;
    return 0;
}

int near_folded(const int32_t *a, size_t na, const int32_t *b, size_t nb)
{
    /* list items differ by their number, not by a slip: position 13 of
     * a list of 12 is no misspelt position 1 (P6-05) — the caller says
     * how many items the list has */
    size_t ia = index_at(a, na), ib = index_at(b, nb);
    if (ia < na && ib < nb &&
        (na - ia != nb - ib || memcmp(a + ia, b + ib, (na - ia) * sizeof *a)))
        return 0;
    size_t shorter = na < nb ? na : nb;
    int d = distance(a, na, b, nb);
    return d == 0 || (d <= 2 && (size_t)d < shorter) ? 1 + d : 0;
}

size_t near_item_base(const int32_t *f, size_t n)
{
    size_t end = n;
    /* each trailing "[digits]", blanks (folded '_') around the digits */
    while (end >= 3 && f[end - 1] == ']') {
        size_t i = end - 1;
        while (i > 0 && f[i - 1] == '_')
            i--;
        size_t digits = i;
        while (i > 0 && f[i - 1] >= '0' && f[i - 1] <= '9')
            i--;
        if (i == digits)
            break;
        while (i > 0 && f[i - 1] == '_')
            i--;
        if (i < 2 || f[i - 1] != '[')
            break;
        end = i - 1;
    }
    while (end < n && end > 1 && f[end - 1] == '_')
        end--; /* "a [1]": the blank before the index */
    return end;
}

int near_item_folded(const int32_t *a, size_t na, const int32_t *b, size_t nb)
{
    size_t base = near_item_base(a, na);
    if (base == na || memchr_cp(b, nb, '['))
        return 0;
    return near_folded(a, base, b, nb);
}

int near_input_folded(const int32_t *a, size_t na, const int32_t *b, size_t nb)
{
    int d = near_folded(a, na, b, nb);
    return d ? d : near_item_folded(a, na, b, nb);
}

/* f(folded a, folded b) for two names, 0 when they are equal. */
static int folded_pair(const char *a, const char *b,
                       int (*f)(const int32_t *, size_t, const int32_t *,
                                size_t))
{
    if (!strcmp(a, b))
        return 0;
    size_t la = strlen(a), lb = strlen(b);
    /* folded forms shrink only by dropped characters (at most 3 bytes
     * each, 4 for tags) and leading zeros: past this, no match (an
     * item's index adds a few characters more) */
    if (la > 4 * lb + 2 + 64 || lb > 4 * la + 2 + 64)
        return 0;
    int32_t *na = malloc((la + 1) * sizeof *na),
            *nb = malloc((lb + 1) * sizeof *nb);
    int near = 0;
    if (na && nb)
        near = f(na, name_fold(a, na), nb, name_fold(b, nb));
    free(na);
    free(nb);
    return near;
}

int col_near_miss(const char *a, const char *b)
{
    return folded_pair(a, b, near_folded);
}

int col_near_input(const char *a, const char *b)
{
    return folded_pair(a, b, near_input_folded);
}

int col_item_of(const char *a, const char *b)
{
    return folded_pair(a, b, near_item_folded);
}
