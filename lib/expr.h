/*
 * expr.h — expressions: tokens (lexer.c) and syntax trees (parser.c),
 * whose type and constant fields the type checker fills.  Internal.
 */
#ifndef QL_EXPR_H
#define QL_EXPR_H

#include "util.h"
#include "value.h"

typedef enum tok_kind {
    T_EOF,
    T_NUMBER,
    T_STRING,
    T_NAME,
    T_AND,
    T_OR,
    T_NOT,
    T_IN,
    T_TRUE,
    T_FALSE,
    T_PLUS,
    T_MINUS,
    T_STAR,
    T_SLASH,
    T_LPAREN,
    T_RPAREN,
    T_LBRACKET,
    T_RBRACKET,
    T_COMMA,
    T_DOT,
    T_EQ,
    T_NE,
    T_LT,
    T_LE,
    T_GT,
    T_GE
} tok_kind;

typedef struct token {
    tok_kind kind;
    size_t pos; /* byte offset in the expression text */
    size_t len;
    const char *text;
    qd num;       /* T_NUMBER */
    int pct;      /* T_NUMBER written with '%' (num is the share) */
    char *str;    /* T_STRING, unescaped, arena-allocated */
    size_t slen;
} token;

typedef struct lexer {
    const char *src;
    size_t len, pos;
    ql_arena *arena;
    const char *error; /* message of a lexical error */
    size_t error_pos;
} lexer;

void qli_lex_init(lexer *lx, const char *src, size_t len, ql_arena *arena);
/* Next token; on a lexical error returns T_EOF with lx->error set. */
token qli_lex_next(lexer *lx);
const char *qli_lex_tok_name(tok_kind k);

typedef enum ast_kind {
    A_NUMBER,
    A_STRING,
    A_BOOL,
    A_NAME,   /* text */
    A_MEMBER, /* text . member */
    A_UNARY,  /* op: T_MINUS, T_NOT; args[0] */
    A_BINARY, /* op; args[0], args[1] */
    A_IN,     /* args[0] in args[1..]; negated if `neg` */
    A_CALL    /* text(args...) */
} ast_kind;

typedef struct ast {
    ast_kind kind;
    tok_kind op;
    int neg;
    size_t pos; /* byte offset of the node's operator or first token */
    /* set by lists.c, for the type checker's messages */
    uint8_t count_if; /* an if() made of a count()'s condition */
    uint8_t sum_of;   /* the terms a sum() became: must be a number */
    uint8_t list_failed; /* lists.c failed here: the type checker says so
                            on reaching it, after any error before it */
    const char *text;
    size_t len;
    const char *member;
    size_t member_len;
    size_t member_pos;
    qd num;    /* A_NUMBER */
    uint8_t pct; /* A_NUMBER written with '%' (num is the share) */
    int b;     /* A_BOOL */
    size_t nargs;
    struct ast **args;
    int height; /* levels of the tree below and with this node */
    /* filled by the type checker */
    vtype type;
    int ref;    /* A_NAME, A_MEMBER: symbol index */
    const struct builtin *fn; /* A_CALL: the function (builtins.h) */
    int sdepth; /* value-stack slots the node needs */
    qval cval;  /* a constant's value (literals, enum items, dates) */
    int field;  /* A_MEMBER: the check's field, CF_* (code.h) */
    int digits; /* round(), ceil(), floor(), trunc(): places to keep */
    qd_round mode; /* … and the rounding mode */
    /* typecheck_fold.c: a number or bool with one value on every date
     * for every record (konst; kval, a bool's 0 or 1), and a node in it
     * that can run and always fails (a division by a divisor always 0,
     * or such values that overflow), or NULL */
    uint8_t konst;
    qd kval;
    const struct ast *fails;
} ast;

/* A number expression as a ratio, for a rounding or comparison decided
 * exactly on its operands rather than on a quotient cut at 20 places
 * (compile.c, builtins.c): 1 for x / y (p = x, y), 2 for (x / y) × z or
 * z × (x / y) (p = x, y, z: the code evaluates them in that order),
 * else 0. */
static inline int qli_ast_ratio(const ast *n, const ast *p[3])
{
    if (n->kind != A_BINARY || n->type.kind != VK_NUMBER)
        return 0;
    if (n->op == T_SLASH) {
        p[0] = n->args[0];
        p[1] = n->args[1];
        return 1;
    }
    for (int i = 0; n->op == T_STAR && i < 2; i++) {
        const ast *q = n->args[i];
        if (q->kind == A_BINARY && q->op == T_SLASH) {
            p[0] = q->args[0];
            p[1] = q->args[1];
            p[2] = n->args[1 - i];
            return 2;
        }
    }
    return 0;
}

/* The message of a tree past QL_MAX_EXPR_HEIGHT (compared by address,
 * like qli_msg_oom): the loader reports it as QL_ELIMIT. */
extern const char qli_msg_too_high[];

/* Parses a whole expression.  On error returns NULL with *msg and *pos;
 * *open_pos is the unclosed bracket's offset, or SIZE_MAX. */
ast *qli_parse_expression(const char *src, size_t len, ql_arena *arena,
                      const char **msg, size_t *pos, size_t *open_pos);

#endif
