/*
 * record_line.c — a plain CSV line into a record in one pass (issue 18):
 * the command's workers cut a line at its commas and set its fields
 * through ql_record_set_texts; here each column is read once, by what
 * its field is.  A number's digits are parsed until the byte after
 * them, which must be the column's comma — so finding the comma costs
 * nothing — and checked and stored in 64 bits (record_num.h); an empty
 * column is a test of one byte; any other text (a string, an enum, a
 * bool, a number the 64-bit way cannot decide) is cut with a 16-byte
 * comma search and set as ql_record_set_text sets it.  A value refused
 * is not reported here: the caller sets the row again the usual way,
 * which says why, so the messages and columns are the same.
 */
#include "record_line.h"

#include "eval.h"
#include "record_num.h"

#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

/* The first ',' at or after p; one is known to lie within 15 bytes
 * after a readable place (the line's own ',' and the padding after it). */
static inline char *find_comma(char *p)
{
#ifdef __SSE2__
    const __m128i comma = _mm_set1_epi8(',');
    for (;; p += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
        unsigned m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, comma));
        if (m)
            return p + __builtin_ctz(m);
    }
#else
    while (*p != ',')
        p++;
    return p;
#endif
}

/* A number's text at p up to its comma, as number_fast (record.c) reads
 * it: an optional sign, digits, and a point with digits after it — at
 * most 18 digits — set into field i: the comma's place, or NULL when the
 * text is not such a number or the 64-bit checks cannot pass it (the
 * general way then reads the column from where this one stopped: the
 * bytes before hold no comma). */
static inline __attribute__((always_inline)) char *
number_to_comma(ql_record *rec, size_t i, const struct rec_field *f, char *p,
                char **stop)
{
    char *q = p;
    int neg = *q == '-';
    q += neg || *q == '+';
    const char *first = q;
    uint64_t c = 0;
    while ((unsigned)(*q - '0') < 10)
        c = c * 10 + (unsigned)(*q++ - '0');
    int digits = (int)(q - first), scale = 0;
    *stop = q;
    if (digits == 0)
        return NULL;
    if (*q == '.') {
        const char *frac = ++q;
        while ((unsigned)(*q - '0') < 10)
            c = c * 10 + (unsigned)(*q++ - '0');
        *stop = q;
        scale = (int)(q - frac);
        if (scale == 0)
            return NULL;
        digits += scale;
    }
    if (*q != ',' || digits > 18)
        return NULL;
    int64_t v = neg ? -(int64_t)c : (int64_t)c;
    return qli_rec_num_store(rec, i, f, v, scale) ? q : NULL;
}

size_t qli_record_set_line(ql_record *rec, const int *fields, size_t ncols,
                           char *line, size_t len, const char **texts,
                           size_t *lens, int *set)
{
    char *p = line, *end = line + len;
    *end = ',';
    memset(end + 1, 0, QLI_LINE_PAD);
    /* in locals: a store through a char * could be to any of rec's
     * members, so the compiler would load them again a column */
    size_t nfields = rec->n;
    uint8_t *present = rec->present;
    const struct rec_field *plan = rec->fplan;
    int ok = 1;
    *set = 0;
    for (size_t j = 0; j < ncols; j++) {
        if (p > end)
            return j; /* fewer columns than the header's */
        int i = fields[j];
        char *q = p;
        texts[j] = p;
        if (*p == ',') { /* empty: the field is unset */
            if ((size_t)i < nfields)
                present[i] = 0;
            else if (i >= 0)
                ok = 0; /* no such field: the usual way says so */
            *p = '\0';
            lens[j] = 0;
            p++;
            continue;
        }
        if ((size_t)i < nfields && plan[i].kind == VK_NUMBER && ok) {
            char *at = number_to_comma(rec, (size_t)i, &plan[i], p, &q);
            if (at) {
                *at = '\0';
                lens[j] = (size_t)(at - p);
                p = at + 1;
                continue;
            }
        }
        q = find_comma(q);
        *q = '\0';
        lens[j] = (size_t)(q - p);
        if (i >= 0 && ok) {
            ql_error e;
            if ((size_t)i >= nfields ||
                qli_record_set_text_at(rec, (size_t)i, p, (size_t)(q - p), &e))
                ok = 0;
        }
        p = q + 1;
    }
    *set = ok;
    size_t n = ncols;
    for (; p <= end; p++) /* more columns than the header's */
        n += *p == ',';
    return n;
}
