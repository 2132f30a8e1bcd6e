/*
 * fuzz_expr.c — the expression lexer and parser on arbitrary bytes, then
 * the same text as a computed value of a small rule set, so the type
 * checker and code generator see it too.  Inputs of any length are
 * taken (a flat chain of 30,000 terms once overflowed the type checker's
 * stack); an input starting with byte 0x01 and a count byte is expanded
 * to its rest repeated 256 × count times, up to 256 KiB, so that the
 * fuzzer reaches long chains like "a+a+…" from a few bytes.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char head[] =
    "quotalevy: 1\nid: f\ntitle: f\njurisdiction: f\nversion: \"1\"\n"
    "sources: {s: {title: t}}\n"
    "inputs: {n: decimal, b: bool, k: {type: enum, values: [x, y]}, d: date, s: string,\n"
    "         l: {type: decimal, count: 3, default: 1}}\n"
    "parameters:\n  p: {values: [{from: 2000-01-01, value: 1.5%, source: s}]}\n"
    "  t: {values: [{from: 2000-01-01, source: s, brackets: [{from: 0, value: 1}]}]}\n"
    "checks:\n  c: {title: t, source: s, required: 1, actual: n}\n"
    "computed:\n  x: |\n    ";

static int one_input(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 3 || data[0] != 0x01)
        return one_input(data, size);
    size_t unit = size - 2, times = 256 * (size_t)(data[1] + 1);
    if (unit * times > (256u << 10))
        times = (256u << 10) / unit;
    uint8_t *big = malloc(unit * times + 1);
    if (!big)
        return 0;
    for (size_t i = 0; i < times; i++)
        memcpy(big + i * unit, data + 2, unit);
    one_input(big, unit * times);
    free(big);
    return 0;
}

static int one_input(const uint8_t *data, size_t size)
{
    ql_arena ar = {0};
    const char *msg;
    size_t pos, open;
    qli_parse_expression((const char *)data, size, &ar, &msg, &pos, &open);
    qli_ar_free(&ar);
    /* as a block scalar: every line of the input indented */
    size_t cap = sizeof head + size * 6 + 64, o = 0;
    char *y = malloc(cap);
    if (!y)
        return 0;
    memcpy(y, head, sizeof head - 1);
    o = sizeof head - 1;
    for (size_t i = 0; i < size; i++) {
        y[o++] = (char)data[i];
        if (data[i] == '\n') {
            memcpy(y + o, "    ", 4);
            o += 4;
        }
    }
    o += (size_t)snprintf(y + o, cap - o, "\noutputs: [x]\n");
    ql_ruleset *rs = NULL;
    ql_error err;
    if (ql_ruleset_load_buffer(&rs, y, o, "expr.yaml", &err) == QL_OK) {
        ql_record *rec;
        ql_result *res;
        if (ql_record_new(&rec, rs, &err) == QL_OK) {
            ql_record_set(rec, "n", "12.5", &err);
            ql_record_set(rec, "b", "true", &err);
            ql_record_set(rec, "k", "y", &err);
            ql_record_set(rec, "d", "2024-02-29", &err);
            if (ql_result_new(&res, rs, &err) == QL_OK) {
                ql_date d;
                ql_date_from_ymd(&d, 2024, 6, 30);
                ql_evaluate(res, rec, d, QL_EVAL_TRACE, &err);
                ql_result_free(res);
            }
            ql_record_free(rec);
        }
        ql_ruleset_free(rs);
    }
    free(y);
    return 0;
}
