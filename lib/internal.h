/*
 * internal.h — the shapes shared between the library's stages.
 *
 * Loading runs: yamltree (YAML text → node tree with positions) → rules
 * (node trees of a file and its `extends` chain → definitions) → lexer and
 * parser (each expression → syntax tree) → compile (types checked, names
 * resolved to slots, flat code) → the ql_ruleset.  Evaluation runs eval.c's
 * interpreter over that code against a ql_record into a ql_result.
 *
 * Nothing here is public; include/quotalevy.h is the whole public API.
 */
#ifndef QL_INTERNAL_H
#define QL_INTERNAL_H

#include "quotalevy.h"
#include "decimal.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* ------------------------------------------------------------- limits */

#define QL_MAX_FILE_SIZE (16u << 20) /* bytes of one rules file           */
#define QL_MAX_YAML_DEPTH 64         /* nesting of YAML collections        */
#define QL_MAX_YAML_NODES 1000000    /* nodes in one rules file            */
#define QL_MAX_SCALAR (1u << 20)     /* bytes of one YAML scalar           */
#define QL_MAX_EXPR_DEPTH 200        /* nesting inside one expression      */
#define QL_MAX_EXTENDS 16            /* length of an `extends` chain       */
#define QL_MAX_DEPENDENCY_DEPTH 256  /* chain of computed values / checks  */
#define QL_MAX_CALL_ARGS 64          /* arguments of one function call     */
#define QL_MAX_NAME 128              /* bytes of a name                    */
#define QL_MAX_LIST 1000             /* items of one list (`count:`)       */
#define QL_MAX_ITEMS 100000          /* inputs or computed values, lists
                                        counted item by item                */

/* -------------------------------------------------------------- arena */

/* A region allocator: everything a rule set owns lives in one arena. */
typedef struct ql_arena {
    struct arena_block *head;
} ql_arena;

void *qli_ar_alloc(ql_arena *a, size_t size); /* zeroed, 16-aligned */
char *qli_ar_strndup(ql_arena *a, const char *s, size_t n);
char *qli_ar_printf(ql_arena *a, const char *fmt, ...);
void qli_ar_free(ql_arena *a);

/* -------------------------------------------------------------- errors */

