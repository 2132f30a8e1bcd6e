/*
 * outfile.c — see outfile.h.  The rules are coreutils' for an output
 * that must never destroy what it did not mean to: rename only over a
 * regular file, write straight to anything else, follow links.
 */
#include "outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

/* The file a chain of symbolic links ends at (at most 40 of them, as the
 * kernel allows), which need not exist yet: renaming over the last link
 * would replace the link, not what it names.  NULL with errno set. */
static char *resolve_links(const char *path)
{
    char *cur = strdup(path);
    for (int hops = 0; cur; hops++) {
        struct stat st;
        if (lstat(cur, &st) != 0 || !S_ISLNK(st.st_mode))
            return cur; /* not a link (or not there): the target */
        if (hops == 40) {
            free(cur);
            errno = ELOOP;
            return NULL;
        }
        char buf[PATH_MAX];
        ssize_t n = readlink(cur, buf, sizeof buf - 1);
        if (n < 0) {
            free(cur);
            return NULL;
        }
        buf[n] = '\0';
        const char *slash = strrchr(cur, '/');
        size_t dir = buf[0] == '/' || !slash ? 0 : (size_t)(slash - cur) + 1;
        char *next = malloc(dir + (size_t)n + 1);
        if (next) {
            memcpy(next, cur, dir);
            memcpy(next + dir, buf, (size_t)n + 1);
        }
        free(cur);
        cur = next;
    }
    return NULL;
}

/* Names of descriptors rather than of files: what they name is written
 * to in place, whatever it is (a rename would only break the link). */
static int names_a_descriptor(const char *path)
{
    return !strncmp(path, "/proc/", 6) || !strncmp(path, "/dev/fd/", 8) ||
           !strcmp(path, "/dev/stdout") || !strcmp(path, "/dev/stderr");
}

/* Whether st is the null device (whatever its name: a chroot's copy of
 * /dev/null is one too), whose writes are discarded, so that any number
 * of outputs may go to it.  Only it: another device (a terminal, a tape)
 * keeps what it is given, and two outputs into it would be mixed. */
static int is_null_device(const struct stat *st)
{
    struct stat dn;
    return S_ISCHR(st->st_mode) && stat("/dev/null", &dn) == 0 && S_ISCHR(dn.st_mode) &&
           st->st_rdev == dn.st_rdev;
}

/* ---------------------------------------- temporaries on a signal */

/* The temporaries being written, so that SIGINT, SIGTERM or SIGHUP (a
 * Ctrl-C, `timeout`, systemd stopping a job, a closed terminal), SIGPIPE
 * (`run … | head` closing the output), or any other signal whose default
 * is to end the process — SIGQUIT, a batch scheduler's CPU limit
 * (SIGXCPU), an alarm or timer (SIGALRM, SIGVTALRM, SIGPROF), SIGUSR1/2
 * sent to a process that does not expect them — leaves none behind: an
 * interrupted run leaves what it found, nothing more (P4-16: every
 * interrupt left NAME.partial-XXXXXX beside each output; probe5 P5-01
 * the same for a closed pipe; probe6 P6-01 for SIGXCPU, SIGALRM, SIGUSR1
 * and the rest).  SIGKILL cannot be caught.  SIGXFSZ (a `ulimit -f`) is ignored
 * instead, so the write fails with EFBIG and is reported as any write
 * error is.  A signal the process was started ignoring (nohup) stays
 * ignored. */
#define PARTIAL_MAX 16
static char *volatile partial[PARTIAL_MAX];
static const int cleanup_signals[] = {
    SIGINT,  SIGTERM,   SIGHUP,  SIGPIPE, SIGQUIT, SIGALRM, SIGUSR1,
    SIGUSR2, SIGVTALRM, SIGPROF, SIGXCPU, SIGIO,
#ifdef SIGPWR
    SIGPWR,
#endif
#ifdef SIGSTKFLT
    SIGSTKFLT,
#endif
};

static void on_signal(int sig)
{
    for (int i = 0; i < PARTIAL_MAX; i++) {
        char *p = partial[i];
        if (p)
            unlink(p);
    }
    /* SA_RESETHAND: the default action once this handler returns */
    raise(sig);
}

