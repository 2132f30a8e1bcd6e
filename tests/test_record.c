/*
 * test_record.c — a record's fields set from text: the 64-bit way for
 * numbers (record.c's number_fast) against the exact way on the same
 * texts, and the 64-bit copy of every value (rec64) that the fast path
 * reads, kept by every setter.
 *
 * The differential test sets random number texts — signs, blanks,
 * leading and trailing zeros, up to 40 digits, stray characters — on
 * fields of every kind of constraint (integer, places, money, inclusive
 * and exclusive bounds, bounds past 64 bits or with more places than any
 * text) and requires the same status, message, field, value and scale
 * from ql_record_set_text as from the exact code alone.
 */
#include "test_util.h"

#include "decimal.h"
#include "eval.h"
#include "line_check.h"
#include "record_line.h"

#define FIELDS                                                                 \
    "inputs:\n"                                                                \
    "  a: decimal\n"                                                           \
    "  b: {type: integer, min: 0}\n"                                           \
    "  c: {type: decimal, scale: 2, min: -5.5, max: 1000}\n"                   \
    "  d: {type: money, above: 0}\n"                                           \
    "  e: {type: decimal, above: 0.001, below: 12345678.9}\n"                  \
    "  f: {type: integer, min: -3, max: 99999999999999999}\n"                  \
    "  g: {type: decimal, scale: 4, max: 123456789012345678901234567890}\n"    \
    "  h: {type: decimal, min: 0.0000000000000000000001}\n"                    \
    "  k: {type: integer, below: 10}\n"                                        \
    "  m: {type: decimal, scale: 0, above: -1000000000000000000}\n"            \
    "  n: {type: decimal, min: 0.5, max: 0.5}\n"                               \
    "  p: {type: decimal, min: -2.5, max: 0}\n"                                \
    "  u: {type: enum, values: [x, yy]}\n"                                     \
    "  s: string\n"                                                            \
    "  t: bool\n"                                                              \
    "  w: date\n"                                                              \
    "computed:\n"                                                              \
    "  z: {expr: a, scale: 2, display: half_up}\n"                             \
    "outputs: [z]\n"

static const char *rules(void)
{
    return RULES_HEAD "currency: EUR\n" FIELDS;
}

/* A deterministic generator: the test is the same on every run. */
static uint64_t rnd_state = 0x9E3779B97F4A7C15ULL;
static unsigned rnd(unsigned n)
{
    rnd_state ^= rnd_state << 13;
    rnd_state ^= rnd_state >> 7;
    rnd_state ^= rnd_state << 17;
    return (unsigned)(rnd_state % n);
}

/* A number text, now and then not quite one. */
static size_t random_text(char *t, size_t cap)
{
    size_t o = 0;
    while (rnd(6) == 0 && o < 3)
        t[o++] = rnd(2) ? ' ' : '\t';
    unsigned sign = rnd(5);
    if (sign == 0)
        t[o++] = '-';
    else if (sign == 1)
        t[o++] = '+';
    int lead = rnd(4) == 0 ? (int)rnd(4) : 0;
    for (int k = 0; k < lead; k++)
        t[o++] = '0';
    int whole = rnd(8) == 0 ? (int)rnd(22) : (int)rnd(9);
    for (int k = 0; k < whole; k++)
        t[o++] = (char)('0' + rnd(10));
    if (rnd(2)) {
        t[o++] = '.';
        int frac = rnd(8) == 0 ? (int)rnd(22) : (int)rnd(6);
        for (int k = 0; k < frac; k++)
            t[o++] = (char)('0' + (rnd(3) == 0 ? 0 : rnd(10)));
        for (int z = rnd(3) == 0 ? (int)rnd(5) : 0; z > 0; z--)
            t[o++] = '0';
    }
    if (rnd(25) == 0) /* a stray character somewhere */
        t[rnd((unsigned)o + 1)] = "e,x.- _"[rnd(7)];
    while (rnd(6) == 0 && o < cap - 1)
        t[o++] = rnd(2) ? ' ' : '\t';
    t[o] = '\0';
    return o;
}

