/*
 * outfile.h — output files that are complete or absent.  Data goes to a
 * temporary file beside the target ("NAME.partial-XXXXXX") and is renamed
 * into place only after everything was written and flushed, so a failed
 * or killed run never leaves a truncated file under the name asked for.
 */
#ifndef QL_OUTFILE_H
#define QL_OUTFILE_H

#include <stddef.h>
#include <stdio.h>

typedef struct outfile {
    FILE *f;
    char *path, *tmp; /* NULL for standard output */
    int failed, open;
    long long written, flushed; /* bytes; where write-back was started */
} outfile;

/* path NULL or "-": standard output.  −1 with a message on failure. */
int outfile_open(outfile *o, const char *path, const char *cmd);
void outfile_write(outfile *o, const char *p, size_t n);
int outfile_failed(const outfile *o);
/* Flushes, closes and renames into place; −1 on any write error. */
int outfile_commit(outfile *o);
/* Drops an unfinished file (after commit, does nothing). */
void outfile_abort(outfile *o);

#endif