static void partial_add(char *name)
{
    static int installed;
    if (!installed) {
        installed = 1;
        for (size_t k = 0; k < sizeof cleanup_signals / sizeof *cleanup_signals; k++) {
            struct sigaction old, sa;
            if (sigaction(cleanup_signals[k], NULL, &old) != 0 ||
                old.sa_handler != SIG_DFL)
                continue; /* ignored (nohup), or the caller's own */
            memset(&sa, 0, sizeof sa);
            sa.sa_handler = on_signal;
            sa.sa_flags = SA_RESETHAND;
            sigemptyset(&sa.sa_mask);
            sigaction(cleanup_signals[k], &sa, NULL);
        }
        struct sigaction old;
        if (sigaction(SIGXFSZ, NULL, &old) == 0 && old.sa_handler == SIG_DFL)
            signal(SIGXFSZ, SIG_IGN);
    }
    for (int i = 0; i < PARTIAL_MAX; i++)
        if (!partial[i]) {
            partial[i] = name;
            return;
        }
}

static void partial_drop(const char *name)
{
    for (int i = 0; name && i < PARTIAL_MAX; i++)
        if (partial[i] == name)
            partial[i] = NULL;
}

static void clear(outfile *o)
{
    partial_drop(o->tmp);
    free(o->blk);
    o->blk = NULL;
    o->blen = o->bcap = 0;
    free(o->path);
    free(o->target);
    free(o->tmp);
    o->path = o->target = o->tmp = NULL;
    o->f = NULL;
    o->open = 0;
}

static int fail_open(outfile *o, const char *cmd, const char *what, int fd)
{
    cli_error(cmd, "%s %s: %s", what, o->path ? o->path : "the output",
              strerror(errno));
    if (fd >= 0)
        close(fd);
    if (o->tmp && fd >= 0)
        unlink(o->tmp);
    clear(o);
    return -1;
}

/* The output written in place: standard output, or a file that is not
 * a regular file (a device, a FIFO, a socket, a descriptor's name). */
static int open_direct(outfile *o, const char *cmd, const struct stat *st)
{
    struct stat so;
    if (fstat(STDOUT_FILENO, &so) == 0 && so.st_dev == st->st_dev &&
        so.st_ino == st->st_ino) {
        if (cli_stdout_closed(cmd)) {
            clear(o);
            return -1;
        }
        o->f = stdout; /* -o /dev/stdout and the like: the same stream */
        o->is_stdout = 1;
        return 0;
    }
    /* A regular file reached in place (a descriptor's name, /dev/fd/3 on a
     * file) is not emptied here: a run refused after opening its outputs
     * (a near-miss column, a rejects file that cannot be created) must
     * leave it as it was.  It is emptied just before the first byte goes
     * out (put), or at the finish of a run that wrote none. */
    int fd = open(o->path, O_WRONLY | O_NOCTTY | O_CLOEXEC);
    if (fd < 0 || !(o->f = fdopen(fd, "wb")))
        return fail_open(o, cmd, "cannot write to", fd);
    o->trunc_pending = S_ISREG(st->st_mode);
    return 0;
}

/* The folder holding the file `target` names ("/" for one at the root,
 * "." for a bare name): malloc'd, NULL out of memory. */
static char *folder_of(const char *target)
{
    const char *slash = strrchr(target, '/');
    return slash ? strndup(target, slash == target ? 1 : (size_t)(slash - target))
                 : strdup(".");
}

/* The temporary name beside target: "NAME.partial-XXXXXX", or, when that
 * would be longer than the folder allows a name to be (a valid NAME of
 * 250 bytes failed as "File name too long"), ".ql-partial-XXXXXX" in the
 * same folder.  malloc'd; NULL out of memory. */
static char *temp_name(const char *target)
{
    static const char suffix[] = ".partial-XXXXXX", brief[] = ".ql-partial-XXXXXX";
    const char *slash = strrchr(target, '/');
    /* dir: the bytes of target up to its name, the last '/' included */
    size_t dir = slash ? (size_t)(slash - target) + 1 : 0, n = strlen(target);
    char *folder = folder_of(target);
    if (!folder)
        return NULL;
    long max = pathconf(folder, _PC_NAME_MAX);
    free(folder);
    if (max <= 0)
        max = 255;
    int fits = n - dir + sizeof suffix - 1 <= (size_t)max;
    size_t size = (fits ? n : dir) + sizeof brief;
    char *tmp = malloc(size);
    if (tmp)
        snprintf(tmp, size, "%.*s%s", (int)(fits ? n : dir), target,
                 fits ? suffix : brief);
    return tmp;
}

