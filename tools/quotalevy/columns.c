/*
 * columns.c — the columns a run ignores and the checks of a header or a
 * record's keys (see columns.h); the slips they stop at are colslips.c's.
 */
#include "colwatch.h"
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "input.h"
#include "nearidx.h"
#include "noinput.h"
#include "strbuf.h" /* sb_put_escaped */

/* The list inputs' table (list_of, lists): NAME[1] … NAME[n] are
 * declared one after another.  −1 out of memory. */
static int lists_new(col_watch *w)
{
    w->list_of = malloc((w->ninputs + 1) * sizeof *w->list_of);
    w->lists = calloc(w->ninputs + 1, sizeof *w->lists);
    w->touched = calloc(w->ninputs + 1, sizeof *w->touched);
    if (!w->list_of || !w->lists || !w->touched)
        return -1;
    for (size_t i = 0; i < w->ninputs; i++)
        w->list_of[i] = -1;
    for (size_t i = 0; i < w->ninputs; i++) {
        const char *in = ql_ruleset_input_name(w->rs, i);
        const char *ib = strchr(in, '[');
        if (!ib || ib == in || strcmp(ib, "[1]"))
            continue;
        size_t bl = (size_t)(ib - in);
        struct wlist *l = &w->lists[w->nlists];
        l->first = i;
        do {
            const char *item = ql_ruleset_input_name(w->rs, i + (size_t)l->size);
            w->list_of[i + (size_t)l->size] = (int)w->nlists;
            l->nign += col_ignored(w, item);
            l->size++;
        } while (i + (size_t)l->size < w->ninputs &&
                 !strncmp(ql_ruleset_input_name(w->rs, i + (size_t)l->size), in,
                          bl + 1));
        w->nlists++;
        i += (size_t)l->size - 1;
    }
    return 0;
}

col_watch *col_watch_new(const ql_ruleset *rs, const char *ignore,
                         const char *const *keep, size_t nkeep, int has_date)
{
    col_watch *w = calloc(1, sizeof *w);
    if (!w)
        return NULL;
    w->rs = rs;
    w->say = stderr;
    w->keep = keep;
    w->nkeep = nkeep;
    w->has_date = has_date;
    w->ninputs = ql_ruleset_input_count(rs);
    w->present = calloc(w->ninputs + 1, 1);
    if (!w->present)
        goto oom;
    if (ignore) {
        size_t cap = 1;
        for (const char *p = ignore; *p; p++)
            cap += *p == ',';
        w->ignore_copy = strdup(ignore);
        w->ignore = calloc(cap, sizeof *w->ignore);
        if (!w->ignore_copy || !w->ignore)
            goto oom;
        char *save = NULL;
        for (char *t = strtok_r(w->ignore_copy, ",", &save); t;
             t = strtok_r(NULL, ",", &save)) {
            if (!strcmp(t, "*"))
                w->ignore_all = 1;
            else
                w->ignore[w->nignore++] = t;
        }
    }
    if (lists_new(w))
        goto oom;
    return w;
oom:
    col_watch_free(w);
    return NULL;
}

void col_watch_free(col_watch *w)
{
    if (!w)
        return;
    free(w->ignore_copy);
    free(w->ignore);
    free(w->present);
    free(w->list_of);
    free(w->lists);
    free(w->touched);
    free(w->reject.p);
    near_idx_free(w->near_inputs);
    near_idx_free(w->near_lists);
    for (size_t l = 0; w->bases && l < w->nlists; l++)
        free(w->bases[l]);
    free(w->bases);
    for (size_t i = 0; i < SEEN_SLOTS; i++)
        free(w->seen[i]);
    for (size_t i = 0; w->first_keys && i < w->first_cap; i++)
        free(w->first_keys[i]);
    free(w->first_keys);
    free(w->first_has);
    free(w);
}

int col_ignored(const col_watch *w, const char *name)
{
    for (size_t i = 0; w && i < w->nignore; i++)
        if (!strcmp(w->ignore[i], name))
            return 1;
    return 0;
}

/* ------------------------------------------------------------ checks */

/* Whether the run reads a column of this name. */
static int is_read(const col_watch *w, const char *name)
{
    if (col_ignored(w, name))
        return 0;
    if (!strcmp(name, "date") || !strcmp(name, "id") ||
        ql_ruleset_input_index(w->rs, name) >= 0)
        return 1;
    for (size_t k = 0; k < w->nkeep; k++)
        if (!strcmp(w->keep[k], name))
            return 1;
    return 0;
}

