/*
 * keys.c — which keys of a jsonb record, or columns of a row, the rules
 * read, checked as the command checks a CSV header or a JSON Lines key:
 * a name that is no input, no list input given whole, not `id` and not
 * `date` is passed over, unless it is a near miss of an input that has
 * no key or column, or of a list's bare name — the rule of every front
 * end (tools/quotalevy/nearmiss.h: alike once folded as a reader sees
 * them, or an edit distance of at most 2), the nearest one named as the
 * command names it: then it is an error with "did you mean", since that
 * input would be read as empty and the levy change without a word.  A
 * list given whole (a JSON array) and by one of its items too is an
 * error: one of the two would be dropped.
 *
 * Any other name is passed over with a NOTICE, once per statement and
 * name (qlpg_notice_unread), as the command notes a column it does not
 * read: never an error, since tables carry columns the rules do not
 * need (a unit's name, its region), but never without a word either.
 *
 * The jsonb form checks each record (its keys vary); its common case, a
 * record whose every key feeds an input, costs one count.  The row form
 * checks its columns once per call, in rowmap_new.  (A record written as
 * JSON text has its keys checked for duplicates in jsontext.c.)
 */
#include "pg_quotalevy.h"

#include "access/xact.h"
#include "storage/proc.h"
#include "utils/builtins.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"

#include <string.h>

#include "../list_inputs.h" /* qlb_each_list: the lists, as every binding walks them */
#include "lookalike.h" /* name_fold */
#include "nearmiss.h"  /* near_folded: the near-miss rule of every front end */

#define NEAR_MAX 64 /* the longest list name looked up by its bare name */

/* The list input whose items are "key[1]" …, as its item count (0: none). */
int qlpg_list_size(const ql_ruleset *rs, const char *key, size_t n)
{
    char item[NEAR_MAX + 16];
    if (n == 0 || n > NEAR_MAX)
        return 0;
    int k = 0;
    for (;; k++) {
        snprintf(item, sizeof item, "%.*s[%d]", (int)n, key, k + 1);
        if (ql_ruleset_input_index(rs, item) < 0)
            return k;
    }
}

int qlpg_past_list(const ql_ruleset *rs, const char *key, size_t n, char *list,
                   size_t lsize)
{
    const char *br = memchr(key, '[', n);
    if (!br || br == key || key[n - 1] != ']')
        return 0;
    /* the bare name folded as the command folds a header's (case,
     * look-alikes: Positions[13] is no item either), compared with each
     * list's first item's */
    char *k = pnstrdup(key, (size_t)(br - key));
    int32_t *f = palloc(((size_t)(br - key) + 1) * sizeof *f);
    size_t nf = name_fold(k, f);
    int size = 0;
    size_t ni = ql_ruleset_input_count(rs);
    for (size_t i = 0; i < ni && !size; i++) {
        const char *in = ql_ruleset_input_name(rs, i);
        const char *ib = strchr(in, '[');
        if (!ib || ib == in || strcmp(ib, "[1]") || (size_t)(ib - in) != nf)
            continue;
        size_t j = 0;
        while (j < nf &&
               (f[j] == (unsigned char)in[j] ||
                (in[j] >= 'A' && in[j] <= 'Z' && f[j] == in[j] - 'A' + 'a')))
            j++;
        if (j < nf)
            continue;
        snprintf(list, lsize, "%.*s", (int)(ib - in), in);
        size = qlpg_list_size(rs, in, (size_t)(ib - in));
    }
    pfree(f);
    pfree(k);
    return size;
}

const char *qlpg_past_list_text(char *buf, size_t size, const char *list,
                                int items)
{
    snprintf(buf, size, "'%s' is a list of %d items, %s[1] … %s[%d]", list,
             items, list, list, items);
    return buf;
}

const char *qlpg_near_date_id(const ql_ruleset *rs, const char *given, size_t n,
                              bool date_missing, bool id_missing)
{
    char *g = pnstrdup(given, n);
    const char *meant = NULL;
    if (date_missing && ql_ruleset_input_index(rs, "date") < 0 &&
        col_near_miss(g, "date"))
        meant = "date";
    else if (id_missing && ql_ruleset_input_index(rs, "id") < 0 &&
             col_near_miss(g, "id"))
        meant = "id";
    pfree(g);
    return meant;
}