/* Opens the stream (o->f set), before any byte is written. */
static int open_stream(outfile *o, const char *path, const char *cmd)
{
    o->open = 1;
    if (!path || !strcmp(path, "-")) {
        struct stat so;
        if (cli_stdout_closed(cmd)) {
            clear(o);
            return -1;
        }
        o->f = stdout;
        o->is_stdout = 1;
        if (fstat(STDOUT_FILENO, &so) == 0) {
            o->exists = 1;
            o->dev = so.st_dev;
            o->ino = so.st_ino;
            o->discards = is_null_device(&so);
        }
        return 0;
    }
    if (!*path) { /* it would be written in full, then fail to be renamed */
        cli_error(cmd, "an empty file name: name a file, or '-' for standard "
                       "output");
        clear(o);
        return -1;
    }
    if (!(o->path = strdup(path))) {
        errno = ENOMEM;
        return fail_open(o, cmd, "cannot create", -1);
    }
    struct stat st;
    mode_t mode;
    if (stat(path, &st) == 0) {
        o->exists = 1;
        o->dev = st.st_dev;
        o->ino = st.st_ino;
        o->discards = is_null_device(&st);
        if (S_ISDIR(st.st_mode)) {
            errno = EISDIR;
            return fail_open(o, cmd, "cannot write to", -1);
        }
        if (!S_ISREG(st.st_mode) || names_a_descriptor(path))
            return open_direct(o, cmd, &st);
        /* Never replace what the user could not have written to. */
        int probe = open(path, O_WRONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
        if (probe < 0)
            return fail_open(o, cmd, "cannot replace", -1);
        close(probe);
        mode = st.st_mode & 07777;
        o->links = st.st_nlink;
        o->cmd = cmd;
    } else if (errno == ENOENT) {
        mode_t mask = umask(0); /* still one thread: the pair is safe */
        umask(mask);
        mode = 0666 & ~mask;
    } else {
        return fail_open(o, cmd, "cannot write to", -1);
    }
    if (!(o->target = resolve_links(path)))
        return fail_open(o, cmd, "cannot create", -1);
    if (!o->exists) { /* two names of one new file: same folder, same name */
        const char *slash = strrchr(o->target, '/');
        char *dir = folder_of(o->target);
        struct stat ds;
        int ok = dir && stat(dir, &ds) == 0; /* out of memory: as unknown */
        free(dir);
        o->base = slash ? slash + 1 : o->target;
        if (ok) {
            o->dir_dev = ds.st_dev;
            o->dir_ino = ds.st_ino;
        }
    }
    if (!(o->tmp = temp_name(o->target))) {
        errno = ENOMEM;
        return fail_open(o, cmd, "cannot create", -1);
    }
    int fd = mkstemp(o->tmp);
    if (fd < 0) {
        free(o->tmp);
        o->tmp = NULL;
        return fail_open(o, cmd, "cannot create", -1);
    }
    partial_add(o->tmp);
    /* mkstemp made it 0600: give it the mode the file will have (and,
     * where allowed, the owner of the file it replaces) */
    if (o->exists && fchown(fd, st.st_uid, st.st_gid) != 0) {
        /* not ours to give away: the file becomes the user's */
    }
    if (fchmod(fd, mode) != 0 || !(o->f = fdopen(fd, "wb")))
        return fail_open(o, cmd, "cannot create", fd);
    return 0;
}

/* What O_DIRECT asks of a write: its address, length and file offset a
 * multiple of the device's logical block (512 or 4096 bytes); a block of
 * OUTFILE_BLOCK bytes, gathered at an address this aligned, always is. */
#define DIRECT_ALIGN 4096u

/* The temporary goes to the disk straight from the block, past the page
 * cache (O_DIRECT), where its file system allows it.  Every byte of it
 * must be on the disk before the rename anyway (the fsync in
 * outfile_finish); through the page cache each byte was copied once more
 * by the kernel into pages it first had to find, and pushed out the
 * cached files of everything else (1 M Jilin rows, 155 MB, -j 2: the
 * kernel's copy took 3.5-14.5 % of perf's samples, 44.6 % once, where
 * the virtual machine had handed its free memory back to its host;
 * direct, the run's system time fell 0.072 → 0.046 s, its processor
 * time 4 %, farm-bench medians of 21 pairs).  Only
 * whole blocks go this way; the last, partial one goes through the page
 * cache (direct_off).  A file system that refuses O_DIRECT (some FUSE
 * ones), or a write it refuses (EINVAL: a size limit that cuts a block
 * short), is written through the page cache from there on: the bytes
 * are the same. */
static void try_direct(outfile *o)
{
#ifdef O_DIRECT
    int fd = fileno(o->f), fl = fcntl(fd, F_GETFL);
    o->direct = fl >= 0 && ((uintptr_t)o->blk % DIRECT_ALIGN) == 0 &&
                fcntl(fd, F_SETFL, fl | O_DIRECT) == 0;
#else
    (void)o;
#endif
}

static void direct_off(outfile *o)
{
#ifdef O_DIRECT
    int fd = fileno(o->f), fl = fcntl(fd, F_GETFL);
    if (fl >= 0)
        fcntl(fd, F_SETFL, fl & ~O_DIRECT); /* failing, the write says so */
#endif
    o->direct = 0;
}

int outfile_open(outfile *o, const char *path, const char *cmd)
{
    memset(o, 0, sizeof *o);
    if (open_stream(o, path, cmd))
        return -1;
    /* A terminal gets the rows as they come; anything else a block at a
     * time.  Without the memory for a block, stdio's buffer does. */
    if (!isatty(fileno(o->f)) && (o->blk = aligned_alloc(DIRECT_ALIGN, OUTFILE_BLOCK)))
        o->bcap = OUTFILE_BLOCK;
    if (o->tmp && o->blk)
        try_direct(o);
    return 0;
}

int outfile_is(const outfile *o, dev_t dev, ino_t ino)
{
    return o->open && o->exists && o->dev == dev && o->ino == ino;
}

int outfile_same(const outfile *a, const outfile *b)
{
    if (!a->open || !b->open || (a->discards && b->discards))
        return 0;
    if (a->is_stdout && b->is_stdout)
        return 1;
    if (a->exists && b->exists && a->dev == b->dev && a->ino == b->ino)
        return 1;
    /* two new files: the same name once links are followed */
    return a->base && b->base && !a->exists && !b->exists &&
           a->dir_dev == b->dir_dev && a->dir_ino == b->dir_ino &&
           !strcmp(a->base, b->base);
}

int outfile_names_null(const char *path)
{
    struct stat st;
    return path && strcmp(path, "-") && stat(path, &st) == 0 && is_null_device(&st);
}

const char *outfile_name(const outfile *o)
{
    return o->path ? o->path : "standard output";
}

/* Start writing back every this many bytes, so that the fsync before the
 * rename waits for the last stretch only, not for the whole file (a
 * temporary written through the page cache; see try_direct). */
#define WRITEBACK_STEP (8ll << 20)

/* Hands n bytes to the kernel, all of them (a short write is
 * continued, an interrupted one retried); anything stdio still holds of
 * this stream goes first, so the bytes stay in order. */
static void empty_if_pending(outfile *o)
{
    if (o->trunc_pending && !o->failed &&
        (fflush(o->f) != 0 || ftruncate(fileno(o->f), 0) != 0))
        o->failed = 1;
    o->trunc_pending = 0;
}

static void put(outfile *o, const char *p, size_t n)
{
    if (o->failed)
        return;
    empty_if_pending(o);
    if (o->failed || fflush(o->f) != 0) {
        o->failed = 1;
        return;
    }
    int fd = fileno(o->f);
    if (o->direct && (n % DIRECT_ALIGN || (uintptr_t)p % DIRECT_ALIGN))
        direct_off(o); /* the last block: not whole */
    for (size_t done = 0; done < n;) {
        ssize_t k = write(fd, p + done, n - done);
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0 && errno == EINVAL && o->direct) {
            direct_off(o); /* refused as direct: the same bytes cached */
            continue;
        }
        if (k <= 0) {
            if (k == 0)
                errno = EIO;
            o->failed = 1;
            return;
        }
        done += (size_t)k;
        if (o->direct && done < n && (size_t)k % DIRECT_ALIGN)
            direct_off(o); /* cut short off the alignment: the rest cached */
    }
    o->written += (long long)n;
    if (o->direct)
        o->flushed = o->written; /* on the disk already: nothing to start */
#ifdef SYNC_FILE_RANGE_WRITE
    if (o->tmp && !o->direct && o->written - o->flushed >= WRITEBACK_STEP) {
        /* advisory: the kernel starts write-back and does not wait; the
         * fsync in outfile_finish still decides */
        sync_file_range(fd, o->flushed, o->written - o->flushed,
                        SYNC_FILE_RANGE_WRITE);
        o->flushed = o->written;
    }
#endif
}

