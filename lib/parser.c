/*
 * parser.c — expression text to a syntax tree.
 *
 * Recursive descent with one function per precedence level, lowest first:
 *
 *   or  <  and  <  not  <  comparison / in  <  + -  <  * /  <  unary -
 *
 * Comparisons do not chain ("a < b < c" is an error, not a surprise).  A
 * depth counter bounds recursion, as Lua's enterlevel does, and every node
 * knows its tree's height, bounded by QL_MAX_EXPR_HEIGHT: a flat chain
 * a+a+… builds a tree as deep as it is long, and the later passes (type
 * check, code generation) walk trees recursively, so hostile input cannot
 * exhaust the C stack there either.  Errors carry the byte offset of the
 * offending token and, for a missing closing bracket, where it was opened.
 */
#include "decimal.h"
#include "util.h"
#include "expr.h"

#include <stdio.h>
#include <string.h>

#define STR_(x) #x
#define STR(x) STR_(x)
const char qli_msg_too_high[] =
    "expression too long: a chain of more than " STR(QL_MAX_EXPR_HEIGHT)
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

static void advance(parser *p)
{
    p->tok = qli_lex_next(&p->lx);
    if (p->lx.error)
        fail_at(p, p->lx.error_pos, p->lx.error);
}

static ast *expected(parser *p, const char *what)
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
static int close_match(parser *p, tok_kind close, const char *what,
                       size_t open_pos)
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
    size_t open = p->tok.pos;
    advance(p);
    ast *tmp[QL_MAX_CALL_ARGS];
    size_t count = 0;
    if (p->tok.kind != T_RPAREN) {
        for (;;) {
            if (count == QL_MAX_CALL_ARGS) {
                fail_at(p, p->tok.pos, "more than 64 arguments");
                return 0;
            }
            ast *a = expr(p);
            if (!a)
                return 0;
            tmp[count++] = a;
            if (p->tok.kind != T_COMMA)
                break;
            advance(p);
            if (failed(p))
                return 0;
        }
    }
    if (!close_match(p, T_RPAREN, "')'", open))
        return 0;
    *out = qli_ar_alloc(p->arena, (count ? count : 1) * sizeof **out);
    if (!*out) {
        fail_at(p, open, qli_msg_oom);
        return 0;
    }
    memcpy(*out, tmp, count * sizeof *tmp);
    *n = count;
    return 1;
}

/* name[k]: item k of a list, a whole-number literal from 1 on.  It
 * becomes the name of that item, "name[k]", as the loader spells it. */
static ast *list_item(parser *p, token name)
{
    size_t open = p->tok.pos;
    advance(p);
    if (failed(p))
        return NULL;
    token k = p->tok;
    qd one = qli_qd_make(1, 0), lim = qli_qd_make(QL_MAX_LIST, 0);
    if (k.kind != T_NUMBER || !qli_qd_is_integer(&k.num) ||
        qli_qd_cmp(&k.num, &one) < 0 || qli_qd_cmp(&k.num, &lim) > 0)
        return fail_at(p, k.pos, "expected a list item number from 1 to 1000 "
                                 "inside '[ ]'");
    qd whole;
    qli_qd_round_to(&whole, &k.num, 0, QD_DOWN);
    advance(p);
    if (failed(p) || !close_match(p, T_RBRACKET, "']'", open))
        return NULL;
    ast *n = node(p, A_NAME, name.pos, 0);
    if (!n)
        return NULL;
    char *text = qli_ar_printf(p->arena, "%.*s[%d]", (int)name.len, name.text,
                           (int)whole.coef);
    if (!text)
        return fail_at(p, name.pos, qli_msg_oom);
    n->text = text;
    n->len = strlen(text);
    return n;
}

static ast *primary(parser *p)
{
    token t = p->tok;
    ast *n;
    switch (t.kind) {
    case T_NUMBER:
        n = node(p, A_NUMBER, t.pos, 0);
        if (n)
            n->num = t.num;
        advance(p);
        return n;
    case T_STRING:
        n = node(p, A_STRING, t.pos, 0);
        if (n) {
            n->text = t.str;
            n->len = t.slen;
        }
        advance(p);
        return n;
    case T_TRUE:
    case T_FALSE:
        n = node(p, A_BOOL, t.pos, 0);
        if (n)
            n->b = t.kind == T_TRUE;
        advance(p);
        return n;
    case T_LPAREN: {
        advance(p);
        if (failed(p))
            return NULL;
        ast *inner = expr(p);
        if (!inner || !close_match(p, T_RPAREN, "')'", t.pos))
            return NULL;
        return inner;
    }
    case T_NAME:
        advance(p);
        if (failed(p))
            return NULL;
        if (p->tok.kind == T_LPAREN) {
            n = node(p, A_CALL, t.pos, 0);
            if (!n || !call_args(p, &n->args, &n->nargs) || !grown(p, n))
                return NULL;
        } else if (p->tok.kind == T_DOT) {
            advance(p);
            if (failed(p))
                return NULL;
            if (p->tok.kind != T_NAME)
                return expected(p, "a field name after '.'");
            n = node(p, A_MEMBER, t.pos, 0);
            if (!n)
                return NULL;
            n->member = p->tok.text;
            n->member_len = p->tok.len;
            n->member_pos = p->tok.pos;
            advance(p);
        } else if (p->tok.kind == T_LBRACKET) {
            return list_item(p, t);
        } else {
            n = node(p, A_NAME, t.pos, 0);
        }
        if (n) {
            n->text = t.text;
            n->len = t.len;
        }
        return failed(p) ? NULL : n;
    default:
        return expected(p, "a value (number, string, name, '(' …)");
    }
}

