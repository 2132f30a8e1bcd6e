/*
 * compile.h — what the type checker (typecheck.c) and the code generator
 * (compile.c) share: the symbol table, the built-in function ids and the
 * compiler's state.  Internal.
 */
#ifndef QL_COMPILE_H
#define QL_COMPILE_H

#include "util.h"
#include "value.h"
#include "yamltree.h"
#include "expr.h"
#include "code.h"
#include "names.h"

enum sym_kind { S_INPUT, S_PARAM, S_COMPUTED, S_CHECK };

typedef struct sym {
    const char *name;
    enum sym_kind kind;
    int index;
    const ynode *key;
} sym;

enum fn_id {
    F_MIN, F_MAX, F_ABS, F_ROUND, F_CEIL, F_FLOOR, F_TRUNC, F_IF, F_BRACKET,
    F_PRESENT, F_DATE, F_YEAR, F_MONTH, F_DAY, F_DAYS_BETWEEN, F_ADD_DAYS,
    F_ADD_MONTHS, F_ADD_YEARS, F_SUM, F_COUNT, F_INDEX, F_AT
};

/* A list: `count:` items of an input or computed value, whose symbols
 * stand one after another from `first`. */
typedef struct list_sym {
    const char *name;
    int first, len;
} list_sym;

/* The expressions of a check, in check_def.tree order. */
extern const char *const qli_tc_check_parts[5];

typedef struct cc {
    ql_ruleset *rs;
    ql_error *err;
    ql_diag *diag; /* diagnose mode, or NULL */
    sym *syms;
    size_t nsyms;
    size_t *hash; /* open addressing: index + 1, 0 empty */
    size_t hcap;
    list_sym *lists;
    size_t nlists;
    qli_names list_index; /* lists[] by name */
    size_t expanded; /* syntax nodes copied for list reductions */
    int elem, elem_len; /* the list item the names being checked mean */
    int depth; /* qli_tc_expr calls open at once, bounded by QL_MAX_CHECK_DEPTH */
    /* dependency walk: 0 todo, 1 in progress, 2 done, 3 failed */
    uint8_t *cstate, *kstate;
    int *cneed, *kneed, *cchain, *kchain;
    /* the scalar being checked and what it is, for messages */
    const ynode *node;
    const char *what;
    int chain;    /* deepest dependency chain under the current block */
    int need;     /* largest stack need of a dependency */
    /* emitted code */
    instr *code;
    code_loc *locs;
    size_t ncode, capcode, caplocs;
    qval *consts;
    uint8_t *ckinds; /* each constant's vkind */
    size_t nconsts, capconsts;
    block *blocks;
    size_t nblocks, capblocks;
    const char *emit_what;
    const ynode *emit_node;
} cc;

/* typecheck.c, for lists.c */
const sym *qli_cc_lookup(cc *c, const char *name, size_t len);
/* Fails at byte `pos` of the scalar being checked, naming the block. */
ql_status qli_cc_fail_at(cc *c, size_t pos, ql_status code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
const char *qli_cc_type_name(vtype t);
/* "a" or "an", as English wants before qli_cc_type_name(t). */
const char *qli_cc_article(vtype t);
/* The type of check field f (CF_REQUIRED …) of a checked check. */
struct check_def;
vtype qli_cc_check_field_type(const struct check_def *k, int f);
const char *qli_cc_kind_word(enum sym_kind k);
/* The F_ id of a function name, −1 if there is none. */
int qli_cc_fn_id(const char *name, size_t len);
const char *qli_cc_fn_name(int id);
const char *qli_cc_fn_usage(int id);
/* Type-checks one expression node (the blocks it names settled first). */
ql_status qli_tc_expr(cc *c, ast *n);
/* Type-checks block blk (computed i is i, check i is n_computed + i),
 * already in progress (state 1) with everything it names settled. */
ql_status qli_tc_check_block(cc *c, int blk);

/* order.c */
/* Settles block blk (state 0) and every block it names before it, with
 * no recursion: on failure each block on the way is failed (state 3). */
ql_status qli_tc_settle(cc *c, int blk);
/* Settles every block a tree names (a validation's). */
ql_status qli_tc_settle_tree(cc *c, const ast *tree);

/* lists.c */
/* The list tables: one entry per input or computed value with `count:`. */
ql_status qli_ls_build(cc *c);
const list_sym *qli_ls_lookup(const cc *c, const char *name, size_t len);
/* The symbol a name stands for: a list's name means the item being
 * checked (c->elem).  *out is NULL for an unknown name. */
ql_status qli_ls_resolve_name(cc *c, const ast *n, const sym **out);
/* Whether a call of function id with nargs arguments reduces a list:
 * sum() and count(), and min()/max() of one argument. */
int qli_ls_is_reduction(int id, size_t nargs);
/* sum/count/min/max of a list expression rewritten in place; *done is 0
 * when the caller is to check the call as an ordinary min/max. */
ql_status qli_ls_reduce(cc *c, ast *n, int id, int *done);

/* Builds the name table: every name once across the four kinds. */
ql_status qli_tc_build_symbols(cc *c);
/* Type-checks every expression, rejects cycles and sizes the stack. */
ql_status qli_tc_check_all(cc *c);

#endif
