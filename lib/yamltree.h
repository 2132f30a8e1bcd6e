/*
 * yamltree.h — a rules file as a tree of YAML nodes that know their line
 * and column (yamltree.c, over libyaml).  Internal.
 */
#ifndef QL_YAMLTREE_H
#define QL_YAMLTREE_H

#include "util.h"

typedef enum { YN_SCALAR, YN_MAP, YN_SEQ } yn_kind;

/* The text of one rules file, kept so expression offsets map to columns. */
typedef struct ydoc {
    const char *file; /* the name used in messages */
    const char *text;
    size_t len;
} ydoc;

typedef struct ynode {
    yn_kind kind;
    int line, column; /* 1-based; columns count characters */
    int quoted;       /* scalar: written in quotes or as a block */
    const ydoc *doc;
    const char *text; /* scalar: NUL terminated */
    size_t len;
    size_t n;               /* SEQ: items; MAP: pairs */
    struct ynode **items;   /* MAP: key at 2i, value at 2i+1 */
} ynode;

/* A UTF-8 byte order mark at the start (Windows editors write one) is
 * allowed and skipped: call before parsing, for rules and test files
 * alike (probe7 P7-05: a test file with one was "did not find expected
 * <document start>" at line 2). */
void qli_ydoc_skip_bom(ydoc *doc);

/* Parses YAML text (one document) into a tree in `arena`.  Anchors and
 * aliases, tags and duplicate keys are refused; so are a byte that is not
 * UTF-8, a NUL and a character YAML text may not hold, each at its own
 * line and column, naming it. */
ql_status qli_ytree_parse(ynode **out, const ydoc *doc, ql_arena *arena,
                      ql_error *err);
/* As qli_ytree_parse, but a key repeated in a map is not an error yet:
 * *dup is the first found twice (NULL if none), *first its earlier
 * occurrence.  The rules loader judges the file's format version before
 * it quotes any key (a file that is not a rules file is never quoted). */
ql_status qli_ytree_parse_lax(ynode **out, const ynode **dup,
                              const ynode **first, const ydoc *doc,
                              ql_arena *arena, ql_error *err);
/* The error for a key qli_ytree_parse_lax found twice, quoting it. */
ql_status qli_ytree_duplicate(ql_error *err, const ynode *dup,
                              const ynode *first);
/* The value under key in a map, or NULL. */
const ynode *qli_ymap_get(const ynode *map, const char *key);
/* Where byte `offset` of a scalar's text stands in its file. */
void qli_ynode_locate(const ynode *n, size_t offset, int *line, int *column);
/* Fails with a message located at n. */
ql_status qli_yfail(ql_error *err, ql_status code, const ynode *n,
                const char *fmt, ...) __attribute__((format(printf, 4, 5)));

#endif