/* Fills err (if not NULL) and returns code.  file may be NULL. */
ql_status qli_fail(ql_error *err, ql_status code, const char *file, int line,
                  int column, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
/* As qli_fail, with "prefix: " before the message when prefix is set. */
ql_status qli_vfail(ql_error *err, ql_status code, const char *file, int line,
                   int column, const char *prefix, const char *fmt,
                   va_list ap);
void qli_error_set_field(ql_error *err, const char *field);
/* Diagnose mode: many errors collected instead of the first returned. */
typedef struct ql_diag {
    ql_error *errs;
    size_t n, max;  /* stored, room */
    size_t total;   /* found, stored or not */
    ql_status first; /* the code of the first problem found */
    ql_error *first_err; /* where the first problem is copied, or NULL */
    ql_diagnostic_cb cb; /* called with each problem, or NULL */
    void *payload;
    int stopped;    /* cb asked to stop: nothing more is noted */
} ql_diag;
/* Records *err in d; returns 1 if the caller may go on (d set, st is
 * not QL_ENOMEM and the callback did not ask to stop), else 0. */
int qli_diag_note(ql_diag *d, const ql_error *err, ql_status st);

/* An error in a decimal operation, as a message. */
const char *qli_qd_message(int qd_status);

/* ---------------------------------------------------------- YAML tree */

typedef enum { YN_SCALAR, YN_MAP, YN_SEQ } yn_kind;

/* The text of one rules file, kept so expression offsets map to columns. */
typedef struct ydoc {
    const char *file; /* the name used in messages */
    const char *text;
    size_t len;
} ydoc;

typedef struct ynode {
    yn_kind kind;
    int line, column; /* 1-based; columns count characters */
    int quoted;       /* scalar: written in quotes or as a block */
    const ydoc *doc;
    const char *text; /* scalar: NUL terminated */
    size_t len;
    size_t n;               /* SEQ: items; MAP: pairs */
    struct ynode **items;   /* MAP: key at 2i, value at 2i+1 */
} ynode;

/* Parses YAML text (one document) into a tree in `arena`.  Anchors and
 * aliases, tags and duplicate keys are refused. */
ql_status qli_ytree_parse(ynode **out, const ydoc *doc, ql_arena *arena,
                      ql_error *err);
/* The value under key in a map, or NULL. */
const ynode *qli_ymap_get(const ynode *map, const char *key);
/* Where byte `offset` of a scalar's text stands in its file. */
void qli_ynode_locate(const ynode *n, size_t offset, int *line, int *column);
/* Fails with a message located at n. */
ql_status qli_yfail(ql_error *err, ql_status code, const ynode *n,
                const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* ------------------------------------------------------ types, values */

typedef enum vkind {
    VK_NUMBER = 1,
    VK_BOOL,
    VK_STRING,
    VK_DATE,
    VK_ENUM,  /* an index into an enum definition's values */
    VK_TABLE  /* a bracket table: parameters only */
} vkind;

typedef struct enum_def {
    const char *name; /* the input that declared it */
    size_t n;
    const char **values;
    size_t *lens;
} enum_def;

typedef struct vtype {
    vkind kind;
    const enum_def *en; /* VK_ENUM only */
} vtype;

/* A runtime value; its kind is known statically from the code. */
typedef union qval {
    qd num;
    int b;
    ql_date date;
    int32_t en;
    struct {
        const char *s;
        uint32_t len;
    } str;
} qval;

/* ------------------------------------------------------- expressions */

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
    int elem;   /* names of lists in this subtree mean their item `elem` */
    int elem_len; /* … of lists of this many items */
    const char *text;
    size_t len;
    const char *member;
    size_t member_len;
    size_t member_pos;
    qd num;
    int b;
    size_t nargs;
    struct ast **args;
    /* filled by the type checker */
    vtype type;
    int ref;    /* A_NAME/A_MEMBER: symbol index; A_CALL: function id */
    int sdepth; /* value-stack slots the node needs */
    qval cval;  /* a constant's value (literals, enum items, dates) */
} ast;

/* The message of an allocation failure, compared by address so that the
 * loader reports QL_ENOMEM rather than a syntax error. */
extern const char qli_msg_oom[];

/* Parses a whole expression.  On error returns NULL with *msg and *pos;
 * *open_pos is the unclosed bracket's offset, or SIZE_MAX. */
ast *qli_parse_expression(const char *src, size_t len, ql_arena *arena,
                      const char **msg, size_t *pos, size_t *open_pos);

/* --------------------------------------------------------- code */

typedef enum opcode {
    OP_CONST,     /* push consts[arg] */
    OP_INPUT,     /* push input arg (error if empty and no default) */
    OP_PRESENT,   /* push whether input arg is set */
    OP_PARAM,     /* push parameter arg in force on the date */
    OP_PARAM_AT,  /* pop a date; push parameter arg in force on it */
    OP_COMPUTED,  /* push computed value arg, evaluating it first if needed */
    OP_CHECKF,    /* push field a8 of check arg */
    OP_DATE,      /* push the evaluation date */
    OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_NEG,
    OP_CMP_NUM,   /* a8 = comparison (T_EQ …) */
    OP_CMP_DATE,
    OP_CMP_STR,
    OP_CMP_BOOL,
    OP_CMP_ENUM,
    OP_NOT,
    OP_JMP,       /* arg = target */
    OP_JF,        /* pop; jump if false */
    OP_JF_KEEP,   /* jump if false keeping it, else pop (and) */
    OP_JT_KEEP,   /* jump if true keeping it, else pop (or) */
    OP_IN_NUM,    /* a16 = count of consts from arg; a8 = negated */
    OP_IN_STR,
    OP_IN_ENUM,
    OP_IN_DATE,
    OP_MIN,       /* a16 = count */
    OP_MAX,
    OP_ABS,
    OP_ROUND,     /* a8 = qd_round mode, arg = digits */
    OP_DIVROUND,  /* round(x / y, arg) in mode a8, in one exact step */
    OP_BRACKET,   /* arg = parameter */
    OP_YEAR, OP_MONTH, OP_DAY,
    OP_DAYS,      /* days from the first date to the second */
    OP_ADD_DATE,  /* date + n days (a8 = 0) or n × a8 months */
    OP_RET
} opcode;

typedef struct instr {
    uint8_t op;
    uint8_t a8;
    uint16_t a16;
    int32_t arg;
} instr;

/* Check fields readable from expressions (OP_CHECKF a8). */
enum { CF_APPLICABLE, CF_COMPLIANT, CF_REQUIRED, CF_ACTUAL, CF_SHORTFALL };

/* Where an instruction's expression stands, for runtime errors. */
typedef struct code_loc {
    const ynode *node; /* the expression's scalar */
    uint32_t offset;   /* byte offset in it: qli_ynode_locate gives line:col */
    const char *what;  /* "computed 'x'", "check 'y' required", … */
} code_loc;

typedef struct block {
    uint32_t start;  /* first instruction */
    uint32_t loc;    /* code_loc of the block as a whole */
    vtype type;
} block;

/* ---------------------------------------------------------- rule set */

typedef struct source_def {
    const char *id, *title, *document, *date, *url;
} source_def;

typedef struct input_def {
    const char *name, *description, *type_word;
    vtype type;
    int integer;          /* must be a whole number */
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
} param_value;

typedef struct param_def {
    const char *name, *description;
    vtype type;
    size_t nvalues;
    param_value *values; /* sorted by `from` */
    const ynode *key;
} param_def;

typedef struct computed_def {
    const char *name, *formula, *description, *source;
    vtype type;
    int block;
    const ynode *key;
    const ynode *expr; /* the expression scalar */
    ast *tree;
    /* an item of a list computed value, as for input_def */
    const char *family;
    int elem, family_len;
} computed_def;

typedef struct check_def {
    const char *name, *title, *description, *source;
    ql_date from, until; /* −1: unbounded */
    int applies, required, actual, shortfall, compliant; /* blocks; −1 */
    const ynode *key;
    /* the expression scalars and trees of applies … compliant (or NULL) */
    const ynode *expr[5];
    ast *tree[5];
} check_def;

typedef struct validation_def {
    const char *name, *message;
    int field; /* input index or −1 */
    int block;
    const ynode *key;
    const ynode *expr;
    ast *tree;
} validation_def;

typedef enum { OUT_COMPUTED, OUT_INPUT, OUT_CHECK } out_kind;

typedef struct output_def {
    const char *name;
    out_kind kind;
    int index;
    const ynode *node;
} output_def;

struct ql_ruleset {
    ql_arena arena;
    const char *id, *title, *jurisdiction, *version, *description, *file;
    size_t n_sources, n_inputs, n_params, n_computed, n_checks, n_valid,
        n_outputs, n_required;
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
    size_t nconsts;
    code_loc *locs; /* one per instruction */
    block *blocks;
    size_t nblocks;
    size_t stack_need;
};

/* Compiles every expression of rs (definitions filled by rules.c).  With
 * diag, type errors are collected block by block. */
ql_status qli_compile_ruleset(ql_ruleset *rs, ql_error *err, ql_diag *diag);

/* Internal: a block depends on one that already failed (diagnose mode);
 * the failure was reported once, so this one stays silent. */
#define QL_POISONED 2

/* Value of parameter p on date; −1 if none in force. */
int qli_param_index_at(const param_def *p, ql_date date);

/* ------------------------------------------------------- evaluation */

struct ql_record {
    const ql_ruleset *rs;
    size_t n;    /* fields: freeing never reads the rule set */
    qval *vals;
    uint8_t *present;
    char **sbuf; /* per-field copies of string values */
    size_t *scap;
};

typedef struct check_out {
    uint8_t state; /* 0 not yet, 1 running, 2 done */
    uint8_t applicable, compliant;
    qval required, actual, shortfall;
} check_out;

typedef struct trace_ent {
    uint8_t kind; /* ql_step_kind */
    int32_t index;
} trace_ent;

struct ql_result {
    const ql_ruleset *rs;
    const ql_record *rec;
    ql_status status;
    ql_error error;
    ql_date date;
    unsigned flags;
    qval *cvals;
    uint8_t *cstate;
    check_out *checks;
    ql_date pdate;     /* the date pidx was resolved for */
    int32_t *pidx;     /* per parameter: value index, −1 none, −2 unknown */
    uint8_t *seen_in, *seen_par;
    trace_ent *trace;
    size_t ntrace;
    qval *stack;
    struct eval_frame *frames; /* computed values in progress: ≤ n_computed */
};

ql_status qli_eval_record(ql_result *res, const ql_record *rec, ql_date date,
                      unsigned flags);
/* Bytes of one entry of ql_result.frames. */
extern const size_t qli_eval_frame_size;

/* The public *_format convention: text s of length n copied into buf
 * (size bytes), cut to fit and NUL terminated; returns n, the length
 * the whole text needs. */
size_t qli_text_out(const char *s, size_t n, char *buf, size_t size);

/* A typed value as a public ql_value (strings borrowed). */
void qli_qval_to_public(const qval *v, vtype t, ql_value *out);
/* The public type of values of static type t (enums are strings). */
ql_type qli_vtype_public(vtype t);

/* -------------------------------------------------------------- dates */

int qli_date_ymd(ql_date d, int *y, int *m, int *day);
/* Parses YYYY-MM-DD: 0 ok, −1 syntax, −2 not a real date. */
int qli_date_parse_text(const char *s, size_t len, ql_date *out);

#endif
