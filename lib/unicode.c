/*
 * unicode.c — whether a text is in Normalization Form C with nothing
 * invisible in it, and how to show it when not (see unicode.h).  The
 * tables are unicode_tables.c; the algorithm is UAX #15's quick check
 * (https://www.unicode.org/reports/tr15/#Detecting_Normalization_Forms)
 * with its "maybe" answer decided by canonical composition with the last
 * starter (section 1.3), so no decomposition table is needed.
 */
#include "unicode.h"
#include "utf8.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static int in_ranges(uint32_t c, const uint32_t (*r)[2], size_t n)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (c < r[mid][0])
            hi = mid;
        else if (c > r[mid][1])
            lo = mid + 1;
        else
            return 1;
    }
    return 0;
}

static int ccc(uint32_t c)
{
    size_t lo = 0, hi = qli_uc_n_ccc;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (c < qli_uc_ccc[mid][0])
            hi = mid;
        else if (c > qli_uc_ccc[mid][1])
            lo = mid + 1;
        else
            return (int)qli_uc_ccc[mid][2];
    }
    return 0;
}

/* Hangul syllables compose by arithmetic (The Unicode Standard, 3.12). */
enum { SBASE = 0xAC00, LBASE = 0x1100, VBASE = 0x1161, TBASE = 0x11A7 };
enum {
    LCOUNT = 19,
    VCOUNT = 21,
    TCOUNT = 28,
    SCOUNT = LCOUNT * VCOUNT * TCOUNT
};

/* The primary composite of a and b, or 0. */
static uint32_t compose(uint32_t a, uint32_t b)
{
    if (a >= LBASE && a < LBASE + LCOUNT && b >= VBASE && b < VBASE + VCOUNT)
        return SBASE + ((a - LBASE) * VCOUNT + (b - VBASE)) * TCOUNT;
    if (a >= SBASE && a < SBASE + SCOUNT && (a - SBASE) % TCOUNT == 0 &&
        b > TBASE && b < TBASE + TCOUNT)
        return a + (b - TBASE);
    size_t lo = 0, hi = qli_uc_n_compose;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const uint32_t *e = qli_uc_compose[mid];
        if (a < e[0] || (a == e[0] && b < e[1]))
            hi = mid;
        else if (a > e[0] || b > e[1])
            lo = mid + 1;
        else
            return e[2];
    }
    return 0;
}

/* The two code points composite c is made of (its canonical
 * decomposition of two, Hangul's by arithmetic), or 0. */
static int decompose(uint32_t c, uint32_t *a, uint32_t *b)
{
    if (c >= SBASE && c < SBASE + SCOUNT) {
        uint32_t t = (c - SBASE) % TCOUNT;
        *a = t ? c - t : LBASE + (c - SBASE) / (VCOUNT * TCOUNT);
        *b = t ? TBASE + t : VBASE + (c - SBASE) % (VCOUNT * TCOUNT) / TCOUNT;
        return 1;
    }
    if (c < 0xC0)
        return 0;
    for (size_t i = 0; i < qli_uc_n_compose; i++)
        if (qli_uc_compose[i][2] == c) {
            *a = qli_uc_compose[i][0];
            *b = qli_uc_compose[i][1];
            return 1;
        }
    return 0;
}

/* Canonical composition of cps[0, m) in place (UAX #15, 1.3); its new
 * length. */
static size_t compose_all(uint32_t *cps, size_t m)
{
    size_t o = 0;
    long st = -1;
    int last_ccc = 0;
    for (size_t i = 0; i < m; i++) {
        uint32_t cp = cps[i];
        int k = ccc(cp);
        int between = st >= 0 && (size_t)st + 1 < o;
        uint32_t comp = st >= 0 && !(between && (k == 0 || last_ccc >= k))
                            ? compose(cps[st], cp)
                            : 0;
        if (comp) {
            cps[st] = comp;
            continue;
        }
        cps[o++] = cp;
        if (k == 0) {
            st = (long)o - 1;
            last_ccc = 0;
        } else {
            last_ccc = k;
        }
    }
    return o;
}

