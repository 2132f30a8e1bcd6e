/*
 * run_row.c — `quotalevy run`'s work on one row: the slot's texts into
 * a record, the evaluation, and the output line (CSV or JSON Lines, the
 * values straight from the result) or the reject line.  See run.h.
 */
#include "groups.h"
#include "input.h"
#include "record_line.h"
#include "reject.h"
#include "run.h"
#include "snippet.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

size_t run_column_names(const ql_ruleset *rs, strbuf *line, int csv)
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

/* The row's id and --keep columns, however its fields lie: a mapped
 * CSV row's straight from its columns (view_raw), another's from the
 * slot's entries (view_slot). */
typedef struct row_view {
    const char *id; /* the last id column's text, or NULL */
    size_t id_len;
    int id_col;        /* 1-based */
    const char **keep; /* per --keep column: its text, or NULL */
    size_t *keep_len;
    int *keep_col;
    int raw;   /* columns found through the header's maps */
    int plain; /* of a plain line: no quote, comma, CR or LF in any */
} row_view;

/* The column (1-based) that feeds input i, or 0. */
static int column_of(const run_cfg *cfg, const slot *s, const row_view *v,
                     int input)
{
    if (v->raw)
        return cfg->input_col[input];
    for (size_t k = 0; k < s->n; k++)
        if (s->target[k] == T_INPUT + input)
            return s->col[k];
    return 0;
}

/* A text of the row's own into a rejects CSV field: as it is when it is
 * UTF-8 text, else escaped as the message line escapes it (\xFF), so the
 * rejects file stays UTF-8 text (probe17 P17-03: a JSON Lines key with a
 * byte that is not UTF-8, named as the field of a reader's fault, went
 * into the field column raw). */
static void put_text_field(strbuf *b, const char *s)
{
    size_t n = strlen(s);
    if (utf8_check(s, n) == n) {
        csv_put_field(b, s, n);
        return;
    }
    strbuf e = {0};
    if (sb_put_escaped(&e, s, n) == 0)
        csv_put_field(b, e.p, e.len);
    free(e.p);
}

/* Formats a reject into the worker's rejects: CSV
 * (line,column,field,status,message,id) or a human line for standard
 * error. */
static void reject(const run_cfg *cfg, worker *w, const slot *s, int column,
                   const char *field, ql_status st, const char *msg,
                   const char *id)
{
    strbuf *b = w->rej;
    w->nrej++;
    /* an id that is not UTF-8 text is not named (a string input's setter
     * refuses such an id, and the reject is given it as read: P14-01) */
    id = in_id_named(id, id ? strlen(id) : 0);
    if (cfg->rejects_csv) {
        char num[64];
        snprintf(num, sizeof num, "%ld,", s->line);
        sb_puts(b, num);
        if (column > 0) {
            snprintf(num, sizeof num, "%d", column);
            sb_puts(b, num);
        }
        sb_putc(b, ',');
        put_text_field(b, field ? field : "");
        sb_putc(b, ',');
        sb_puts(b, st ? ql_status_name(st) : "QL_EPARSE");
        sb_putc(b, ',');
        put_text_field(b, msg);
        sb_putc(b, ',');
        csv_put_field(b, id ? id : "", id ? strlen(id) : 0);
        sb_putc(b, '\n');
        return;
    }
    /* the id, field and message may hold the row's own text: escaped, so
     * that a value can never forge a line of its own */
    rj_line(b, cfg->input_name, s->line, column, "rejected", id, field, msg);
}