/* The 64-bit copy of field i agrees with its exact value. */
static void assert_v64_(const ql_record *rec, size_t i, const char *file,
                        int line)
{
    if (!rec->present[i])
        return;
    const fval *w = &rec->v64[i];
    int wide_w = rec->wide[i];
    const input_def *d = &rec->rs->inputs[i];
    const qval *v = &rec->vals[i];
    int ok = 1;
    switch (d->type.kind) {
    case VK_NUMBER: {
        int wide = v->num.coef > INT64_MAX || v->num.coef < INT64_MIN;
        ok = wide_w == wide && w->s == v->num.scale && w->d == 0 &&
             (wide || w->c == (int64_t)v->num.coef);
        break;
    }
    case VK_BOOL: ok = !wide_w && w->s == 0 && w->d == 0 && w->c == v->b; break;
    case VK_DATE:
        ok = !wide_w && w->s == 0 && w->d == 0 && w->c == v->date;
        break;
    case VK_ENUM:
        ok = !wide_w && w->s == 0 && w->d == 0 && w->c == v->en;
        break;
    default: ok = !wide_w && w->p == v->str.s && w->len == v->str.len; break;
    }
    if (!ok) {
        print_error("field %zu: the 64-bit copy (%lld, %d, wide %d) is not "
                    "its value\n",
                    i, (long long)w->c, w->s, wide_w);
        _fail(file, line);
    }
}
#define assert_v64(rec, i) assert_v64_((rec), (i), __FILE__, __LINE__)

/* Sets text on field i both ways and requires the same outcome. */
static void same_both_ways(ql_record *fast, ql_record *exact, size_t i,
                           const char *t, size_t len)
{
    ql_error ef, ee;
    ql_error_clear(&ef);
    ql_error_clear(&ee);
    ql_status sf = ql_record_set_text(fast, i, t, len, &ef);
    ql_status se = qli_record_set_text_exact(exact, i, t, len, &ee);
    if (sf != se || strcmp(ef.message, ee.message) ||
        strcmp(ef.field, ee.field))
        fail_msg("field %s, text '%s': %d '%s' (field '%s') against the "
                 "exact way's %d '%s' (field '%s')",
                 fast->rs->inputs[i].name, t, sf, ef.message, ef.field, se,
                 ee.message, ee.field);
    if (sf)
        return;
    ql_value a = QL_VALUE_INIT, b = QL_VALUE_INIT;
    assert_int_equal(ql_record_get(&a, fast, i), QL_OK);
    assert_int_equal(ql_record_get(&b, exact, i), QL_OK);
    assert_int_equal(a.type, b.type);
    if (a.type == QL_TYPE_NUMBER && (a.number.coef_hi != b.number.coef_hi ||
                                     a.number.coef_lo != b.number.coef_lo ||
                                     a.number.scale != b.number.scale)) {
        char x[QL_DECIMAL_TEXT_MAX], y[QL_DECIMAL_TEXT_MAX];
        ql_decimal_format(x, sizeof x, &a.number);
        ql_decimal_format(y, sizeof y, &b.number);
        fail_msg("field %s, text '%s': %s against the exact way's %s",
                 fast->rs->inputs[i].name, t, x, y);
    }
    if (a.type == QL_TYPE_STRING &&
        (a.length != b.length || memcmp(a.string, b.string, a.length)))
        fail_msg("field %s: the texts differ", fast->rs->inputs[i].name);
    assert_v64(fast, i);
    assert_v64(exact, i);
}

/* Random bytes, mostly ASCII: NULs, UTF-8 sequences good and bad. */
static size_t random_bytes(char *t, size_t cap)
{
    static const char *const pieces[] = {"a",
                                         "Z",
                                         "7",
                                         " ",
                                         "\t",
                                         "é",
                                         "残疾",
                                         "\xff",
                                         "\xc3",
                                         "\xed\xa0\x80",
                                         "\xf4\x90\x80\x80",
                                         "x",
                                         "yy",
                                         "U0000",
                                         ","};
    size_t o = 0, n = rnd(24);
    for (size_t k = 0; k < n && o + 8 < cap; k++) {
        if (rnd(40) == 0) {
            t[o++] = '\0';
            continue;
        }
        const char *p = pieces[rnd(sizeof pieces / sizeof *pieces)];
        size_t l = strlen(p);
        memcpy(t + o, p, l);
        o += l;
    }
    t[o] = '\0';
    return o;
}