/* Whether a composed starter and the marks after it, cl[0, n), are
 * what NFC makes of them: decomposed, the marks put in canonical order
 * and composed again (é + U+0327 is ȩ + U+0301). */
static int cluster_is_nfc(const uint32_t *cl, size_t n)
{
    uint32_t d[48];
    size_t m = 0;
    uint32_t a, b, c = cl[0];
    uint32_t tail[8];
    size_t nt = 0;
    while (decompose(c, &a, &b) && nt < 8) {
        tail[nt++] = b;
        c = a;
    }
    d[m++] = c;
    while (nt)
        d[m++] = tail[--nt];
    for (size_t i = 1; i < n && m < sizeof d / sizeof d[0]; i++)
        d[m++] = cl[i];
    for (size_t i = 2; i < m; i++) /* stable insertion sort by class */
        for (size_t j = i; j > 1 && ccc(d[j]) && ccc(d[j - 1]) > ccc(d[j]);
             j--) {
            uint32_t t = d[j];
            d[j] = d[j - 1];
            d[j - 1] = t;
        }
    m = compose_all(d, m);
    if (m != n)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (d[i] != cl[i])
            return 0;
    return 1;
}

/* Whether the starter at s (n bytes) and the marks after it are NFC. */
static int starter_cluster_ok(const unsigned char *s, size_t n)
{
    uint32_t cl[32];
    size_t m = 0, len;
    for (size_t i = 0; i < n && m < 32; i += len) {
        long c = qli_utf8_decode(s + i, n - i, &len);
        if (c < 0 || (m && ccc((uint32_t)c) == 0))
            break;
        cl[m++] = (uint32_t)c;
    }
    return m < 32 ? cluster_is_nfc(cl, m) : 1;
}

static int problem(qli_uc_problem *p, int kind, uint32_t cp, size_t at,
                   size_t nth)
{
    if (p) {
        p->kind = kind;
        p->cp = cp;
        p->at = at;
        p->nth = nth;
    }
    return kind;
}

int qli_uc_check(const char *str, size_t n, qli_uc_problem *p)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0, nth = 0, len;
    while (i < n && s[i] < 0x80)
        i++, nth++;
    if (i == n)
        return problem(p, QLI_UC_OK, 0, 0, 0);
    /* the last starter (none yet: 0 with i at the text's start is fine,
     * no composite has U+0000 first) and the class of what came after */
    uint32_t starter = i ? s[i - 1] : 0;
    size_t starter_at = i ? i - 1 : 0;
    int last_ccc = 0, after_starter = 0, cluster_done = 0;
    while (i < n) {
        long c = qli_utf8_decode(s + i, n - i, &len);
        nth++;
        if (c < 0)
            return problem(p, QLI_UC_BAD_UTF8, 0, i, nth);
        uint32_t cp = (uint32_t)c;
        if (in_ranges(cp, qli_uc_ignorable, qli_uc_n_ignorable))
            return problem(p, QLI_UC_INVISIBLE, cp, i, nth);
        if (in_ranges(cp, qli_uc_nfc_no, qli_uc_n_nfc_no))
            return problem(p, QLI_UC_NOT_NFC, cp, i, nth);
        int k = cp < 0x300 ? 0 : ccc(cp);
        if (k && k < last_ccc)
            return problem(p, QLI_UC_NOT_NFC, cp, i,
                           nth); /* out of canonical order */
        if (cp >= 0x300 &&
            in_ranges(cp, qli_uc_nfc_maybe, qli_uc_n_nfc_maybe)) {
            /* blocked when something between has class 0 or ≥ ours */
            int blocked = after_starter && (k == 0 || last_ccc >= k);
            if (!blocked && compose(starter, cp))
                return problem(p, QLI_UC_NOT_NFC, cp, i, nth);
        }
        /* a mark after a composed letter: NFC may write the pair apart */
        uint32_t da, db;
        if (k && !cluster_done && starter >= 0xC0 &&
            decompose(starter, &da, &db)) {
            cluster_done = 1;
            if (!starter_cluster_ok(s + starter_at, n - starter_at))
                return problem(p, QLI_UC_NOT_NFC, cp, i, nth);
        }
        if (k == 0) {
            starter = cp;
            starter_at = i;
            cluster_done = 0;
            last_ccc = 0;
            after_starter = 0;
        } else {
            last_ccc = k;
            after_starter = 1;
        }
        i += len;
    }
    return problem(p, QLI_UC_OK, 0, 0, 0);
}

