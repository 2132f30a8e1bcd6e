/*
 * pg_quotalevy.h — what the PostgreSQL extension's files share.
 *
 * The extension is a client of the public library API (quotalevy.h) and
 * nothing else.  Its files, one concern each:
 *
 *   module.c    the module: PG_MODULE_MAGIC, _PG_init, library status →
 *               SQLSTATE and the ereport that carries field and location;
 *               names as messages show them
 *   store.c     rule files in quotalevy.rule_files: read by name, `extends`
 *               resolved by name, compiled; the triggers that check a file
 *               before it is stored and tell every backend it changed
 *   cache.c     compiled rule sets kept per backend, found by name (and
 *               what-if overrides), dropped when a rule file changes
 *   convert.c   a jsonb object, a table row or a row's columns into a
 *               record, and where a record's error lies
 *   results.c   a result into jsonb or into a composite row; a failed one
 *               as jsonb
 *   keys.c      the keys and columns a record has that the rules do not
 *               read (near misses, notices); JSON text's keys
 *   numeric.c   numeric ↔ ql_decimal from digits, without text
 *   support.c   the planner support function: a whole-row argument
 *               rewritten into the row's columns
 *   args.c      a call's NULL arguments, refused by name
 *   encoding.c  text between the database's encoding and UTF-8
 *   functions.c the SQL-callable functions
 *
 * Memory: the library allocates with malloc.  Its objects live either in
 * the backend cache (freed when evicted or invalidated) or, when they
 * belong to one call, are registered on that call's memory context with a
 * reset callback before anything can raise — so an error or a cancel
 * (which can only happen at a CHECK_FOR_INTERRUPTS, never inside the
 * library) frees them.
 */
#ifndef PG_QUOTALEVY_H
#define PG_QUOTALEVY_H

#include "postgres.h"

#include "access/htup.h"
#include "fmgr.h"
#include "utils/date.h"
#include "utils/jsonb.h"
#include "utils/numeric.h"

#include <quotalevy.h>

/* The names a rule file may have: at most this many bytes (the table's
 * CHECK constraint says the same). */
#define QLPG_NAME_MAX 200
/* The largest rule source accepted: the library's own file limit. */
#define QLPG_SOURCE_MAX (16 * 1024 * 1024)
/* Compiled rule sets kept per backend before the least recently used one
 * is dropped. */
#define QLPG_CACHE_MAX 32
/* What-if overrides in one call. */
#define QLPG_OVERRIDES_MAX 64
/* A record written as JSON text (the text and json forms): at most this
 * many bytes (the command's JSON Lines limit, JSONL_MAX_LINE) and this
 * deep (a record is flat: deeper is its error before PostgreSQL's
 * recursive parser could end the statement on it; jsontext.c). */
#define QLPG_TEXT_MAX (16 << 20)
#define QLPG_TEXT_DEPTH_MAX 64

/* -------------------------------------------------------------- encoding.c */

/* Text of the database's encoding as UTF-8, which every string inside
 * the extension is (encoding.c): s itself when nothing changes (a UTF8
 * database, ASCII), else a palloc'd copy, NUL-ended; its length in
 * *outlen.  Never refuses: every server encoding converts to UTF-8. */
char *qlpg_in(const char *s, size_t n, size_t *outlen);
/* The same for a NUL-ended string (a type's or a table's name). */
char *qlpg_in_cstr(const char *s);
/* UTF-8 data (a result's key or value, a name a function returns) in the
 * database's encoding: s itself when nothing changes, else palloc'd;
 * raises 22P05 naming it — `what` and, unless NULL, `name`: "the value of
 * output 'unit_kind'" — and the character, when the encoding has no
 * equivalent for one. */
char *qlpg_out(const char *s, size_t n, size_t *outlen, const char *what,
               const char *name);
/* Whether UTF-8 text s (n bytes) has an equivalent in the database's
 * encoding; when not, *code is the first character without one. */
bool qlpg_out_fits(const char *s, size_t n, unsigned *code);
/* UTF-8 prose a person reads (a message, a description, a citation,
 * explain's text) in the database's encoding, never raising: a character
 * it has no equivalent for is shown as \uXXXX ('…' as "..."). */
char *qlpg_out_prose(const char *s);

/* A jsonb value (the jsonb form's record) with its keys and strings as
 * UTF-8: jb itself in a UTF8 database, else a converted copy. */
Jsonb *qlpg_jsonb_in(Jsonb *jb);

/* errmsg, errdetail, errhint and errcontext for text built in UTF-8:
 * formatted, then converted as prose (every message of the extension goes
 * through these, so none can fail on a character of its own). */