/* Whether input i has a key in jb, by its name or as an item of a list. */
static bool has_key(const ql_ruleset *rs, Jsonb *jb, size_t i)
{
    const char *name = ql_ruleset_input_name(rs, i);
    JsonbValue v;
    if (getKeyJsonValueFromContainer(&jb->root, name, strlen(name), &v))
        return true;
    const char *br = strchr(name, '[');
    return br && br > name &&
           getKeyJsonValueFromContainer(&jb->root, name, (int)(br - name), &v);
}

/* How near `name` is to the folded `g` (near_folded: 0 not at all, 1
 * alike once folded, 2 or 3 for one or two edits). */
static int nearness(const int32_t *g, size_t ng, const char *name)
{
    size_t len = strlen(name);
    int32_t small[128], *f = len < 128 ? small : palloc((len + 1) * sizeof *f);
    int d = near_folded(g, ng, f, name_fold(name, f));
    if (f != small)
        pfree(f);
    return d;
}

/* The list whose bare name the folded `g` nearest is (NAME of NAME[1] …),
 * written into buf; NULL when none. */
static const char *near_list(const ql_ruleset *rs, const int32_t *g, size_t ng,
                             char *buf, size_t size)
{
    size_t ni = ql_ruleset_input_count(rs);
    int best_d = 0;
    for (size_t i = 0; i < ni; i++) {
        const char *name = ql_ruleset_input_name(rs, i);
        const char *br = strchr(name, '[');
        if (!br || br == name || strcmp(br, "[1]") ||
            (size_t)(br - name) >= size)
            continue;
        char *base = pnstrdup(name, (size_t)(br - name));
        int d = nearness(g, ng, base);
        if (d && (!best_d || d < best_d)) {
            snprintf(buf, size, "%s", base);
            best_d = d;
        }
        pfree(base);
    }
    return best_d ? buf : NULL;
}

const char *qlpg_near_input(const ql_ruleset *rs, const char *given, size_t n,
                            Jsonb *jb, const bool *present, char *buf,
                            size_t size)
{
    size_t ni = ql_ruleset_input_count(rs);
    char *g = pnstrdup(given, n);
    int32_t *gf = palloc((n + 1) * sizeof *gf);
    size_t ng = name_fold(g, gf);
    const char *best = NULL;
    int best_d = 0;
    /* as the command: the nearest input without a value (the first
     * declared of equals), else the nearest list: 'Positions' */
    for (size_t i = 0; i < ni; i++) {
        const char *name = ql_ruleset_input_name(rs, i);
        if (present ? present[i] : has_key(rs, jb, i))
            continue;
        int d = nearness(gf, ng, name);
        if (d && (!best_d || d < best_d))
            best = name, best_d = d;
    }
    if (!best)
        best = near_list(rs, gf, ng, buf, size);
    pfree(gf);
    pfree(g);
    return best;
}

/* qlpg_partial_list's walk: the first list given in part, its error. */
typedef struct partial {
    const ql_ruleset *rs;
    const bool *given;
    const char *what;
    ql_error *err;
} partial;