static ast *enter(parser *p)
{
    if (++p->depth > QL_MAX_EXPR_DEPTH)
        return fail_at(p, p->tok.pos, "expression nested too deeply (limit 200)");
    return (ast *)1;
}

static ast *unary(parser *p)
{
    if (p->tok.kind == T_MINUS || p->tok.kind == T_PLUS) {
        token t = p->tok;
        if (!enter(p))
            return NULL;
        advance(p);
        if (failed(p))
            return NULL;
        ast *operand = unary(p);
        p->depth--;
        if (!operand || t.kind == T_PLUS)
            return operand;
        if (operand->kind == A_NUMBER && operand->pos == t.pos + 1) {
            qli_qd_neg(&operand->num, &operand->num); /* a literal like -3 */
            operand->pos = t.pos;
            return operand;
        }
        ast *n = node(p, A_UNARY, t.pos, 1);
        if (n) {
            n->op = T_MINUS;
            n->args[0] = operand;
        }
        return grown(p, n);
    }
    return primary(p);
}

static ast *binary(parser *p, ast *l, token op, ast *r)
{
    if (!l || !r)
        return NULL;
    ast *n = node(p, A_BINARY, op.pos, 2);
    if (n) {
        n->op = op.kind;
        n->args[0] = l;
        n->args[1] = r;
    }
    return grown(p, n);
}

/* One left-associative level: next (op next)*, op being a or b. */
static ast *left_assoc(parser *p, ast *(*next)(parser *), tok_kind a,
                       tok_kind b)
{
    ast *l = next(p);
    while (l && (p->tok.kind == a || p->tok.kind == b)) {
        token op = p->tok;
        advance(p);
        l = failed(p) ? NULL : binary(p, l, op, next(p));
    }
    return l;
}

static ast *mul(parser *p) { return left_assoc(p, unary, T_STAR, T_SLASH); }
static ast *add(parser *p) { return left_assoc(p, mul, T_PLUS, T_MINUS); }

static int is_cmp(tok_kind k) { return k >= T_EQ && k <= T_GE; }

static ast *comparison(parser *p)
{
    ast *l = add(p);
    if (!l)
        return NULL;
    if (is_cmp(p->tok.kind)) {
        token op = p->tok;
        advance(p);
        if (failed(p))
            return NULL;
        ast *n = binary(p, l, op, add(p));
        if (n && (is_cmp(p->tok.kind) || p->tok.kind == T_IN))
            return fail_at(p, p->tok.pos,
                           "comparisons do not chain: use 'and' between them");
        return n;
    }
    int neg = 0;
    size_t pos = p->tok.pos;
    if (p->tok.kind == T_NOT) {
        advance(p); /* "x not in [...]" */
        if (failed(p))
            return NULL;
        if (p->tok.kind != T_IN)
            return expected(p, "'in' after 'not'");
        neg = 1;
    }
    if (p->tok.kind != T_IN)
        return l;
    advance(p);
    if (failed(p))
        return NULL;
    if (p->tok.kind != T_LBRACKET)
        return expected(p, "'[' to start the list after 'in'");
    size_t open = p->tok.pos;
    advance(p);
    ast *tmp[QL_MAX_CALL_ARGS];
    size_t count = 0;
    while (!failed(p) && p->tok.kind != T_RBRACKET) {
        if (count == QL_MAX_CALL_ARGS)
            return fail_at(p, p->tok.pos, "more than 64 items in a list");
        ast *item = add(p);
        if (!item)
            return NULL;
        tmp[count++] = item;
        if (p->tok.kind != T_COMMA)
            break;
        advance(p);
    }
    if (failed(p) || !close_match(p, T_RBRACKET, "']'", open))
        return NULL;
    if (count == 0)
        return fail_at(p, open, "an 'in' list needs at least one item");
    ast *n = node(p, A_IN, pos, count + 1);
    if (!n)
        return NULL;
    n->neg = neg;
    n->args[0] = l;
    memcpy(n->args + 1, tmp, count * sizeof *tmp);
    return grown(p, n);
}

static ast *not_expr(parser *p)
{
    if (p->tok.kind == T_NOT) {
        token t = p->tok;
        if (!enter(p))
            return NULL;
        advance(p);
        if (failed(p))
            return NULL;
        ast *operand = not_expr(p);
        p->depth--;
        if (!operand)
            return NULL;
        ast *n = node(p, A_UNARY, t.pos, 1);
        if (n) {
            n->op = T_NOT;
            n->args[0] = operand;
        }
        return grown(p, n);
    }
    return comparison(p);
}

static ast *and_expr(parser *p)
{
    return left_assoc(p, not_expr, T_AND, T_AND);
}

static ast *expr(parser *p)
{
    if (!enter(p))
        return NULL;
    ast *l = left_assoc(p, and_expr, T_OR, T_OR);
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
    qli_lex_init(&p->lx, src, len, arena);
    advance(p);
    ast *root = failed(p) ? NULL : expr(p);
    if (root && !failed(p) && p->tok.kind != T_EOF)
        root = expected(p, "an operator or the end of the expression");
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