#define qlpg_errmsg(...) errmsg_internal("%s", qlpg_out_prose(psprintf(__VA_ARGS__)))
#define qlpg_errdetail(...) errdetail_internal("%s", qlpg_out_prose(psprintf(__VA_ARGS__)))
#define qlpg_errhint(...) errhint("%s", qlpg_out_prose(psprintf(__VA_ARGS__)))
#define qlpg_errcontext(...) errcontext("%s", qlpg_out_prose(psprintf(__VA_ARGS__)))

/* ---------------------------------------------------------------- module.c */

/* The SQLSTATE for a library status. */
int qlpg_sqlstate(ql_status st);

/* Raises `err` (status st) as an ERROR with its SQLSTATE; `what` opens the
 * message ("rule set 'cn/jilin'", …), the field and the rules-file
 * location go to DETAIL. */
void qlpg_raise(ql_status st, const ql_error *err, const char *what)
    pg_attribute_noreturn();

/* How a record is given: a jsonb object, a row of any composite type, a
 * table's columns one by one (what support.c rewrites a whole-row
 * argument into), or JSON text (text or json, read as jsonb once its keys
 * are checked). */
enum { QLPG_FORM_JSONB, QLPG_FORM_ROW, QLPG_FORM_COLUMNS, QLPG_FORM_TEXT };

/* Where an evaluation error lies, in the user's terms: the table and row
 * (its ctid) the record came from, the column or key of the field, and
 * the rule's position named as quotalevy.rule_files names the file.  Each
 * part is "" when unknown. */
typedef struct qlpg_where {
    char table[2 * NAMEDATALEN + 8]; /* "public.units" */
    char row[32];                    /* "(0,3)" */
    char field[QL_ERROR_FIELD_MAX + 16]; /* 'column "wage_total"' */
    char rule[QLPG_NAME_MAX + 32];   /* "cn/national:219:35" */
} qlpg_where;

/* Raises as qlpg_raise, with DETAIL saying where (w may be NULL). */
void qlpg_raise_at(ql_status st, const ql_error *err, const char *what,
                   const qlpg_where *w) pg_attribute_noreturn();

/* Name, key, id or value s (n bytes) as a message shows it (palloc'd):
 * control characters, line and paragraph separators, bidirectional
 * controls, characters that print as nothing and bytes that are not UTF-8
 * as \n, \r, \t, \xNN or \uXXXX — as the library's and the command's
 * messages show them — so a name can neither forge a line of a log nor
 * look like another; quotes and backslashes as \" \' \\, so that
 * nothing in it can close the quotes a message puts around it; at most
 * `max` bytes of s are shown, cut before a character, then "…". */
char *qlpg_shown(const char *s, size_t n, size_t max);
/* The same into buf (size bytes, NUL included; cut to fit), without
 * allocating: for the include resolver, which may not palloc.  Returns
 * the bytes written. */
size_t qlpg_shown_into(char *buf, size_t size, const char *s, size_t n,
                       size_t max);

/* ----------------------------------------------------------------- args.c */

/* Raises 22004 (null_value_not_allowed): argument `arg` (from 0) of the
 * function being called is NULL; the message names it as the catalog
 * does, DETAIL gives the signature, HINT says it is `takes`. */
void qlpg_null_arg(FunctionCallInfo fcinfo, int arg, const char *takes)
    pg_attribute_noreturn();

/* Argument `arg` must not be NULL (it is `takes`). */
#define QLPG_NEED_ARG(fcinfo, arg, takes)                                     \
    do {                                                                      \
        if (PG_ARGISNULL(arg))                                                \
            qlpg_null_arg(fcinfo, arg, takes);                                \
    } while (0)

/* What a rule set name is, as every function's hint says it. */
#define QLPG_TAKES_RULES                                                      \
    "the name of a rule file of quotalevy.rule_files, such as 'cn/jilin'"

/* ---------------------------------------------------------------- store.c */

/* Compiles the rule file `name` from quotalevy.rule_files, `extends`
 * resolved by name in the same table, with n overrides.  When
 * `self_source` is not NULL it stands for the file `self_name`'s source
 * (a row about to be stored).  On success *out owns the rule set; on
 * failure err is filled (an unknown name is QL_ENAME).  Never raises for a
 * bad file; raises only when the table cannot be read. */
ql_status qlpg_compile(ql_ruleset **out, const char *name,
                       const char *self_name, const char *self_source,
                       const ql_override *ovr, size_t n, ql_error *err);

/* As qlpg_compile (in the query's snapshot), and *files (when not NULL)
 * is set to the entry's `files` list, malloc'd. */
