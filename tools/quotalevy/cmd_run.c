/*
 * cmd_run.c — `quotalevy run`: a batch of records through a rule set.
 *
 * The main thread reads a batch of rows into slots (copies of their
 * texts), worker threads evaluate the slots of the batch in parallel,
 * each with its own record and result, and format each into an output
 * line or a reject line; the main thread then writes the slots in input
 * order.  Memory is one batch, whatever the input's size.  Every slot
 * ends as exactly one output row or one reject, and the counts are
 * checked to add up before the command says it succeeded.
 */
#include "cli.h"
#include "csv.h"
#include "input.h"
#include "outfile.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define BATCH 4096

enum { O_OUTPUT, O_DATE, O_FORMAT, O_INFORMAT, O_REJECTS, O_THREADS, O_KEEP,
       O_SUMMARY, O_EXPLAIN, O_QUIET, O_OVERRIDE };

static const cli_opt run_opts[] = {
    [O_OUTPUT] = {"output", 'o', 1},   [O_DATE] = {"date", 'd', 1},
    [O_FORMAT] = {"format", 'f', 1},   [O_INFORMAT] = {"input-format", 0, 1},
    [O_REJECTS] = {"rejects", 'r', 1}, [O_THREADS] = {"threads", 'j', 1},
    [O_KEEP] = {"keep", 'k', 1},       [O_SUMMARY] = {"summary", 's', 0},
    [O_EXPLAIN] = {"explain", 'e', 0}, [O_QUIET] = {"quiet", 'q', 0},
    [O_OVERRIDE] = {"override", 0, 1}, {NULL, 0, 0}};

/* What a named input column feeds: T_INPUT + i is input i (so last). */
enum { T_IGNORE, T_DATE, T_ID, T_INPUT };

typedef struct run_cfg {
    const ql_ruleset *rs;
    const char *input_name;
    int jsonl_out, explain, has_date;
    ql_date date;
    int id_input;      /* the rule set's 'id' input, or −1 */
    size_t nkeep;
    const char **keep; /* column names copied to the output */
    size_t ncols;      /* output columns */
    int rejects_csv;   /* rejects go to a CSV file (else to stderr) */
    int *out_check;    /* per output: its check index, or −1 */
    ql_type *out_type; /* per output: the type of its values */
    size_t csv_room;   /* > 0: every output is a number, bool, date or
                          check, and a CSV row's values need this many bytes
                          at most (put_csv_values) */
    /* the CSV header's column targets, worked out once */
    const char *const *map_names;
    size_t map_n;
    int *map_target, *map_keep;
} run_cfg;

/* One row in flight. */
typedef struct slot {
    long line;
    strbuf data;           /* the row's texts, NUL-separated */
    size_t n, cap;         /* fields */
    size_t *off, *len;     /* into data */
    int *target, *col;     /* T_*, or T_INPUT + input index; column number */
    const char *error;     /* the reader's reason, copied into data */
    size_t error_off;
    int error_column;
    size_t nraw, rawcap;   /* fields as read, before mapping (see */
    size_t *rawlen;        /* fill_slot): their lengths */
    strbuf out;            /* formatted output or reject line */
    int rejected;
    ql_decimal *nums;      /* numeric output columns, for --summary */
    unsigned char *has;
} slot;

typedef struct worker {
    const run_cfg *cfg;
    slot *slots;
    size_t from, to;
    ql_record *rec;
    ql_result *res;
    int oom;
} worker;

/* ------------------------------------------------------------- columns */

/* Counts the output columns and, given a line, appends their CSV header
 * names to it (",name" each), in order. */
static size_t column_names(const ql_ruleset *rs, strbuf *line, int csv)
{
    static const char *parts[] = {"applicable", "compliant", "required",
                                  "actual", "shortfall"};
    size_t n = 0;
    for (size_t i = 0; i < ql_ruleset_output_count(rs); i++) {
        const char *name = ql_ruleset_output_name(rs, i);
        if (!ql_ruleset_output_is_check(rs, i)) {
            if (line && csv) {
                sb_putc(line, ',');
                csv_put_field(line, name, strlen(name));
            }
            n++;
            continue;
        }
        for (int p = 0; p < 5; p++) {
            if (line && csv) {
                char col[512];
                snprintf(col, sizeof col, "%s_%s", name, parts[p]);
                sb_putc(line, ',');
                csv_put_field(line, col, strlen(col));
            }
            n++;
        }
    }
    return n;
}

/* ------------------------------------------------------------ slots */

/* Records field text already in s->data at `off`. */
static int slot_ref(slot *s, int target, int col, size_t off, size_t len)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 32;
        size_t *o = realloc(s->off, cap * sizeof *o);
        if (o) s->off = o;
        size_t *l = realloc(s->len, cap * sizeof *l);
        if (l) s->len = l;
        int *t = realloc(s->target, cap * sizeof *t);
        if (t) s->target = t;
        int *c = realloc(s->col, cap * sizeof *c);
        if (c) s->col = c;
        if (!o || !l || !t || !c)
            return -1;
        s->cap = cap;
    }
    s->off[s->n] = off;
    s->len[s->n] = len;
    s->target[s->n] = target;
    s->col[s->n] = col;
    s->n++;
    return 0;
}

