/*
 * rules.h — the rules-file loader's shared state: definitions merged
 * along the `extends` chain (extends.c) on their way to the rule set, one
 * file per kind of section (sections.c: what they share, and sources;
 * inputs.c, params.c, overrides.c, formulas.c).  Internal.
 */
#ifndef QL_RULES_H
#define QL_RULES_H

#include "util.h"
#include "yamltree.h"
#include "expr.h"
#include "names.h"

typedef struct entry {
    const char *name;
    const ynode *key, *val;
    /* parameters: the `type`, `unit`, `min`, `max`, `bounds` and `scale`
     * in force — its own, else those of the definition it replaces along
     * `extends` */
    const ynode *type, *unit, *min, *max, *bounds, *scale;
    /* the definition this one replaces along `extends` (its key and
     * value), NULL for a new name: a child may narrow a definition, not
     * change what kind of value it is */
    const ynode *replaced_key, *replaced;
    /* inputs: the lower and upper bound (min/above, max/below), `required`
     * and `default` in force — its own, else the replaced definition's */
    const ynode *in_lo, *in_hi, *in_required, *in_default;
    int in_lo_excl, in_hi_excl;
    int removed; /* by a `remove:`: dropped when the merge ends, unless a
                    later definition of the name revives it */
    const ynode *removed_at; /* the name in that `remove:` list */
} entry;

typedef struct section {
    entry *items;
    size_t n, cap;
    qli_names index; /* name -> items[] */
} section;

enum { SEC_SOURCES, SEC_INPUTS, SEC_PARAMS, SEC_COMPUTED, SEC_CHECKS,
       SEC_VALID, N_SECTIONS };
extern const char *const qli_rl_section_names[N_SECTIONS];

typedef struct loader {
    ql_ruleset *rs;
    ql_arena *ar;
    ql_error *err;
    section sec[N_SECTIONS];
    const ynode *outputs;
    /* every file's own `outputs:` along the chain, and the file that
     * extends none: for the check of definitions nothing reads */
    const ynode *all_outputs[QL_MAX_EXTENDS + 1];
    int n_all_outputs;
    const ydoc *root_doc;
    /* the names `remove:` dropped (each its node in that list), so what
     * still reads one is told where it went (P2-04) */
    const ynode **removed;
    size_t n_removed;
    const ynode *meta_id, *meta_title, *meta_jur, *meta_version, *meta_desc;
    const ynode *meta_currency; /* the nearest file's along the chain */
    char *chain[QL_MAX_EXTENDS + 1]; /* canonical paths, for cycles */
    const char *read[QL_MAX_EXTENDS + 1]; /* every file read, top first */
    int nread;
    ql_diag *diag; /* diagnose mode: collect errors, NULL: stop at one */
    const ql_override *ovr; /* what-if parameter values */
    size_t novr;
    unsigned extends_policy; /* ql_extends_policy */
    /* QL_EXTENDS_CONFINED: the canonical folder (ending in '/') extends
     * must stay inside, or NULL when it could not be found */
    const char *confine;
    /* the text being loaded has no folder of its own (a buffer named
     * without one, a resolver's text): under QL_EXTENDS_CONFINED its
     * `extends` name rule sets on the search path only, never files of
     * the working directory */
    int no_folder;
    const char *search_path; /* ':'-separated folders, or NULL */
    const ql_load_options *opts; /* the resolver and its payload */
    qli_names source_ids; /* rs->sources by id, for citations */
    int depth;
} loader;

/* Helpers every part of the loader uses; each fails with a located
 * message naming what was expected. */
ql_status qli_rl_oom(loader *L);
ql_status qli_rl_keys(loader *L, const ynode *m, const char *what,
                  const char *const *allowed);
ql_status qli_rl_want(loader *L, const ynode *n, yn_kind kind, const char *what);
ql_status qli_rl_scalar(loader *L, const ynode *n, const char *what,
                    const char **out);
/* Scalar n, text that formulas compare byte for byte (an enum value, a
 * string's value), is in Unicode normalization form C with no invisible
 * character (lib/unicode.h), else a located error naming the code point
 * and the text as it should be written ("what" names n: "enum value"). */
ql_status qli_rl_text_ok(loader *L, const ynode *n, const char *what);
ql_status qli_rl_required(loader *L, const ynode *map, const char *key,
                      const char *what, const char **out);
ql_status qli_rl_optional(loader *L, const ynode *map, const char *key,
                      const char **out);
int qli_rl_valid_name(const char *s);
/* A whole number from lo to hi under `key` of map (*out untouched when
 * the key is absent; *node set to it, or NULL). */
ql_status qli_rl_int_key(loader *L, const ynode *map, const char *key, int lo,
                     int hi, int *out, const ynode **node);
/* After an entry failed with st: in diagnose mode, records the error and
 * returns QL_OK to go on with the next entry; otherwise returns st. */
ql_status qli_rl_keep_going(loader *L, ql_status st);
/* In diagnose mode, whether `name` (len bytes) is the key of an entry of
 * section `sec` that is not in the rule set: its definition failed and
 * said so, and a reference to it (a citation, an output) that cannot be
 * resolved would only repeat that error — it is dropped quietly (the
 * load fails all the same).  0 when not diagnosing. */
int qli_rl_failed_definition(const loader *L, int sec, const char *name,
                             size_t len);