/* Where a header's (first record's) message points, into b, in the one
 * form of every located message (FILE:LINE:COLUMN:, as a reject's):
 * the input's name, escaped, the line, and the column when the message
 * is about one (col > 0) — a CSV field's number, a JSON Lines byte.
 * Returns the text (never NULL). */
static const char *at(strbuf *b, const char *input, long line, int col)
{
    char num[48];
    b->len = 0;
    sb_put_escaped(b, input, strlen(input));
    if (col > 0)
        snprintf(num, sizeof num, ":%ld:%d", line, col);
    else
        snprintf(num, sizeof num, ":%ld", line);
    sb_puts(b, num);
    return b->p ? b->p : "";
}

/* The column of names[j]: its number in CSV (cols CSV_COLUMNS), its
 * value's byte in JSON Lines (cols[j]), or none (cols NULL: a record's
 * keys without their places). */
static const int csv_columns_mark;
#define CSV_COLUMNS (&csv_columns_mark)
static int column_of(const int *cols, size_t j)
{
    return cols == CSV_COLUMNS ? (int)j + 1 : cols ? cols[j] : 0;
}

/* Marks the inputs (and date, id) that have a column among names. */
static void mark_present(col_watch *w, const char *const *names, size_t n,
                         int *has_date, int *has_id)
{
    memset(w->present, 0, w->ninputs + 1);
    *has_date = *has_id = 0;
    for (size_t j = 0; j < n; j++) {
        if (col_ignored(w, names[j]))
            continue;
        int i = ql_ruleset_input_index(w->rs, names[j]);
        if (i >= 0)
            w->present[i] = 1;
        *has_date |= !strcmp(names[j], "date");
        *has_id |= !strcmp(names[j], "id");
    }
}

/* A near miss of a list's item (NAME[…] with NAME a list input's, but no
 * item of it): said, and the run stops; 0 when it is none. */
static int say_bad_item(const col_watch *w, const char *cmd, const char *where,
                        const char *what, const char *name)
{
    const char *first;
    int size;
    if (!cw_bad_list_item(w, name, &first, &size))
        return 0;
    strbuf b = {0};
    sb_put_escaped(&b, name, strlen(name));
    int base = (int)(strchr(first, '[') - first);
    fprintf(w->say,
            "quotalevy %s: %s: %s '%s' is not an input of the rules: '%.*s' is a "
            "list of %d item%s, %s … %.*s[%d] (--ignore-columns '%s' reads the "
            "file anyway)\n",
            cmd, where, what, CLI_SNIP(b.p ? b.p : ""), base, first, size, size == 1 ? "" : "s",
            first, base, first, size, CLI_SNIP(b.p ? b.p : ""));
    free(b.p);
    return 1;
}

/* A near miss of an input without a column (key), or an item a[1] of
 * one that is one value (P18-10: a was read as empty, its default
 * taken): said. */
static void say_near(const col_watch *w, const char *cmd, const char *where,
                     const char *what, const char *name, const char *meant)
{
    strbuf b = {0};
    sb_put_escaped(&b, name, strlen(name));
    const char *nm = b.p ? b.p : "";
    if (cw_is_item_slip(name, meant))
        fprintf(w->say,
                "quotalevy %s: %s: %s '%s' is not an input of the rules: '%s' is one "
                "value, not a list: give its value under '%s' (that input has no %s, "
                "so it would be read as empty; --ignore-columns '%s' reads the file "
                "anyway)\n",
                cmd, where, what, CLI_SNIP(nm), meant, meant, what, CLI_SNIP(nm));
    else
        fprintf(w->say,
                "quotalevy %s: %s: %s '%s' is not an input of the rules: did you mean "
                "'%s'? (that input has no %s, so it would be read as empty; "
                "--ignore-columns '%s' reads the file anyway)\n",
                cmd, where, what, CLI_SNIP(nm), CLI_SNIP(meant), what, CLI_SNIP(nm));
    free(b.p);
}

/* An item a[1] of a one-value input a that has a column (key) of its own
 * too: two values for one input, one of them a slip — said, 1; 0 when
 * `name` is none. */