/* Strings and enum values, which the 64-bit way takes when they are
 * plain, as the exact way: the same values, and the same refusals. */
static void test_record_text_fields_as_exact_way(void **state)
{
    (void)state;
    ql_ruleset *rs = load_text(rules());
    ql_record *fast, *exact;
    assert_int_equal(ql_record_new(&fast, rs, NULL), QL_OK);
    assert_int_equal(ql_record_new(&exact, rs, NULL), QL_OK);
    size_t s = (size_t)ql_ruleset_input_index(rs, "s");
    size_t u = (size_t)ql_ruleset_input_index(rs, "u");
    char t[256];
    for (int r = 0; r < 50000; r++) {
        size_t len = random_bytes(t, sizeof t);
        same_both_ways(fast, exact, r % 2 ? s : u, t, len);
    }
    /* a NUL or a stray byte at every place of a text is refused */
    for (size_t len = 1; len <= 24; len++)
        for (size_t at = 0; at < len; at++)
            for (int bad = 0; bad < 3; bad++) {
                memset(t, 'a', len);
                t[at] = "\0\xc3\x80"[bad];
                ql_error err;
                if (ql_record_set_text(fast, s, t, len, &err) != QL_ERECORD)
                    fail_msg("byte %d at %zu of %zu was taken", bad, at, len);
                /* the byte at fault is named where it stands */
                char want[160];
                snprintf(
                    want, sizeof want,
                    bad == 0
                        ? "value holds a NUL byte (byte %zu of it): not text"
                    : bad == 1
                        ? "value is not valid UTF-8 text: byte %zu of it, "
                          "0xC3, "
                          "is not UTF-8 (it starts a 2-byte sequence, but "
                          "0x61 follows where"
                        : "value is not valid UTF-8 text: byte %zu of it, "
                          "0x80, "
                          "is not UTF-8 (a continuation byte",
                    at + 1);
                if (bad == 1 && at + 1 == len)
                    snprintf(want, sizeof want,
                             "byte %zu of it, 0xC3, is not UTF-8 (it "
                             "starts a 2-byte sequence that the end of the "
                             "text cuts short)",
                             at + 1);
                if (!strstr(err.message, want))
                    fail_msg(
                        "byte %d at %zu of %zu: expected \"%s\", got \"%s\"",
                        bad, at, len, want, err.message);
            }
    static const char *const words[] = {"x", "yy", " x ", "y", "X", "xx", ""};
    for (size_t k = 0; k < sizeof words / sizeof *words; k++)
        same_both_ways(fast, exact, u, words[k], strlen(words[k]));
    ql_record_free(fast);
    ql_record_free(exact);
    ql_ruleset_free(rs);
}

static void test_record_number_text_as_exact_way(void **state)
{
    (void)state;
    ql_ruleset *rs = load_text(rules());
    ql_record *fast, *exact;
    assert_int_equal(ql_record_new(&fast, rs, NULL), QL_OK);
    assert_int_equal(ql_record_new(&exact, rs, NULL), QL_OK);
    static const char *edges[] = {"0",
                                  "-0",
                                  "+0",
                                  "-0.00",
                                  "00012.50",
                                  "  12.50\t",
                                  "1.",
                                  ".5",
                                  "1e3",
                                  "-",
                                  "+",
                                  "",
                                  " ",
                                  "5.5",
                                  "-5.5",
                                  "-5.51",
                                  "-5.50",
                                  "1000",
                                  "1000.00",
                                  "1000.001",
                                  "0.001",
                                  "0.0010",
                                  "12345678.9",
                                  "12345678.89",
                                  "123456789012345678",
                                  "1234567890123456789",
                                  "999999999999999999",
                                  "99999999999999999",
                                  "100000000000000000",
                                  "9223372036854775807",
                                  "-9223372036854775808",
                                  "12.755",
                                  "12.7500",
                                  "2.0",
                                  "2.5",
                                  "9",
                                  "10",
                                  "9.999999999999999",
                                  "0.5",
                                  "0.50",
                                  "0.5000000000000000000000",
                                  "0.0000000000000000000001",
                                  "0.00000000000000000001",
                                  "-999999999999999999",
                                  "-1000000000000000000",
                                  "1 000",
                                  "1,5",
                                  "+-1",
                                  "0x10",
                                  "١٢",
                                  "12.50.1",
                                  "000000000000000000000000000001"};
    size_t n = ql_ruleset_input_count(rs);
    for (size_t e = 0; e < sizeof edges / sizeof *edges; e++)
        for (size_t i = 0; i < n; i++)
            same_both_ways(fast, exact, i, edges[e], strlen(edges[e]));
    char t[128];
    size_t numbers = 0;
    for (int r = 0; r < 200000; r++) {
        size_t len = random_text(t, sizeof t);
        size_t i = rnd(11); /* the number fields, a … n */
        assert_int_equal(rs->inputs[i].type.kind, VK_NUMBER);
        same_both_ways(fast, exact, i, t, len);
        numbers++;
    }
    assert_int_equal(numbers, 200000);
    ql_record_free(fast);
    ql_record_free(exact);
    ql_ruleset_free(rs);
}

