/*
 * outfile.h — output files that are complete or absent, and never
 * written over anything but a regular file.
 *
 * A regular file (or a name that does not exist yet) is written to a
 * temporary file beside it ("NAME.partial-XXXXXX") and renamed into place
 * only after everything was written and synced to the disk (fsync), so a
 * failed or killed run never leaves a truncated file under the name asked
 * for, nor does a crash (the old file or the whole new one).  A symbolic
 * link is followed: the link stays and its target is replaced.  The
 * replacement keeps the old file's mode (and, as root, its owner); a new
 * file gets 0666 & ~umask, as `cat > NAME` would.  A file the user could
 * not open for writing is never replaced.
 *
 * Anything else — "-" (standard output), a device, a FIFO, a socket,
 * /dev/stdout and the like — is written to directly, with no rename.
 *
 * What is written is gathered in a block of OUTFILE_BLOCK bytes and
 * handed to the kernel a block at a time (one write(2) a MiB, not one
 * every 4 KiB as stdio's buffer would) — a temporary's whole blocks past
 * the page cache (O_DIRECT) where its file system allows it; a terminal
 * is written to through
 * stdio as it comes, so that a person watching sees the rows.
 */
#ifndef QL_OUTFILE_H
#define QL_OUTFILE_H

#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

/* Bytes gathered before one write(2); at least 1 MiB (issue 18). */
#define OUTFILE_BLOCK (1u << 20)

typedef struct outfile {
    FILE *f;
    char *path;   /* the name given, for messages (NULL: standard output) */
    char *target; /* the regular file replaced at commit (symlinks followed) */
    char *tmp;    /* the temporary beside it; NULL when written directly */
    int failed, open, finished, is_stdout;
    int direct;           /* the temporary is written past the page cache */
    int trunc_pending;    /* a regular file written in place: emptied at the
                           * first byte or the finish, never by a run that
                           * stops before writing */
    int exists;           /* the name (or its target) existed: dev, ino */
    int discards;         /* it is the null device: what it is given is lost
                           * by design, so two outputs may share it */
    dev_t dev;
    ino_t ino;
    nlink_t links;   /* a replaced file's hard links (its other names keep
                      * the old contents: said at commit) */
    const char *cmd; /* the command, for that note */
    dev_t dir_dev; /* a new file: its folder, and its name in it */
    ino_t dir_ino;
    const char *base;
    long long written, flushed; /* bytes; where write-back was started */
    char *blk;                  /* the block being gathered (NULL: none, */
    size_t blen, bcap;          /* write through stdio) */
} outfile;

/* path NULL or "-": standard output.  −1 with a message on failure
 * (nothing is left behind). */
int outfile_open(outfile *o, const char *path, const char *cmd);
/* Whether o is the file with this device and inode (a file it will
 * replace, or the one it writes to directly). */
int outfile_is(const outfile *o, dev_t dev, ino_t ino);
/* Whether a and b would write to the same file — the null device aside:
 * `-o /dev/null --rejects /dev/null` loses nothing it was not told to. */
int outfile_same(const outfile *a, const outfile *b);
/* Whether path names the null device (outfile_same's exception), before
 * anything is opened. */
int outfile_names_null(const char *path);
/* The name to use in messages ("standard output" for "-"). */
const char *outfile_name(const outfile *o);
/* Appends n bytes; an error is kept for outfile_failed and
 * outfile_finish (later writes do nothing). */
void outfile_write(outfile *o, const char *p, size_t n);
int outfile_failed(const outfile *o);
/* Flushes, syncs and closes the temporary (or flushes a direct output),
 * without renaming: the step that can fail on a full disk.  −1 on any
 * write error. */
int outfile_finish(outfile *o);
/* Renames a finished file into place (finishing it first if need be);
 * −1 on any error, and the temporary is removed. */
int outfile_commit(outfile *o);
/* Drops an unfinished or uncommitted file (after commit, does nothing);
 * an output written directly gets what was gathered for it, as stdio
 * would have flushed it. */
void outfile_abort(outfile *o);

#endif