ql_status qlpg_compile_named(ql_ruleset **out, char **files, const char *name,
                             const ql_override *ovr, size_t n, ql_error *err);

/* The rule file name that `file` (an error's file, as a load or an
 * evaluation wrote it) stands for, given an entry's `files` list. */
const char *qlpg_file_name(const char *files, const char *file);

/* The Oid of quotalevy.rule_files (InvalidOid when the extension is not
 * installed in this database). */
Oid qlpg_rule_files_oid(void);

/* ---------------------------------------------------------------- cache.c */

/* One compiled rule set with the record and result its evaluations
 * reuse.  Owned by the cache; valid until the next qlpg_cache_get. */
typedef struct qlpg_entry {
    ql_ruleset *rs;
    ql_record *rec;
    ql_result *res;
    /* the names its `extends` wrote and the rule files they are, as
     * "national.yaml\0cn/national\0…\0" (malloc'd; NULL: none), so that an
     * evaluation error names the file as the table does */
    char *files;
    uint64 serial; /* changes whenever the entry holds another rule set */
    const char *name; /* the rule file's name, as the call gave it */
} qlpg_entry;

/* What a call site keeps between rows (fn_extra, in fn_mcxt). */
typedef struct qlpg_call {
    int slot;      /* cache.c: the slot last found, −1 none */
    uint64 serial; /* … and the entry serial it had then */
    char *key;
    size_t keylen;
    void *rowmap;  /* convert.c: a row type's columns mapped to inputs */
    void *outmap;  /* results.c: a result type's columns mapped to outputs */
    Oid shape;     /* functions.c: evaluate_as's result type, once checked */
} qlpg_call;

qlpg_call *qlpg_call_of(FunctionCallInfo fcinfo);

/* The rule set `name` compiled under `overrides` (a text[] Datum, or 0
 * for none), from the cache or loaded now; raises when it cannot be
 * compiled.  `memo` is the caller's fn_extra slot: a call site that asks
 * for the same name again finds its entry without a lookup (qlpg_call). */
qlpg_entry *qlpg_cache_get(FunctionCallInfo fcinfo, text *name,
                           Datum overrides, bool have_overrides);

/* Registers the invalidation callback (from _PG_init). */
void qlpg_cache_init(void);

/* ----------------------------------------------------------------- keys.c */

/* The list input whose items are "key[1]" …, as its item count (0: none). */
int qlpg_list_size(const ql_ruleset *rs, const char *key, size_t n);
/* The input with no key (jb) or column (present[i]) that `given` is a
 * near miss of, the nearest as the command finds it, else the list whose
 * bare name it nearly is (written into buf), else NULL. */
const char *qlpg_near_input(const ql_ruleset *rs, const char *given, size_t n,
                            Jsonb *jb, const bool *present, char *buf, size_t size);
/* NAME[…] that folds (case, look-alikes) to a list input's bare name
 * but is none of its items — positions[13] of twelve, positions[0],
 * Positions[1]: the list's item count, its name written into list;
 * else 0.  The command refuses such a column, and so do both forms. */
int qlpg_past_list(const ql_ruleset *rs, const char *key, size_t n, char *list,
                   size_t lsize);
/* "'positions' is a list of 12 items, positions[1] … positions[12]",
 * the words of both forms and of the command, into buf. */
const char *qlpg_past_list_text(char *buf, size_t size, const char *list,
                                int items);
/* "date" when `given` is a near miss of it (Date, dat) and the record has
 * no date where one is read (date_missing: no 'date' and on_date NULL),
 * "id" when it is one of `id` (ID, Id) and the record has none, as the
 * command suggests them for a header; NULL otherwise (or when the rule
 * set has an input of that name, which the inputs' near misses cover). */
const char *qlpg_near_date_id(const ql_ruleset *rs, const char *given, size_t n,
                              bool date_missing, bool id_missing);
/* The keys of jb the rules do not read, checked (the file's comment);
 * `read` counts those that fed an input or are id or date, and
 * date_missing says the record has no date where one is read. */
ql_status qlpg_check_keys(const qlpg_entry *e, Jsonb *jb, int read,
                          bool date_missing, ql_error *err);
/* A list input some of whose items are given (given[i], per input) and
 * others not — each missing item would be read as empty: QL_ERECORD
 * naming them ("key" or "column" in `what`), else QL_OK (P3-21). */
ql_status qlpg_partial_list(const ql_ruleset *rs, const bool *given,
                            const char *what, ql_error *err);
/* A NOTICE that `what` ("key", "column") `name` is not read by rule set
 * `rules`, once per statement and name in this backend. */
void qlpg_notice_unread(const char *rules, const char *what, const char *name,
                        size_t n);