/* A row set in one call (ql_record_set_texts) as field by field
 * (ql_record_set_text, in column order, every column; of the refusals
 * the one whose field is declared first, the first column of it — so
 * the error does not depend on the columns' order, P4-05): random rows
 * of every kind of text over columns that feed the fields in a shuffled
 * order, some feeding none; the same status, message, field and column
 * reported, and every field's value after a row that is set, on records
 * reused row after row (an empty text empties its field). */
static void test_record_set_texts_as_one_by_one(void **state)
{
    (void)state;
    ql_ruleset *rs = load_text(rules());
    ql_record *one, *row;
    assert_int_equal(ql_record_new(&one, rs, NULL), QL_OK);
    assert_int_equal(ql_record_new(&row, rs, NULL), QL_OK);
    size_t nf = ql_ruleset_input_count(rs);
    enum { COLS = 24 };
    int fields[COLS];
    char buf[COLS][128];
    const char *texts[COLS];
    size_t lens[COLS];
    size_t stops = 0;
    for (int r = 0; r < 40000; r++) {
        if (r % 100 == 0) /* a new column map now and then */
            for (size_t j = 0; j < COLS; j++)
                fields[j] = rnd(4) == 0 ? -1 : (int)rnd((unsigned)nf);
        size_t n = rnd(COLS + 1);
        for (size_t j = 0; j < n; j++) {
            int i = fields[j];
            unsigned how = rnd(10);
            if (how < 3)
                lens[j] = 0, buf[j][0] = '\0';
            else if (i >= 0 && rs->inputs[i].type.kind == VK_NUMBER && how < 9)
                lens[j] = random_text(buf[j], sizeof buf[j]);
            else
                lens[j] = random_bytes(buf[j], sizeof buf[j]);
            texts[j] = lens[j] || rnd(2) ? buf[j] : NULL;
        }
        ql_error e1, e2;
        ql_error_clear(&e1);
        ql_error_clear(&e2);
        ql_status s1 = QL_OK;
        size_t at1 = 0, at2 = 99;
        for (size_t j = 0; j < n; j++) {
            ql_error e;
            ql_status s;
            if (fields[j] >= 0 &&
                (s = ql_record_set_text(one, (size_t)fields[j],
                                        texts[j] ? texts[j] : "", lens[j],
                                        &e)) &&
                (!s1 || fields[j] < fields[at1]))
                s1 = s, at1 = j, e1 = e;
        }
        ql_status s2 =
            ql_record_set_texts(row, fields, texts, lens, n, &at2, &e2);
        if (s1 != s2 || (s1 && (at1 != at2 || strcmp(e1.message, e2.message) ||
                                strcmp(e1.field, e2.field))))
            fail_msg("row %d: one by one %d at %zu '%s' (field '%s'), in one "
                     "call %d at %zu '%s' (field '%s')",
                     r, s1, at1, e1.message, e1.field, s2, at2, e2.message,
                     e2.field);
        stops += s1 != QL_OK;
        for (size_t i = 0; i < nf && !s1; i++)
            if (!same_field(one, row, i))
                fail_msg("row %d: field %s differs", r, rs->inputs[i].name);
        if (s1 || rnd(8) == 0) { /* a refused row leaves no defined state */
            ql_record_clear(one);
            ql_record_clear(row);
        }
    }
    assert_true(stops > 1000 && stops < 39000); /* both outcomes, often */
    /* two bad texts: the field declared first is the one reported, in
     * either order of the columns */
    for (int order = 0; order < 2; order++) {
        int num[2] = {-1, -1};
        for (size_t i = 0; i < nf && num[1] < 0; i++)
            if (rs->inputs[i].type.kind == VK_NUMBER)
                num[num[0] >= 0] = (int)i;
        assert_true(num[1] > num[0]);
        int f2[2] = {num[order], num[1 - order]};
        const char *bad2[2] = {"x", "y"};
        size_t len2[2] = {1, 1}, at3 = 9;
        ql_error e3;
        ql_record_clear(row);
        assert_int_not_equal(
            ql_record_set_texts(row, f2, bad2, len2, 2, &at3, &e3), QL_OK);
        assert_string_equal(e3.field, rs->inputs[num[0]].name);
        assert_int_equal(at3, (size_t)order);
    }
    /* the arguments */
    size_t at = 7;
    int bad[2] = {0, (int)nf};
    const char *t2[2] = {"1", "1"};
    size_t l2[2] = {1, 1};
    assert_int_equal(ql_record_set_texts(row, bad, t2, l2, 2, &at, NULL),
                     QL_EINVAL);
    assert_int_equal(at, 1);
    assert_int_equal(ql_record_set_texts(row, NULL, NULL, NULL, 0, &at, NULL),
                     QL_OK);
    assert_int_equal(ql_record_set_texts(row, NULL, t2, l2, 1, NULL, NULL),
                     QL_EINVAL);
    assert_int_equal(ql_record_set_texts(NULL, bad, t2, l2, 1, NULL, NULL),
                     QL_EINVAL);
    const char *nul[1] = {NULL};
    assert_int_equal(ql_record_set_texts(row, bad, nul, l2, 1, &at, NULL),
                     QL_EINVAL);
    assert_int_equal(at, 0);
    ql_record_free(one);
    ql_record_free(row);
    ql_ruleset_free(rs);
}