static int say_item_given(const col_watch *w, const char *cmd, const char *where,
                          const char *what, const char *name)
{
    const char *of = cw_item_of_given(w, name);
    if (!of)
        return 0;
    strbuf b = {0};
    sb_put_escaped(&b, name, strlen(name));
    const char *nm = b.p ? b.p : "";
    fprintf(w->say,
            "quotalevy %s: %s: %s '%s' is not an input of the rules: '%s' is one "
            "value, not a list, and the %s '%s' gives it: which of the two is "
            "meant? (--ignore-columns '%s' reads the file anyway)\n",
            cmd, where, what, CLI_SNIP(nm), of, what, of, CLI_SNIP(nm));
    free(b.p);
    return 1;
}

/* With --date, a column (or key) 'date' that is not ignored: said, and
 * the run stops — one of the two would be dropped without a word (the
 * column's values, even 'garbage', were never read). */
static int date_twice(const col_watch *w, const char *cmd, const char *input, long line,
                      const int *cols, const char *what, const char *const *names,
                      size_t n)
{
    if (!w->has_date || col_ignored(w, "date"))
        return 0;
    for (size_t j = 0; j < n; j++)
        if (!strcmp(names[j], "date")) {
            strbuf b = {0};
            fprintf(w->say,
                    "quotalevy %s: %s: the %s 'date' gives each row its evaluation "
                    "date, and so does --date: give one of them (--ignore-columns "
                    "date evaluates every row on --date's day)\n",
                    cmd, at(&b, input, line, column_of(cols, j)), what);
            free(b.p);
            return 1;
        }
    return 0;
}

/* An unread column's (key's) name that stops the run, said with `where`:
 * a list input's bare name, a near miss of an input, of a list's item or
 * of a list, or names of inputs run together by another separator. */
static int say_stop(const col_watch *w, const char *cmd, const char *where,
                    const char *what, const char *name, int has_date, int has_id)
{
    int size, exact = 0;
    const char *list = cw_list_named(w, name, &size, &exact);
    if (list && exact)
        return cw_say_list_named(w, cmd, where, what, name);
    const char *meant = cw_near_input(w, name, has_date, has_id);
    if (meant) {
        say_near(w, cmd, where, what, name, meant);
        return 1;
    }
    if (w->ninputs && say_bad_item(w, cmd, where, what, name))
        return 1;
    if (list)
        return cw_say_list_named(w, cmd, where, what, name);
    if (say_item_given(w, cmd, where, what, name))
        return 1;
    char sep = cw_sep_inside(w, name);
    return sep ? cw_say_sep(w, cmd, where, what, name, sep) : 0;
}

/* Who a list's partial items are said of: a CSV header and the first
 * JSON Lines record stop the run; a later record is rejected. */
enum { OF_HEADER, OF_FIRST_RECORD, OF_RECORD };

/* A list input some of whose items have a column (key) and others not:
 * each missing item would be read as empty in every row and the levy
 * change without a word — an export that lost a month.  Said (at
 * `where`) for the first such list, or for OF_RECORD made w->reject;
 * 1.  Items --ignore-columns names are empty knowingly.  Linear in the
 * names: each is looked up once. */