size_t qli_uc_fold(const char *str, size_t n, char *out, size_t size)
{
    const unsigned char *s = (const unsigned char *)str;
    uint32_t cps[256];
    size_t m = 0, len;
    for (size_t i = 0; i < n; i += len) {
        long c = qli_utf8_decode(s + i, n - i, &len);
        if (c < 0 || m == sizeof cps / sizeof cps[0])
            return 0;
        if (!in_ranges((uint32_t)c, qli_uc_ignorable, qli_uc_n_ignorable))
            cps[m++] = (uint32_t)c;
    }
    m = compose_all(cps, m);
    size_t o = 0;
    for (size_t j = 0; j < m; j++) {
        char b[4];
        size_t w = qli_utf8_encode(cps[j], b);
        if (o + w + 1 > size)
            return 0;
        memcpy(out + o, b, w);
        o += w;
    }
    if (o + 1 > size)
        return 0;
    out[o] = '\0';
    return o;
}

void qli_uc_describe(const qli_uc_problem *p, char *buf, size_t size)
{
    switch (p->kind) {
    case QLI_UC_INVISIBLE:
        snprintf(buf, size, "an invisible character, U+%04lX (character %zu)",
                 (unsigned long)p->cp, p->nth);
        break;
    case QLI_UC_NOT_NFC:
        snprintf(
            buf, size,
            "U+%04lX (character %zu), which Unicode's normalization form C "
            "writes otherwise (a decomposed accent, as macOS and PDF copies "
            "give it, or a compatibility character)",
            (unsigned long)p->cp, p->nth);
        break;
    case QLI_UC_BAD_UTF8:
        snprintf(buf, size, "bytes that are not UTF-8 (at byte %zu)",
                 p->at + 1);
        break;
    default: snprintf(buf, size, "nothing wrong"); break;
    }
}

/* Blanks other than the ASCII space (Zs, Zl, Zp): a quote around one
 * looks like a quote around a space, or around nothing at all. */
static const uint32_t blanks[][2] = {
    {0x00A0, 0x00A0}, {0x1680, 0x1680}, {0x2000, 0x200A}, {0x2028, 0x2029},
    {0x202F, 0x202F}, {0x205F, 0x205F}, {0x3000, 0x3000},
};

int qli_uc_unseen(uint32_t c, int marks)
{
    if (c < 0x20 || c == 0x7F || (c >= 0x80 && c <= 0x9F))
        return 1;
    if (c < 0xA0)
        return 0;
    if ((c >= 0xFDD0 && c <= 0xFDEF) || (c & 0xFFFE) == 0xFFFE)
        return 1; /* a noncharacter: no font draws it */
    if (in_ranges(c, blanks, sizeof blanks / sizeof blanks[0]) ||
        in_ranges(c, qli_uc_ignorable, qli_uc_n_ignorable))
        return 1;
    return marks &&
           ((c >= 0x300 && ccc(c)) ||
            in_ranges(c, qli_uc_nfc_no, qli_uc_n_nfc_no) ||
            (c >= 0x300 && in_ranges(c, qli_uc_nfc_maybe, qli_uc_n_nfc_maybe)));
}

/* The characters an author copies from a law text, or an input method
 * types, for one a number or a formula is written with (P6-06 for
 * numbers, probe7 P7-03 for operators), one row per character or run of
 * digits: what it stands for in a number, what to write for it in a
 * formula, what it is called.  The two readers once had a table each,
 * which disagreed on the characters both knew (U+00B7 is a decimal point
 * in "1·5" but a product in "a · b"). */
