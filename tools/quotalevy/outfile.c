/*
 * outfile.c — see outfile.h.
 */
#include "outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

int outfile_open(outfile *o, const char *path, const char *cmd)
{
    memset(o, 0, sizeof *o);
    o->open = 1;
    if (!path || !strcmp(path, "-")) {
        o->f = stdout;
        return 0;
    }
    size_t n = strlen(path);
    o->path = strdup(path);
    o->tmp = malloc(n + 20);
    if (!o->path || !o->tmp) {
        cli_error(cmd, "out of memory");
        free(o->path);
        free(o->tmp);
        o->path = o->tmp = NULL;
        o->open = 0;
        return -1;
    }
    snprintf(o->tmp, n + 20, "%s.partial-XXXXXX", path);
    int fd = mkstemp(o->tmp);
    if (fd < 0 || !(o->f = fdopen(fd, "wb"))) {
        cli_error(cmd, "cannot create %s: %s", path, strerror(errno));
        if (fd >= 0)
            close(fd);
        free(o->tmp);
        free(o->path);
        o->tmp = o->path = NULL;
        o->open = 0;
        return -1;
    }
    return 0;
}

/* Start writing back every this many bytes, so that the fsync before the
 * rename waits for the last stretch only, not for the whole file. */
#define WRITEBACK_STEP (8ll << 20)

void outfile_write(outfile *o, const char *p, size_t n)
{
    if (!o->open || o->failed || !n)
        return;
    if (fwrite(p, 1, n, o->f) != n) {
        o->failed = 1;
        return;
    }
    o->written += (long long)n;
#ifdef SYNC_FILE_RANGE_WRITE
    if (o->tmp && o->written - o->flushed >= WRITEBACK_STEP) {
        /* advisory: the kernel starts write-back and does not wait; the
         * fsync in outfile_commit still decides */
        if (fflush(o->f) != 0) {
            o->failed = 1;
            return;
        }
        sync_file_range(fileno(o->f), o->flushed, o->written - o->flushed,
                        SYNC_FILE_RANGE_WRITE);
        o->flushed = o->written;
    }
#endif
}

int outfile_failed(const outfile *o) { return o->open && (o->failed || ferror(o->f)); }

int outfile_commit(outfile *o)
{
    if (!o->open)
        return 0;
    int bad = o->failed || fflush(o->f) != 0 || ferror(o->f);
    if (!o->tmp) { /* standard output */
        o->open = 0;
        return bad ? -1 : 0;
    }
    if (!bad && fsync(fileno(o->f)) != 0)
        bad = 1;
    if (fclose(o->f) != 0)
        bad = 1;
    o->f = NULL;
    if (!bad && rename(o->tmp, o->path) != 0)
        bad = 1;
    if (bad)
        unlink(o->tmp);
    free(o->tmp);
    free(o->path);
    o->tmp = o->path = NULL;
    o->open = 0;
    return bad ? -1 : 0;
}

void outfile_abort(outfile *o)
{
    if (!o->open)
        return;
    if (o->tmp) {
        fclose(o->f);
        unlink(o->tmp);
        free(o->tmp);
        free(o->path);
        o->tmp = o->path = NULL;
    } else {
        fflush(o->f);
    }
    o->open = 0;
}