/* Copies field text into s->data and records it. */
static int slot_add(slot *s, int target, int col, const char *v, size_t len)
{
    size_t off = s->data.len;
    return sb_put(&s->data, v ? v : "", len) || sb_putc(&s->data, '\0') ||
           slot_ref(s, target, col, off, len);
}

static const char *slot_text(const slot *s, size_t k) { return s->data.p + s->off[k]; }

static void slot_free(slot *s)
{
    free(s->data.p);
    free(s->off);
    free(s->len);
    free(s->target);
    free(s->col);
    free(s->rawlen);
    free(s->out.p);
    free(s->nums);
    free(s->has);
}

/* Maps a column name to what it feeds. */
static int target_of(const run_cfg *cfg, const char *name)
{
    if (!strcmp(name, "date"))
        return T_DATE;
    int i = ql_ruleset_input_index(cfg->rs, name);
    if (i >= 0)
        return T_INPUT + i;
    if (!strcmp(name, "id"))
        return T_ID;
    return T_IGNORE;
}

static int keep_index(const run_cfg *cfg, const char *name)
{
    for (size_t k = 0; k < cfg->nkeep; k++)
        if (!strcmp(cfg->keep[k], name))
            return (int)k;
    return -1;
}

/* Copies one input row into a slot. */
/* The reading thread's share of a mapped row whose field texts lie one
 * after another, NUL-separated (the CSV reader's): one copy of the bytes
 * and the lengths.  The worker maps the fields (map_raw).  Returns 1 when
 * the row is not like that. */
static int keep_raw(slot *s, const in_row *row)
{
    size_t n = row->n;
    if (n == 0)
        return 1;
    const char *base = row->val[0], *at = base;
    if (n > s->rawcap) {
        size_t *l = realloc(s->rawlen, n * sizeof *l);
        if (!l)
            return -1;
        s->rawlen = l;
        s->rawcap = n;
    }
    for (size_t i = 0; i < n; i++) {
        if (row->val[i] != at)
            return 1;
        s->rawlen[i] = row->len[i];
        at += row->len[i] + 1;
    }
    if (sb_put(&s->data, base, (size_t)(at - base)))
        return -1;
    s->nraw = n;
    return 0;
}

/* The worker's share: the fields kept by keep_raw mapped to what they
 * feed, as fill_slot would have. */
static int map_raw(const run_cfg *cfg, slot *s)
{
    size_t off = 0;
    for (size_t i = 0; i < s->nraw; i++) {
        size_t len = s->rawlen[i];
        int t = cfg->map_target[i], keep = cfg->map_keep[i];
        if (t != T_IGNORE || keep >= 0) {
            if (slot_ref(s, t, (int)i + 1, off, len) ||
                (keep >= 0 && slot_ref(s, -1 - keep, (int)i + 1, off, len)))
                return -1;
        }
        off += len + 1;
    }
    s->nraw = 0;
    return 0;
}

static int fill_slot(const run_cfg *cfg, slot *s, const in_row *row)
{
    s->data.len = 0;
    s->n = 0;
    s->nraw = 0;
    s->out.len = 0;
    s->rejected = 0;
    s->error = NULL;
    s->line = row->line;
    if (row->error) {
        s->error_off = s->data.len;
        s->error_column = row->error_column;
        if (sb_puts(&s->data, row->error) || sb_putc(&s->data, '\0'))
            return -1;
        s->error = "";
        return 0;
    }
    int mapped = row->name == (const char **)cfg->map_names && row->n == cfg->map_n;
    if (mapped) {
        int r = keep_raw(s, row);
        if (r <= 0)
            return r;
        s->data.len = 0;
    }
    for (size_t i = 0; i < row->n; i++) {
        int t = mapped ? cfg->map_target[i] : target_of(cfg, row->name[i]);
        int keep = mapped ? cfg->map_keep[i] : keep_index(cfg, row->name[i]);
        if (t == T_IGNORE && keep < 0)
            continue;
        /* keep columns are found again by name when formatting */
        if (slot_add(s, t, (int)i + 1, row->val[i], row->val[i] ? row->len[i] : 0))
            return -1;
        if (keep >= 0 && slot_add(s, -1 - keep, (int)i + 1, row->val[i],
                                  row->val[i] ? row->len[i] : 0))
            return -1;
    }
    return 0;
}

/* -------------------------------------------------------- evaluation */

static int column_of(const slot *s, int input)
{
    for (size_t k = 0; k < s->n; k++)
        if (s->target[k] == T_INPUT + input)
            return s->col[k];
    return 0;
}

