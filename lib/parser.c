/*
 * parser.c — expression text to a syntax tree.
 *
 * Precedence climbing, as Lua's subexpr, over these levels, lowest first:
 *
 *   or  <  and  <  not  <  comparison / in  <  + -  <  * /  <  unary -
 *
 * Comparisons do not chain ("a < b < c" is an error, not a surprise).  A
 * depth counter bounds recursion, as Lua's enterlevel does; each level of
 * nesting costs two or three small C frames (call arguments wait in the
 * parser's scratch array, not on the stack, and a level keeps a token's
 * kind and offset, never a copy of the token), measured in
 * docs/security.md: 64 levels fit a 128 KiB thread stack many times over.
 * Every node knows its tree's height, bounded by QL_MAX_EXPR_HEIGHT: a
 * flat chain a+a+… builds a tree as deep as it is long, and the later
 * passes (type check, code generation) walk trees recursively, so hostile
 * input cannot exhaust the C stack there either.  Errors carry the byte offset of the
 * offending token and, for a missing closing bracket, where it was opened.
 */
#include "decimal.h"
#include "util.h"
#include "expr.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char qli_msg_too_high[] =
    "expression too long: a chain of more than " QL_STR(QL_MAX_EXPR_HEIGHT)
    " operators or levels (QL_MAX_EXPR_HEIGHT); split it into computed values";

typedef struct parser {
    lexer lx;
    token tok;
    ql_arena *arena;
    int depth;
    const char *msg;
    size_t msg_pos;
    size_t open_pos; /* the unclosed bracket of a "to close" error */
    char msgbuf[160];
    /* Arguments and list items being read, of every open call at once:
     * kept here, not in each level's C frame. */
    ast **scratch;
    size_t nscratch, capscratch;
    size_t stop_at; /* an operator after a comparison: taken by no level */
} parser;

static int failed(parser *p) { return p->msg != NULL; }

static ast *fail_at(parser *p, size_t pos, const char *msg)
{
    if (!p->msg) {
        p->msg = msg;
        p->msg_pos = pos;
    }
    return NULL;
}

static QLI_NOINLINE void advance(parser *p)
{
    p->tok = qli_lex_next(&p->lx);
    if (p->lx.error)
        fail_at(p, p->lx.error_pos, p->lx.error);
}

static QLI_NOINLINE ast *expected(parser *p, const char *what)
{
    snprintf(p->msgbuf, sizeof p->msgbuf, "expected %s, found %s", what,
             qli_lex_tok_name(p->tok.kind));
    return fail_at(p, p->tok.pos, p->msgbuf);
}

static ast *node(parser *p, ast_kind kind, size_t pos, size_t nargs)
{
    ast *n = qli_ar_alloc(p->arena, sizeof *n);
    if (!n)
        return fail_at(p, pos, qli_msg_oom);
    n->kind = kind;
    n->pos = pos;
    n->nargs = nargs;
    n->height = 1;
    if (nargs) {
        n->args = qli_ar_alloc(p->arena, nargs * sizeof *n->args);
        if (!n->args)
            return fail_at(p, pos, qli_msg_oom);
    }
    return n;
}

static ast *expr(parser *p);

static int push_scratch(parser *p, ast *a)
{
    if (p->nscratch == p->capscratch) {
        size_t cap = p->capscratch ? 2 * p->capscratch : 16;
        ast **grown = realloc(p->scratch, cap * sizeof *grown);
        if (!grown) {
            fail_at(p, a->pos, qli_msg_oom);
            return 0;
        }
        p->scratch = grown;
        p->capscratch = cap;
    }
    p->scratch[p->nscratch++] = a;
    return 1;
}

/* Sets n's height from its children's; refuses a tree past the limit. */
static ast *grown(parser *p, ast *n)
{
    if (!n)
        return NULL;
    int h = 0;
    for (size_t i = 0; i < n->nargs; i++)
        if (n->args[i]->height > h)
            h = n->args[i]->height;
    n->height = h + 1;
    if (n->height > QL_MAX_EXPR_HEIGHT)
        return fail_at(p, n->pos, qli_msg_too_high);
    return n;
}

