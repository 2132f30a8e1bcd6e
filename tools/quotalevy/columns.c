/*
 * columns.c — the columns a run ignores, and near misses of the inputs
 * (see columns.h).
 */
#include "columns.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "input.h"
#include "lookalike.h"
#include "strbuf.h" /* sb_put_escaped */

/* JSON Lines keys already said, remembered up to this many. */
#define SEEN_MAX 1024
#define SEEN_SLOTS 2048

struct col_watch {
    const ql_ruleset *rs;
    char *ignore_copy;
    const char **ignore;
    size_t nignore;
    int ignore_all; /* "*" */
    const char *const *keep;
    size_t nkeep;
    int has_date;
    unsigned char *present; /* per input: has a column (this record) */
    size_t ninputs;
    char *seen[SEEN_SLOTS];
    size_t nseen;
    int seen_full;
};

col_watch *col_watch_new(const ql_ruleset *rs, const char *ignore,
                         const char *const *keep, size_t nkeep, int has_date)
{
    col_watch *w = calloc(1, sizeof *w);
    if (!w)
        return NULL;
    w->rs = rs;
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
    for (size_t i = 0; i < SEEN_SLOTS; i++)
        free(w->seen[i]);
    free(w);
}

int col_ignored(const col_watch *w, const char *name)
{
    for (size_t i = 0; w && i < w->nignore; i++)
        if (!strcmp(w->ignore[i], name))
            return 1;
    return 0;
}

/* ------------------------------------------------------- near misses */

/* Edit distance of a and b (code points) if it is at most 2, else 3
 * (names are at most a few hundred characters here: longer ones differ
 * in length first). */
static int distance(const int32_t *a, size_t na, const int32_t *b, size_t nb)
{
    if ((na > nb ? na - nb : nb - na) > 2)
        return 3;
    if (nb > 256) {
        if (na != nb)
            return 3;
        return memcmp(a, b, na * sizeof *a) ? 3 : 0;
    }
    int row[258], prev[258];
    for (size_t j = 0; j <= nb; j++)
        prev[j] = (int)j;
    for (size_t i = 1; i <= na; i++) {
        row[0] = (int)i;
        int best = row[0];
        for (size_t j = 1; j <= nb; j++) {
            int d = prev[j - 1] + (a[i - 1] != b[j - 1]);
            if (prev[j] + 1 < d)
                d = prev[j] + 1;
            if (row[j - 1] + 1 < d)
                d = row[j - 1] + 1;
            row[j] = d;
            if (d < best)
                best = d;
        }
        if (best > 2)
            return 3;
        memcpy(prev, row, (nb + 1) * sizeof *row);
    }
    return prev[nb] > 2 ? 3 : prev[nb];
}

int col_near_miss(const char *a, const char *b)
{
    if (!strcmp(a, b))
        return 0;
    size_t la = strlen(a), lb = strlen(b);
    /* folded forms shrink only by dropped characters (at most 3 bytes
     * each, 4 for tags) and leading zeros: past this, no match */
    if (la > 4 * lb + 2 + 64 || lb > 4 * la + 2 + 64)
        return 0;
    int32_t *na = malloc((la + 1) * sizeof *na), *nb = malloc((lb + 1) * sizeof *nb);
    int near = 0;
    if (na && nb) {
        size_t n1 = name_fold(a, na), n2 = name_fold(b, nb);
        size_t shorter = n1 < n2 ? n1 : n2;
        int d = distance(na, n1, nb, n2);
        near = d == 0 || (d <= 2 && (size_t)d < shorter) ? 1 + d : 0;
    }
    free(na);
    free(nb);
    return near;
}

int col_bad_list_item(const ql_ruleset *rs, const char *name, const char **first,
                      int *size)
{
    /* NAME[...] with NAME (folded) a list input's, itself no input */
    size_t len = strlen(name);
    int32_t *f = malloc((len + 1) * sizeof *f);
    if (!f)
        return 0;
    size_t n = name_fold(name, f), br = 0;
    while (br < n && f[br] != '[')
        br++;
    int found = 0;
    if (br > 0 && br < n && ql_ruleset_input_index(rs, name) < 0) {
        size_t ni = ql_ruleset_input_count(rs);
        for (size_t i = 0; i < ni && !found; i++) {
            const char *in = ql_ruleset_input_name(rs, i);
            const char *ib = strchr(in, '[');
            /* the first item of a list: "base[1]" */
            if (!ib || strcmp(ib, "[1]") || (size_t)(ib - in) != br)
                continue;
            size_t k = 0;
            while (k < br && (f[k] == (unsigned char)in[k] ||
                              (in[k] >= 'A' && in[k] <= 'Z' &&
                               f[k] == in[k] - 'A' + 'a')))
                k++;
            if (k < br)
                continue;
            found = 1;
            *first = in;
            *size = 1;
            /* the items are declared in order: count them */
            while (i + (size_t)*size < ni) {
                const char *nx = ql_ruleset_input_name(rs, i + (size_t)*size);
                if (strncmp(nx, in, br + 1))
                    break;
                ++*size;
            }
        }
    }
    free(f);
    return found;
}