const qli_uc_twin qli_uc_twins[] = {
    /* digits: in a formula, the ASCII digit */
    {0xFF10, 0xFF19, '0', NULL, "a full-width digit"},
    {0x0660, 0x0669, '0', NULL, "an Arabic-Indic digit"},
    {0x06F0, 0x06F9, '0', NULL, "an extended Arabic-Indic digit"},
    {0x0966, 0x096F, '0', NULL, "a Devanagari digit"},
    /* what a number is written with, and a formula too */
    {0xFF05, 0xFF05, '%', "'%' right after its number (1.7%)",
     "a full-width percent sign"},
    {0x066A, 0x066A, '%', "'%' right after its number (1.7%)",
     "an Arabic percent sign"},
    {0xFE6A, 0xFE6A, '%', "'%' right after its number (1.7%)",
     "a small percent sign"},
    {0xFF0E, 0xFF0E, '.', "'.'", "a full-width full stop"},
    {0x3002, 0x3002, '.', "'.'", "an ideographic full stop"},
    {0xFF61, 0xFF61, '.', "'.'", "a half-width ideographic full stop"},
    {0x066B, 0x066B, '.', "'.'", "an Arabic decimal separator"},
    {0x00B7, 0x00B7, '.', "'*'", "a middle dot"},
    {0xFF0D, 0xFF0D, '-', "'-'", "a full-width hyphen-minus"},
    {0x2212, 0x2212, '-', "'-'", "a minus sign"},
    {0x2010, 0x2010, '-', "'-'", "a hyphen"},
    {0x2011, 0x2011, '-', "'-'", "a non-breaking hyphen"},
    {0x2012, 0x2012, '-', "'-'", "a figure dash"},
    {0x2013, 0x2013, '-', "'-'", "an en dash"},
    {0xFE63, 0xFE63, '-', "'-'", "a small hyphen-minus"},
    {0xFF0B, 0xFF0B, '+', "'+'", "a full-width plus sign"},
    /* a formula's only */
    {0x2014, 0x2014, 0, "'-'", "an em dash"},
    {0x00D7, 0x00D7, 0, "'*'", "a multiplication sign"},
    {0x22C5, 0x22C5, 0, "'*'", "a dot operator"},
    {0x2217, 0x2217, 0, "'*'", "an asterisk operator"},
    {0xFF0A, 0xFF0A, 0, "'*'", "a full-width asterisk"},
    {0x00F7, 0x00F7, 0, "'/'", "a division sign"},
    {0x2215, 0x2215, 0, "'/'", "a division slash"},
    {0xFF0F, 0xFF0F, 0, "'/'", "a full-width solidus"},
    {0xFF08, 0xFF08, 0, "'('", "a full-width left parenthesis"},
    {0xFF09, 0xFF09, 0, "')'", "a full-width right parenthesis"},
    {0xFF0C, 0xFF0C, 0, "','", "a full-width comma"},
    {0x3001, 0x3001, 0, "','", "an ideographic comma"},
    {0x2264, 0x2264, 0, "'<='", "a less-than or equal sign"},
    {0x2265, 0x2265, 0, "'>='", "a greater-than or equal sign"},
    {0x2260, 0x2260, 0, "'!='", "a not-equal sign"},
    {0xFF1D, 0xFF1D, 0, "'=='", "a full-width equals sign"},
    {0xFF1C, 0xFF1C, 0, "'<'", "a full-width less-than sign"},
    {0xFF1E, 0xFF1E, 0, "'>'", "a full-width greater-than sign"},
    {0x201C, 0x201C, 0, "'\"'", "a left double quotation mark"},
    {0x201D, 0x201D, 0, "'\"'", "a right double quotation mark"},
    {0x2018, 0x2018, 0, "\"'\"", "a left single quotation mark"},
    {0x2019, 0x2019, 0, "\"'\"", "a right single quotation mark"},
    {0x300C, 0x300C, 0, "'\"'", "a left corner bracket"},
    {0x300D, 0x300D, 0, "'\"'", "a right corner bracket"},
    {0xFF02, 0xFF02, 0, "'\"'", "a full-width quotation mark"},
    {0x00A0, 0x00A0, 0, "a plain space", "a no-break space"},
    {0x3000, 0x3000, 0, "a plain space", "an ideographic space"},
    {0x2009, 0x2009, 0, "a plain space", "a thin space"},
    {0x202F, 0x202F, 0, "a plain space", "a narrow no-break space"},
    {0x2030, 0x2030, 0, "a percentage (1.5\xe2\x80\xb0 is 0.15%)",
     "a per mille sign"},
    /* ASCII that is no operator of the language */
    {'%', '%', 0,
     "'%' right after its number, with no space (1.7%); there is no "
     "remainder operator",
     NULL},
    {'&', '&', 0, "'and'", NULL},
    {'|', '|', 0, "'or'", NULL},
};
const size_t qli_uc_n_twins = sizeof qli_uc_twins / sizeof *qli_uc_twins;