/* Formats a reject: CSV (line,column,field,status,message,id) or a
 * human line for standard error. */
static void reject(const run_cfg *cfg, slot *s, int column, const char *field,
                   ql_status st, const char *msg, const char *id)
{
    s->rejected = 1;
    s->out.len = 0;
    if (cfg->rejects_csv) {
        char num[64];
        snprintf(num, sizeof num, "%ld,", s->line);
        sb_puts(&s->out, num);
        if (column > 0) {
            snprintf(num, sizeof num, "%d", column);
            sb_puts(&s->out, num);
        }
        sb_putc(&s->out, ',');
        csv_put_field(&s->out, field ? field : "", field ? strlen(field) : 0);
        sb_putc(&s->out, ',');
        sb_puts(&s->out, st ? ql_status_name(st) : "QL_EPARSE");
        sb_putc(&s->out, ',');
        csv_put_field(&s->out, msg, strlen(msg));
        sb_putc(&s->out, ',');
        csv_put_field(&s->out, id ? id : "", id ? strlen(id) : 0);
        sb_putc(&s->out, '\n');
        return;
    }
    char head[256];
    if (column > 0)
        snprintf(head, sizeof head, "%s:%ld:%d: rejected", cfg->input_name,
                 s->line, column);
    else
        snprintf(head, sizeof head, "%s:%ld: rejected", cfg->input_name, s->line);
    sb_puts(&s->out, head);
    if (id && *id) {
        sb_puts(&s->out, " (id ");
        sb_puts(&s->out, id);
        sb_puts(&s->out, ")");
    }
    sb_puts(&s->out, ": ");
    if (field && *field) {
        sb_puts(&s->out, "field '");
        sb_puts(&s->out, field);
        sb_puts(&s->out, "': ");
    }
    sb_puts(&s->out, msg);
    sb_putc(&s->out, '\n');
}

/* One value into the output line, in the output format. */
static void put_value(const run_cfg *cfg, strbuf *b, const ql_value *v)
{
    char buf[QL_DECIMAL_TEXT_MAX];
    if (cfg->jsonl_out) {
        switch (v->type) {
        case QL_TYPE_NONE: sb_puts(b, "null"); return;
        case QL_TYPE_NUMBER:
        case QL_TYPE_BOOL:
            ql_value_format(v, buf, sizeof buf);
            sb_puts(b, buf);
            return;
        case QL_TYPE_DATE:
            ql_value_format(v, buf, sizeof buf);
            json_put_string(b, buf, strlen(buf));
            return;
        default:
            json_put_string(b, v->string, v->length);
            return;
        }
    }
    if (v->type == QL_TYPE_STRING || v->type == QL_TYPE_TABLE) {
        csv_put_field(b, v->string, v->length);
        return;
    }
    size_t n = ql_value_format(v, buf, sizeof buf);
    sb_put(b, buf, n);
}

static void put_key(const run_cfg *cfg, strbuf *b, const char *name, int first)
{
    if (cfg->jsonl_out) {
        if (!first)
            sb_putc(b, ',');
        json_put_string(b, name, strlen(name));
        sb_putc(b, ':');
    } else if (!first) {
        sb_putc(b, ',');
    }
}

/* Appends output i (field < 0) or field `field` of check i as the
 * library writes it, straight into b: numbers, bools and dates need no
 * CSV quoting; in JSON a date is quoted and an empty value is null. */
static void put_result_text(const run_cfg *cfg, strbuf *b, const ql_result *res,
                            size_t i, int field, int date)
{
    if (sb_reserve(b, QL_DECIMAL_TEXT_MAX + 2))
        return;
    int quote = cfg->jsonl_out && date;
    char *at = b->p + b->len + quote;
    size_t n = field < 0
        ? ql_result_output_text(res, i, at, QL_DECIMAL_TEXT_MAX)
        : ql_result_check_text(res, i, (ql_check_field)field, at, QL_DECIMAL_TEXT_MAX);
    if (n == 0) {
        b->p[b->len] = '\0';
        if (cfg->jsonl_out)
            sb_puts(b, "null");
        return;
    }
    if (quote)
        b->p[b->len] = '"';
    b->len += n + (size_t)quote;
    if (quote)
        b->p[b->len++] = '"';
    b->p[b->len] = '\0';
}

/* The values of a CSV row when every output is a number, bool, date or
 * check: written by the library straight into the row, one reservation
 * for all of them.  −1 out of memory. */