/* A plain line cut and set in one pass (qli_record_set_line, the
 * command's CSV rows) as cut at its commas and set in one call
 * (ql_record_set_texts): random lines of every kind of text — no quote,
 * CR, LF or NUL, as a plain line has none; commas in a text make more
 * columns — over shuffled column maps, some lines wider or narrower than
 * the map.  The same count of columns and the same texts cut; a line
 * set only when the usual way sets it, then every field the same; else,
 * set again the usual way (as the command does), the same refusal. */
static void test_record_set_line_as_set_texts(void **state)
{
    (void)state;
    ql_ruleset *rs = load_text(rules());
    ql_record *ref, *row;
    assert_int_equal(ql_record_new(&ref, rs, NULL), QL_OK);
    assert_int_equal(ql_record_new(&row, rs, NULL), QL_OK);
    size_t nf = ql_ruleset_input_count(rs);
    enum { COLS = 24 };
    int fields[COLS];
    static char line[COLS * 130 + QLI_LINE_PAD + 1], copy[sizeof line];
    const char *rt[COLS * 130], *lt[COLS];
    size_t rl[COLS * 130], ll[COLS];
    size_t set_rows = 0, refused = 0, ragged = 0;
    for (int r = 0; r < 40000; r++) {
        if (r % 100 == 0)
            for (size_t j = 0; j < COLS; j++)
                fields[j] = rnd(4) == 0 ? -1 : (int)rnd((unsigned)nf);
        size_t ncols = 1 + rnd(COLS),
               width = rnd(10) == 0 ? rnd(COLS + 2) : ncols;
        size_t len = 0;
        for (size_t j = 0; j < width; j++) {
            char t[128];
            int i = j < ncols ? fields[j] : -1;
            unsigned how = rnd(10);
            size_t n =
                how < 3 ? 0
                : i >= 0 && rs->inputs[i].type.kind == VK_NUMBER && how < 9
                    ? random_text(t, sizeof t)
                    : random_bytes(t, sizeof t);
            for (size_t k = 0; k < n; k++)
                if (t[k] == '\0' || t[k] == '"' || t[k] == '\r' || t[k] == '\n')
                    t[k] = 'q';
            if (j)
                line[len++] = ',';
            memcpy(line + len, t, n);
            len += n;
        }
        if (len == 0)
            line[len++] = 'x'; /* a plain line is not empty */
        /* the reference: cut at every comma, set in one call */
        memcpy(copy, line, len);
        copy[len] = '\0';
        size_t nref = line_cut_at_commas(copy, len, rt, rl);
        int set = -1;
        size_t n =
            qli_record_set_line(row, fields, ncols, line, len, lt, ll, &set);
        if (n != nref)
            fail_msg("row %d: %zu columns cut, %zu in the line", r, n, nref);
        if (n != ncols) {
            ragged++;
            ql_record_clear(ref);
            ql_record_clear(row);
            continue;
        }
        for (size_t j = 0; j < n; j++)
            if (ll[j] != rl[j] || memcmp(lt[j], rt[j], rl[j]) ||
                lt[j][ll[j]] != '\0')
                fail_msg("row %d: column %zu cut as '%.*s'", r, j, (int)ll[j],
                         lt[j]);
        ql_error e1, e2;
        ql_error_clear(&e1);
        ql_error_clear(&e2);
        size_t at1 = 99, at2 = 98;
        ql_status s1 = ql_record_set_texts(ref, fields, rt, rl, n, &at1, &e1);
        if (set == 1) {
            if (s1)
                fail_msg("row %d: set in one pass, refused the usual way: %s",
                         r, e1.message);
            set_rows++;
            for (size_t i = 0; i < nf; i++)
                if (!same_field(ref, row, i))
                    fail_msg("row %d: field %s differs", r, rs->inputs[i].name);
        } else {
            assert_int_equal(set, 0);
            ql_status s2 =
                ql_record_set_texts(row, fields, lt, ll, n, &at2, &e2);
            if (s1 != s2 || !s1 || at1 != at2 ||
                strcmp(e1.message, e2.message) || strcmp(e1.field, e2.field))
                fail_msg("row %d: the usual way %d at %zu '%s', after one pass "
                         "%d at "
                         "%zu '%s'",
                         r, s1, at1, e1.message, s2, at2, e2.message);
            refused++;
        }
        if (s1 || rnd(8) == 0) {
            ql_record_clear(ref);
            ql_record_clear(row);
        }
    }
    assert_true(set_rows > 1000 && refused > 1000 && ragged > 100);
    ql_record_free(ref);
    ql_record_free(row);
    ql_ruleset_free(rs);
}