static int partial_list(col_watch *w, const char *cmd, const char *where, int of,
                        const char *const *names, size_t n)
{
    if (!w->nlists)
        return 0;
    size_t nt = 0;
    for (size_t j = 0; j < n; j++) {
        if (!strchr(names[j], '[') || col_ignored(w, names[j]))
            continue;
        int i = ql_ruleset_input_index(w->rs, names[j]);
        int l = i >= 0 ? w->list_of[i] : -1;
        if (l >= 0 && !w->lists[l].count++)
            w->touched[nt++] = (size_t)l;
    }
    struct wlist *bad = NULL;
    int given = 0;
    for (size_t t = 0; t < nt; t++) {
        struct wlist *l = &w->lists[w->touched[t]];
        if (!bad && l->count + l->nign < l->size)
            bad = l, given = l->count;
        l->count = 0;
    }
    if (!bad)
        return 0;
    int has_date, has_id;
    mark_present(w, names, n, &has_date, &has_id);
    const char *first = ql_ruleset_input_name(w->rs, bad->first);
    int bl = (int)(strchr(first, '[') - first);
    strbuf miss = {0}, ign = {0};
    int nmiss = 0;
    for (int k = 0; k < bad->size; k++) {
        const char *item = ql_ruleset_input_name(w->rs, bad->first + (size_t)k);
        if (w->present[bad->first + (size_t)k] || col_ignored(w, item))
            continue;
        if (!nmiss)
            w->missing = item;
        sb_puts(&ign, nmiss ? "," : "");
        sb_puts(&ign, item);
        if (nmiss < 6) {
            sb_puts(&miss, nmiss ? ", " : "");
            sb_puts(&miss, item);
        } else if (nmiss == 6)
            sb_puts(&miss, ", …");
        nmiss++;
    }
    const char *m = miss.p ? miss.p : "", *ig = ign.p ? ign.p : "";
    if (of != OF_RECORD) {
        /* a CSV header and a JSON Lines first record (the file's header,
         * as it were) in one sentence: the same words but these */
        static const struct {
            const char *has, *item, *unit, *empty;
        } wd[] = {[OF_HEADER] = {"the header", "column", "row", "with empty cells"},
                  [OF_FIRST_RECORD] = {"the first record", "key", "record", "null"}};
        int one = nmiss == 1;
        fprintf(w->say,
                "quotalevy %s: %s: %s has %d of the %d items of the list "
                "'%.*s': %s %s no %s, so every %s would read %s as empty "
                "(add the %s%s, %s where an item is meant empty, or "
                "--ignore-columns '%s' to read %s as empty knowingly)\n",
                cmd, where, wd[of].has, given, bad->size, bl, first, m,
                one ? "has" : "have", wd[of].item, wd[of].unit,
                one ? "it" : "them", wd[of].item, one ? "" : "s", wd[of].empty,
                ig, one ? "it" : "them");
    } else {
        /* one record's slip: that record is rejected, the run goes on */
        char head[96];
        snprintf(head, sizeof head, "the record has %d of the %d items of the list '",
                 given, bad->size);
        w->reject.len = 0;
        sb_puts(&w->reject, head);
        sb_put(&w->reject, first, (size_t)bl);
        sb_puts(&w->reject, nmiss == 1 ? "': no key " : "': no keys ");
        sb_puts(&w->reject, m);
        sb_puts(&w->reject, nmiss == 1 ? ", so it would be read as empty (give the key"
                                       : ", so they would be read as empty (give the keys");
        sb_puts(&w->reject, ", null where an item is meant empty)");
    }
    free(miss.p);
    free(ign.p);
    return 1;
}

/* Whether a column (key) of this name gives an input its value. */
static int is_input(const col_watch *w, const char *name)
{
    return !col_ignored(w, name) && ql_ruleset_input_index(w->rs, name) >= 0;
}

int col_check_header(col_watch *w, const char *cmd, const char *input, long line,
                     const char *const *names, size_t n)
{
    int has_date, has_id, stop = 0, any_input = 0;
    if (date_twice(w, cmd, input, line, CSV_COLUMNS, "column", names, n))
        return -1;
    /* the header's own messages at its line; a column's at its number */
    strbuf hl = {0}, at_col = {0};
    const char *header_at = at(&hl, input, line, 0);
    mark_present(w, names, n, &has_date, &has_id);
    strbuf list = {0};
    size_t nignored = 0, nunread = 0;
    for (size_t j = 0; j < n; j++) {
        any_input |= is_input(w, names[j]);
        if (is_read(w, names[j]) || col_ignored(w, names[j]))
            continue;
        nunread++;
        int bad = say_stop(w, cmd, at(&at_col, input, line, (int)j + 1), "column",
                           names[j], has_date, has_id);
        if (bad) {
            stop = 1;
            continue;
        }
        if (w->ignore_all)
            continue;
        if (nignored < 20) {
            sb_puts(&list, nignored ? ", " : "");
            sb_puts(&list, CLI_SNIP(names[j]));
        }
        nignored++;
    }
    /* `id` alone (or with `date`, or kept columns) is no input either:
     * an export that lost its data columns (P4-04); columns named in
     * --ignore-columns say it knowingly */
    int knowingly = 0;
    for (size_t j = 0; j < n; j++)
        knowingly |= col_ignored(w, names[j]) && !w->ignore_all;
    if (!stop && (nunread || !knowingly) &&
        cw_say_no_input(w, cmd, header_at, 1, any_input, names, n))
        stop = 1;
    /* a name --ignore-columns gives that the header lacks was meant for
     * a column: misspelt, the column it meant is read after all */
    for (size_t k = 0; !stop && k < w->nignore; k++) {
        size_t j = 0;
        while (j < n && strcmp(names[j], w->ignore[k]))
            j++;
        int i = ql_ruleset_input_index(w->rs, w->ignore[k]);
        if (j == n && (i < 0 || w->list_of[i] < 0)) { /* an item: empty knowingly */
            strbuf b = {0};
            sb_put_escaped(&b, w->ignore[k], strlen(w->ignore[k]));
            char lh[512], hint[QL_DECIMAL_TEXT_MAX * 4]; /* a list's bare name: its items (P7-07) */
            const char *h = col_list_hint(w, w->ignore[k], lh, sizeof lh);
            fprintf(stderr, "quotalevy %s: %s: --ignore-columns: the input has no "
                            "column '%s'%s%s\n",
                    cmd, header_at, CLI_SNIP(b.p ? b.p : ""), h ? ": " : "",
                    h ? h
                      : cli_did_you_mean(w->ignore[k], (const char *const *)names, n, hint,
                                         sizeof hint));
            free(b.p);
            stop = 1;
        }
    }
    stop = stop || partial_list(w, cmd, header_at, OF_HEADER, names, n);
    if (!stop && nignored) {
        fprintf(stderr,
                "quotalevy %s: %s: note: %zu column%s the rules do not read, "
                "ignored: %s%s (--ignore-columns NAME,… or '*' says so knowingly)\n",
                cmd, header_at, nignored, nignored == 1 ? "" : "s", list.p,
                nignored > 20 ? ", …" : "");
    }
    free(list.p);
    free(hl.p);
    free(at_col.p);
    return stop ? -1 : 0;
}