static int put_csv_values(const run_cfg *cfg, strbuf *b, const ql_result *res)
{
    if (sb_reserve(b, cfg->csv_room))
        return -1;
    char *o = b->p + b->len;
    size_t n = ql_ruleset_output_count(cfg->rs);
    for (size_t i = 0; i < n; i++) {
        int k = cfg->out_check[i];
        if (k < 0) {
            *o++ = ',';
            o += ql_result_output_text(res, i, o, QL_DECIMAL_TEXT_MAX);
            continue;
        }
        for (int f = 0; f < 5; f++) {
            *o++ = ',';
            o += ql_result_check_text(res, (size_t)k, (ql_check_field)f, o,
                                      QL_DECIMAL_TEXT_MAX);
        }
    }
    *o = '\0';
    b->len = (size_t)(o - b->p);
    return 0;
}

static void note_number(slot *s, size_t col, const ql_value *v)
{
    if (s->nums && v->type == QL_TYPE_NUMBER) {
        s->nums[col] = v->number;
        s->has[col] = 1;
    }
}

static void put_trace(const run_cfg *cfg, strbuf *b, const ql_result *res)
{
    strbuf t = {0};
    size_t n = ql_result_trace_count(res);
    static const char *kinds[] = {"", "input", "param", "computed", "check"};
    if (cfg->jsonl_out)
        sb_puts(b, ",\"trace\":[");
    for (size_t i = 0; i < n; i++) {
        ql_trace_step st;
        ql_result_trace_step(res, i, &st);
        char v[QL_DECIMAL_TEXT_MAX * 2];
        ql_value_format(&st.value, v, sizeof v);
        if (cfg->jsonl_out) {
            sb_puts(b, i ? ",{" : "{");
            sb_puts(b, "\"kind\":\"");
            sb_puts(b, kinds[st.kind]);
            sb_puts(b, "\",\"name\":");
            json_put_string(b, st.name, strlen(st.name));
            sb_puts(b, ",\"value\":");
            put_value(cfg, b, &st.value);
            if (st.kind == QL_STEP_PARAM) {
                char d[16];
                ql_date_format(st.from, d, sizeof d);
                sb_puts(b, ",\"from\":\"");
                sb_puts(b, d);
                sb_puts(b, "\"");
            }
            if (st.source) {
                sb_puts(b, ",\"source\":");
                json_put_string(b, st.source, strlen(st.source));
            }
            sb_putc(b, '}');
        } else {
            if (i)
                sb_puts(&t, "; ");
            sb_puts(&t, st.name);
            sb_putc(&t, '=');
            sb_puts(&t, st.value.type == QL_TYPE_NONE ? "n/a" : v);
        }
    }
    if (cfg->jsonl_out) {
        sb_putc(b, ']');
    } else {
        sb_putc(b, ',');
        csv_put_field(b, t.p ? t.p : "", t.len);
    }
    free(t.p);
}

