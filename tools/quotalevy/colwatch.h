/*
 * colwatch.h — the state of a run's column check (columns.c) and the
 * slips of a whole header or record it looks for (colslips.c): a near
 * miss of an input, a list named bare or past its end, names run
 * together by another separator, no input at all.  Private to those two
 * files; columns.h is the interface.
 */
#ifndef QL_COLWATCH_H
#define QL_COLWATCH_H

#include <stddef.h>
#include <stdio.h>

#include "columns.h"
#include "nearidx.h"
#include "strbuf.h"

/* JSON Lines keys already said, remembered up to this many. */
#define SEEN_MAX 1024
#define SEEN_SLOTS 2048

struct col_watch {
    const ql_ruleset *rs;
    /* where a slip is said: standard error, or (a later JSON Lines
     * record's) a memory stream whose text becomes its reject */
    FILE *say;
    /* JSON Lines: the first record's keys, the header of the records
     * after it (a hash set of first_cap slots, NULL until it is read),
     * its line, and per input whether it gives it (first_has, of which
     * first_inputs) */
    char **first_keys;
    size_t first_cap, first_inputs;
    long first_line;
    unsigned char *first_has;
    char *ignore_copy;
    const char **ignore;
    size_t nignore;
    int ignore_all; /* "*" */
    const char *const *keep;
    size_t nkeep;
    int has_date;
    unsigned char *present; /* per input: has a column (this record) */
    size_t ninputs;
    char *seen[SEEN_SLOTS];
    size_t nseen;
    int seen_full;
    /* list inputs: per input its list (−1: none), per list its items */
    int *list_of;
    struct wlist {
        size_t first; /* the input index of NAME[1] */
        int size;     /* its items, declared one after another */
        int nign;     /* of them named by --ignore-columns */
        int count;    /* of them given in this header or record */
    } * lists;
    size_t nlists;
    size_t *touched; /* the lists whose count is not 0 */
    strbuf reject;   /* a JSON Lines record's reason to reject it */
    /* near-miss candidates, made when a name first needs them: of the
     * inputs, and of the lists' bare names (in *bases, NUL-separated) */
    near_idx *near_inputs, *near_lists;
    char **bases;
    const char *missing; /* …and the first item it lacks */
};

/* Whether `name` is NAME[…] with NAME (folded) the bare name of one of
 * w's lists but no input itself (positions[13] of twelve): the list's
 * first item in *first, its size in *size. */
int cw_bad_list_item(const col_watch *w, const char *name, const char **first,
                     int *size);
/* The list input whose bare name `name` is, exactly (*exact 1) or as a
 * near miss: its first item's name, its items in *size; NULL when none. */
const char *cw_list_named(const col_watch *w, const char *name, int *size,
                          int *exact);
/* Says that `name` (a `what`: column or key) names a list input; 1 when
 * it does (the run stops), 0 when it does not. */
int cw_say_list_named(const col_watch *w, const char *cmd, const char *where,
                      const char *what, const char *name);
/* The first declared name without a column that `name` nearly is, or
 * is an item of (a[1] for the one-value a: nearmiss.h), or NULL (`date`
 * and `id` too unless given). */
const char *cw_near_input(const col_watch *w, const char *name, int has_date,
                          int has_id);
/* The one-value input with a column of its own that `name` is an item
 * of (a[1] beside a: two values for one input, one of them a slip), or
 * NULL. */
const char *cw_item_of_given(const col_watch *w, const char *name);
/* Whether `name` is a slip of `meant` (cw_near_input's) as an item of
 * it, a[1] for a, rather than a near miss of its name. */
int cw_is_item_slip(const char *name, const char *meant);
/* The separator that `name` holds between names the rules read (';',
 * a tab, …), or 0. */
char cw_sep_inside(const col_watch *w, const char *name);
/* A column holding a separator between input names: said, 1. */
int cw_say_sep(const col_watch *w, const char *cmd, const char *where,
               const char *what, const char *name, char sep);
/* No column (key) is an input (any_input 0) while some are read as
 * nothing: said, 1; else 0. */
int cw_say_no_input(const col_watch *w, const char *cmd, const char *where,
                    int header, int any_input, const char *const *names,
                    size_t n);

#endif