/* A name's FNV-1a hash, for the tables of names below. */
static unsigned name_hash(const char *key)
{
    unsigned h = 2166136261u;
    for (const char *p = key; *p; p++)
        h = (h ^ (unsigned char)*p) * 16777619u;
    return h;
}

/* Whether key was said before; remembers it (up to SEEN_MAX keys). */
static int seen_before(col_watch *w, const char *key)
{
    unsigned h;
    for (h = name_hash(key) % SEEN_SLOTS; w->seen[h]; h = (h + 1) % SEEN_SLOTS)
        if (!strcmp(w->seen[h], key))
            return 1;
    if (w->nseen == SEEN_MAX)
        return 0;
    w->seen[h] = strdup(key);
    if (w->seen[h])
        w->nseen++;
    return 0;
}

/* ------------------------------------------- JSON Lines records' keys */

/* Whether the first record has a key of this name. */
static int first_gives(const col_watch *w, const char *name)
{
    size_t mask = w->first_cap - 1;
    for (size_t h = name_hash(name) & mask; w->first_keys[h]; h = (h + 1) & mask)
        if (!strcmp(w->first_keys[h], name))
            return 1;
    return 0;
}

/* Keeps the first record's keys, the header of the records after it.
 * −1 out of memory. */
static int first_keep(col_watch *w, long line, const char *const *names, size_t n)
{
    size_t cap = 16;
    while (cap < 2 * n + 2)
        cap *= 2;
    w->first_keys = calloc(cap, sizeof *w->first_keys);
    w->first_has = calloc(w->ninputs + 1, 1);
    if (!w->first_keys || !w->first_has)
        return -1;
    w->first_cap = cap;
    w->first_line = line;
    for (size_t j = 0; j < n; j++) {
        size_t h = name_hash(names[j]) & (cap - 1);
        while (w->first_keys[h])
            h = (h + 1) & (cap - 1);
        if (!(w->first_keys[h] = strdup(names[j])))
            return -1;
        int i = ql_ruleset_input_index(w->rs, names[j]);
        if (i >= 0 && !col_ignored(w, names[j]) && !w->first_has[i]++)
            w->first_inputs++;
    }
    return 0;
}

/* The first --keep name that is no input of the rules, not ignored, and
 * not among names; w->nkeep when there is none. */
static size_t keep_lacking(const col_watch *w, const char *const *names, size_t n)
{
    for (size_t k = 0; k < w->nkeep; k++) {
        const char *nm = w->keep[k];
        if (ql_ruleset_input_index(w->rs, nm) >= 0 || col_ignored(w, nm))
            continue; /* an input's key is held to the first record as one */
        size_t j;
        for (j = 0; j < n && strcmp(names[j], nm); j++)
            ;
        if (j == n)
            return k;
    }
    return w->nkeep;
}

/* The first record: its keys are the file's header.  A slip stops the
 * run as a header's would (−1); a key the rules do not read is noted. */
