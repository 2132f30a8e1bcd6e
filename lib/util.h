/*
 * util.h — what every stage of the library uses: the documented limits,
 * the arena every rule set lives in, filling ql_error reports (and
 * collecting many in diagnose mode), and the public *_format convention.
 * Internal: include/quotalevy.h is the whole public API.
 */
#ifndef QL_UTIL_H
#define QL_UTIL_H

#include "quotalevy.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* ------------------------------------------------------------- limits */

/* A limit's value in a message ("more than " QL_STR(QL_MAX_NAME) …), so
 * the message follows the constant.  For the plain-number limits. */
#define QL_STR_(x) #x
#define QL_STR(x) QL_STR_(x)

#define QL_MAX_FILE_SIZE (16u << 20) /* bytes of one rules file           */
#define QL_MAX_YAML_DEPTH 64         /* nesting of YAML collections        */
#define QL_MAX_YAML_NODES 1000000    /* nodes in one rules file            */
#define QL_MAX_SCALAR (1u << 20)     /* bytes of one YAML scalar           */
/* The three limits on recursion the input controls (the parser's
 * nesting, the later passes' tree height, evaluation's chain of checks)
 * are set so that every pass at all of them at once runs on a 128 KiB
 * thread stack, musl's default, in every build (docs/security.md, "The
 * C stack"; tests/test_hostile.c test_hostile_small_thread_stack): far
 * above any rules file's — the bundled ones nest 4 levels, their trees
 * are at most 8 high and their values depend on each other at most 12
 * deep. */
#define QL_MAX_EXPR_DEPTH 64         /* nesting inside one expression      */
#define QL_MAX_EXPR_HEIGHT 256       /* levels of one syntax tree: a chain
                                        a+b+… of at most 256 terms        */
#define QL_MAX_CHECK_DEPTH 2000      /* syntax levels the type checker is
                                        inside at once: a backstop, since
                                        order.c checks the values a tree
                                        uses before it, not inside it    */
#define QL_MAX_EXTENDS 16            /* length of an `extends` chain       */
#define QL_MAX_DEPENDENCY_DEPTH 48   /* chain of computed values / checks  */
#define QL_MAX_CALL_ARGS 64          /* arguments of one function call     */
#define QL_MAX_NAME 128              /* bytes of a name                    */
#define QL_MAX_PARAM_PLACES 24      /* decimal places of a parameter's
                                        value (rules file or override): the
                                        outputs computed from it take its
                                        places, and 24 leave 12 digits of
                                        36 for their whole part           */
#define QL_MAX_LIST 1000             /* items of one list (`count:`)       */
#define QL_MAX_ENUM_VALUES 1000      /* values of one enum input: each is
                                        looked up by a scan, at load and
                                        for every record                 */
#define QL_MAX_ITEMS 100000          /* inputs or computed values, lists
                                        counted item by item                */

/* Keeps a function out of line: the cold or bulky part of a recursive
 * pass, so that the frame each level of recursion leaves on the stack
 * stays small (docs/security.md, "The C stack"). */
#define QLI_NOINLINE __attribute__((noinline))

/* -------------------------------------------------------------- arena */

/* A region allocator: everything a rule set owns lives in one arena. */
typedef struct ql_arena {
    struct arena_block *head;
} ql_arena;

void *qli_ar_alloc(ql_arena *a, size_t size); /* zeroed, 16-aligned */
char *qli_ar_strndup(ql_arena *a, const char *s, size_t n);
char *qli_ar_printf(ql_arena *a, const char *fmt, ...);
void qli_ar_free(ql_arena *a);

/* -------------------------------------------------------------- errors */

/* Fills err (if not NULL) and returns code.  file may be NULL. */
ql_status qli_fail(ql_error *err, ql_status code, const char *file, int line,
                  int column, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
/* As qli_fail, with "prefix: " before the message when prefix is set. */
ql_status qli_vfail(ql_error *err, ql_status code, const char *file, int line,
                   int column, const char *prefix, const char *fmt,
                   va_list ap);
void qli_error_set_field(ql_error *err, const char *field);
/* Diagnose mode: many errors collected instead of the first returned. */
typedef struct ql_diag {
    ql_error *errs;
    size_t n, max;  /* stored, room */
    size_t total;   /* found, stored or not */
    ql_status first; /* the code of the first problem found */
    ql_error *first_err; /* where the first problem is copied, or NULL */
    ql_diagnostic_cb cb; /* called with each problem, or NULL */
    void *payload;
    int stopped;    /* cb asked to stop: nothing more is noted */
} ql_diag;
/* Records *err in d; returns 1 if the caller may go on (d set, st is
 * not QL_ENOMEM and the callback did not ask to stop), else 0. */
int qli_diag_note(ql_diag *d, const ql_error *err, ql_status st);

/* An error in a decimal operation, as a message. */
const char *qli_qd_message(int qd_status);
/* Why the number text s (len bytes) was refused with qd_status, in buf
 * (size bytes): qli_qd_message's, except that a number in exponent form
 * too long written out (1e400) is "number too long …", saying how many
 * digits it has written out, as where the exponent is read (a JSON
 * number, PostgreSQL's numeric, Python's Decimal) — not the wrong
 * notation.  Returns buf. */
const char *qli_qd_text_message(int qd_status, const char *s, size_t len,
                                char *buf, size_t size);

/* "Did you mean": the nearest of the candidates tried to a misspelt
 * word, within a few letters (error.c). */
typedef struct qli_suggest {
    const char *word;
    size_t len, dist;
    const char *best;
} qli_suggest;
void qli_suggest_init(qli_suggest *s, const char *word, size_t len);
void qli_suggest_try(qli_suggest *s, const char *candidate);
/* "; did you mean 'x'?" in buf, or "" when nothing is near. */
const char *qli_suggest_text(const qli_suggest *s, char *buf, size_t size);

/* The message of an allocation failure, compared by address so that the
 * loader reports QL_ENOMEM rather than a syntax error. */
extern const char qli_msg_oom[];

/* The public *_format convention: text s of length n copied into buf
 * (size bytes), cut to fit and NUL terminated; returns n, the length
 * the whole text needs. */
size_t qli_text_out(const char *s, size_t n, char *buf, size_t size);
/* The length, at most n, of s's first n bytes without a UTF-8 character
 * they cut short: where a text cut to fit a caller's buffer may end. */
size_t qli_utf8_cut(const char *s, size_t n);

/* "place" or "places" after n, for messages ("1 place", never "1 places"). */
static inline const char *qli_places(long n) { return n == 1 ? "place" : "places"; }

#endif