static void evaluate_slot(const run_cfg *cfg, worker *w, slot *s)
{
    const char *id = NULL;
    if (s->error) {
        reject(cfg, s, s->error_column, NULL, QL_EPARSE, s->data.p + s->error_off, NULL);
        return;
    }
    if (s->nraw && map_raw(cfg, s)) {
        w->oom = 1;
        return;
    }
    ql_record_clear(w->rec);
    ql_error err;
    int have_date = cfg->has_date;
    ql_date date = cfg->date;
    for (size_t k = 0; k < s->n; k++)
        if (s->target[k] == T_ID ||
            (cfg->id_input >= 0 && s->target[k] == T_INPUT + cfg->id_input))
            id = slot_text(s, k);
    for (size_t k = 0; k < s->n; k++) {
        int t = s->target[k];
        if (t >= T_INPUT) {
            if (ql_record_set_text(w->rec, (size_t)(t - T_INPUT), slot_text(s, k),
                                   s->len[k], &err)) {
                reject(cfg, s, s->col[k], err.field, err.code, err.message, id);
                return;
            }
        } else if (t == T_DATE && !cfg->has_date && s->len[k]) {
            if (ql_date_parse(&date, slot_text(s, k), s->len[k], &err)) {
                reject(cfg, s, s->col[k], "date", err.code, err.message, id);
                return;
            }
            have_date = 1;
        }
    }
    if (!have_date) {
        reject(cfg, s, 0, "date", QL_ERECORD,
               "no evaluation date: give --date or a 'date' column", id);
        return;
    }
    ql_status st = ql_evaluate(w->res, w->rec, date,
                               cfg->explain ? QL_EVAL_TRACE : 0, &err);
    if (st) {
        char msg[2048];
        ql_error_format(&err, msg, sizeof msg);
        if (!err.file[0]) /* a plain record error: the message alone */
            snprintf(msg, sizeof msg, "%s", err.message);
        int col = 0;
        if (err.field[0]) {
            int i = ql_ruleset_input_index(cfg->rs, err.field);
            col = i >= 0 ? column_of(s, i) : 0;
        }
        reject(cfg, s, col, err.field, st, msg, id);
        return;
    }
    /* The output row. */
    strbuf *b = &s->out;
    b->len = 0;
    if (cfg->jsonl_out)
        sb_putc(b, '{');
    put_key(cfg, b, "id", 1);
    if (cfg->jsonl_out)
        id ? json_put_string(b, id, strlen(id)) : sb_puts(b, "null");
    else if (id)
        csv_put_field(b, id, strlen(id));
    for (size_t k = 0; k < cfg->nkeep; k++) {
        put_key(cfg, b, cfg->keep[k], 0);
        const char *v = NULL;
        size_t vl = 0;
        for (size_t j = 0; j < s->n; j++)
            if (s->target[j] == -1 - (int)k) {
                v = slot_text(s, j);
                vl = s->len[j];
            }
        if (cfg->jsonl_out)
            v ? json_put_string(b, v, vl) : sb_puts(b, "null");
        else if (v)
            csv_put_field(b, v, vl);
    }
    const ql_ruleset *rs = cfg->rs;
    size_t col = 0, check = 0;
    size_t nout = ql_ruleset_output_count(rs);
    if (cfg->csv_room && !cfg->jsonl_out && !s->nums) {
        if (put_csv_values(cfg, b, w->res)) {
            w->oom = 1;
            return;
        }
        nout = 0; /* done */
    }
    for (size_t i = 0; i < nout; i++) {
        const char *name = ql_ruleset_output_name(rs, i);
        ql_value v;
        ql_type t = cfg->out_type[i];
        if (!s->nums && (t == QL_TYPE_NUMBER || t == QL_TYPE_BOOL ||
                         t == QL_TYPE_DATE)) {
            /* no --summary to feed: the text straight from the result */
            put_key(cfg, b, name, 0);
            if (cfg->out_check[i] < 0) {
                put_result_text(cfg, b, w->res, i, -1, t == QL_TYPE_DATE);
                col++;
                continue;
            }
            static const char *fn[5] = {"applicable", "compliant", "required",
                                        "actual", "shortfall"};
            if (cfg->jsonl_out)
                sb_putc(b, '{');
            for (int p = 0; p < 5; p++) {
                if (cfg->jsonl_out)
                    put_key(cfg, b, fn[p], p == 0);
                else if (p)
                    sb_putc(b, ',');
                put_result_text(cfg, b, w->res, (size_t)cfg->out_check[i], p, 0);
            }
            if (cfg->jsonl_out)
                sb_putc(b, '}');
            col += 5;
            continue;
        }
        if (!ql_ruleset_output_is_check(rs, i)) {
            ql_result_output(w->res, i, &v);
            put_key(cfg, b, name, 0);
            put_value(cfg, b, &v);
            note_number(s, col++, &v);
            continue;
        }
        check = (size_t)cfg->out_check[i];
        ql_check_result c;
        ql_result_check(w->res, check, &c);
        ql_value app = {0}, comp = {0};
        app.type = QL_TYPE_BOOL;
        app.boolean = c.applicable;
        if (c.applicable) {
            comp.type = QL_TYPE_BOOL;
            comp.boolean = c.compliant;
        }
        const ql_value *parts[5] = {&app, &comp, &c.required, &c.actual, &c.shortfall};
        static const char *pn[5] = {"applicable", "compliant", "required", "actual", "shortfall"};
        if (cfg->jsonl_out) {
            put_key(cfg, b, name, 0);
            sb_putc(b, '{');
        }
        for (int p = 0; p < 5; p++) {
            if (cfg->jsonl_out)
                put_key(cfg, b, pn[p], p == 0);
            else
                sb_putc(b, ',');
            put_value(cfg, b, parts[p]);
            note_number(s, col++, parts[p]);
        }
        if (cfg->jsonl_out)
            sb_putc(b, '}');
    }
    if (cfg->explain)
        put_trace(cfg, b, w->res);
    if (cfg->jsonl_out)
        sb_putc(b, '}');
    sb_putc(b, '\n');
}

/* Reads up to BATCH rows into slots; the count, or −1 (read error, said)
 * or −2 (out of memory). *eof is set at the end of the input. */
static long read_batch(run_cfg *cfg, in_reader *rd, slot *slots, int *eof)
{
    size_t n = 0;
    while (n < BATCH) {
        in_row row;
        int st = in_next(rd, &row);
        if (st == 0) {
            *eof = 1;
            break;
        }
        if (st < 0) {
            cli_error("run", "%s: read error after line %ld", cfg->input_name, row.line);
            return -1;
        }
        if (fill_slot(cfg, &slots[n], &row))
            return -2;
        n++;
    }
    return (long)n;
}

static void *work(void *arg)
{
    worker *w = arg;
    for (size_t i = w->from; i < w->to; i++) {
        slot *s = &w->slots[i];
        if (s->nums)
            memset(s->has, 0, w->cfg->ncols);
        evaluate_slot(w->cfg, w, s);
    }
    return NULL;
}