static int first_record(col_watch *w, const char *cmd, const char *input, long line,
                        const int *cols, const char *const *names, size_t n)
{
    int has_date = 0, has_id = 0, any_input = 0;
    size_t nunread = 0;
    /* the record's own messages at its line; a key's at its value's byte
     * (where a later record's reject of it points), when known */
    strbuf rl = {0}, kl = {0};
    const char *where = at(&rl, input, line, 0);
    int stop = date_twice(w, cmd, input, line, cols, "key", names, n),
        knowingly = 0;
    for (size_t j = 0; j < n; j++) {
        if (is_input(w, names[j]))
            any_input = 1;
        else if (!is_read(w, names[j]) && !col_ignored(w, names[j]))
            nunread++;
        else
            knowingly |= col_ignored(w, names[j]) && !w->ignore_all;
    }
    mark_present(w, names, n, &has_date, &has_id);
    for (size_t j = 0; j < n && !stop && nunread; j++) {
        if (is_read(w, names[j]) || col_ignored(w, names[j]) || seen_before(w, names[j]))
            continue;
        if (say_stop(w, cmd, at(&kl, input, line, column_of(cols, j)), "key", names[j],
                     has_date, has_id)) {
            stop = 1;
            break;
        }
        if (!any_input || w->ignore_all || w->seen_full)
            continue;
        strbuf b = {0};
        sb_put_escaped(&b, names[j], strlen(names[j]));
        fprintf(w->say,
                "quotalevy %s: %s: note: key '%s' is not read by the rules and "
                "is ignored%s (--ignore-columns NAME,… or '*' says so knowingly)\n",
                cmd, at(&kl, input, line, column_of(cols, j)), CLI_SNIP(b.p ? b.p : ""),
                w->nseen == SEEN_MAX ? "; further new keys are not listed" : "");
        if (w->nseen == SEEN_MAX)
            w->seen_full = 1;
        free(b.p);
    }
    /* `{}` or `{"id": …}` alone holds no input */
    if (!stop && (nunread || !(any_input || !w->ninputs || knowingly)) &&
        cw_say_no_input(w, cmd, where, 0, any_input, names, n))
        stop = 1;
    if (!stop && partial_list(w, cmd, where, OF_FIRST_RECORD, names, n))
        stop = 1;
    /* the first record's keys are the file's columns: a --keep key it
     * lacks is refused as a CSV header without that column is (probe18s
     * P18-02: every record was written with the column empty, and a
     * --group-by on it summed them into the '' group, exit 0) */
    size_t k = keep_lacking(w, names, n);
    if (!stop && k < w->nkeep) {
        strbuf b = {0};
        sb_put_escaped(&b, w->keep[k], strlen(w->keep[k]));
        fprintf(w->say,
                "quotalevy %s: %s: --keep: the first record, whose keys are the file's "
                "columns, has no key '%s'\n",
                cmd, where, CLI_SNIP(b.p ? b.p : ""));
        free(b.p);
        stop = 1;
    }
    free(rl.p);
    free(kl.p);
    if (!stop && first_keep(w, line, names, n)) {
        cli_error(cmd, "out of memory");
        stop = 1;
    }
    return stop ? -1 : 0;
}

/* What say_stop would say of key `name` at `where`, as a reject's text
 * into w->reject (the "quotalevy CMD: WHERE: " it opens with left out);
 * 1 when it is a slip, 0 when not, −1 out of memory. */
static int slip_text(col_watch *w, const char *cmd, const char *where, const char *name,
                     int has_date, int has_id)
{
    char *text = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&text, &len);
    if (!m)
        return -1;
    FILE *was = w->say;
    w->say = m;
    int said = say_stop(w, cmd, where, "key", name, has_date, has_id);
    w->say = was;
    if (fclose(m) || !text) {
        free(text);
        return -1;
    }
    size_t skip = strlen("quotalevy ") + strlen(cmd) + 2 + strlen(where) + 2;
    w->reject.len = 0;
    if (said && len > skip)
        sb_put(&w->reject, text + skip, len - skip - (text[len - 1] == '\n'));
    free(text);
    return said;
}

/* The rank of a key's slip among a record's problems (docs/architecture.md,
 * "Names in a record that are no input", 5): the input it misses, a
 * list's by its first item; −1 the date; ninputs one of no input. */
static long slip_rank(const col_watch *w, const char *name, int has_date, int has_id)
{
    int size, exact = 0;
    const char *first = cw_list_named(w, name, &size, &exact), *meant;
    if (!(first && exact) && (meant = cw_near_input(w, name, has_date, has_id)))
        first = meant;
    else if (!(first && exact) && w->ninputs && cw_bad_list_item(w, name, &meant, &size))
        first = meant;
    else if (!first && (meant = cw_item_of_given(w, name)))
        first = meant;
    if (first && !strcmp(first, "date"))
        return -1;
    int i = first ? ql_ruleset_input_index(w->rs, first) : -1;
    return i >= 0 ? i : (long)w->ninputs;
}