/* Closes a bracket opened at `open_pos`, as Lua's check_match does. */
static QLI_NOINLINE int close_match(parser *p, tok_kind close,
                                    const char *what, size_t open_pos)
{
    if (p->tok.kind == close) {
        advance(p);
        return !failed(p);
    }
    snprintf(p->msgbuf, sizeof p->msgbuf, "expected %s, found %s", what,
             qli_lex_tok_name(p->tok.kind));
    if (!p->msg)
        p->open_pos = open_pos;
    fail_at(p, p->tok.pos, p->msgbuf);
    return 0;
}

/* Parses "( args )" after a function name; fills *out. */
static int call_args(parser *p, ast ***out, size_t *n)
{
    size_t open = p->tok.pos, base = p->nscratch;
    advance(p);
    if (p->tok.kind != T_RPAREN) {
        for (;;) {
            if (p->nscratch - base == QL_MAX_CALL_ARGS) {
                fail_at(p, p->tok.pos, "more than " QL_STR(QL_MAX_CALL_ARGS) " arguments");
                return 0;
            }
            ast *a = expr(p);
            if (!a || !push_scratch(p, a))
                return 0;
            if (p->tok.kind != T_COMMA)
                break;
            advance(p);
            if (failed(p))
                return 0;
        }
    }
    if (!close_match(p, T_RPAREN, "')'", open))
        return 0;
    size_t count = p->nscratch - base;
    *out = qli_ar_alloc(p->arena, (count ? count : 1) * sizeof **out);
    if (!*out) {
        fail_at(p, open, qli_msg_oom);
        return 0;
    }
    if (count) /* scratch is NULL before the first argument */
        memcpy(*out, p->scratch + base, count * sizeof **out);
    p->nscratch = base;
    *n = count;
    return 1;
}

/* name[k]: item k of a list, a whole-number literal from 1 on.  It
 * becomes the name of that item, "name[k]", as the loader spells it. */
static QLI_NOINLINE ast *list_item(parser *p, const char *name,
                                   size_t name_len, size_t name_pos)
{
    size_t open = p->tok.pos;
    advance(p);
    if (failed(p))
        return NULL;
    token k = p->tok;
    qd one = qli_qd_make(1, 0), lim = qli_qd_make(QL_MAX_LIST, 0);
    if (k.kind != T_NUMBER || !qli_qd_is_integer(&k.num) ||
        qli_qd_cmp(&k.num, &one) < 0 || qli_qd_cmp(&k.num, &lim) > 0)
        return fail_at(p, k.pos, "expected a list item number from 1 to " QL_STR(QL_MAX_LIST) " "
                                 "inside '[ ]'");
    qd whole;
    qli_qd_round_to(&whole, &k.num, 0, QD_DOWN);
    advance(p);
    if (failed(p) || !close_match(p, T_RBRACKET, "']'", open))
        return NULL;
    ast *n = node(p, A_NAME, name_pos, 0);
    if (!n)
        return NULL;
    char *text = qli_ar_printf(p->arena, "%.*s[%d]", (int)name_len, name,
                           (int)whole.coef);
    if (!text)
        return fail_at(p, name_pos, qli_msg_oom);
    n->text = text;
    n->len = strlen(text);
    return n;
}

/* A literal: its node, then the next token. */
static QLI_NOINLINE ast *literal(parser *p)
{
    const token *t = &p->tok;
    ast *n = node(p, t->kind == T_NUMBER   ? A_NUMBER
                     : t->kind == T_STRING ? A_STRING
                                           : A_BOOL,
                  t->pos, 0);
    if (n && t->kind == T_NUMBER) {
        n->num = t->num;
        n->pct = (uint8_t)t->pct;
    }
    else if (n && t->kind == T_STRING) {
        n->text = t->str;
        n->len = t->slen;
    } else if (n)
        n->b = t->kind == T_TRUE;
    advance(p);
    return n;
}

/* A name after its token: a call, a check's field, a list's item or a
 * plain name. */
