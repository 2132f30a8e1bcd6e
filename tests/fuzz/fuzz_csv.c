/*
 * fuzz_csv.c — the command's CSV and JSON Lines readers on arbitrary
 * bytes: every record, well formed or not, comes back with a line number,
 * and the readers always reach the end.
 */
#include <stdint.h>
#include <stdio.h>

#include "csv.h"
#include "jsonl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    FILE *f = fmemopen((void *)data, size, "rb");
    if (!f)
        return 0;
    csv_reader *r = csv_open(f);
    csv_record rec;
    int st;
    long last = 0;
    while (r && (st = csv_next(r, &rec)) != 0 && st != -2) {
        long line = st == 1 ? rec.line : rec.error_line;
        if (line < last)
            __builtin_trap(); /* lines only go forward */
        last = line;
    }
    csv_close(r);
    fclose(f);
    f = fmemopen((void *)data, size, "rb");
    if (!f)
        return 0;
    jsonl_reader *j = jsonl_open(f);
    jsonl_record jr;
    while (j && (st = jsonl_next(j, &jr)) != 0 && st != -2)
        ;
    jsonl_close(j);
    fclose(f);
    return 0;
}
