/*
 * readfile.c — a rules or test file read whole into memory, refusing
 * what is not a regular file (a directory, FIFO, socket or device) before
 * reading a byte, and a file past QL_MAX_FILE_SIZE.
 */
#include "rules.h"
#include "ruleset.h"
#include "util.h"
#include "yamltree.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Why a file that is not a regular file is refused, in words. */
static const char *file_kind(mode_t m)
{
    return S_ISDIR(m)                 ? "a directory"
           : S_ISFIFO(m)              ? "a FIFO"
           : S_ISSOCK(m)              ? "a socket"
           : S_ISCHR(m) || S_ISBLK(m) ? "a device"
                                      : "not a regular file";
}

const char *qli_rl_not_regular(const char *path)
{
    struct stat sb;
    if (stat(path, &sb) != 0 || S_ISREG(sb.st_mode))
        return NULL;
    return file_kind(sb.st_mode);
}

/* Reads a rules file whole (rules.h).  Only regular files are read: opened
 * without blocking (a FIFO would wait for a writer forever) and checked
 * before a byte is read. */
ql_status qli_rl_read_file(ql_arena *ar, const char *path, ydoc *doc,
                           ql_error *err)
{
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0)
        return qli_fail(err, QL_EIO, path, 0, 0, "cannot open: %s",
                        strerror(errno));
    struct stat sb;
    int bad = fstat(fd, &sb) != 0 ? errno : 0;
    if (bad || !S_ISREG(sb.st_mode)) {
        ql_status st = qli_fail(err, QL_EIO, path, 0, 0,
                                "not read: %s; rules are read from regular "
                                "files only",
                                bad ? strerror(bad) : file_kind(sb.st_mode));
        close(fd);
        return st;
    }
    FILE *f = fdopen(fd, "rb");
    if (!f) {
        close(fd);
        return qli_fail(err, QL_ENOMEM, NULL, 0, 0, "%s", qli_msg_oom);
    }
    char *buf = NULL;
    size_t len = 0, cap = 0;
    ql_status st = QL_OK;
    for (;;) {
        if (len == cap) {
            if (cap >= QL_MAX_FILE_SIZE) {
                st = qli_fail(err, QL_ELIMIT, path, 0, 0,
                              "file larger than the %u MiB limit for rules "
                              "files",
                              QL_MAX_FILE_SIZE >> 20);
                break;
            }
            cap = cap ? cap * 2 : 65536;
            char *p = realloc(buf, cap + 1);
            if (!p) {
                st = qli_fail(err, QL_ENOMEM, NULL, 0, 0, "%s", qli_msg_oom);
                break;
            }
            buf = p;
        }
        size_t got = fread(buf + len, 1, cap - len, f);
        len += got;
        if (got == 0) {
            if (ferror(f))
                st = qli_fail(err, QL_EIO, path, 0, 0, "read error");
            break;
        }
    }
    fclose(f);
    if (st == QL_OK) {
        doc->text = qli_ar_strndup(ar, buf ? buf : "", len);
        doc->len = len;
        if (!doc->text)
            st = qli_fail(err, QL_ENOMEM, NULL, 0, 0, "%s", qli_msg_oom);
    }
    free(buf);
    return st;
}