static ast *named(parser *p, const char *text, size_t len, size_t pos)
{
    ast *n;
    if (p->tok.kind == T_LPAREN) {
        n = node(p, A_CALL, pos, 0);
        if (!n || !call_args(p, &n->args, &n->nargs) || !grown(p, n))
            return NULL;
    } else if (p->tok.kind == T_DOT) {
        advance(p);
        if (failed(p))
            return NULL;
        if (p->tok.kind != T_NAME)
            return expected(p, "a field name after '.'");
        n = node(p, A_MEMBER, pos, 0);
        if (!n)
            return NULL;
        n->member = p->tok.text;
        n->member_len = p->tok.len;
        n->member_pos = p->tok.pos;
        advance(p);
    } else if (p->tok.kind == T_LBRACKET) {
        return list_item(p, text, len, pos);
    } else {
        n = node(p, A_NAME, pos, 0);
    }
    if (n) {
        n->text = text;
        n->len = len;
    }
    return failed(p) ? NULL : n;
}

/* Only what a level of nesting needs stays in its frame: a token's
 * kind and offset, never a copy of the token (docs/security.md, "The C
 * stack"). */
static ast *primary(parser *p)
{
    size_t pos = p->tok.pos;
    switch (p->tok.kind) {
    case T_NUMBER:
    case T_STRING:
    case T_TRUE:
    case T_FALSE:
        return literal(p);
    case T_LPAREN: {
        advance(p);
        if (failed(p))
            return NULL;
        ast *inner = expr(p);
        if (!inner || !close_match(p, T_RPAREN, "')'", pos))
            return NULL;
        return inner;
    }
    case T_NAME: {
        const char *text = p->tok.text;
        size_t len = p->tok.len;
        advance(p);
        if (failed(p))
            return NULL;
        return named(p, text, len, pos);
    }
    default:
        return expected(p, "a value (number, string, name, '(' …)");
    }
}

static ast *binary(parser *p, ast *l, tok_kind op, size_t op_pos, ast *r)
{
    if (!l || !r)
        return NULL;
    ast *n = node(p, A_BINARY, op_pos, 2);
    if (n) {
        n->op = op;
        n->args[0] = l;
        n->args[1] = r;
    }
    return grown(p, n);
}

static int is_cmp(tok_kind k) { return k >= T_EQ && k <= T_GE; }

static ast *enter(parser *p)
{
    if (++p->depth > QL_MAX_EXPR_DEPTH)
        return fail_at(p, p->tok.pos, "expression nested too deeply (limit " QL_STR(QL_MAX_EXPR_DEPTH) ")");
    return (ast *)1;
}

/* Binding strength of the binary operators (left-associative: the right
 * operand takes only stronger ones).  `not` takes an operand of comparisons
 * and stronger; a unary minus only the operand itself. */
enum { PRI_OR = 1, PRI_AND, PRI_NOT, PRI_CMP, PRI_ADD, PRI_MUL, PRI_UNARY };

static int binary_pri(tok_kind k)
{
    switch (k) {
    case T_OR: return PRI_OR;
    case T_AND: return PRI_AND;
    case T_IN:
    case T_NOT: /* "x not in [...]" */
        return PRI_CMP;
    case T_PLUS:
    case T_MINUS: return PRI_ADD;
    case T_STAR:
    case T_SLASH: return PRI_MUL;
    default: return is_cmp(k) ? PRI_CMP : 0;
    }
}

static ast *sub(parser *p, int limit);

/* "-x", "+x", "not x": prefixes nest, each one a level of depth. */
static ast *prefixed(parser *p)
{
    tok_kind kind = p->tok.kind;
    size_t pos = p->tok.pos;
    if (!enter(p))
        return NULL;
    advance(p);
    if (failed(p))
        return NULL;
    ast *operand = sub(p, kind == T_NOT ? PRI_NOT : PRI_UNARY);
    p->depth--;
    if (!operand || kind == T_PLUS)
        return operand;
    if (kind == T_MINUS && operand->kind == A_NUMBER &&
        operand->pos == pos + 1) {
        qli_qd_neg(&operand->num, &operand->num); /* a literal like -3 */
        operand->pos = pos;
        return operand;
    }
    ast *n = node(p, A_UNARY, pos, 1);
    if (n) {
        n->op = kind;
        n->args[0] = operand;
    }
    return grown(p, n);
}

