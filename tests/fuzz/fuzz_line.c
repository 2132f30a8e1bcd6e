/*
 * fuzz_line.c — a plain CSV line cut and set in one pass
 * (qli_record_set_line, the command's rows) against the same line cut at
 * its commas and set in one call (ql_record_set_texts), on a rule set
 * with a field of every kind and bound.  The input's first byte gives
 * the header's width, the next bytes its column map, the rest the line
 * (a quote, CR, LF or NUL made a 'q': a plain line holds none).  The
 * same column count, the same texts cut, "set" only when the usual way
 * sets the row and then every field the same; otherwise, set again the
 * usual way, the same refusal.  Any difference aborts.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../line_check.h"
#include "eval.h"
#include "quotalevy.h"
#include "record_line.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char rules[] =
    "quotalevy: 1\nid: t\ntitle: T\njurisdiction: XX\nversion: \"1\"\n"
    "currency: EUR\n"
    "sources:\n  s:\n    title: Test source (not law)\n"
    "inputs:\n"
    "  a: decimal\n"
    "  b: {type: integer, min: 0}\n"
    "  c: {type: decimal, scale: 2, min: -5.5, max: 1000}\n"
    "  d: {type: money, above: 0}\n"
    "  e: {type: decimal, above: 0.001, below: 12345678.9}\n"
    "  f: {type: integer, min: -3, max: 99999999999999999}\n"
    "  g: {type: decimal, scale: 4, max: 123456789012345678901234567890}\n"
    "  h: {type: decimal, min: 0.0000000000000000000001}\n"
    "  k: {type: integer, below: 10}\n"
    "  m: {type: decimal, scale: 0, above: -1000000000000000000}\n"
    "  n: {type: decimal, min: 0.5, max: 0.5}\n"
    "  p: {type: decimal, min: -2.5, max: 0}\n"
    "  u: {type: enum, values: [x, yy]}\n"
    "  s: string\n"
    "  t: bool\n"
    "  w: date\n"
    "computed:\n"
    "  z: {expr: a, scale: 2, display: half_up}\n"
    "outputs: [z]\n";

enum { COLS = 32, LINE_MAX = 4096 };

static void differs(const char *what, const char *line, size_t len)
{
    fprintf(stderr, "one-pass line differs: %s\nline: %.*s\n", what, (int)len,
            line);
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static ql_ruleset *rs;
    if (!rs && ql_ruleset_load_buffer(&rs, rules, sizeof rules - 1,
                                      "fuzz_line.yaml", NULL))
        abort();
    if (size == 0)
        return 0;
    size_t nf = ql_ruleset_input_count(rs);
    size_t ncols = 1 + data[0] % COLS, at = 1;
    int fields[COLS];
    for (size_t j = 0; j < ncols; j++) /* a byte a column, −1 feeds none */
        fields[j] =
            at < size ? (int)(data[at++] % (nf + 1)) - 1 : (int)j % (int)nf;
    static char line[LINE_MAX + 1 + QLI_LINE_PAD], copy[LINE_MAX + 1];
    size_t len = size - at < LINE_MAX ? size - at : LINE_MAX;
    for (size_t k = 0; k < len; k++) {
        char c = (char)data[at + k];
        line[k] = c == '\0' || c == '"' || c == '\r' || c == '\n' ? 'q' : c;
    }
    if (len == 0)
        line[len++] = 'x'; /* a plain line is not empty */
    memcpy(copy, line, len);
    copy[len] = '\0';
    const char *shown = copy;

    /* the reference: cut at every comma, set in one call */
    static char cut[LINE_MAX + 1];
    static const char *rt[LINE_MAX + 1];
    static size_t rl[LINE_MAX + 1];
    memcpy(cut, copy, len + 1);
    size_t nref = line_cut_at_commas(cut, len, rt, rl);

    ql_record *ref, *row;
    if (ql_record_new(&ref, rs, NULL) || ql_record_new(&row, rs, NULL))
        abort();
    const char *lt[COLS];
    size_t ll[COLS];
    int set = -1;
    size_t n = qli_record_set_line(row, fields, ncols, line, len, lt, ll, &set);
    if (n != nref)
        differs("the count of columns", shown, len);
    if (n == ncols) {
        for (size_t j = 0; j < n; j++)
            if (ll[j] != rl[j] || memcmp(lt[j], rt[j], rl[j]) ||
                lt[j][ll[j]] != '\0')
                differs("a column's text", shown, len);
        ql_error e1, e2;
        size_t at1 = 99, at2 = 98;
        ql_status s1 = ql_record_set_texts(ref, fields, rt, rl, n, &at1, &e1);
        if (set == 1) {
            if (s1)
                differs("set in one pass, refused the usual way", shown, len);
            for (size_t i = 0; i < nf; i++)
                if (!same_field(ref, row, i))
                    differs("a field's value", shown, len);
        } else {
            if (set != 0)
                differs("*set neither 0 nor 1", shown, len);
            if (!s1)
                differs("refused in one pass, set the usual way", shown, len);
            ql_status s2 =
                ql_record_set_texts(row, fields, lt, ll, n, &at2, &e2);
            if (s1 != s2 || at1 != at2 || strcmp(e1.message, e2.message) ||
                strcmp(e1.field, e2.field))
                differs("the refusal", shown, len);
        }
    }
    ql_record_free(ref);
    ql_record_free(row);
    return 0;
}
