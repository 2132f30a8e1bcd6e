/*
 * compile.h — the compiler's state, shared by its passes: the symbol
 * table (symbols.c), the lists (lists.c), the type checker (typecheck.c,
 * order.c), the built-ins (builtins.c) and the code generator
 * (compile.c).  Internal.
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
    ql_status list_status; /* lists.c's failure in the tree being checked */
    int depth; /* qli_tc_expr calls open at once, bounded by QL_MAX_CHECK_DEPTH */
    /* dependency walk: 0 todo, 1 in progress, 2 done, 3 failed */
    uint8_t *cstate, *kstate;
    uint8_t *read; /* per symbol: named by some formula (qli_cc_mark_read) */
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

/* symbols.c: the name table, every name once across the four kinds. */
ql_status qli_cc_build_symbols(cc *c);
/* A child's parameter value of another kind than the value it replaces,
 * which no formula's type check caught (params.c notes it). */
ql_status qli_cc_param_kinds(cc *c);
/* A symbol a formula names (the type checker's resolutions call it). */
static inline void qli_cc_mark_read(cc *c, const sym *s)
{
    if (c->read)
        c->read[s - c->syms] = 1;
}
/* A definition of the top file of an `extends` chain that nothing reads:
 * a misspelt redefinition or a dead one, an error (inputs only when their
 * name is a near miss).  After the type check, which marks reads. */
ql_status qli_cc_unread_near_misses(cc *c);
const sym *qli_cc_lookup(cc *c, const char *name, size_t len);
const char *qli_cc_kind_word(enum sym_kind k);
/* Fails at byte `pos` of the scalar being checked, naming the block. */
ql_status qli_cc_fail_at(cc *c, size_t pos, ql_status code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* compile.c, for the built-ins' emitters: an expression's code, one
 * instruction (its index), a constant node's push; −1 out of memory. */
int qli_compile_expr(cc *c, const ast *n);
int qli_compile_op(cc *c, opcode op, int a8, int a16, int32_t arg, size_t pos);
int qli_compile_const(cc *c, const ast *n);

#endif