/* "l [not] in [item, …]" after l, at the 'not' or 'in'. */
static ast *in_list(parser *p, ast *l)
{
    int neg = 0;
    size_t pos = p->tok.pos;
    if (p->tok.kind == T_NOT) {
        advance(p);
        if (failed(p))
            return NULL;
        if (p->tok.kind != T_IN)
            return expected(p, "'in' after 'not'");
        neg = 1;
    }
    advance(p);
    if (failed(p))
        return NULL;
    if (p->tok.kind != T_LBRACKET)
        return expected(p, "'[' to start the list after 'in'");
    size_t open = p->tok.pos, base = p->nscratch;
    advance(p);
    while (!failed(p) && p->tok.kind != T_RBRACKET) {
        if (p->nscratch - base == QL_MAX_CALL_ARGS)
            return fail_at(p, p->tok.pos, "more than " QL_STR(QL_MAX_CALL_ARGS) " items in a list");
        ast *item = sub(p, PRI_CMP);
        if (!item || !push_scratch(p, item))
            return NULL;
        if (p->tok.kind != T_COMMA)
            break;
        advance(p);
    }
    if (failed(p) || !close_match(p, T_RBRACKET, "']'", open))
        return NULL;
    size_t count = p->nscratch - base;
    if (count == 0)
        return fail_at(p, open, "an 'in' list needs at least one item");
    ast *n = node(p, A_IN, pos, count + 1);
    if (!n)
        return NULL;
    n->neg = neg;
    n->args[0] = l;
    memcpy(n->args + 1, p->scratch + base, count * sizeof *n->args);
    p->nscratch = base;
    return grown(p, n);
}

/* Precedence climbing, as Lua's subexpr: an operand, then every binary
 * operator binding more strongly than `limit`.  One function per nesting
 * level, not one per precedence level, keeps the C stack each level of
 * parentheses costs small. */
static ast *sub(parser *p, int limit)
{
    ast *l;
    if (p->tok.kind == T_MINUS || p->tok.kind == T_PLUS ||
        (p->tok.kind == T_NOT && limit <= PRI_NOT))
        l = prefixed(p);
    else
        l = primary(p);
    int compared = 0; /* comparisons do not chain */
    for (int pri; l && (pri = binary_pri(p->tok.kind)) > limit;) {
        if (p->tok.pos == p->stop_at)
            break;
        if (compared && pri >= PRI_CMP) {
            /* after a comparison only 'and' and 'or' go on, at any level */
            if (compared == 1 && p->tok.kind != T_NOT)
                return fail_at(p, p->tok.pos,
                               "comparisons do not chain: use 'and' between "
                               "them");
            p->stop_at = p->tok.pos;
            break;
        }
        if (pri == PRI_CMP) {
            if (p->tok.kind == T_IN || p->tok.kind == T_NOT) {
                l = in_list(p, l);
                compared = 2;
                continue;
            }
            compared = 1;
        }
        tok_kind op = p->tok.kind;
        size_t op_pos = p->tok.pos;
        advance(p);
        l = failed(p) ? NULL : binary(p, l, op, op_pos, sub(p, pri));
    }
    return l;
}

static ast *expr(parser *p)
{
    if (!enter(p))
        return NULL;
    ast *l = sub(p, 0);
    p->depth--;
    return l;
}

ast *qli_parse_expression(const char *src, size_t len, ql_arena *arena,
                      const char **msg, size_t *pos, size_t *open_pos)
{
    *open_pos = SIZE_MAX;
    parser *p = qli_ar_alloc(arena, sizeof *p);
    if (!p) {
        *msg = qli_msg_oom;
        *pos = 0;
        return NULL;
    }
    p->arena = arena;
    p->open_pos = SIZE_MAX;
    p->stop_at = SIZE_MAX;
    qli_lex_init(&p->lx, src, len, arena);
    advance(p);
    ast *root = failed(p) ? NULL : expr(p);
    if (root && !failed(p) && p->tok.kind != T_EOF)
        root = expected(p, "an operator or the end of the expression");
    free(p->scratch);
    if (!root || failed(p)) {
        if (!p->msg) {
            p->msg = "invalid expression";
            p->msg_pos = 0;
        }
        /* the message may live in p->msgbuf: copy it out of the parser */
        *msg = p->msg == qli_msg_oom || p->msg == qli_msg_too_high
                   ? p->msg
                   : qli_ar_strndup(arena, p->msg, strlen(p->msg));
        if (!*msg)
            *msg = qli_msg_oom;
        *pos = p->msg_pos;
        *open_pos = p->open_pos;
        return NULL;
    }
    return root;
}
