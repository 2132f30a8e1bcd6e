/*
 * builtins.h — the built-in functions (builtins.c): one table, one row a
 * function, as Lua's luaL_Reg and SQLite's FuncDef.  A row gives the
 * name, the arguments it takes, its type rule (for typecheck.c) and its
 * code emitter (for compile.c), so a new function is one row and two
 * small functions next to it.  Internal.
 */
#ifndef QL_BUILTINS_H
#define QL_BUILTINS_H

#include "util.h"

#include <stddef.h>

struct cc;
struct ast;

/* What the passes before the type rule need to know of a function. */
enum builtin_flag {
    BI_ODD_ARGS = 1,    /* if(): an odd number of arguments */
    BI_PARAM_FIRST = 2, /* the first argument is a parameter's name, read
                           by the function, not a value (at, bracket) */
    BI_NO_VALUES = 4,   /* nothing it is given is evaluated: a name or a
                           literal (present, date, index) */
    BI_CONSTANT = 8,    /* a constant: may stand in an 'in' list (date) */
    BI_INDEX = 16       /* index(): the item number, set by lists.c */
};

/* What lists.c expands a call of one argument into. */
enum builtin_reduce {
    RD_NONE,
    RD_SUM,    /* sum(e): e[1] + e[2] + … */
    RD_COUNT,  /* count(e): if(e[1], 1, 0) + … */
    RD_EXTREME /* min(e), max(e): min(e[1], e[2], …) */
};

typedef struct builtin {
    const char *name;
    int min_args, max_args; /* max −1: any */
    unsigned flags;         /* builtin_flag */
    int reduce;             /* builtin_reduce */
    const char *usage;      /* for messages: "round(x, digits) or …" */
    /* Type rule: checks the call's arguments (the type checker has
     * checked none) and sets the node's type and stack need. */
    ql_status (*check)(struct cc *c, struct ast *n);
    /* Code: the call's instructions; −1 when out of memory. */
    int (*emit)(struct cc *c, const struct ast *n);
    /* For the emitters shared by rows: the instruction after the
     * arguments (an opcode, code.h) and its a8. */
    int op, a8;
} builtin;

extern const builtin qli_builtins[];
extern const size_t qli_n_builtins;

/* The function called `name`, or NULL. */
const builtin *qli_bi_find(const char *name, size_t len);
/* Whether f takes nargs arguments. */
int qli_bi_arity_ok(const builtin *f, size_t nargs);
/* Whether a call of f with nargs arguments goes over lists (lists.c):
 * sum() and count(), min() and max() of one argument. */
int qli_bi_reduces(const builtin *f, size_t nargs);

#endif
