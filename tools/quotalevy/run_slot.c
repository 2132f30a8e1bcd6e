/*
 * run_slot.c — `quotalevy run`'s rows in flight: an input row's texts
 * copied into a slot by the reading thread, and mapped to the inputs
 * they feed.  See run.h.
 */
#include "run.h"

#include <stdlib.h>
#include <string.h>

/* Room for `need` fields in s; −1 out of memory. */
static int slot_room(slot *s, size_t need)
{
    if (need <= s->cap)
        return 0;
    size_t cap = s->cap ? s->cap : 32;
    while (cap < need)
        cap *= 2;
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
    return 0;
}

/* Records field text already in s->data at `off` (room made before). */
static inline void slot_put(slot *s, int target, int col, size_t off, size_t len)
{
    s->off[s->n] = off;
    s->len[s->n] = len;
    s->target[s->n] = target;
    s->col[s->n] = col;
    s->n++;
}

/* Records field text already in s->data at `off`. */
static int slot_ref(slot *s, int target, int col, size_t off, size_t len)
{
    if (slot_room(s, s->n + 1))
        return -1;
    slot_put(s, target, col, off, len);
    return 0;
}

/* Copies field text into s->data and records it. */
static int slot_add(slot *s, int target, int col, const char *v, size_t len)
{
    size_t off = s->data.len;
    return sb_put(&s->data, v ? v : "", len) || sb_putc(&s->data, '\0') ||
           slot_ref(s, target, col, off, len);
}

void run_slot_free(slot *s)
{
    free(s->data.p);
    free(s->off);
    free(s->len);
    free(s->target);
    free(s->col);
    free(s->rawtext);
    free(s->rawlen);
}

/* Maps a column name to what it feeds. */
int run_target_of(const run_cfg *cfg, const char *name)
{
    if (col_ignored(cfg->watch, name))
        return T_IGNORE; /* --ignore-columns, even an input's name */
    if (!strcmp(name, "date"))
        return T_DATE;
    int i = ql_ruleset_input_index(cfg->rs, name);
    if (i >= 0)
        return T_INPUT + i;
    if (!strcmp(name, "id"))
        return T_ID;
    return T_IGNORE;
}

int run_keep_index(const run_cfg *cfg, const char *name)
{
    for (size_t k = 0; k < cfg->nkeep; k++)
        if (!strcmp(cfg->keep[k], name))
            return (int)k;
    return -1;
}

/* The reading thread's share of a mapped CSV row: its bytes, its field
 * pointers and their lengths moved into the slot — the reader's record
 * buffer and arrays exchanged for the slot's old ones, nothing copied;
 * the fields lie one after another there, each followed by a NUL
 * (csv_take_record).  The worker reads the fields through the header's
 * maps (run_row.c).  Returns 1 when the row is not such a row (not CSV,
 * or no fields). */
static int keep_raw(slot *s, const in_row *row)
{
    size_t n = row->n;
    if (n == 0)
        return 1;
    int took = in_take_bytes(row, &s->data, &s->rawtext, &s->rawlen, &s->rawcap);
    if (took)
        return took < 0 ? -1 : 1;
    s->nraw = n;
    return 0;
}

int run_map_columns(run_cfg *cfg)
{
    size_t n = cfg->map_n, ni = ql_ruleset_input_count(cfg->rs);
    cfg->map_field = calloc(n + 1, sizeof *cfg->map_field);
    cfg->keep_col = calloc(cfg->nkeep + 1, sizeof *cfg->keep_col);
    cfg->input_col = calloc(ni + 1, sizeof *cfg->input_col);
    if (!cfg->map_field || !cfg->keep_col || !cfg->input_col)
        return -1;
    int id_target = cfg->id_input >= 0 ? T_INPUT + cfg->id_input : T_ID;
    cfg->date_col = cfg->id_col = -1;
    for (size_t k = 0; k < cfg->nkeep; k++)
        cfg->keep_col[k] = -1;
    for (size_t j = 0; j < n; j++) {
        int t = cfg->map_target[j];
        cfg->map_field[j] = t >= T_INPUT ? t - T_INPUT : -1;
        if (t >= T_INPUT)
            cfg->input_col[t - T_INPUT] = (int)j + 1;
        if (t == T_DATE)
            cfg->date_col = (int)j;
        if (t == T_ID || t == id_target)
            cfg->id_col = (int)j;
        if (cfg->map_keep[j] >= 0)
            cfg->keep_col[cfg->map_keep[j]] = (int)j;
    }
    /* a string input's setter refuses text that is not UTF-8 (lib/record.c
     * checks as utf8_check does, and NUL besides); the blanks it trims are
     * ASCII, so the column as read is UTF-8 too */
    int f = cfg->id_col >= 0 ? cfg->map_field[cfg->id_col] : -1;
    const char *type = f >= 0 ? ql_ruleset_input_type(cfg->rs, (size_t)f) : NULL;
    cfg->id_checked = type && !strcmp(type, "string");
    return 0;
}

void run_unmap_columns(run_cfg *cfg)
{
    free(cfg->map_field);
    free(cfg->keep_col);
    free(cfg->input_col);
    cfg->map_field = cfg->keep_col = cfg->input_col = NULL;
}

/* A slot's buffers past this are given back when it is filled again, so
 * that one wide row does not keep its memory for the rest of the run. */
#define SLOT_KEEP (1u << 20)

static void shrink(strbuf *b)
{
    if (b->cap > SLOT_KEEP) {
        free(b->p);
        b->p = NULL;
        b->cap = b->len = 0;
    }
}

int run_fill_slot(const run_cfg *cfg, slot *s, const in_row *row)
{
    shrink(&s->data);
    s->data.len = 0;
    s->n = 0;
    s->nraw = 0;
    s->error = NULL;
    s->line = row->line;
    if (row->error) {
        s->error_off = s->data.len;
        s->error_column = row->error_column;
        s->error_status = row->error_status;
        if (sb_puts(&s->data, row->error) || sb_putc(&s->data, '\0'))
            return -1;
        s->error_field_off = s->error_id_off = (size_t)-1;
        if (row->error_field) {
            s->error_field_off = s->data.len;
            if (sb_puts(&s->data, row->error_field) || sb_putc(&s->data, '\0'))
                return -1;
        }
        if (row->error_id) {
            s->error_id_off = s->data.len;
            if (sb_puts(&s->data, row->error_id) || sb_putc(&s->data, '\0'))
                return -1;
        }
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
        int t = mapped ? cfg->map_target[i] : run_target_of(cfg, row->name[i]);
        int keep = mapped ? cfg->map_keep[i] : run_keep_index(cfg, row->name[i]);
        if (t == T_IGNORE && keep < 0)
            continue;
        /* keep columns are found again by name when formatting */
        int col = in_row_column(row, i);
        if (slot_add(s, t, col, row->val[i], row->val[i] ? row->len[i] : 0))
            return -1;
        if (keep >= 0 && slot_add(s, -1 - keep, col, row->val[i],
                                  row->val[i] ? row->len[i] : 0))
            return -1;
    }
    return 0;
}