/* One value into the output line, in the output format. */
static void put_value(const run_cfg *cfg, strbuf *b, const ql_value *v)
{
    char buf[QL_DECIMAL_TEXT_MAX];
    if (cfg->jsonl_out) {
        switch (v->type) {
        case QL_TYPE_NONE: sb_puts(b, "null"); return;
        case QL_TYPE_BOOL:
            ql_value_format(buf, sizeof buf, v);
            sb_puts(b, buf);
            return;
        case QL_TYPE_NUMBER: /* a string: exact, its scale kept ("12.50") */
        case QL_TYPE_DATE:
            ql_value_format(buf, sizeof buf, v);
            json_put_string(b, buf, strlen(buf));
            return;
        default: json_put_string(b, v->string, v->length); return;
        }
    }
    if (v->type == QL_TYPE_STRING || v->type == QL_TYPE_TABLE) {
        csv_put_field(b, v->string, v->length);
        return;
    }
    size_t n = ql_value_format(buf, sizeof buf, v);
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
 * CSV quoting; in JSON numbers and dates are strings (`quote`: a JSON
 * number would lose the places of "12.50" in most parsers) and an empty
 * value is null. */
static void put_result_text(const run_cfg *cfg, strbuf *b, const ql_result *res,
                            size_t i, int field, int quote_json)
{
    if (sb_reserve(b, QL_DECIMAL_TEXT_MAX + 2))
        return;
    int quote = cfg->jsonl_out && quote_json;
    char *at = b->p + b->len + quote;
    size_t n = field < 0
                   ? ql_result_output_text(at, QL_DECIMAL_TEXT_MAX, res, i)
                   : ql_result_check_text(at, QL_DECIMAL_TEXT_MAX, res, i,
                                          (ql_check_field)field);
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
 * check: written by the library straight into the row in one call
 * (ql_result_row_text), one reservation for all of them.  −1 out of
 * memory. */
static int put_csv_values(const run_cfg *cfg, strbuf *b, const ql_result *res)
{
    if (sb_reserve(b, cfg->csv_room))
        return -1;
    b->len += ql_result_row_text(b->p + b->len, cfg->csv_room + 1, res, ',');
    return 0;
}

static void put_trace(const run_cfg *cfg, strbuf *b, const ql_result *res)
{
    strbuf t = {0};
    size_t n = ql_result_trace_count(res);
    if (cfg->jsonl_out)
        sb_puts(b, ",\"trace\":[");
    for (size_t i = 0; i < n; i++) {
        ql_trace_step st = QL_TRACE_STEP_INIT;
        ql_result_trace_step(&st, res, i);
        char v[QL_DECIMAL_TEXT_MAX * 2];
        ql_value_format(v, sizeof v, &st.value);
        if (cfg->jsonl_out) {
            sb_puts(b, i ? ",{" : "{");
            sb_puts(b, "\"kind\":\"");
            sb_puts(b, ql_step_kind_name(st.kind));
            sb_puts(b, "\",\"name\":");
            json_put_string(b, st.name, strlen(st.name));
            sb_puts(b, ",\"value\":");
            put_value(cfg, b, &st.value);
            if (st.kind == QL_STEP_PARAM) {
                char d[16];
                ql_date_format(d, sizeof d, st.from);
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
            /* a JSON object in the cell: a table's value ("≥ 0 → 0.9;
             * ≥ 0.01 → 0.5") or a text holds any separator a plain list
             * of steps would use */
            sb_puts(&t, i ? "," : "{");
            json_put_string(&t, st.name, strlen(st.name));
            sb_putc(&t, ':');
            if (st.value.type == QL_TYPE_NONE)
                sb_puts(&t, "null");
            else if (st.value.type == QL_TYPE_BOOL)
                sb_puts(&t, st.value.boolean ? "true" : "false");
            else
                json_put_string(&t, v, strlen(v));
        }
    }
    if (cfg->jsonl_out) {
        sb_putc(b, ']');
    } else {
        sb_puts(&t, n ? "}" : "{}");
        sb_putc(b, ',');
        csv_put_field(b, t.p, t.len);
    }
    free(t.p);
}

/* The id and the --keep columns go to the output as they are: each must
 * be UTF-8 text, or the output would not be (JSON Lines least of all).
 * The first in column order that is not is the row's reject. */
static int copied_text_bad(const run_cfg *cfg, worker *w, slot *s,
                           const row_view *v)
{
    int col = 0, is_id = 0;
    size_t ok = 0;
    const char *name = NULL;
    size_t at;
    if (v->id && !(v->raw && cfg->id_checked) &&
        (at = utf8_check(v->id, v->id_len)) != v->id_len) {
        col = v->id_col, is_id = 1, ok = at, name = "id";
    }
    for (size_t k = 0; k < cfg->nkeep; k++) {
        if (!v->keep[k] || (col && v->keep_col[k] >= col))
            continue;
        if ((at = utf8_check(v->keep[k], v->keep_len[k])) != v->keep_len[k])
            col = v->keep_col[k], is_id = 0, ok = at, name = cfg->keep[k];
    }
    if (!col)
        return 0;
    char msg[320];
    snprintf(msg, sizeof msg,
             "the %s column %s is not UTF-8 text (byte %zu of the value "
             "is not): it is copied to the output, which must be text",
             is_id ? "id" : "--keep", QLI_QUOTE_SHORT(name), ok + 1);
    reject(cfg, w, s, col, name, QL_ERECORD, msg, is_id ? NULL : v->id);
    return 1;
}

/* The row into the worker's totals, by its --group-by columns: an
 * input's value as the record holds it (groups_value_key: yes and true
 * are one group, 118 and 118.0 one), a --keep column's text as it is
 * (empty where the row has none). */
static int add_totals(const run_cfg *cfg, worker *w, const row_view *rv)
{
    const char *key[64];
    size_t len[64];
    char buf[64][QL_DECIMAL_TEXT_MAX * 2];
    for (size_t j = 0; j < cfg->ngroup && j < 64; j++) {
        key[j] = "";
        len[j] = 0;
        int t = cfg->group_target[j];
        if (t >= T_INPUT) {
            ql_value v = QL_VALUE_INIT;
            if (ql_record_get(&v, w->rec, (size_t)(t - T_INPUT)) == QL_OK)
                key[j] = groups_value_key(
                    &v, ql_ruleset_input_scale(cfg->rs, (size_t)(t - T_INPUT)),
                    buf[j], sizeof buf[j], &len[j]);
            continue;
        }
        if (rv->keep[-1 - t]) {
            key[j] = rv->keep[-1 - t];
            len[j] = rv->keep_len[-1 - t];
        }
    }
    return tot_add(w->tot, key, len, w->res);
}

/* The view of a row in the slot's entries (JSON Lines, a CSV row read
 * the general way): the last id column, each --keep column. */
static void view_slot(const run_cfg *cfg, const slot *s, row_view *v)
{
    int id_target = cfg->id_input >= 0 ? T_INPUT + cfg->id_input : T_ID;
    for (size_t k = 0; k < s->n; k++) {
        int t = s->target[k];
        if (t == T_ID || t == id_target) {
            v->id = slot_text(s, k);
            v->id_len = s->len[k];
            v->id_col = s->col[k];
        } else if (t < 0) {
            v->keep[-1 - t] = slot_text(s, k);
            v->keep_len[-1 - t] = s->len[k];
            v->keep_col[-1 - t] = s->col[k];
        }
    }
}

/* A row in the slot's entries into the record: the date column parsed
 * first, then each field through ql_record_set_text; of the values
 * refused, the one of the input declared first is the row's reject (as
 * ql_record_set_texts reports, P4-05: not the first in column or key
 * order, which a JSON writer may shuffle).  0 when one is refused (the
 * reject written). */
static int set_slot(const run_cfg *cfg, worker *w, slot *s, const row_view *v,
                    ql_date *date, int *have_date)
{
    ql_error err, e;
    size_t bad = (size_t)-1;
    for (size_t k = 0; k < s->n; k++)
        if (s->target[k] == T_DATE && !cfg->has_date && s->len[k]) {
            if (in_parse_date(date, slot_text(s, k), s->len[k], &err)) {
                reject(cfg, w, s, s->col[k], "date", err.code, err.message,
                       v->id);
                return 0;
            }
            *have_date = 1;
        }
    for (size_t k = 0; k < s->n; k++) {
        int t = s->target[k];
        if (t < T_INPUT || s->len[k] == 0)
            continue; /* no field, or empty since ql_record_clear: no call */
        if (bad != (size_t)-1 && t >= s->target[bad])
            continue; /* declared after the one refused */
        if (ql_record_set_text(w->rec, (size_t)(t - T_INPUT), slot_text(s, k),
                               s->len[k], &e)) {
            bad = k;
            err = e;
        }
    }
    if (bad == (size_t)-1)
        return 1;
    reject(cfg, w, s, s->col[bad], err.field, err.code, err.message, v->id);
    return 0;
}

/* A mapped CSV row's fields: its texts (each followed by a NUL) and
 * their lengths, one a column of the header. */
typedef struct raw_row {
    const char *const *text;
    const size_t *len;
    size_t n;
} raw_row;

/* Columns [from, to) of a mapped CSV row into the record in one call
 * (ql_record_set_texts); 0 when one is refused. */
static int set_columns(const run_cfg *cfg, worker *w, slot *s,
                       const row_view *v, const raw_row *r, size_t from,
                       size_t to)
{
    ql_error err;
    size_t bad;
    if (to <= from ||
        !ql_record_set_texts(w->rec, cfg->map_field + from, r->text + from,
                             r->len + from, to - from, &bad, &err))
        return 1;
    reject(cfg, w, s, (int)(from + bad) + 1, err.field, err.code, err.message,
           v->id);
    return 0;
}

/* A mapped CSV row (its fields one after another in the slot, each
 * after a NUL) into the record, straight from its columns through the
 * header's maps: the date column first (the row's evaluation date), then
 * every field in one call, which reports the bad value of the input
 * declared first (P4-05) — unless `fields_set` says they are set already
 * (set_plain).  0 when a value is refused (the reject written). */
static int set_raw(const run_cfg *cfg, worker *w, slot *s, row_view *v,
                   const raw_row *r, ql_date *date, int *have_date,
                   int fields_set)
{
    const char *const *texts = r->text;
    const size_t *lens = r->len;
    v->raw = 1;
    if (cfg->id_col >= 0) {
        v->id = texts[cfg->id_col];
        v->id_len = lens[cfg->id_col];
        v->id_col = cfg->id_col + 1;
    }
    for (size_t k = 0; k < cfg->nkeep; k++) {
        int c = cfg->keep_col[k]; /* in the header: map_header checked */
        v->keep[k] = c >= 0 ? texts[c] : NULL;
        v->keep_len[k] = c >= 0 ? lens[c] : 0;
        v->keep_col[k] = c + 1;
    }
    int dc = cfg->has_date ? -1 : cfg->date_col;
    if (dc >= 0 && lens[dc]) { /* the date column feeds no field */
        ql_error err;
        if (in_parse_date(date, texts[dc], lens[dc], &err)) {
            reject(cfg, w, s, dc + 1, "date", err.code, err.message, v->id);
            return 0;
        }
        *have_date = 1;
    }
    return fields_set || set_columns(cfg, w, s, v, r, 0, r->n);
}

/* A plain CSV line the reading thread handed over whole (s->plain):
 * cut and set into the record in one pass (qli_record_set_line: a
 * number's digits read once, for its value and its end); a row whose
 * width is not the header's is refused as the reader refuses it
 * (in_ragged), and a row with a value that pass did not set is set
 * again through ql_record_set_texts, which says which and why.  0 when
 * refused (the reject written). */
static int set_plain(const run_cfg *cfg, worker *w, slot *s, row_view *v,
                     raw_row *r, ql_date *date, int *have_date)
{
    int set = 0;
    size_t n;
    if (s->quoted) { /* unquoted here, then set as csv_next's fields are */
        n = csv_split_quoted(w->line, w->block + s->poff, s->plen, w->ftext,
                             w->flen, cfg->map_n);
    } else {
        memcpy(w->line, w->block + s->poff, s->plen);
        n = qli_record_set_line(w->rec, cfg->map_field, cfg->map_n, w->line,
                                s->plen, w->ftext, w->flen, &set);
    }
    if (n != cfg->map_n) {
        char msg[160];
        int column;
        const char *field;
        in_ragged(msg, sizeof msg, n, cfg->map_n, cfg->map_names, &column, &field);
        /* the id, when its column is among the fields cut */
        size_t ic = (size_t)cfg->id_col;
        int cut = cfg->id_col >= 0 && ic < n && ic < cfg->map_n;
        reject(cfg, w, s, column, field, QL_EPARSE, msg,
               cut ? in_id_named(w->ftext[ic], w->flen[ic]) : NULL);
        return 0;
    }
    r->text = w->ftext;
    r->len = w->flen;
    r->n = n;
    return set_raw(cfg, w, s, v, r, date, have_date, set);
}

void run_evaluate_slot(const run_cfg *cfg, worker *w, slot *s)
{
    if (s->error) {
        size_t f = s->error_field_off, i = s->error_id_off;
        reject(
            cfg, w, s, s->error_column, f == (size_t)-1 ? NULL : s->data.p + f,
            s->error_status ? s->error_status : QL_EPARSE,
            s->data.p + s->error_off, i == (size_t)-1 ? NULL : s->data.p + i);
        return;
    }
    ql_record_clear(w->rec);
    ql_error err;
    int have_date = cfg->has_date;
    ql_date date = cfg->date;
    /* a quoted line's fields may hold commas and quotes: not plain */
    row_view rv = {NULL, 0, 0, w->keep_v, w->keep_l, w->keep_c, 0,
                   s->plain && !s->quoted};
    for (size_t k = 0; k < cfg->nkeep; k++)
        rv.keep[k] = NULL;
    raw_row raw = {(const char *const *)s->rawtext, s->rawlen, s->nraw};
    if (s->plain ? !set_plain(cfg, w, s, &rv, &raw, &date, &have_date)
        : raw.n  ? !set_raw(cfg, w, s, &rv, &raw, &date, &have_date, 0)
                 : (view_slot(cfg, s, &rv),
                   !set_slot(cfg, w, s, &rv, &date, &have_date)))
        return;
    const char *id = rv.id;
    if (!have_date) { /* at the date column, when the row has one, empty */
        int dc = rv.raw && cfg->date_col >= 0 ? cfg->date_col + 1 : 0;
        for (size_t k = 0; !rv.raw && k < s->n && !dc; k++)
            dc = s->target[k] == T_DATE ? s->col[k] : 0;
        reject(cfg, w, s, dc, "date", QL_ERECORD,
               rj_no_date(dc != 0), id);
        return;
    }
    if (copied_text_bad(cfg, w, s, &rv))
        return;
    ql_status st = ql_evaluate(w->res, w->rec, date,
                               cfg->explain ? QL_EVAL_TRACE : 0, &err);
    if (st) {
        char msg[2048];
        const char *field;
        rj_error(&err, msg, sizeof msg, &field);
        int col = 0;
        if (*field) {
            int i = ql_ruleset_input_index(cfg->rs, field);
            col = i >= 0 ? column_of(cfg, s, &rv, i) : 0;
        }
        reject(cfg, w, s, col, field, st, msg, id);
        return;
    }
    if (w->tot && add_totals(cfg, w, &rv)) {
        w->oom = 1;
        return;
    }
    /* The output row, after the worker's rows before it. */
    strbuf *b = w->out;
    w->nout++;
    if (cfg->jsonl_out)
        sb_putc(b, '{');
    put_key(cfg, b, "id", 1);
    /* no id, "" and JSON null are one: empty in CSV, null in JSONL (P4-04) */
    size_t idlen = !id ? 0 : rv.raw ? rv.id_len : strlen(id);
    if (cfg->jsonl_out)
        idlen ? json_put_string(b, id, idlen) : sb_puts(b, "null");
    else if (idlen) /* a CSV field holds no NUL: its length is the text's;
                     * cut from a plain line, it needs no quote search */
        rv.plain ? csv_put_plain_field(b, id, idlen)
                 : csv_put_field(b, id, idlen);
    for (size_t k = 0; k < cfg->nkeep; k++) {
        put_key(cfg, b, cfg->keep[k], 0);
        const char *v = rv.keep[k];
        size_t vl = rv.keep_len[k];
        if (cfg->jsonl_out)
            v ? json_put_string(b, v, vl) : sb_puts(b, "null");
        else if (v)
            rv.plain ? csv_put_plain_field(b, v, vl) : csv_put_field(b, v, vl);
    }
    const ql_ruleset *rs = cfg->rs;
    size_t check = 0;
    size_t nout = ql_ruleset_output_count(rs);
    if (cfg->csv_room && !cfg->jsonl_out) {
        if (put_csv_values(cfg, b, w->res)) {
            w->oom = 1;
            return;
        }
        nout = 0; /* done */
    }
    for (size_t i = 0; i < nout; i++) {
        const char *name = ql_ruleset_output_name(rs, i);
        ql_value v = QL_VALUE_INIT;
        ql_type t = cfg->out_type[i];
        if (t == QL_TYPE_NUMBER || t == QL_TYPE_BOOL || t == QL_TYPE_DATE) {
            /* the text straight from the result */
            put_key(cfg, b, name, 0);
            if (cfg->out_check[i] < 0) {
                put_result_text(cfg, b, w->res, i, -1, t != QL_TYPE_BOOL);
                continue;
            }
            static const char *fn[5] = {"applicable", "compliant", "required",
                                        "actual", "shortfall"};
            if (cfg->jsonl_out) {
                /* a check that does not apply is null, not five nulls */
                char a[8];
                ql_result_check_text(a, sizeof a, w->res,
                                     (size_t)cfg->out_check[i],
                                     QL_CHECK_APPLICABLE);
                if (a[0] != 't') {
                    sb_puts(b, "null");
                    continue;
                }
                sb_putc(b, '{');
            }
            for (int p = 0; p < 5; p++) {
                if (cfg->jsonl_out)
                    put_key(cfg, b, fn[p], p == 0);
                else if (p)
                    sb_putc(b, ',');
                put_result_text(cfg, b, w->res, (size_t)cfg->out_check[i], p,
                                p >= 2);
            }
            if (cfg->jsonl_out)
                sb_putc(b, '}');
            continue;
        }
        if (!ql_ruleset_output_is_check(rs, i)) {
            ql_result_output(&v, w->res, i);
            put_key(cfg, b, name, 0);
            put_value(cfg, b, &v);
            continue;
        }
        check = (size_t)cfg->out_check[i];
        ql_check_result c = QL_CHECK_RESULT_INIT;
        ql_result_check(&c, w->res, check);
        ql_value app = QL_VALUE_INIT, comp = QL_VALUE_INIT;
        app.type = QL_TYPE_BOOL;
        app.boolean = c.applicable;
        if (c.applicable) {
            comp.type = QL_TYPE_BOOL;
            comp.boolean = c.compliant;
        }
        const ql_value *parts[5] = {&app, &comp, &c.required, &c.actual,
                                    &c.shortfall};
        static const char *pn[5] = {"applicable", "compliant", "required",
                                    "actual", "shortfall"};
        if (cfg->jsonl_out) {
            put_key(cfg, b, name, 0);
            if (!c.applicable) {
                sb_puts(b, "null");
                continue;
            }
            sb_putc(b, '{');
        }
        for (int p = 0; p < 5; p++) {
            if (cfg->jsonl_out)
                put_key(cfg, b, pn[p], p == 0);
            else
                sb_putc(b, ',');
            put_value(cfg, b, parts[p]);
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
