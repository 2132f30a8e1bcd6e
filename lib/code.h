/*
 * code.h — the compiled form: opcodes, instructions, where each
 * instruction's expression stands, and blocks (one per expression).
 * Written by compile.c, run by eval.c.  Internal.
 */
#ifndef QL_CODE_H
#define QL_CODE_H

#include "value.h"
#include "yamltree.h"

#include <stdint.h>

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
    OP_MULDIVROUND, /* round(x / y × z, arg) in mode a8: (x × z) / y */
    OP_CMP_DIV,   /* a8 = comparison of two numbers, each as a16 says (2
                     bits a side, the left's low): 0 a value, 1 x / y,
                     2 x / y × z — their operands pushed in that order and
                     compared exactly as ratios */
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
    vtype type;
} block;

#endif