int col_list_items(const ql_ruleset *rs, const char *name)
{
    size_t n = strlen(name);
    char *item = malloc(n + 24);
    int count = 0;
    if (!item)
        return 0;
    for (;;) {
        snprintf(item, n + 24, "%s[%d]", name, count + 1);
        if (ql_ruleset_input_index(rs, item) < 0)
            break;
        count++;
    }
    free(item);
    return count;
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

/* The first declared name without a column that `name` nearly is, or
 * NULL. */
static const char *near_input(const col_watch *w, const char *name,
                              int has_date, int has_id)
{
    const char *best = NULL;
    int best_d = 0;
    for (size_t i = 0; i < w->ninputs && best_d != 1; i++) {
        const char *in = ql_ruleset_input_name(w->rs, i);
        int d = w->present[i] ? 0 : col_near_miss(name, in);
        if (d && (!best || d < best_d))
            best = in, best_d = d; /* the nearest, a look-alike first */
    }
    if (best)
        return best;
    if (!has_date && !w->has_date && col_near_miss(name, "date"))
        return "date";
    if (!has_id && col_near_miss(name, "id"))
        return "id";
    return NULL;
}

/* A near miss of a list's item (NAME[…] with NAME a list input's, but no
 * item of it): said, and the run stops; 0 when it is none. */
static int say_bad_item(const col_watch *w, const char *cmd, const char *where,
                        const char *what, const char *name)
{
    const char *first;
    int size;
    if (!col_bad_list_item(w->rs, name, &first, &size))
        return 0;
    strbuf b = {0};
    sb_put_escaped(&b, name, strlen(name));
    int base = (int)(strchr(first, '[') - first);
    fprintf(stderr,
            "quotalevy %s: %s: %s '%s' is not an input of the rules: '%.*s' is a "
            "list of %d item%s, %s … %.*s[%d] (--ignore-columns '%s' reads the "
            "file anyway)\n",
            cmd, where, what, b.p ? b.p : "", base, first, size, size == 1 ? "" : "s",
            first, base, first, size, b.p ? b.p : "");
    free(b.p);
    return 1;
}

static void say_near(const char *cmd, const char *where, const char *what,
                     const char *name, const char *meant)
{
    strbuf b = {0};
    sb_put_escaped(&b, name, strlen(name));
    fprintf(stderr,
            "quotalevy %s: %s: %s '%s' is not an input of the rules: did you mean "
            "'%s'? (that input has no %s, so it would be read as empty; "
            "--ignore-columns '%s' reads the file anyway)\n",
            cmd, where, what, b.p ? b.p : "", meant, what, b.p ? b.p : "");
    free(b.p);
}

/* With --date, a column (or key) 'date' that is not ignored: said, and
 * the run stops — one of the two would be dropped without a word (the
 * column's values, even 'garbage', were never read). */
static int date_twice(const col_watch *w, const char *cmd, const char *where,
                      const char *what, const char *const *names, size_t n)
{
    if (!w->has_date || col_ignored(w, "date"))
        return 0;
    for (size_t j = 0; j < n; j++)
        if (!strcmp(names[j], "date")) {
            strbuf b = {0};
            sb_put_escaped(&b, where, strlen(where));
            fprintf(stderr,
                    "quotalevy %s: %s: the %s 'date' gives each row its evaluation "
                    "date, and so does --date: give one of them (--ignore-columns "
                    "date evaluates every row on --date's day)\n",
                    cmd, b.p ? b.p : "", what);
            free(b.p);
            return 1;
        }
    return 0;
}

int col_check_header(col_watch *w, const char *cmd, const char *input,
                     const char *const *names, size_t n)
{
    int has_date, has_id, stop = 0;
    if (date_twice(w, cmd, input, "column", names, n))
        return -1;
    mark_present(w, names, n, &has_date, &has_id);
    strbuf list = {0};
    size_t nignored = 0;
    for (size_t j = 0; j < n; j++) {
        if (is_read(w, names[j]) || col_ignored(w, names[j]))
            continue;
        const char *meant = near_input(w, names[j], has_date, has_id);
        if (meant) {
            char where[64];
            snprintf(where, sizeof where, "column %zu", j + 1);
            strbuf at = {0};
            sb_puts(&at, input);
            sb_puts(&at, ", ");
            sb_puts(&at, where);
            say_near(cmd, at.p, "column", names[j], meant);
            free(at.p);
            stop = 1;
            continue;
        }
        if (w->ninputs) {
            char where[64];
            snprintf(where, sizeof where, "column %zu", j + 1);
            strbuf at = {0};
            sb_puts(&at, input);
            sb_puts(&at, ", ");
            sb_puts(&at, where);
            int bad = say_bad_item(w, cmd, at.p ? at.p : input, "column", names[j]);
            free(at.p);
            if (bad) {
                stop = 1;
                continue;
            }
        }
        if (w->ignore_all)
            continue;
        if (nignored < 20) {
            sb_puts(&list, nignored ? ", " : "");
            sb_put_escaped(&list, names[j], strlen(names[j]));
        }
        nignored++;
    }
    if (!stop && nignored) {
        fprintf(stderr,
                "quotalevy %s: %s: note: %zu column%s the rules do not read, "
                "ignored: %s%s (--ignore-columns NAME,… or '*' says so knowingly)\n",
                cmd, input, nignored, nignored == 1 ? "" : "s", list.p,
                nignored > 20 ? ", …" : "");
    }
    free(list.p);
    return stop ? -1 : 0;
}

/* Whether key was said before; remembers it (up to SEEN_MAX keys). */
static int seen_before(col_watch *w, const char *key)
{
    unsigned h = 2166136261u;
    for (const char *p = key; *p; p++)
        h = (h ^ (unsigned char)*p) * 16777619u;
    for (h %= SEEN_SLOTS; w->seen[h]; h = (h + 1) % SEEN_SLOTS)
        if (!strcmp(w->seen[h], key))
            return 1;
    if (w->nseen == SEEN_MAX)
        return 0;
    w->seen[h] = strdup(key);
    if (w->seen[h])
        w->nseen++;
    return 0;
}

int col_check_keys(col_watch *w, const char *cmd, const char *input, long line,
                   const char *const *names, size_t n)
{
    int marked = 0, has_date = 0, has_id = 0;
    if (w->has_date && !col_ignored(w, "date")) {
        char at[64];
        snprintf(at, sizeof at, ":%ld", line);
        strbuf where = {0};
        sb_puts(&where, input);
        sb_puts(&where, at);
        int twice = date_twice(w, cmd, where.p ? where.p : input, "key", names, n);
        free(where.p);
        if (twice)
            return -1;
    }
    for (size_t j = 0; j < n; j++) {
        if (is_read(w, names[j]) || col_ignored(w, names[j]))
            continue;
        if (seen_before(w, names[j]))
            continue;
        if (!marked) {
            mark_present(w, names, n, &has_date, &has_id);
            marked = 1;
        }
        char where[64];
        snprintf(where, sizeof where, "%ld", line);
        strbuf at = {0};
        sb_puts(&at, input);
        sb_putc(&at, ':');
        sb_puts(&at, where);
        const char *meant = near_input(w, names[j], has_date, has_id);
        if (meant || say_bad_item(w, cmd, at.p ? at.p : input, "key", names[j])) {
            if (meant)
                say_near(cmd, at.p, "key", names[j], meant);
            free(at.p);
            return -1;
        }
        if (!w->ignore_all && !w->seen_full) {
            strbuf b = {0};
            sb_put_escaped(&b, names[j], strlen(names[j]));
            fprintf(stderr,
                    "quotalevy %s: %s: note: key '%s' is not read by the rules and "
                    "is ignored%s (--ignore-columns NAME,… or '*' says so knowingly)\n",
                    cmd, at.p, b.p ? b.p : "",
                    w->nseen == SEEN_MAX && !w->seen_full ? "; further new keys are not listed" : "");
            if (w->nseen == SEEN_MAX)
                w->seen_full = 1;
            free(b.p);
        }
        free(at.p);
    }
    return 0;
}

int col_keep_read(const col_watch *w, const in_row *row, in_row *kept)
{
    const char **nm = calloc(row->n + 1, sizeof *nm);
    const char **vl = calloc(row->n + 1, sizeof *vl);
    size_t *ln = calloc(row->n + 1, sizeof *ln);
    *kept = *row;
    kept->n = 0;
    kept->name = nm;
    kept->val = vl;
    kept->len = ln;
    if (!nm || !vl || !ln) {
        col_kept_free(kept);
        return -1;
    }
    for (size_t j = 0; j < row->n; j++)
        if (!col_ignored(w, row->name[j])) {
            nm[kept->n] = row->name[j];
            vl[kept->n] = row->val[j];
            ln[kept->n++] = row->len[j];
        }
    return 0;
}

void col_kept_free(in_row *kept)
{
    free((void *)kept->name);
    free((void *)kept->val);
    free((void *)kept->len);
    kept->name = kept->val = NULL;
    kept->len = NULL;
    kept->n = 0;
}