/* ------------------------------------------------------------- driver */

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int split_keep(const char *list, char **copy_out, const char ***out,
                      size_t *n)
{
    char *copy = strdup(list);
    if (!copy)
        return -1;
    size_t cap = 1;
    for (const char *p = list; *p; p++)
        cap += *p == ',';
    const char **k = calloc(cap, sizeof *k);
    if (!k) {
        free(copy);
        return -1;
    }
    size_t m = 0;
    char *save = NULL;
    for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save))
        k[m++] = t;
    *out = k;
    *n = m;
    *copy_out = copy;
    return 0;
}

int cmd_run(int argc, char **argv)
{
    cli_args a;
    if (cli_parse(argc, argv, 2, run_opts, "run", &a))
        return EXIT_USAGE;
    if (a.npos < 1 || a.npos > 2) {
        cli_error("run", "expected RULES [INPUT] (see quotalevy run --help)");
        return EXIT_USAGE;
    }
    run_cfg cfg;
    memset(&cfg, 0, sizeof cfg);
    const char *in_path = a.npos > 1 ? a.pos[1] : "-";
    cfg.input_name = strcmp(in_path, "-") ? in_path : "<stdin>";
    int in_jsonl = in_guess_jsonl(in_path);
    if ((cli_get(&a, O_FORMAT) && cli_format("run", cli_get(&a, O_FORMAT), &cfg.jsonl_out)) ||
        (cli_get(&a, O_INFORMAT) && cli_format("run", cli_get(&a, O_INFORMAT), &in_jsonl)))
        return EXIT_USAGE;
    if (cli_get(&a, O_DATE)) {
        if (cli_date("run", "--date", cli_get(&a, O_DATE), &cfg.date))
            return EXIT_USAGE;
        cfg.has_date = 1;
    }
    long threads = sysconf(_SC_NPROCESSORS_ONLN);
    if (cli_get(&a, O_THREADS)) {
        char *end;
        threads = strtol(cli_get(&a, O_THREADS), &end, 10);
        if (*end || threads < 1 || threads > 256) {
            cli_error("run", "--threads takes a whole number from 1 to 256");
            return EXIT_USAGE;
        }
    }
    if (threads < 1)
        threads = 1;
    cfg.explain = cli_has(&a, O_EXPLAIN);
    int quiet = cli_has(&a, O_QUIET), summary = cli_has(&a, O_SUMMARY);
    const char **keep = NULL;
    char *keep_copy = NULL;
    if (cli_get(&a, O_KEEP) &&
        split_keep(cli_get(&a, O_KEEP), &keep_copy, &keep, &cfg.nkeep)) {
        cli_error("run", "out of memory");
        return EXIT_USAGE;
    }
    cfg.keep = keep;

    ql_override ovr[64];
    size_t novr = 0;
    for (int i = 0; i < a.nocc; i++)
        if (a.occ[i].opt == O_OVERRIDE) {
            if (novr == 64 || cli_override("run", a.occ[i].val, &ovr[novr])) {
                free(keep_copy);
                free(keep);
                return EXIT_USAGE;
            }
            novr++;
        }
    ql_ruleset *rs = NULL;
    if (novr) {
        ql_error lerr;
        if (ql_ruleset_load_overridden(&rs, a.pos[0], ovr, novr, &lerr)) {
            fprintf(stderr, "quotalevy run: ");
            cli_print_error(stderr, NULL, &lerr);
            rs = NULL;
        }
    } else {
        rs = cli_load("run", a.pos[0]);
    }
    if (!rs) {
        free(keep_copy);
        free(keep);
        return EXIT_USAGE;
    }
    cfg.rs = rs;
    cfg.id_input = ql_ruleset_input_index(rs, "id");
    cfg.ncols = column_names(rs, NULL, 0);
    int *out_check = calloc(ql_ruleset_output_count(rs) + 1, sizeof *out_check);
    ql_type *out_type = calloc(ql_ruleset_output_count(rs) + 1, sizeof *out_type);
    if (!out_check || !out_type) {
        free(out_check);
        free(out_type);
        cli_error("run", "out of memory");
        ql_ruleset_free(rs);
        free(keep_copy);
        free(keep);
        return EXIT_USAGE;
    }
    for (size_t i = 0; i < ql_ruleset_output_count(rs); i++) {
        out_type[i] = ql_ruleset_output_type(rs, i);
        out_check[i] = -1;
        for (size_t k = 0; k < ql_ruleset_check_count(rs); k++)
            if (ql_ruleset_output_is_check(rs, i) &&
                !strcmp(ql_ruleset_check_name(rs, k), ql_ruleset_output_name(rs, i)))
                out_check[i] = (int)k;
    }
    cfg.out_check = out_check;
    cfg.out_type = out_type;
    cfg.csv_room = 1;
    for (size_t i = 0; i < ql_ruleset_output_count(rs); i++) {
        ql_type t = out_type[i];
        if (t != QL_TYPE_NUMBER && t != QL_TYPE_BOOL && t != QL_TYPE_DATE) {
            cfg.csv_room = 0;
            break;
        }
        cfg.csv_room += (out_check[i] < 0 ? 1 : 5) * (QL_DECIMAL_TEXT_MAX + 1);
    }

    int rc = EXIT_USAGE;
    FILE *in = strcmp(in_path, "-") ? fopen(in_path, "rb") : stdin;
    in_reader *rd = NULL;
    outfile out = {0}, rej = {0};
    slot *slots = NULL;
    worker *ws = NULL;
    ql_decimal *totals = NULL;
    long long read = 0, written = 0, rejected = 0, total_bytes = -1;
    char errbuf[512];
    if (!in) {
        cli_error("run", "%s: %s", in_path, strerror(errno));
        goto done;
    }
    struct stat stbuf;
    if (in != stdin && fstat(fileno(in), &stbuf) == 0 && S_ISREG(stbuf.st_mode))
        total_bytes = stbuf.st_size;
    if (!(rd = in_open(in, in_jsonl, errbuf, sizeof errbuf))) {
        cli_error("run", "%s: %s", cfg.input_name, errbuf);
        goto done;
    }
    /* --keep names must be columns of a CSV input. */
    size_t nh;
    const char *const *header = in_header(rd, &nh);
    if (header) { /* the header's targets, once for every row */
        cfg.map_target = calloc(nh + 1, sizeof *cfg.map_target);
        cfg.map_keep = calloc(nh + 1, sizeof *cfg.map_keep);
        if (!cfg.map_target || !cfg.map_keep)
            goto oom;
        for (size_t j = 0; j < nh; j++) {
            cfg.map_target[j] = target_of(&cfg, header[j]);
            cfg.map_keep[j] = keep_index(&cfg, header[j]);
        }
        cfg.map_names = header;
        cfg.map_n = nh;
    }
    for (size_t k = 0; header && k < cfg.nkeep; k++) {
        size_t j;
        for (j = 0; j < nh && strcmp(header[j], cfg.keep[k]); j++)
            ;
        if (j == nh) {
            cli_error("run", "--keep: the input has no column '%s'", cfg.keep[k]);
            goto done;
        }
    }
    if (outfile_open(&out, cli_get(&a, O_OUTPUT), "run") ||
        (cli_get(&a, O_REJECTS) && outfile_open(&rej, cli_get(&a, O_REJECTS), "run")))
        goto done;
    cfg.rejects_csv = cli_get(&a, O_REJECTS) != NULL;
    if (!cfg.jsonl_out) {
        strbuf h = {0};
        sb_puts(&h, "id");
        for (size_t k = 0; k < cfg.nkeep; k++) {
            sb_putc(&h, ',');
            csv_put_field(&h, cfg.keep[k], strlen(cfg.keep[k]));
        }
        column_names(rs, &h, 1);
        if (cfg.explain)
            sb_puts(&h, ",explain");
        sb_putc(&h, '\n');
        outfile_write(&out, h.p, h.len);
        free(h.p);
    }
    if (cfg.rejects_csv)
        outfile_write(&rej, "line,column,field,status,message,id\n", 36);

    /* Three batches: being read, evaluated and written at once. */
    slots = calloc(3 * BATCH, sizeof *slots);
    ws = calloc((size_t)threads, sizeof *ws);
    totals = calloc(cfg.ncols + 1, sizeof *totals);
    if (!slots || !ws || !totals)
        goto oom;
    for (long t = 0; t < threads; t++) {
        ql_error err;
        ws[t].cfg = &cfg;
        ws[t].slots = slots;
        if (ql_record_new(&ws[t].rec, rs, &err) || ql_result_new(&ws[t].res, rs, &err))
            goto oom;
    }
    if (summary)
        for (size_t i = 0; i < 3 * BATCH; i++) {
            slots[i].nums = calloc(cfg.ncols + 1, sizeof *slots[i].nums);
            slots[i].has = calloc(cfg.ncols + 1, 1);
            if (!slots[i].nums || !slots[i].has)
                goto oom;
        }
    unsigned char *total_has = calloc(cfg.ncols + 1, 1);
    if (!total_has)
        goto oom;
    int progress = !quiet && isatty(2);
    double t0 = now(), last = t0;
    int eof = 0, overflow = 0;
    /* Three batches in flight: while the workers evaluate one, this
     * thread writes the one before it and reads the one after. */
    int cur = 0, prev = 2;
    long n = read_batch(&cfg, rd, slots, &eof), prev_n = 0;
    if (n == -1) {
        free(total_has);
        goto done;
    }
    if (n == -2)
        goto oom;
    while (n > 0 || prev_n > 0) {
        slot *batch = slots + (size_t)cur * BATCH;
        read += n;
        /* evaluate this batch on worker threads, in contiguous shares */
        long used = n == 0 ? 0 : (size_t)n < (size_t)threads * 64 ? 1 : threads;
        pthread_t tid[256];
        int started[256] = {0};
        for (long t = 0; t < used; t++) {
            ws[t].slots = batch;
            ws[t].from = (size_t)n * (size_t)t / (size_t)used;
            ws[t].to = (size_t)n * (size_t)(t + 1) / (size_t)used;
            started[t] = pthread_create(&tid[t], NULL, work, &ws[t]) == 0;
            if (!started[t])
                work(&ws[t]); /* no thread: do it here */
        }
        /* meanwhile, write the batch before it, in input order… */
        for (long i = 0; i < prev_n; i++) {
            slot *s = &slots[(size_t)prev * BATCH + (size_t)i];
            if (s->rejected) {
                rejected++;
                if (cfg.rejects_csv)
                    outfile_write(&rej, s->out.p, s->out.len);
                else
                    fwrite(s->out.p, 1, s->out.len, stderr);
                continue;
            }
            written++;
            outfile_write(&out, s->out.p, s->out.len);
            for (size_t c = 0; summary && c < cfg.ncols; c++)
                if (s->has[c]) {
                    if (total_has[c] && ql_decimal_add(&totals[c], &totals[c], &s->nums[c]))
                        overflow = 1;
                    else if (!total_has[c])
                        totals[c] = s->nums[c];
                    total_has[c] = 1;
                }
        }
        /* …and read the one after it, into the third buffer */
        int nextbuf = 3 - cur - prev;
        long next = eof || n == 0
                        ? 0
                        : read_batch(&cfg, rd, slots + (size_t)nextbuf * BATCH, &eof);
        int worker_oom = 0;
        for (long t = 0; t < used; t++) {
            if (started[t])
                pthread_join(tid[t], NULL);
            worker_oom |= ws[t].oom;
        }
        if (worker_oom) {
            free(total_has);
            goto oom;
        }
        if (next == -1) {
            free(total_has);
            goto done;
        }
        if (next == -2)
            goto oom;
        prev = cur;
        prev_n = n;
        cur = nextbuf;
        n = next;
        if (outfile_failed(&out) || outfile_failed(&rej)) {
            cli_error("run", "cannot write the output: %s", strerror(errno));
            free(total_has);
            goto done;
        }
        double t = now();
        if (progress && (t - last > 0.5 || eof)) {
            last = t;
            double rate = (double)read / (t - t0 > 1e-9 ? t - t0 : 1e-9);
            if (total_bytes > 0)
                fprintf(stderr, "\rquotalevy run: %lld rows, %.0f rows/s, %.0f%%   ",
                        read, rate, 100.0 * (double)in_offset(rd) / (double)total_bytes);
            else
                fprintf(stderr, "\rquotalevy run: %lld rows, %.0f rows/s   ", read, rate);
        }
    }
    if (progress)
        fputc('\n', stderr);
    if (outfile_commit(&out) || outfile_commit(&rej)) {
        cli_error("run", "cannot finish the output: %s", strerror(errno));
        free(total_has);
        goto done;
    }
    if (read != written + rejected) { /* never: every slot is one or the other */
        cli_error("run", "internal error: %lld read but %lld written and %lld rejected",
                  read, written, rejected);
        free(total_has);
        goto done;
    }
    if (!quiet)
        fprintf(stderr, "quotalevy run: %lld rows read, %lld written, %lld rejected\n",
                read, written, rejected);
    if (summary) {
        fprintf(stderr, "quotalevy run: totals over %lld written rows%s:\n", written,
                overflow ? " (some sums overflowed and are incomplete)" : "");
        strbuf names = {0};
        column_names(rs, &names, 1);
        char *save = NULL, *nm = strtok_r(names.p ? names.p + 1 : NULL, ",", &save);
        for (size_t c = 0; c < cfg.ncols && nm; c++, nm = strtok_r(NULL, ",", &save)) {
            if (!total_has[c])
                continue;
            char buf[QL_DECIMAL_TEXT_MAX];
            ql_decimal_format(&totals[c], buf, sizeof buf);
            fprintf(stderr, "  %-36s %s\n", nm, buf);
        }
        free(names.p);
    }
    free(total_has);
    rc = rejected ? EXIT_SOME_FAILED : EXIT_ALL_OK;
    goto done;
oom:
    cli_error("run", "out of memory");
done:
    outfile_abort(&out);
    outfile_abort(&rej);
    for (long t = 0; ws && t < threads; t++) {
        ql_record_free(ws[t].rec);
        ql_result_free(ws[t].res);
    }
    for (size_t i = 0; slots && i < 3 * BATCH; i++)
        slot_free(&slots[i]);
    free(slots);
    free(ws);
    free(totals);
    in_close(rd);
    if (in && in != stdin)
        fclose(in);
    free(keep_copy);
    free(keep);
    free(out_check);
    free(out_type);
    free(cfg.map_target);
    free(cfg.map_keep);
    ql_ruleset_free(rs);
    return rc;
}