/* A record after the first: its keys are held to the first record's.  A
 * needed key it lacks (one the first gives to an input), a key the rules
 * do not read that the first has not, a near miss, a list's missing item,
 * a date beside --date: the record's reject, the first of them in the
 * fixed order of every front end (the date, then the inputs as declared,
 * then keys of no input), made w->reject. */
static int later_record(col_watch *w, const char *cmd, const char *input, long line,
                        const char *const *names, size_t n, const char **reject,
                        const char **field)
{
    size_t given = 0;
    int odd = 0, date_key = 0;
    for (size_t j = 0; j < n; j++) {
        const char *nm = names[j];
        if (col_ignored(w, nm))
            continue;
        int i = ql_ruleset_input_index(w->rs, nm);
        if (i >= 0) {
            given += w->first_has[i];
            continue;
        }
        date_key |= !strcmp(nm, "date");
        if (!is_read(w, nm) && !first_gives(w, nm)) /* '*' too: a slip is no pass */
            odd = 1;
    }
    int twice = date_key && w->has_date; /* the first record had none */
    size_t keep = w->nkeep ? keep_lacking(w, names, n) : 0;
    if (!odd && !twice && given == w->first_inputs && keep == w->nkeep) { /* the common case */
        if (partial_list(w, cmd, input, OF_RECORD, names, n))
            *reject = w->reject.p ? w->reject.p : "out of memory", *field = w->missing;
        return 0;
    }
    char lno[32];
    snprintf(lno, sizeof lno, ":%ld", line);
    strbuf at = {0};
    sb_puts(&at, input);
    sb_puts(&at, lno);
    const char *where = at.p ? at.p : input;
    int has_date, has_id;
    /* the best problem so far: its rank, and what it is */
    enum { P_NONE, P_DATE, P_NOINPUT, P_SLIP, P_LIST, P_MISSING, P_UNKNOWN, P_KEEP } kind = P_NONE;
    long best = (long)w->ninputs + 2;
    size_t which = 0;
    int any_input = 0;
    for (size_t j = 0; j < n && !any_input; j++)
        any_input = is_input(w, names[j]);
    if (twice)
        kind = P_DATE, best = -1;
    else if (w->first_inputs && noinput_refuses(w->rs, (size_t)any_input)) /* `{}` */
        kind = P_NOINPUT, best = -1;
    mark_present(w, names, n, &has_date, &has_id);
    for (size_t j = 0; j < n && best >= 0; j++) { /* slips, then keys of no input */
        const char *nm = names[j];
        if (is_read(w, nm) || col_ignored(w, nm) || first_gives(w, nm))
            continue;
        int size, exact;
        const char *tmp;
        int slip = cw_list_named(w, nm, &size, &exact) ||
                   cw_near_input(w, nm, has_date, has_id) ||
                   (w->ninputs && cw_bad_list_item(w, nm, &tmp, &size)) ||
                   cw_item_of_given(w, nm) || cw_sep_inside(w, nm);
        if (!slip && w->ignore_all) /* '*': any key the rules do not read */
            continue;
        long r = slip ? slip_rank(w, nm, has_date, has_id) : (long)w->ninputs + 1;
        if (r < best || (r == best && kind == P_UNKNOWN && !slip &&
                         strcmp(nm, names[which]) < 0))
            kind = slip ? P_SLIP : P_UNKNOWN, best = r, which = j;
    }
    const char *list_item = NULL;
    if (best >= 0 && partial_list(w, cmd, input, OF_RECORD, names, n)) {
        long r = ql_ruleset_input_index(w->rs, w->missing);
        list_item = w->missing;
        if (r < best)
            kind = P_LIST, best = r;
    }
    for (size_t i = 0; i < w->ninputs && (long)i < best; i++)
        if (w->first_has[i] && !w->present[i]) {
            kind = P_MISSING, best = (long)i, which = i;
            break;
        }
    if (kind == P_NONE && keep < w->nkeep) /* the inputs' problems first */
        kind = P_KEEP, which = keep;
    strbuf *b = &w->reject;
    char num[32];
    snprintf(num, sizeof num, "%ld", w->first_line);
    int rc = 0;
    switch (kind) {
    case P_NONE: break;
    case P_DATE:
        b->len = 0;
        sb_puts(b, "the key 'date' gives the record its evaluation date, and so does "
                   "--date (the first record, line ");
        sb_puts(b, num);
        sb_puts(b, ", has none; --ignore-columns date evaluates every record on "
                   "--date's day)");
        *field = "date";
        break;
    case P_NOINPUT: {
        char msg[2048];
        b->len = 0;
        sb_puts(b, noinput_message(msg, sizeof msg, w->rs, 0, "the record", names, n));
        sb_puts(b, " (`quotalevy check RULES` lists the inputs)");
        *field = NULL;
        break;
    }
    case P_SLIP:
        if (slip_text(w, cmd, where, names[which], has_date, has_id) < 0)
            rc = -1;
        *field = names[which];
        break;
    case P_LIST: /* w->reject holds it */
        *field = list_item;
        break;
    case P_MISSING:
        b->len = 0;
        sb_puts(b, "no key '");
        sb_puts(b, ql_ruleset_input_name(w->rs, which));
        sb_puts(b, "', which the first record (line ");
        sb_puts(b, num);
        sb_puts(b, ") gives: it would be read as empty (give the key, null where it "
                   "is meant empty)");
        *field = ql_ruleset_input_name(w->rs, which);
        break;
    case P_KEEP: /* P18-02: it was written empty without a word */
        b->len = 0;
        sb_puts(b, "no key '");
        sb_puts(b, CLI_SNIP(w->keep[which]));
        sb_puts(b, "', which the first record (line ");
        sb_puts(b, num);
        sb_puts(b, ") gives and --keep copies: it would be written empty (give the key, "
                   "null where it is meant empty)");
        *field = w->keep[which];
        break;
    case P_UNKNOWN:
        b->len = 0;
        sb_puts(b, "key '");
        sb_puts(b, CLI_SNIP(names[which]));
        sb_puts(b, "' is not read by the rules, and the first record (line ");
        sb_puts(b, num);
        sb_puts(b, "), whose keys are the file's columns, has no such key: a record's "
                   "keys differ from the first's (--ignore-columns '");
        sb_puts(b, CLI_SNIP(names[which]));
        sb_puts(b, "' reads the file anyway)");
        *field = names[which];
        break;
    }
    if (kind != P_NONE)
        *reject = rc || !b->p ? "out of memory" : b->p;
    free(at.p);
    return 0;
}

