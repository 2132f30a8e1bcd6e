/*
 * eval.h — a record's values and an evaluation's result, and the
 * interpreter that fills one from the other (eval.c).  Internal.
 */
#ifndef QL_EVAL_H
#define QL_EVAL_H

#include "ruleset.h"

/* A record's per-field byte arrays (present, wide) are padded to a
 * multiple of this, so the fast path reads them eight fields a word. */
#define QLI_REC_PAD 8
#define QLI_REC_PADDED(n) (((n) + QLI_REC_PAD - 1) / QLI_REC_PAD * QLI_REC_PAD)

struct ql_record {
    const ql_ruleset *rs;
    size_t n;    /* fields: freeing never reads the rule set */
    /* A record is one block (record.c): this struct, then what the fast
     * path reads, v64, present and wide (qli_record_hot_bytes from the
     * struct's start, for a batch to ask for), then the rest. */
    /* The same values in 64 bits, kept beside vals by every setter
     * (record.c) so that the fast path copies them as they are: a number
     * whose coefficient fits int64, a bool, date or enum index in c, a
     * string in p and len.  wide[i] = 1 for a number past 64 bits (read
     * vals).  Meaningful where present. */
    fval *v64;
    uint8_t *wide;    /* QLI_REC_PADDED(n) bytes, 0 or 1 */
    uint8_t *present; /* QLI_REC_PADDED(n) bytes, 0 or 1: read as a bool by
                         present(); the padding stays 0 */
    qval *vals;
    char **sbuf; /* per-field copies of string values */
    size_t *scap;
    struct rec_field *fplan; /* per field: how a text is set (record.c) */
};

/* Bytes from a record's start that the fast path reads (its struct,
 * v64, present, wide), for a rule set of n inputs. */
static inline size_t qli_record_hot_bytes(size_t n)
{
    n = n ? n : 1;
    return sizeof(struct ql_record) + n * sizeof(fval) +
           2 * QLI_REC_PADDED(n);
}

/* A check's state as an evaluation leaves it (eval.c, the fast path),
 * apart from its numbers, so that a fast evaluation writes one line of
 * them, not one a check. */
typedef struct check_out {
    uint8_t state; /* 0 not yet, 1 running, 2 done */
    uint8_t applicable, compliant;
} check_out;

/* An applicable check's numbers as eval.c leaves them. */
typedef struct check_vals {
    qval required, actual, shortfall;
} check_vals;

typedef struct trace_ent {
    uint8_t kind; /* ql_step_kind */
    int32_t index;
} trace_ent;

/* The text of a date of a row as of the last fast evaluation (dtext). */
struct date_text {
    ql_date d;
    uint8_t len;
    char t[11];
};

/* A result is one block (result.c): this struct, whose first two cache
 * lines hold what a fast evaluation writes and reads (up to error.code),
 * then the arrays a fast evaluation touches (ov, kv, checks, drow,
 * dtext: qli_result_hot), then eval.c's. */
struct ql_result {
    const ql_ruleset *rs;
    const ql_record *rec;
    ql_status status;
    ql_date date;      /* of the last evaluation: pidx holds for it */
    unsigned flags;
    /* fastv = 1 after a fast evaluation that left its values in 64 bits:
     * ov, each computed output's (fprog.out_comp order), and kv, each
     * applicable check's required, actual and shortfall (3 a check).
     * The readers (result.c) take them in place of cvals and the checks'
     * numbers (ckvals), which are then not written, and what the result
     * hands out was checked showable at its places (qli_sc_check_result
     * need not look at them). */
    uint8_t fastv;
    size_t ntrace;
    struct fast_scratch *fast; /* the fast path's memory (fast.h), or NULL */
    fval *ov, *kv;
    check_out *checks;
    /* The dates of a row (fprog.row's FR_DATE outputs, drow[0 … ndrow)),
     * each's text as of the last fast evaluation (dtext[k] for drow[k],
     * fprog.row's dk), written when its value changes: a run's deadlines
     * are the same date on every row, and a row is written from the
     * result's const readers, which must not write. */
    uint32_t *drow;
    size_t ndrow;
    struct date_text *dtext;
    ql_error error;
    size_t row_room; /* the most a row written from fprog.row takes, with
                        its NUL; 0 when it does not cover every output */
    qval *cvals;
    uint8_t *cstate;
    check_vals *ckvals;
    int32_t *pidx;     /* per parameter: value index, −1 none, −2 unknown */
    uint8_t *seen_in, *seen_par;
    trace_ent *trace;
    qval *stack;
    struct eval_frame *frames; /* computed values in progress: ≤ n_computed */
};

/* ql_record_set_text without its 64-bit way for numbers: every text
 * parsed and checked by the exact code, which writes every message
 * (record.c; the differential test compares the two). */
ql_status qli_record_set_text_exact(ql_record *rec, size_t i,
                                    const char *text, size_t len,
                                    ql_error *err);

ql_status qli_eval_record(ql_result *res, const ql_record *rec, ql_date date,
                      unsigned flags);
/* Sets the result's date, forgetting the parameters resolved for another
 * (pidx): every evaluation into res, fast or exact, goes through it. */
void qli_eval_set_date(ql_result *res, ql_date date);
/* After an evaluation: QL_ERANGE (with the message in res->error when
 * `report`) if a value evaluated cannot be shown at its display scale
 * exactly — a quotient cut at as many places as it is shown with, or
 * fewer — else QL_OK. */
ql_status qli_eval_shown_exactly(ql_result *res, int report);

/* eval_errors.c: an evaluation into res fails at instruction pc with a
 * located message (err's field set to `field` when not NULL); a decimal
 * status st as a message; a cut value compared with b, rounded to
 * `digits` places (`divided`: round(a / b, n), a NULL: its quotient did
 * not fit), a divisor b that may be zero, within its doubt; parameter d
 * with no value on `date`.  Each returns the status it set. */
ql_status qli_eval_fail_pc(ql_result *res, size_t pc, ql_status code,
                           const char *field, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
ql_status qli_eval_qd_fail(ql_result *res, size_t pc, int st);
ql_status qli_eval_cmp_fail(ql_result *res, size_t pc, const qd *a,
                            const qd *b);
ql_status qli_eval_round_fail(ql_result *res, size_t pc, const qd *a,
                              int digits, int divided);
ql_status qli_eval_div_fail(ql_result *res, size_t pc, const qd *b);
ql_status qli_eval_no_value_on(ql_result *res, size_t pc,
                               const struct param_def *d, ql_date date);
/* Bytes of one entry of ql_result.frames. */
extern const size_t qli_eval_frame_size;

#endif
