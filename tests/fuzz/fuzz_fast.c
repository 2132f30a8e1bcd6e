/*
 * fuzz_fast.c — the fast path against the exact engine on fuzzer-made
 * rule sets and records (tests/fast_diff.h): the input's bytes drive the
 * generator's choices, so coverage guidance explores the shapes of
 * expressions and values.  Any difference in results, scales or errors
 * aborts.  The same rule set (without its input among the outputs, which
 * the columns leave to records) then evaluates random int64 columns with
 * ql_evaluate_columns, each row compared with a record's evaluation
 * (fd_compare_columns).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../fast_diff.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fd_rng r = {0x1234, data, size};
    fd_buf b = {0};
    fd_gen_rules(&r, &b, 2 + fd_below(&r, 10));
    ql_ruleset *rs = fd_load(&b);
    if (!rs) {
        free(b.s);
        return 0;
    }
    ql_record *rec;
    ql_result *fr, *xr;
    if (ql_record_new(&rec, rs, NULL) || ql_result_new(&fr, rs, NULL) ||
        ql_result_new(&xr, rs, NULL))
        abort();
    fd_stats st = {0};
    char why[512];
    for (int k = 0; k < 16; k++) {
        fd_gen_record(&r, rs, rec, fd_below(&r, 40));
        if (!fd_compare(fr, xr, rec, fd_gen_date(&r), &st, why, sizeof why)) {
            fprintf(stderr, "fast path differs: %s\n%s\n", why, b.s);
            abort();
        }
    }
    ql_result_free(fr);
    ql_result_free(xr);
    ql_record_free(rec);
    ql_ruleset_free(rs);
    char *n_out = strstr(b.s, "ck, n]\n");
    if (n_out)
        memcpy(n_out, "ck]   \n", 7);
    if ((rs = fd_load(&b))) {
        ql_columns *cols;
        if (ql_columns_new(&cols, rs, NULL) || ql_record_new(&rec, rs, NULL) ||
            ql_result_new(&fr, rs, NULL))
            abort();
        long count[2] = {0, 0};
        for (int k = 0; k < 4; k++)
            if (!fd_compare_columns(&r, rs, cols, rec, fr, FD_ROWS, k < 2, 20,
                                    fd_gen_date(&r), count, why, sizeof why)) {
                fprintf(stderr, "columns differ: %s\n%s\n", why, b.s);
                abort();
            }
        ql_columns_free(cols);
        ql_result_free(fr);
        ql_record_free(rec);
        ql_ruleset_free(rs);
    }
    free(b.s);
    return 0;
}
