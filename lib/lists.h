/*
 * lists.h — lists (`count:`) between parsing and type checking
 * (lists.c): each tree rewritten so that it names no list.  Internal.
 */
#ifndef QL_LISTS_H
#define QL_LISTS_H

#include "compile.h"

/* The list tables: one entry per input or computed value with `count:`. */
ql_status qli_ls_build(cc *c);
const list_sym *qli_ls_lookup(const cc *c, const char *name, size_t len);
/* Rewrites tree in place, as the value of item elem (1-based) of lists
 * of len items, or of no item (elem 0): a list's name becomes its item,
 * index() the item's number, sum/count/min/max over lists a plain
 * expression.  Errors are located in c->node, as the type checker's. */
ql_status qli_ls_expand(cc *c, ast *tree, int elem, int len);

#endif