/* ------------------------------------------------------------- jsontext.c */

/* A record written as JSON text into jsonb (*out, palloc'd): QL_ERECORD in
 * err for text that is not JSON, an object with a key given twice
 * (err->field names it; the cast to jsonb would drop one silently), a
 * text past QLPG_TEXT_MAX or nested past QLPG_TEXT_DEPTH_MAX — never an
 * ERROR from PostgreSQL's readers for what one record's text holds. */
ql_status qlpg_jsonb_from_text(text *t, Jsonb **out, ql_error *err);

/* -------------------------------------------------------------- convert.c */

/* Sets e->rec from a jsonb object (keys are input names; a `date` key is
 * the date, into *date and *have_date, when *have_date is false, and the
 * record's error when it is true).  Returns QL_OK or a record error in
 * err (err->field names the key); never raises for a bad value. */
ql_status qlpg_record_from_jsonb(qlpg_entry *e, Jsonb *jb, bool *have_date,
                                 ql_date *date, char **id, ql_error *err);

/* The same from the columns form's arguments: the column names (text[])
 * in argument 1, the table, the row's ctid and the values from argument
 * `first` on. */
ql_status qlpg_record_from_columns(FunctionCallInfo fcinfo, qlpg_entry *e,
                                   int first, bool *have_date, ql_date *date,
                                   char **id, ql_error *err);

/* Where err lies (see qlpg_where) for a record of the given form. */
void qlpg_where_of(FunctionCallInfo fcinfo, int form, const qlpg_entry *e,
                   const ql_error *err, qlpg_where *w);

/* The same from a row of any composite type: columns are mapped to inputs
 * by name, as the command maps CSV headers.  `memo` caches the mapping
 * per row type in fn_mcxt. */
ql_status qlpg_record_from_row(FunctionCallInfo fcinfo, qlpg_entry *e,
                               HeapTupleHeader row, bool *have_date,
                               ql_date *date, char **id, ql_error *err);

/* -------------------------------------------------------------- results.c */

/* The outputs and checks of the last evaluation as jsonb, named as in the
 * command's JSON Lines (checks as objects of five fields); numbers keep
 * the scale the library gives them. */
Jsonb *qlpg_result_jsonb(const qlpg_entry *e, const char *id);

/* A failed evaluation as {"error": {status, sqlstate, field, message,
 * file, line, column, table, row}}: file as the table names it, table and
 * row (ctid) when known. */
Jsonb *qlpg_error_jsonb(const ql_error *err, const char *id,
                        const qlpg_where *w);

/* True, with err a record's error naming it, when the value of a string
 * output of the last evaluation has a character the database's encoding
 * cannot hold — which try_evaluate gives as that record's error, where
 * the other functions raise 22P05; false at once in a UTF8 database. */
bool qlpg_result_unfit(const qlpg_entry *e, ql_error *err);

/* The result as a row of composite type `typid`: each attribute is filled
 * from the output (or check field, name_required …) of the same name.  An
 * error on the way says, in CONTEXT, which column of which record and
 * table row (the record's form: QLPG_FORM_*). */
Datum qlpg_result_row(FunctionCallInfo fcinfo, const qlpg_entry *e, Oid typid,
                      const char *id, int form);

/* -------------------------------------------------------------- numeric.c */

/* A numeric Datum as a ql_decimal at its display scale, straight from its
 * digits; false (out untouched) for what this does not cover — NaN,
 * infinities, a coefficient past int64, a scale past 18 — which the
 * caller then passes as numeric_out's text. */
bool qlpg_numeric_to_decimal(Datum d, ql_decimal *out);

/* A ql_decimal as a numeric of the same scale (no text in between when
 * the coefficient fits in int64). */
Numeric qlpg_decimal_to_numeric(const ql_decimal *d);

/* ql_date ↔ PostgreSQL DateADT (days since 2000-01-01). */
#define QLPG_EPOCH_SHIFT 10957
/* The days the library holds, 0001-01-01 … 9999-12-31 (ql_date_format),
 * as DateADT. */
#define QLPG_DATE_FIRST (-730119)
#define QLPG_DATE_LAST 2921939

/* A PostgreSQL date as the library's: false (out untouched) for one it
 * cannot hold — infinity, a BC date, a year past 9999 — which each
 * caller refuses in its own way (a record's error, the call's). */
static inline bool qlpg_date_of(DateADT d, ql_date *out)
{
    if (DATE_NOT_FINITE(d) || d < QLPG_DATE_FIRST || d > QLPG_DATE_LAST)
        return false;
    *out = (ql_date)(d + QLPG_EPOCH_SHIFT);
    return true;
}
#endif
