/*
 * colslips.c — the slips of a whole header or record that the column
 * check stops at (see columns.h, colwatch.h): a near miss of an input
 * found through the near-miss index, a list input named bare or past its
 * last item, input names run together by another separator, and a
 * header or record of which no name is an input.
 */
#include "cli.h" /* CLI_SNIP */
#include "colwatch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lookalike.h"
#include "nearmiss.h"
#include "noinput.h"

/* ------------------------------------------------------- near misses */

/* Whether `name` is NAME[…] with NAME (folded) the bare name of one of
 * w's lists but no input itself — positions[13] of twelve,
 * positions[3][1]: then the list's first item in *first, its size in
 * *size. */
int cw_bad_list_item(const col_watch *w, const char *name, const char **first,
                     int *size)
{
    const ql_ruleset *rs = w->rs;
    size_t len = strlen(name);
    int32_t *f = malloc((len + 1) * sizeof *f);
    if (!f)
        return 0;
    size_t n = name_fold(name, f), br = 0;
    while (br < n && f[br] != '[')
        br++;
    int found = 0;
    if (br > 0 && br < n && ql_ruleset_input_index(rs, name) < 0) {
        for (size_t l = 0; l < w->nlists && !found; l++) {
            const char *in = ql_ruleset_input_name(rs, w->lists[l].first);
            if ((size_t)(strchr(in, '[') - in) != br)
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
            *size = w->lists[l].size;
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

/* ------------------------------------------- a file read wrongly whole */

/* The list input whose bare name (NAME of NAME[1] … NAME[n]) `name` is,
 * exactly (*exact 1) or as a near miss: its first item's name, its items
 * in *size; NULL when none.  A bare name would be read as no input at
 * all, every item empty. */
static const char *input_name_of(void *ctx, size_t i)
{
    return ql_ruleset_input_name(((const col_watch *)ctx)->rs, i);
}

static const char *base_of(void *ctx, size_t l)
{
    return ((const col_watch *)ctx)->bases[l];
}

/* The indexes, made once (a const watch made them: they are a cache). */
static int near_ready(const col_watch *cw)
{
    col_watch *w = (col_watch *)cw;
    if (!w->near_inputs &&
        !(w->near_inputs = near_idx_new(w->ninputs, input_name_of, w)))
        return -1;
    if (w->near_lists)
        return 0;
    if (!w->bases && !(w->bases = calloc(w->nlists + 1, sizeof *w->bases)))
        return -1;
    for (size_t l = 0; l < w->nlists; l++) {
        const char *first = ql_ruleset_input_name(w->rs, w->lists[l].first);
        if (!w->bases[l] && !(w->bases[l] = strndup(
                                  first, (size_t)(strchr(first, '[') - first))))
            return -1;
    }
    return (w->near_lists = near_idx_new(w->nlists, base_of, w)) ? 0 : -1;
}

/* The nearest candidate (the first declared of the nearest): a
 * look-alike (1) before one or two edits (2, 3).  Candidates are the
 * inputs without a column (a near miss or an item a[1] of one, which
 * col_near_input measures), the lists' bare names, or the one-value
 * inputs with a column whose name an item's base is once folded. */
enum near_of { NEAR_MISSING, NEAR_LISTS, NEAR_GIVEN };
typedef struct nearest {
    const col_watch *w;
    const char *name;
    enum near_of of;
    size_t best;
    int best_d;
} nearest;

static void consider(void *ctx, size_t i)
{
    nearest *n = ctx;
    const col_watch *w = n->w;
    if (n->of != NEAR_LISTS && w->present[i] != (n->of == NEAR_GIVEN))
        return;
    if (n->best_d && (n->best_d < 2 ? i >= n->best : 0))
        return;
    int d = n->of == NEAR_LISTS ? col_near_miss(n->name, w->bases[i])
            : n->of == NEAR_MISSING
                ? col_near_input(n->name, ql_ruleset_input_name(w->rs, i))
                : col_item_of(n->name, ql_ruleset_input_name(w->rs, i)) == 1;
    if (d && (!n->best_d || d < n->best_d || (d == n->best_d && i < n->best)))
        n->best = i, n->best_d = d;
}

/* The list input whose bare name (NAME of NAME[1] … NAME[n]) `name` is,
 * exactly (*exact 1) or as a near miss: its first item's name, its items
 * in *size; NULL when none.  A bare name would be read as no input at
 * all, every item empty. */
const char *cw_list_named(const col_watch *w, const char *name, int *size,
                          int *exact)
{
    if (!w->nlists)
        return NULL;
    strbuf b = {0};
    sb_puts(&b, name);
    sb_puts(&b, "[1]");
    int i = b.p ? ql_ruleset_input_index(w->rs, b.p) : -1;
    free(b.p);
    if (i >= 0 && w->list_of[i] >= 0 &&
        w->lists[w->list_of[i]].first == (size_t)i) {
        *exact = 1;
        *size = w->lists[w->list_of[i]].size;
        return ql_ruleset_input_name(w->rs, (size_t)i);
    }
    nearest n = {w, name, NEAR_LISTS, 0, 0};
    if (near_ready(w) || near_idx_each(w->near_lists, name, consider, &n) ||
        !n.best_d)
        return NULL;
    *exact = 0;
    *size = w->lists[n.best].size;
    return ql_ruleset_input_name(w->rs, w->lists[n.best].first);
}

const char *col_list_named(const col_watch *w, const char *name, int *items,
                           int *exact)
{
    if (ql_ruleset_input_index(w->rs, name) >= 0)
        return NULL; /* an input of that very name */
    return cw_list_named(w, name, items, exact);
}

const char *col_list_hint(const col_watch *w, const char *name, char *buf,
                          size_t size)
{
    int n, exact;
    const char *first = col_list_named(w, name, &n, &exact);
    if (!first)
        return NULL;
    int bl = (int)(strchr(first, '[') - first);
    strbuf e = {0};
    sb_put_escaped(&e, name, strlen(name));
    if (exact)
        snprintf(buf, size,
                 "'%s' is a list input of %d item%s: name its items, %.*s[1] … "
                 "%.*s[%d]",
                 CLI_SNIP(e.p ? e.p : ""), n, n == 1 ? "" : "s", bl, first, bl,
                 first, n);
    else
        snprintf(buf, size,
                 "did you mean the list '%.*s', items %.*s[1] … %.*s[%d]?", bl,
                 first, bl, first, bl, first, n);
    free(e.p);
    return buf;
}

int cw_say_list_named(const col_watch *w, const char *cmd, const char *where,
                      const char *what, const char *name)
{
    int size, exact;
    const char *first = cw_list_named(w, name, &size, &exact);
    if (!first)
        return 0;
    strbuf b = {0};
    sb_put_escaped(&b, name, strlen(name));
    int bl = (int)(strchr(first, '[') - first);
    const char *nm = b.p ? b.p : "";
    if (exact)
        fprintf(w->say,
                "quotalevy %s: %s: %s '%s' names a list input: '%s' is a list "
                "of %d "
                "item%s, read as %.*s[1], %.*s[2], … %.*s[%d], one %s each "
                "(this %s "
                "would be read as no input, every item empty; --ignore-columns "
                "'%s' "
                "reads the file anyway)\n",
                cmd, where, what, CLI_SNIP(nm), CLI_SNIP(nm), size,
                size == 1 ? "" : "s", bl, first, bl, first, bl, first, size,
                what, what, CLI_SNIP(nm));
    else
        fprintf(
            w->say,
            "quotalevy %s: %s: %s '%s' is not an input of the rules: did you "
            "mean "
            "the list '%.*s'? It is read as %.*s[1] … %.*s[%d], one %s each "
            "(--ignore-columns '%s' reads the file anyway)\n",
            cmd, where, what, CLI_SNIP(nm), bl, first, bl, first, bl, first,
            size, what, CLI_SNIP(nm));
    free(b.p);
    return 1;
}

/* The separator that `name` holds between names the rules read (';',
 * a tab, '|', or ',' inside quotes): a file separated by another
 * character than ',' reads as one column holding them all.  0 if none. */
char cw_sep_inside(const col_watch *w, const char *name)
{
    static const char seps[] = ";\t|,";
    for (const char *c = seps; *c; c++) {
        if (!strchr(name, *c))
            continue;
        char *copy = strdup(name), *save = NULL;
        char d[2] = {*c, 0};
        int found = 0;
        for (char *t = copy ? strtok_r(copy, d, &save) : NULL; t && !found;
             t = strtok_r(NULL, d, &save)) {
            size_t n = strlen(t);
            while (n &&
                   (t[n - 1] == ' ' || t[n - 1] == '"' || t[n - 1] == '\r'))
                t[--n] = '\0';
            while (*t == ' ' || *t == '"')
                t++;
            found = !strcmp(t, "id") || ql_ruleset_input_index(w->rs, t) >= 0;
        }
        free(copy);
        if (found)
            return *c;
    }
    return 0;
}

/* Appends `s` escaped, cut to about 60 bytes at a character's start. */
static void put_short(strbuf *b, const char *s)
{
    size_t n = strlen(s), cut = n;
    if (n > 60) {
        cut = 60;
        while (cut && ((unsigned char)s[cut] & 0xC0) == 0x80)
            cut--;
    }
    sb_put_escaped(b, s, cut);
    if (cut < n)
        sb_puts(b, "…");
}

static const char *sep_name(char c)
{
    return c == '\t' ? "tabs" : c == ';' ? "';'" : c == '|' ? "'|'" : "','";
}

/* A column holding a separator between input names: said, 1. */
int cw_say_sep(const col_watch *w, const char *cmd, const char *where,
               const char *what, const char *name, char sep)
{
    strbuf b = {0};
    put_short(&b, name);
    if (sep == ',')
        fprintf(
            w->say,
            "quotalevy %s: %s: %s '%s' holds ',' inside quotes between names "
            "of "
            "inputs: its names would be read as one, and those inputs as empty "
            "(unquote the header line)\n",
            cmd, where, what, CLI_SNIP(b.p ? b.p : ""));
    else
        fprintf(w->say,
                "quotalevy %s: %s: %s '%s' holds names of inputs separated by "
                "%s: the "
                "file seems to be separated by %s, and quotalevy reads CSV "
                "separated "
                "by ',' (save or convert the file as comma-separated CSV)\n",
                cmd, where, what, CLI_SNIP(b.p ? b.p : ""), sep_name(sep),
                sep_name(sep));
    free(b.p);
    return 1;
}

/* No column (key) is an input while some are read as nothing: every row
 * would be evaluated on the inputs' defaults alone (noinput.h decides and
 * words it).  Said, 1 (the run stops); 0 when some input is given. */
int cw_say_no_input(const col_watch *w, const char *cmd, const char *where,
                    int header, int any_input, const char *const *names,
                    size_t n)
{
    char msg[2048];
    if (!noinput_refuses(w->rs, (size_t)any_input))
        return 0;
    const char *first = n ? names[0] : "";
    if (header && n == 1 && !strncmp(first, "sep=", 4) && strlen(first) == 5)
        fprintf(
            w->say,
            "quotalevy %s: %s: the first line '%s' is a spreadsheet's hint "
            "that "
            "the file is separated by '%c'; quotalevy reads CSV separated by "
            "',' only (save or convert the file as comma-separated "
            "CSV; a first line 'sep=,' is read as Excel reads it)\n",
            cmd, where, CLI_SNIP(first), first[4]);
    else
        fprintf(w->say,
                "quotalevy %s: %s: %s%s (`quotalevy check RULES` lists the "
                "inputs)\n",
                cmd, where,
                noinput_message(msg, sizeof msg, w->rs, header,
                                header ? "the header" : "the record", names, n),
                header ? "; is the first line a header naming the columns?"
                       : "");
    return 1;
}

/* The first declared name without a column that `name` nearly is, or
 * NULL. */
const char *cw_near_input(const col_watch *w, const char *name, int has_date,
                          int has_id)
{
    nearest n = {w, name, NEAR_MISSING, 0, 0};
    const char *best = NULL;
    if (!near_ready(w) && !near_idx_each(w->near_inputs, name, consider, &n) &&
        n.best_d)
        best = ql_ruleset_input_name(w->rs, n.best);
    if (best)
        return best;
    if (!has_date && !w->has_date && col_near_miss(name, "date"))
        return "date";
    if (!has_id && col_near_miss(name, "id"))
        return "id";
    return NULL;
}

const char *cw_item_of_given(const col_watch *w, const char *name)
{
    nearest n = {w, name, NEAR_GIVEN, 0, 0};
    if (near_ready(w) || near_idx_each(w->near_inputs, name, consider, &n) ||
        !n.best_d)
        return NULL;
    return ql_ruleset_input_name(w->rs, n.best);
}

int cw_is_item_slip(const char *name, const char *meant)
{
    return !strchr(meant, '[') && col_item_of(name, meant);
}