/* The fast path's copy is written by every setter, whatever the type. */
static void test_record_v64_by_every_setter(void **state)
{
    (void)state;
    ql_ruleset *rs = load_text(rules());
    ql_record *rec;
    ql_error err;
    assert_int_equal(ql_record_new(&rec, rs, NULL), QL_OK);
    int a = ql_ruleset_input_index(rs, "a"),
        g = ql_ruleset_input_index(rs, "g");
    ql_decimal big;
    assert_int_equal(ql_decimal_parse(&big, "123456789012345678901", 21, NULL),
                     QL_OK);
    assert_int_equal(ql_record_set_decimal(rec, (size_t)a, &big, &err), QL_OK);
    assert_int_equal(rec->wide[a], 1);
    assert_v64(rec, (size_t)a);
    assert_int_equal(ql_record_set_int(rec, (size_t)a, -42, &err), QL_OK);
    assert_int_equal(rec->wide[a], 0);
    assert_int_equal(rec->v64[a].c, -42);
    assert_v64(rec, (size_t)a);
    /* a text too long for 64 bits goes the exact way and is wide */
    assert_int_equal(ql_record_set(rec, "g", "12345678901234567890.5", &err),
                     QL_OK);
    assert_int_equal(rec->wide[g], 1);
    assert_v64(rec, (size_t)g);
    assert_int_equal(ql_record_set(rec, "g", "-7.25", &err), QL_OK);
    assert_int_equal(rec->v64[g].c, -725);
    assert_int_equal(rec->v64[g].s, 2);
    assert_v64(rec, (size_t)g);
    assert_int_equal(ql_record_set(rec, "u", "yy", &err), QL_OK);
    assert_v64(rec, (size_t)ql_ruleset_input_index(rs, "u"));
    assert_int_equal(ql_record_set(rec, "s", "text", &err), QL_OK);
    assert_v64(rec, (size_t)ql_ruleset_input_index(rs, "s"));
    int t = ql_ruleset_input_index(rs, "t"),
        w = ql_ruleset_input_index(rs, "w");
    assert_int_equal(ql_record_set(rec, "t", "yes", &err), QL_OK);
    assert_v64(rec, (size_t)t);
    assert_int_equal(ql_record_set_bool(rec, (size_t)t, 0, &err), QL_OK);
    assert_int_equal(rec->v64[t].c, 0);
    assert_v64(rec, (size_t)t);
    assert_int_equal(ql_record_set(rec, "w", "2024-02-29", &err), QL_OK);
    assert_v64(rec, (size_t)w);
    ql_date d;
    assert_int_equal(ql_date_from_ymd(&d, 1999, 12, 31), QL_OK);
    assert_int_equal(ql_record_set_date(rec, (size_t)w, d, &err), QL_OK);
    assert_int_equal(rec->v64[w].c, d);
    assert_v64(rec, (size_t)w);
    /* a bad text keeps neither copy of a value set before it */
    assert_int_equal(ql_record_set(rec, "c", "12.5", &err), QL_OK);
    assert_int_equal(ql_record_set(rec, "c", "12.555", &err), QL_ERECORD);
    int c = ql_ruleset_input_index(rs, "c");
    assert_int_equal(rec->v64[c].c, 125);
    assert_v64(rec, (size_t)c);
    ql_record_free(rec);
    ql_ruleset_free(rs);
}

