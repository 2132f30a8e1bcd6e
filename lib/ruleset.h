/*
 * ruleset.h — a loaded rule set: its definitions (filled by the loader,
 * rules.c and sections.c), their syntax trees and the compiled code.
 * Immutable once loaded.  Internal.
 */
#ifndef QL_RULESET_H
#define QL_RULESET_H

#include "code.h"
#include "names.h"
#include "util.h"
#include "value.h"
#include "yamltree.h"

struct ast; /* expr.h */

typedef struct source_def {
    const char *id, *title, *document, *date, *url;
} source_def;

typedef struct input_def {
    const char *name, *description, *type_word;
    vtype type;
    int integer;          /* must be a whole number */
    int scale;            /* places a value may have: `scale:`, the
                             currency's for money, 0 for integers; −1 any */
    int has_min, has_max, min_excl, max_excl;
    qd min, max;
    int required;         /* refused when empty at evaluation */
    int has_default;
    qval def;
    enum_def en;
    const ynode *key;
    /* an item of a list input (`count:`): family name, 1-based item, size */
    const char *family;
    int elem, family_len;
    /* a string a formula compares (==, !=, in; typecheck.c), byte for
     * byte: a record's text must be NFC with nothing invisible (P4-09) */
    int compared;
} input_def;

typedef struct bracket_row {
    qd bound;
    int exclusive; /* `above:` instead of `from:` */
    qd value;
} bracket_row;

typedef struct param_value {
    ql_date from, until; /* until = −1: open-ended */
    qval v;
    const char *source;
    const char *text;    /* display form (tables) */
    size_t nrows;
    bracket_row *rows;
    const ynode *node;   /* the value (or brackets) as written */
} param_value;

typedef struct param_def {
    const char *name, *description;
    vtype type;
    size_t nvalues;
    param_value *values; /* sorted by `from` */
    const ynode *key;
    /* what every value must be, a what-if override's too: `type:
     * integer` (whole, shown without places), `unit: percent` (written
     * with '%'), `min:` and `max:` (nodes NULL when absent) */
    int integer, percent;
    const ynode *min_node, *max_node, *percent_node; /* `unit: percent` */
    qd lo, hi;
    /* the places every value has, an override's too (part of its type:
     * the outputs computed from it are shown with places derived from
     * them): `scale:` (scale_node; in percent for a percentage, so the
     * share has two more; for money at most the currency's), else the
     * most of the rules file's values (places_node, the value with
     * them) */
    int places;
    const ynode *scale_node, *places_node;
    /* a child's value of another kind than the definition it replaces
     * (clash, at the child's value; was, the parent's first value): an
     * error after the type check, which names the formula when one
     * needed the parent's kind (qli_cc_param_kinds) */
    const ynode *clash, *was;
    vkind was_kind;
} param_def;

typedef struct computed_def {
    const char *name, *formula, *description, *source;
    vtype type;
    int block;
    int decl_scale;      /* `scale:`, or −1 */
    int decl_mode;       /* `display:` rounding (qd_round), or −1 */
    int decl_money;      /* `unit: money` */
    int agg;             /* `aggregate:` (ql_aggregate) */
    const ynode *agg_node; /* `aggregate:` for messages, or NULL */
    const ynode *scale_node; /* `scale:` or `display:` for messages, or NULL */
    display disp;        /* how its value is shown (scale.c) */
    const ynode *key;
    const ynode *expr; /* the expression scalar */
    struct ast *tree;
    /* an item of a list computed value, as for input_def */
    const char *family;
    int elem, family_len;
} computed_def;

typedef struct check_def {
    const char *name, *title, *description, *source;
    ql_date from, until; /* −1: unbounded */
    int applies, required, actual, shortfall, compliant; /* blocks; −1 */
    int decl_scale, decl_mode; /* `scale:`, `display:` of its numbers; −1 */
    display disp[3];           /* required, actual, shortfall (scale.c) */
    /* how its shortfall combines over records (ql_aggregate): its
     * `aggregate:`, or −1 until scale.c settles the default */
    int agg;
    const ynode *agg_node; /* `aggregate:` for messages, or NULL */
    const ynode *key;
    /* the expression scalars and trees of applies … compliant (or NULL) */
    const ynode *expr[5];
    struct ast *tree[5];
} check_def;

typedef struct validation_def {
    const char *name, *message;
    int field; /* input index or −1 */
    int block;
    const ynode *key;
    const ynode *expr;
    struct ast *tree;
} validation_def;

typedef enum { OUT_COMPUTED, OUT_INPUT, OUT_CHECK } out_kind;

typedef struct output_def {
    const char *name;
    out_kind kind;
    int index;
    const ynode *node;
    display disp; /* numbers: how they are shown (scale.c) */
    int money;
    int agg;      /* ql_aggregate */
} output_def;

struct ql_ruleset {
    ql_arena arena;
    const char *id, *title, *jurisdiction, *version, *description, *file;
    /* the canonical path of every file read: the top file, then each its
     * `extends` chain names (ql_ruleset_meta "file.1", "file.2", …) */
    const char *read[QL_MAX_EXTENDS + 1];
    int nread;
    /* while it loads (symbols.c): the file loaded (top_doc), the file of
     * the chain that extends none, and every file's own `outputs:` list */
    const ydoc *top_doc, *root_doc;
    const ynode *const *all_outputs;
    int n_all_outputs;
    const ynode *const *removed; /* the names `remove:` dropped */
    size_t n_removed;
    const char *currency; /* ISO 4217 code, or NULL */
    int minor;            /* the currency's minor unit: places of money */
    size_t n_sources, n_inputs, n_params, n_computed, n_checks, n_valid,
        n_outputs, n_required;
    qli_names input_index; /* inputs by name, in the arena (names.c) */
    size_t *required; /* the inputs marked required: checked per record */
    source_def *sources;
    input_def *inputs;
    param_def *params;
    computed_def *computed;
    check_def *checks;
    validation_def *valid;
    output_def *outputs;
    /* compiled code */
    instr *code;
    size_t ncode;
    qval *consts;
    uint8_t *const_kind; /* each constant's vkind */
    size_t nconsts;
    code_loc *locs; /* one per instruction */
    block *blocks;
    size_t nblocks;
    size_t stack_need;
    /* the same code as a 64-bit register bytecode (fast_code.h), or NULL
     * when every record goes to eval.c */
    struct fprog *fast;
};

/* Compiles every expression of rs (definitions filled by rules.c).  With
 * diag, type errors are collected block by block. */
ql_status qli_compile_ruleset(ql_ruleset *rs, ql_error *err, ql_diag *diag);

/* Internal: a block depends on one that already failed (diagnose mode);
 * the failure was reported once, so this one stays silent. */
#define QL_POISONED 2

/* Value of parameter p on date; −1 if none in force. */
static inline int qli_param_index_at(const param_def *p, ql_date date)
{
    int found = -1;
    for (size_t i = 0; i < p->nvalues && p->values[i].from <= date; i++)
        found = (int)i;
    if (found >= 0 && p->values[found].until >= 0 &&
        date > p->values[found].until)
        return -1;
    return found;
}

/* The node in a `remove:` list that dropped `name` (len bytes) from
 * the rule set while it loads, or NULL (extends.c). */
const ynode *qli_removed_name(const ql_ruleset *rs, const char *name,
                              size_t len);

#endif
