/*
 * typecheck.h — the type checker: names resolved to slots, types and
 * scales inferred and checked (typecheck.c), cycles found and stacks
 * sized block by block (typecheck_blocks.c), in the order order.c
 * settles the blocks in.  Its input is a tree
 * lists.c has rewritten to name no list; the built-ins' type rules
 * (builtins.c) use the helpers here.  Internal.
 */
#ifndef QL_TYPECHECK_H
#define QL_TYPECHECK_H

#include "compile.h"

struct check_def;

/* Type-checks every expression, rejects cycles and sizes the stack. */
ql_status qli_tc_check_all(cc *c);
/* Type-checks block blk (computed i is i, check i is n_computed + i),
 * already in progress (state 1) with everything it names settled. */
ql_status qli_tc_check_block(cc *c, int blk);
/* A name met in an expression: computed value idx or check idx, at pos,
 * settled first when it is not yet (a cycle when it is in progress), its
 * chain and stack need noted in the block being checked. */
ql_status qli_tc_check_computed(cc *c, int idx, size_t pos);
ql_status qli_tc_check_check(cc *c, int idx, size_t pos);
/* Type-checks one expression node (the blocks it names settled first). */
ql_status qli_tc_expr(cc *c, ast *n);

/* For the type rules of built-ins: n must be of kind k ("%role must be
 * a number, not …"); a and b of one type, enum literals coerced ("%ctx
 * a date with a number"); the symbol a plain name stands for (NULL
 * unknown; a list's name is an error). */
ql_status qli_tc_expect(cc *c, ast *n, vkind k, const char *role);
ql_status qli_tc_unify(cc *c, ast *a, ast *b, size_t pos, const char *ctx);
/* Two operands of different types where one is a parameter read by name
 * and the other is not: the slip is most often the parameter's value (a
 * child file's), so it is reported there, naming the parameter and the
 * formula (probe13 P13-07).  QL_OK when that is not the case. */
ql_status qli_tc_param_mismatch(cc *c, const ast *a, const ast *b);
/* Numbers a and b meet in `what` ("'+'", "max()", …) at pos: an amount
 * of money with a plain number that is no literal (a count, a rate) is
 * a load error there; QL_OK otherwise. */
int qli_tc_literal_number(const ast *n); /* 5, -1: takes any unit */
ql_status qli_tc_same_unit(cc *c, const ast *a, const ast *b, size_t pos,
                           const char *what);
ql_status qli_tc_resolve(cc *c, const ast *n, const sym **out);
/* The name text[0, len) at pos (a built-in's argument, or a check
 * before its field; text NULL: not a name) is not one of kind `want`
 * (TC_WANT_*): a located error saying what it is — unknown, with the
 * nearest name of that kind, or a name of another kind — and `needs`
 * ("at() takes a parameter (not a table) first"). */
enum { TC_WANT_PARAM, TC_WANT_TABLE, TC_WANT_INPUT, TC_WANT_CHECK };
ql_status qli_tc_wrong_name(cc *c, const char *text, size_t len, size_t pos,
                            int want, const char *needs);
int qli_tc_same_type(vtype a, vtype b);
vtype qli_tc_type(vkind k);
/* A number's type with at most `scale` places (QL_SCALE_ANY past what a
 * decimal holds) and whether it is an amount of money. */
vtype qli_tc_num(int scale, int money);
/* A number made of a and b with `scale` places: money, and an amount per
 * unit (vtype.per), if either is; a share (vtype.share) if either is and
 * it is not money. */
vtype qli_tc_num_of(int scale, vtype a, vtype b);
const char *qli_cc_type_name(vtype t);
/* "a" or "an", as English wants before qli_cc_type_name(t). */
const char *qli_cc_article(vtype t);
/* The type of check field f (CF_REQUIRED …) of a checked check. */
vtype qli_cc_check_field_type(const struct check_def *k, int f);

/* typecheck_percent.c: percentages (vtype.pct) and the bare numbers
 * that meet them.  Whether parameter p is a percentage (`unit: percent`,
 * or numbers written with '%'; a table: its values). */
struct param_def;
int qli_tc_param_pct(const struct param_def *p);
/* Numbers a and b meet at `where` ("this comparison", …): a nonzero
 * bare number written in the formula meeting a percentage is a load
 * error at the number; QL_OK otherwise.  qli_tc_percent_among: the
 * same over v[0], v[step], … below n (min()'s arguments, if()'s
 * branches). */
ql_status qli_tc_same_percent(cc *c, const ast *a, const ast *b,
                              const char *where);
ql_status qli_tc_percent_among(cc *c, ast *const *v, size_t n, size_t step,
                               const char *where);
/* bracket(p, x): a bare number x and bounds in percent, or a percentage
 * x and bare bounds. */
ql_status qli_tc_bracket_percent(cc *c, const ast *n,
                                 const struct param_def *p);

/* typecheck_fold.c: values known at load.  Node n, its operands and
 * its own type checked: its value when it has one on every date for
 * every record (ast.konst, ast.kval), and what in it can run and always
 * fails (ast.fails: a division by a divisor always 0, or such values
 * that overflow).  qli_tc_fold_root: a formula's tree whose root keeps
 * such a failure is a load error there, located at the divisor and
 * naming the parameters and values it is made of. */
void qli_tc_fold(const cc *c, ast *n);
ql_status qli_tc_fold_root(cc *c, const ast *tree);

/* order.c */
/* Settles block blk (state 0) and every block it names before it, with
 * no recursion: on failure each block on the way is failed (state 3). */
ql_status qli_tc_settle(cc *c, int blk);
/* Settles every block a tree names (a validation's). */
ql_status qli_tc_settle_tree(cc *c, const ast *tree);

#endif