static int list_partial(void *arg, size_t first, size_t size)
{
    partial *p = arg;
    const ql_ruleset *rs = p->rs;
    size_t have = 0;
    for (size_t k = 0; k < size; k++)
        have += p->given[first + k];
    if (!have || have == size)
        return 0;
    const char *name = ql_ruleset_input_name(rs, first);
    int bl = (int)(strchr(name, '[') - name);
    char miss[400] = "";
    size_t o = 0, nmiss = 0, firstmiss = 0;
    for (size_t k = 0; k < size; k++) {
        if (p->given[first + k])
            continue;
        if (!nmiss++)
            firstmiss = first + k;
        if (nmiss <= 6 && o < sizeof miss)
            o += (size_t)snprintf(miss + o, sizeof miss - o, "%s%s",
                                  nmiss > 1 ? ", " : "",
                                  ql_ruleset_input_name(rs, first + k));
        else if (nmiss == 7 && o < sizeof miss)
            o += (size_t)snprintf(miss + o, sizeof miss - o, ", …");
    }
    ql_error *err = p->err;
    const char *what = p->what;
    ql_error_clear(err);
    err->code = QL_ERECORD;
    snprintf(err->field, sizeof err->field, "%s",
             ql_ruleset_input_name(rs, firstmiss));
    snprintf(err->message, sizeof err->message,
             "the %s has %zu of the %zu items of the list '%.*s': no %s%s "
             "%s, so %s would be read as empty (give the %s%s, null where "
             "an item is meant empty)",
             what[0] == 'k' ? "record" : "row", size - nmiss, size, bl, name,
             what, nmiss == 1 ? "" : "s", miss, nmiss == 1 ? "it" : "they",
             what, nmiss == 1 ? "" : "s");
    return 1;
}

ql_status qlpg_partial_list(const ql_ruleset *rs, const bool *given,
                            const char *what, ql_error *err)
{
    partial p = {rs, given, what, err};
    return qlb_each_list(rs, list_partial, &p) ? QL_ERECORD : QL_OK;
}

static ql_status key_error(ql_error *err, const char *key, size_t n,
                           const char *fmt, const char *a, const char *b)
{
    ql_error_clear(err);
    err->code = QL_ERECORD;
    char *shown = qlpg_shown(key, n, 200);
    snprintf(err->field, sizeof err->field, "%s", shown);
    char what[400];
    snprintf(what, sizeof what, fmt, a, b);
    snprintf(err->message, sizeof err->message,
             "key '%s' is not an input of the rules: %s", shown, what);
    return QL_ERECORD;
}

ql_status qlpg_check_keys(const qlpg_entry *e, Jsonb *jb, int read,
                          bool date_missing, ql_error *err)
{
    const ql_ruleset *rs = e->rs;
    JsonbValue idv;
    bool id_missing = !getKeyJsonValueFromContainer(&jb->root, "id", 2, &idv);
    if ((int)JsonContainerSize(&jb->root) == read)
        return QL_OK; /* every key fed an input (or is id or date) */
    JsonbIterator *it = JsonbIteratorInit(&jb->root);
    JsonbValue k;
    JsonbIteratorToken tok;
    ql_status st = QL_OK;
    while (!st && (tok = JsonbIteratorNext(&it, &k, true)) != WJB_DONE) {
        if (tok != WJB_KEY)
            continue;
        const char *s = k.val.string.val;
        size_t n = (size_t)k.val.string.len;
        if ((n == 2 && !memcmp(s, "id", 2)) ||
            (n == 4 && !memcmp(s, "date", 4)))
            continue;
        char name[NEAR_MAX * 4 + 1];
        if (n < sizeof name) {
            memcpy(name, s, n);
            name[n] = '\0';
            if (ql_ruleset_input_index(rs, name) >= 0)
                continue;
        }
        int size = qlpg_list_size(rs, s, n);
        if (size > 0) {
            JsonbValue arr;
            getKeyJsonValueFromContainer(&jb->root, s, (int)n, &arr);
            bool is_array = arr.type == jbvBinary &&
                            JsonContainerIsArray(arr.val.binary.data);
            if (arr.type != jbvNull &&
                (!is_array ||
                 (int)JsonContainerSize(arr.val.binary.data) != size)) {
                ql_error_clear(err);
                err->code = QL_ERECORD;
                snprintf(err->field, sizeof err->field, "%s", name);
                snprintf(
                    err->message, sizeof err->message,
                    "'%s' is a list of %d items: give a JSON array of %d "
                    "values "
                    "(null for an empty item), not %s, or keys %s[1] … %s[%d]",
                    name, size, size,
                    is_array ? "an array of another length" : "a single value",
                    name, name, size);
                return QL_ERECORD;
            }
            for (int j = 1; j <= size; j++) {
                char item[NEAR_MAX + 16];
                JsonbValue v;
                snprintf(item, sizeof item, "%s[%d]", name, j);
                if (getKeyJsonValueFromContainer(&jb->root, item, strlen(item),
                                                 &v)) {
                    ql_error_clear(err);
                    err->code = QL_ERECORD;
                    snprintf(err->field, sizeof err->field, "%s", item);
                    snprintf(
                        err->message, sizeof err->message,
                        "the list '%s' is given whole and its item '%s' too: "
                        "give one or the other",
                        name, item);
                    st = QL_ERECORD;
                    break;
                }
            }
            continue;
        }
        char buf[NEAR_MAX + 1], list[NEAR_MAX + 1];
        const char *meant =
            qlpg_near_input(rs, s, n, jb, NULL, buf, sizeof buf);
        if (meant)
            st = key_error(
                err, s, n,
                "did you mean '%s'? (that input has no key, so it would be "
                "read as empty%s)",
                meant, "");
        else if ((size = qlpg_past_list(rs, s, n, list, sizeof list)) > 0) {
            /* positions[13] of twelve, positions[0]: no item, and no slip
             * of one either (P6-05), as the command refuses the column */
            char what[3 * NEAR_MAX + 64];
            st = key_error(err, s, n, "%s%s",
                           qlpg_past_list_text(what, sizeof what, list, size),
                           "");
        } else if ((meant = qlpg_near_date_id(rs, s, n, date_missing,
                                              id_missing))) {
            /* 'Date', 'dat', 'ID': the record's date or id, misspelt */
            st = key_error(err, s, n, "did you mean '%s'? (%s)", meant,
                           meant[0] == 'd'
                               ? "the record has no 'date' key and on_date is "
                                 "NULL, so it has no evaluation date"
                               : "the record has no 'id' key, so its result "
                                 "would have no id");
        } else
            qlpg_notice_unread(e->name, "key", s, n);
    }
    return st; /* the iterator's state is palloc'd: freed with the call's */
}