/* Writes the gathered block out. */
static void drain(outfile *o)
{
    if (o->blen)
        put(o, o->blk, o->blen);
    o->blen = 0;
}

void outfile_write(outfile *o, const char *p, size_t n)
{
    if (!o->open || o->failed || !n)
        return;
    if (!o->bcap) { /* a terminal: through stdio, as it comes */
        empty_if_pending(o);
        if (o->failed || fwrite(p, 1, n, o->f) != n)
            o->failed = 1;
        o->written += (long long)n;
        return;
    }
    while (n) {
        if (!o->blen && n >= o->bcap && !o->direct) { /* a block of its own: no copy */
            put(o, p, n);
            return;
        }
        size_t k = o->bcap - o->blen < n ? o->bcap - o->blen : n;
        memcpy(o->blk + o->blen, p, k);
        o->blen += k;
        p += k;
        n -= k;
        if (o->blen == o->bcap)
            drain(o); /* every write but the last a whole block */
    }
}

int outfile_failed(const outfile *o)
{
    return o->open && !o->finished && (o->failed || ferror(o->f));
}

int outfile_finish(outfile *o)
{
    if (!o->open || o->finished)
        return o->open && o->failed ? -1 : 0;
    drain(o);
    empty_if_pending(o); /* a complete output of no bytes */
    int bad = o->failed || fflush(o->f) != 0 || ferror(o->f);
    if (o->tmp && !bad && fsync(fileno(o->f)) != 0)
        bad = 1;
    if (!o->is_stdout) {
        if (fclose(o->f) != 0)
            bad = 1;
        o->f = NULL;
    }
    o->finished = 1;
    o->failed = bad;
    return bad ? -1 : 0;
}

