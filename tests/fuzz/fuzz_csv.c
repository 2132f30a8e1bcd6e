/*
 * fuzz_csv.c — the command's CSV and JSON Lines readers on arbitrary
 * bytes: every record, well formed or not, comes back with a line number,
 * the readers always reach the end, and the CSV reader's plain-line
 * shortcut gives what its general path gives — also with columns that
 * are not kept (the first byte's bits choose them), and past the limits
 * the reader resynchronises at the same record end on both paths; and
 * runs of plain lines handed over whole read as the general reader reads.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "jsonl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Runs of plain lines handed over whole (csv_plain_lines, cut by
 * csv_split_plain or, quoting whole fields, csv_split_quoted, as `quotalevy
 * run`'s workers cut them), csv_next for
 * the rest, against the general reader: every line the same record —
 * its line number and fields (those not kept aside: the caller does not
 * read them) — and the records between them the same too. */
static void runs_as_general(const uint8_t *data, size_t size,
                            const unsigned char *skip, size_t nskip)
{
    FILE *f = fmemopen((void *)data, size, "rb");
    FILE *g = fmemopen((void *)data, size, "rb");
    csv_reader *r = f ? csv_open(f) : NULL, *q = g ? csv_open(g) : NULL;
    if (q)
        csv_general_only(q, 1);
    if (r && q) {
        csv_skip(r, skip, nskip);
        csv_skip(q, skip, nskip);
    }
    static char rec[CSV_PLAIN_MAX + 17];
    static const char *text[CSV_PLAIN_MAX + 1];
    static size_t len[CSV_PLAIN_MAX + 1];
    strbuf blk = {0};
    csv_line lines[7];
    csv_record a, b;
    unsigned turn = 0;
    while (r && q) {
        long first;
        blk.len = 0;
        int got =
            csv_plain_lines(r, &blk, lines, 1 + turn++ % 7, 1u << 20, &first);
        if (got < 0)
            break;
        for (int k = 0; k < got; k++) {
            if (csv_next(q, &b) != 1 || b.line != first + k)
                __builtin_trap();
            size_t nf = (lines[k].quoted ? csv_split_quoted : csv_split_plain)(
                rec, blk.p + lines[k].off, lines[k].len, text, len,
                CSV_PLAIN_MAX + 1);
            if (nf != b.nfields)
                __builtin_trap();
            for (size_t i = 0; i < nf; i++)
                if (!(i < nskip && skip[i]) &&
                    (len[i] != b.len[i] ||
                     memcmp(text[i], b.field[i], len[i] + 1)))
                    __builtin_trap();
        }
        if (got)
            continue;
        int st = csv_next(r, &a);
        if (st != csv_next(q, &b))
            __builtin_trap();
        if (st == 0 || st == -2)
            break;
        if (st == 1 ? a.line != b.line || a.nfields != b.nfields
                    : a.error_line != b.error_line || strcmp(a.error, b.error))
            __builtin_trap();
    }
    free(blk.p);
    csv_close(r);
    csv_close(q);
    if (f)
        fclose(f);
    if (g)
        fclose(g);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    /* Read twice, with and without the plain-line shortcut: the same
     * records, fields, lines and errors, byte for byte. */
    FILE *f = fmemopen((void *)data, size, "rb");
    FILE *g = fmemopen((void *)data, size, "rb");
    if (!f || !g) {
        if (f)
            fclose(f);
        if (g)
            fclose(g);
        return 0;
    }
    csv_reader *r = csv_open(f), *q = csv_open(g);
    if (q)
        csv_general_only(q, 1);
    unsigned char skip[64];
    for (size_t i = 0; i < sizeof skip; i++)
        skip[i] = (data[0] & 0x80) && ((data[0] >> (i % 7)) & 1);
    if (r && q) {
        csv_skip(r, skip, sizeof skip);
        csv_skip(q, skip, sizeof skip);
    }
    csv_record rec, ref;
    int st;
    long last = 0;
    while (r && q && (st = csv_next(r, &rec)) != 0 && st != -2) {
        int st2 = csv_next(q, &ref);
        if (st2 != st)
            __builtin_trap();
        if (st == 1) {
            if (rec.line != ref.line || rec.nfields != ref.nfields)
                __builtin_trap();
            for (size_t i = 0; i < rec.nfields; i++) {
                if (rec.len[i] != ref.len[i] ||
                    memcmp(rec.field[i], ref.field[i], rec.len[i] + 1))
                    __builtin_trap();
                if (i < sizeof skip && skip[i] && rec.len[i])
                    __builtin_trap(); /* a field not kept was kept */
                if (memchr(rec.field[i], '\0', rec.len[i]))
                    __builtin_trap(); /* a NUL inside a field */
            }
        } else if (rec.error_line != ref.error_line ||
                   rec.error_column != ref.error_column ||
                   strcmp(rec.error, ref.error)) {
            __builtin_trap();
        }
        long line = st == 1 ? rec.line : rec.error_line;
        if (line < last)
            __builtin_trap(); /* lines only go forward */
        last = line;
    }
    csv_close(r);
    csv_close(q);
    fclose(f);
    fclose(g);
    runs_as_general(data, size, skip, sizeof skip);
    f = fmemopen((void *)data, size, "rb");
    if (!f)
        return 0;
    jsonl_reader *j = jsonl_open(f);
    jsonl_record jr;
    /* every reject points into its line: a value at its first byte, a
     * fault at a byte of the line (or just past its end), 1-based */
    while (j && (st = jsonl_next(j, &jr)) != 0 && st != -2) {
        if (st == -1 &&
            (jr.error_column < 1 || (size_t)jr.error_column > size + 1))
            abort();
        for (size_t k = 0; st == 1 && k < jr.n; k++)
            if (jr.vcol[k] < 1 || (size_t)jr.vcol[k] > size)
                abort();
    }
    jsonl_close(j);
    fclose(f);
    return 0;
}
