/*
 * units_csv.h — bench/gen_units.py's CSV (no quoted fields) read into
 * records of a rule set with the public setters, for the benchmark
 * programs (bench_eval.c, bench_slots.c, slotgen.c).  Header-only: each
 * program is one file.
 */
#ifndef QL_BENCH_UNITS_CSV_H
#define QL_BENCH_UNITS_CSV_H

#include <quotalevy.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* UNITS.csv's rows as records of rs (*n_out set); NULL on a bad row. */
static ql_record **units_read(const ql_ruleset *rs, const char *path,
                              size_t *n_out)
{
    ql_error err;
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    char line[8192];
    if (!fgets(line, sizeof line, f)) {
        fclose(f);
        return NULL;
    }
    int col[64], ncol = 0;
    for (char *tok = strtok(line, ",\r\n"); tok && ncol < 64;
         tok = strtok(NULL, ",\r\n"))
        col[ncol++] = ql_ruleset_input_index(rs, tok);
    size_t cap = 1 << 16, n = 0;
    ql_record **recs = malloc(cap * sizeof *recs);
    while (fgets(line, sizeof line, f)) {
        if (n == cap)
            recs = realloc(recs, (cap *= 2) * sizeof *recs);
        ql_record_new(&recs[n], rs, &err);
        char *p = line;
        for (int c = 0; c < ncol; c++) {
            char *end = strpbrk(p, ",\r\n");
            size_t len = end ? (size_t)(end - p) : strlen(p);
            if (col[c] >= 0 &&
                ql_record_set_text(recs[n], (size_t)col[c], p, len, &err)) {
                fprintf(stderr, "row %zu: %s\n", n + 2, err.message);
                fclose(f);
                return NULL;
            }
            if (!end)
                break;
            p = end + 1;
        }
        n++;
    }
    fclose(f);
    *n_out = n;
    return recs;
}

#endif