/* The rename is on the disk once the folder holding the name is: without
 * this a crash just after a finished run could bring the old file back.
 * Best effort: the new file itself is already synced, and some file
 * systems refuse a folder's fsync (EINVAL), which changes nothing the run
 * could mend. */
static void sync_folder(const char *target)
{
    char *dir = folder_of(target);
    int fd = dir ? open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
    if (fd >= 0) {
        (void)fsync(fd);
        close(fd);
    }
    free(dir);
}

int outfile_commit(outfile *o)
{
    if (!o->open)
        return 0;
    int bad = outfile_finish(o) != 0;
    if (o->tmp && !bad && rename(o->tmp, o->target) != 0)
        bad = 1;
    if (o->tmp && !bad)
        sync_folder(o->target);
    if (o->tmp && bad)
        unlink(o->tmp);
    /* The rename that keeps the file complete or absent gives the name a
     * new file: the replaced one lives on under its other hard links.
     * Written in place instead, a failed run would leave every name
     * holding a partial file; so the rename stays, and the user hears
     * which names still hold the old contents. */
    if (o->tmp && !bad && o->links > 1)
        fprintf(stderr,
                "quotalevy %s: %s: note: the file it named had %llu other hard "
                "link%s, which keep%s the old contents (the output is a new file "
                "under this name, written whole, then renamed into place)\n",
                o->cmd ? o->cmd : "run", o->path ? o->path : o->target,
                (unsigned long long)(o->links - 1), o->links == 2 ? "" : "s",
                o->links == 2 ? "s" : "");
    clear(o);
    return bad ? -1 : 0;
}

void outfile_abort(outfile *o)
{
    if (!o->open)
        return;
    if (!o->tmp && o->f && !o->trunc_pending)
        drain(o); /* written directly: what stdio would have flushed (a
                   * regular file not yet written to is left as it was) */
    if (o->f && !o->is_stdout)
        fclose(o->f);
    else if (o->f)
        fflush(o->f);
    if (o->tmp)
        unlink(o->tmp);
    clear(o);
}
