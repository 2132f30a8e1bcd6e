/*
 * fuzz_record.c — evaluation of the Jilin rule set with arbitrary field
 * texts.  The input is split at 0x1F (unit separator) into the values of
 * the inputs in order; an evaluation date comes from the first byte.
 * Every outcome must be a status with a message, never a crash.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "quotalevy.h"

#ifndef QL_SOURCE_DIR
#define QL_SOURCE_DIR "."
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static ql_ruleset *rs;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ql_error err;
    if (!rs && ql_ruleset_load(&rs, QL_SOURCE_DIR "/rules/cn/jilin.yaml", &err))
        abort();
    if (size == 0)
        return 0;
    ql_record *rec;
    ql_result *res;
    if (ql_record_new(&rec, rs, &err) || ql_result_new(&res, rs, &err))
        abort();
    ql_date d;
    ql_date_from_ymd(&d, 2014 + data[0] % 16, 1 + data[0] % 12, 1 + data[0] % 28);
    size_t field = 0, start = 1;
    for (size_t i = 1; i <= size; i++) {
        if (i == size || data[i] == 0x1F) {
            if (field < ql_ruleset_input_count(rs))
                ql_record_set_text(rec, field, (const char *)data + start,
                                   i - start, &err);
            field++;
            start = i + 1;
        }
    }
    if (ql_evaluate(res, rec, d, data[0] & 1 ? QL_EVAL_TRACE : 0, &err) == QL_OK) {
        char buf[QL_DECIMAL_TEXT_MAX];
        for (size_t i = 0; i < ql_ruleset_output_count(rs); i++) {
            ql_value v = QL_VALUE_INIT;
            ql_result_output(&v, res, i);
            ql_value_format(buf, sizeof buf, &v);
        }
    } else if (!err.message[0]) {
        abort(); /* an error always says what */
    }
    ql_result_free(res);
    ql_record_free(rec);
    return 0;
}
