/*
 * fuzz_rules.c — the rules loader on arbitrary bytes: YAML tree, schema,
 * expressions, type checker and compiler.  When a rule set loads, one
 * evaluation with every field empty runs as well.  Inputs naming
 * `extends` are skipped: they would read files outside the input.
 */
#include <stdint.h>
#include <string.h>

#include "quotalevy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (memmem(data, size, "extends", 7))
        return 0;
    ql_ruleset *rs = NULL;
    ql_error err;
    if (ql_ruleset_load_buffer(&rs, (const char *)data, size, "fuzz.yaml", &err)) {
        char buf[2048];
        ql_error_format(buf, sizeof buf, &err); /* must be well formed */
        return 0;
    }
    ql_record *rec;
    ql_result *res;
    if (ql_record_new(&rec, rs, &err) == QL_OK &&
        ql_result_new(&res, rs, &err) == QL_OK) {
        ql_date d;
        ql_date_from_ymd(&d, 2024, 6, 30);
        ql_evaluate(res, rec, d, QL_EVAL_TRACE, &err);
        ql_result_free(res);
    }
    ql_record_free(rec);
    ql_ruleset_free(rs);
    return 0;
}