/* An input redefined by a child (inputs.c): keeps the replaced one's
 * bounds, `required` and `default` unless it gives its own, and may
 * narrow its bounds, never widen them; records those in force on e. */
ql_status qli_rl_inherit_input(loader *L, entry *e, const ynode *v);

/* Values as a rules file writes them (sections.c). */
/* A number ("0.015", "-3", "1.6%"); a bool (true or false). */
ql_status qli_rl_number_value(loader *L, const ynode *n, const char *what,
                              qd *out);
/* The same reading of scalar n, quietly: QD_OK, the parse's status, or
 * -1 for a percentage with too many places. */
int qli_rl_number_text(const ynode *n, qd *out);
ql_status qli_rl_bool_value(loader *L, const ynode *n, const char *what,
                            int *out);
ql_status qli_rl_date_value(loader *L, const ynode *n, const char *what,
                        ql_date *out);
/* The error for an `until:` (node u) before its `from:`, both named with
 * their days; `what` names the value or check they bound. */
ql_status qli_rl_until_before_from(loader *L, const ynode *u, const char *what,
                                   ql_date from, ql_date until);
/* The citation under `source:`; its first word must name a source. */
ql_status qli_rl_citation(loader *L, const ynode *map, const char *what,
                      int required, const char **out);
/* Parses the expression in scalar n; `what` names it in messages. */
ql_status qli_rl_expression(loader *L, const ynode *n, const char *what,
                        ast **out);
/* Lists: `count: N` of an entry (0 when absent), the definitions a
 * section will hold with lists counted item by item, an item's name. */
ql_status qli_rl_list_count(loader *L, const ynode *map, const char *what,
                        int *n);
ql_status qli_rl_section_items(loader *L, const section *s, const char *what,
                           size_t *total);
const char *qli_rl_item_name(loader *L, const char *name, int k);

/* The sections, from the merged definitions to the rule set: sources
 * (sections.c), inputs (inputs.c), parameters (params.c), the rest
 * (formulas.c). */
ql_status qli_rl_build_sources(loader *L);
ql_status qli_rl_build_inputs(loader *L);
ql_status qli_rl_build_params(loader *L);
ql_status qli_rl_build_computed(loader *L);
ql_status qli_rl_build_checks(loader *L);
ql_status qli_rl_build_validations(loader *L);
ql_status qli_rl_build_outputs(loader *L, const ynode *fallback);
/* Reads the regular file `path` whole into doc->text (in ar; readfile.c):
 * a device, directory or FIFO is refused without blocking (QL_EIO), a
 * file past QL_MAX_FILE_SIZE is QL_ELIMIT.  Rules files and test files. */
/* What the file at path is when it is not a regular file ("a FIFO", "a
 * directory", …), or NULL for a regular file or one that cannot be
 * looked at (readfile.c). */
const char *qli_rl_not_regular(const char *path);
ql_status qli_rl_read_file(ql_arena *ar, const char *path, ydoc *doc,
                           ql_error *err);

/* The folder, with its '/', that the relative `extends` of the file
 * `path` are looked for in (extends.c): the file's own, the real file's
 * when `path` is a symbolic link — a rules file linked into a working
 * folder builds on its own parent, never on a stray copy beside the
 * link.  In a; NULL: no memory. */
char *qli_rl_extends_dir(ql_arena *a, const char *path);

/* Reads a rules file's tree into L's sections, its `extends` chain
 * first (extends.c); then closes the gaps `remove:` left. */
ql_status qli_rl_load_doc(loader *L, ydoc *doc, const char *base_dir);
void qli_rl_drop_removed(loader *L);

/* Applies L->ovr to the built parameters (overrides.c). */
ql_status qli_rl_apply_overrides(loader *L);
/* An override's value as messages quote it: its `shown` as the caller
 * gave it, else 'value' quoted — cut at a character boundary past
 * QLI_OVERRIDE_GIVEN_MAX bytes, marked "…" (overrides.c). */
#define QLI_OVERRIDE_GIVEN_MAX 72
const char *qli_override_given(const ql_override *o, char *buf, size_t size);

/* Finding a rules file by name (search.c).  *out is `name` itself when it
 * names an existing file or is not a plain relative name; else the file
 * NAME or NAME.yaml in the first folder of search_path (':'-separated,
 * may be NULL), $QUOTALEVY_RULES_PATH, then qli_rl_rules_dir() that has it.
 * QL_EIO, naming the folders searched, when none has it. */
/* NAME or NAME.yaml in the search path's folders only (never a path
 * relative to the working directory): QL_OK with *out the file found,
 * else QL_EIO (nothing said). */
ql_status qli_rl_search_rules(ql_arena *ar, const char *name,
                              const char *search_path, const char **out);
ql_status qli_rl_find_rules(ql_arena *ar, const char *name,
                        const char *search_path, const char **out,
                        ql_error *err);
/* "; did you mean 'cn/national'?" in buf for a rules name that was not
 * found (the nearest rules file beside base_dir — "" the working
 * directory — by its file name, national.yaml, since a folder opened as
 * written is never searched for NAME.yaml; then on the search path by
 * its name, as qli_rl_find_rules looks), or "": the name offered loads. */
const char *qli_rl_suggest_rules(ql_arena *ar, const char *name,
                                 const char *base_dir, const char *search_path,
                                 char *buf, size_t size);
/* The folder the bundled rule sets were installed to. */
const char *qli_rl_rules_dir(void);

#endif