/* ------------------------------------------------- names that are not read */

/* The names already noticed in this statement (per backend), so that a
 * million rows with the same extra key say so once. */
#define NOTICED_MAX 64
static struct {
    LocalTransactionId lxid;
    TimestampTz started;
    int n;
    bool full;
    char *name[NOTICED_MAX];
} noticed;

void qlpg_notice_unread(const char *rules, const char *what, const char *name,
                        size_t n)
{
    const char *id =
        rules ? qlpg_shown(rules, strlen(rules), QLPG_NAME_MAX) : NULL;
    TimestampTz started = GetCurrentStatementStartTimestamp();
    if (noticed.lxid != MyProc->lxid || noticed.started != started) {
        for (int i = 0; i < noticed.n; i++)
            pfree(noticed.name[i]);
        noticed.n = 0;
        noticed.full = false;
        noticed.lxid = MyProc->lxid;
        noticed.started = started;
    }
    if (noticed.full)
        return;
    char *key = psprintf("%s\n%s\n%.*s", id ? id : "", what, (int)n, name);
    for (int i = 0; i < noticed.n; i++)
        if (!strcmp(noticed.name[i], key)) {
            pfree(key);
            return;
        }
    if (noticed.n == NOTICED_MAX) {
        noticed.full = true;
        pfree(key);
        ereport(NOTICE,
                (qlpg_errmsg(
                    "quotalevy: further %ss not read by rule set \"%s\" are "
                    "not listed in this statement",
                    what, id ? id : "")));
        return;
    }
    noticed.name[noticed.n++] = MemoryContextStrdup(TopMemoryContext, key);
    pfree(key);
    ereport(
        NOTICE,
        (qlpg_errmsg(
             "quotalevy: %s \"%s\" is not an input of rule set \"%s\" and is "
             "not read",
             what, qlpg_shown(name, n, 200), id ? id : ""),
         qlpg_errhint(
             "Leave it out of the record (a table's row: select only the "
             "columns the rules read), or SET client_min_messages = warning "
             "to run without these notes.")));
}