/* The messages of bad numbers, whichever way they are found bad. */
static void test_record_number_messages(void **state)
{
    (void)state;
    ql_ruleset *rs = load_text(rules());
    ql_record *rec;
    ql_error err;
    assert_int_equal(ql_record_new(&rec, rs, NULL), QL_OK);
    static const struct {
        const char *field, *text, *message;
    } cases[] = {
        {"b", "2.5", "2.5 is not a whole number (field 'b' is an integer)"},
        {"b", "-1", "-1 is out of range (expected >= 0)"},
        {"c", "12.755",
         "12.755 has more than 2 decimal places (field 'c' has 'scale: 2')"},
        {"d", "1.005",
         "1.005 has more decimal places than the currency's 2 (field 'd' is "
         "money)"},
        {"d", "0", "0 is out of range (expected > 0)"},
        {"e", "12345678.9",
         "12345678.9 is out of range (expected < 12345678.9)"},
        {"k", "10", "10 is out of range (expected < 10)"},
        {"a", "1e3",
         "'1e3' is not a valid decimal: not a plain decimal number (expected "
         "digits with an optional sign and decimal point, e.g. 12.75)"},
        /* P6-06: look-alikes named, with what is meant */
        {"a", "\xef\xbc\x91\xef\xbc\x92",
         "'\xef\xbc\x91\xef\xbc\x92' is not a valid decimal: it has "
         "'\xef\xbc\x91' (U+FF11, a full-width digit) where '1' is meant: "
         "write 12"},
        {"a",
         "1\xef\xbc\x8e"
         "5",
         "'1\xef\xbc\x8e"
         "5' is not a valid decimal: it has '\xef\xbc\x8e' "
         "(U+FF0E, a full-width full stop) where '.' is meant: write 1.5"},
        {"a", "12\xef\xbc\x85",
         "'12\xef\xbc\x85' is not a valid decimal: it has '\xef\xbc\x85' "
         "(U+FF05, a full-width percent sign) where '%' is meant"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        ql_error_clear(&err);
        assert_int_equal(
            ql_record_set(rec, cases[k].field, cases[k].text, &err),
            QL_ERECORD);
        assert_text(err.field, cases[k].field);
        assert_text(err.message, cases[k].message);
    }
    ql_record_free(rec);
    ql_ruleset_free(rs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_record_number_text_as_exact_way),
        cmocka_unit_test(test_record_text_fields_as_exact_way),
        cmocka_unit_test(test_record_set_texts_as_one_by_one),
        cmocka_unit_test(test_record_set_line_as_set_texts),
        cmocka_unit_test(test_record_v64_by_every_setter),
        cmocka_unit_test(test_record_number_messages),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