int col_check_keys(col_watch *w, const char *cmd, const char *input, long line,
                   const char *const *names, size_t n, const char **reject,
                   const char **field)
{
    *reject = *field = NULL;
    if (!w->first_keys)
        return first_record(w, cmd, input, line, NULL, names, n);
    return later_record(w, cmd, input, line, names, n, reject, field);
}

int col_check_record(col_watch *w, const char *cmd, const char *input,
                     const in_row *row, const char **reject, const char **field)
{
    *reject = *field = NULL;
    if (!w->first_keys)
        return first_record(w, cmd, input, row->line, row->col, row->name, row->n);
    return later_record(w, cmd, input, row->line, row->name, row->n, reject, field);
}

int col_keep_read(const col_watch *w, const in_row *row, in_row *kept)
{
    const char **nm = calloc(row->n + 1, sizeof *nm);
    const char **vl = calloc(row->n + 1, sizeof *vl);
    size_t *ln = calloc(row->n + 1, sizeof *ln);
    /* each field keeps its column: a reject names where it is in the
     * input, not its place among the fields kept */
    int *cl = calloc(row->n + 1, sizeof *cl);
    *kept = *row;
    kept->n = 0;
    kept->name = nm;
    kept->val = vl;
    kept->len = ln;
    kept->col = cl;
    if (!nm || !vl || !ln || !cl) {
        col_kept_free(kept);
        return -1;
    }
    for (size_t j = 0; j < row->n; j++)
        if (!col_ignored(w, row->name[j])) {
            nm[kept->n] = row->name[j];
            vl[kept->n] = row->val[j];
            cl[kept->n] = in_row_column(row, j);
            ln[kept->n++] = row->len[j];
        }
    return 0;
}

void col_kept_free(in_row *kept)
{
    free((void *)kept->name);
    free((void *)kept->val);
    free((void *)kept->len);
    free((void *)kept->col);
    kept->name = kept->val = NULL;
    kept->len = NULL;
    kept->col = NULL;
    kept->n = 0;
}