const qli_uc_twin *qli_uc_twin_of(uint32_t c)
{
    for (size_t k = 0; k < qli_uc_n_twins; k++)
        if (c >= qli_uc_twins[k].lo && c <= qli_uc_twins[k].hi)
            return &qli_uc_twins[k];
    return NULL;
}

/* The row of c when c stands for something in a number, else NULL. */
static const qli_uc_twin *number_twin(uint32_t c)
{
    if (c < 0x80)
        return NULL; /* ASCII is a number's own, or no number's */
    const qli_uc_twin *t = qli_uc_twin_of(c);
    return t && t->number ? t : NULL;
}

/* s[0, n) with its number look-alikes as ASCII, into fixed (size
 * bytes, no NUL): its length, the first look-alike's row and code point;
 * 0 when it has none or does not fit. */
static size_t untwin(const char *str, size_t n, char *fixed, size_t size,
                     const qli_uc_twin **first, uint32_t *first_cp)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t o = 0, len;
    *first = NULL;
    for (size_t i = 0; i < n; i += len) {
        long c = qli_utf8_decode(s + i, n - i, &len);
        const qli_uc_twin *t = c < 0 ? NULL : number_twin((uint32_t)c);
        if (t && !*first)
            *first = t, *first_cp = (uint32_t)c;
        if (o + 4 >= size)
            return 0; /* far longer than a number */
        if (t)
            fixed[o++] = (char)(t->number + (uint32_t)c - t->lo);
        else
            for (size_t j = 0; j < len; j++)
                fixed[o++] = (char)s[i + j];
    }
    return *first ? o : 0;
}

size_t qli_uc_number_untwinned(const char *s, size_t n, char *out, size_t size)
{
    const qli_uc_twin *first;
    uint32_t cp;
    return untwin(s, n, out, size, &first, &cp);
}

size_t qli_uc_number_lookalike(const char *str, size_t n, int percent_ok,
                               char *buf, size_t size)
{
    char fixed[96];
    const qli_uc_twin *first;
    uint32_t first_cp = 0;
    if (size)
        buf[0] = '\0';
    size_t o = untwin(str, n, fixed, sizeof fixed, &first, &first_cp);
    if (!o || !size)
        return 0;
    char twin[8];
    size_t tl = qli_utf8_encode(first_cp, twin);
    /* no "write 12%" where a '%' is no number either */
    int fix = percent_ok || !memchr(fixed, '%', o);
    int w = snprintf(buf, size,
                     "'%.*s' (U+%04" PRIX32 ", %s) where '%c' is meant%s%.*s",
                     (int)tl, twin, first_cp, first->name,
                     (char)(first->number + first_cp - first->lo),
                     fix ? ": write " : "", fix ? (int)o : 0, fixed);
    return w < 0 ? 0 : (size_t)w < size ? (size_t)w : size - 1;
}
