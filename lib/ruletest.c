/*
 * ruletest.c — a rule set's own test cases, written as YAML (the format
 * `quotalevy test --help` shows; ql_test_file in quotalevy.h).
 *
 * A test file names its rule set (relative to itself) and lists cases,
 * each a record, a date and what it must give.  Numbers compare by exact
 * decimal value, so "1.6" matches "1.600"; every other value compares as
 * text.  The file is read with the loader's own tree (yamltree.c), so
 * test files get the strict treatment rules files get: unknown and
 * duplicate keys are errors, every failure has its line.  The cases run
 * through the public API only, as any program would run them.
 */
#include "decimal.h"
#include "names.h"
#include "rules.h"
#include "ruleset.h"
#include "snippet.h"
#include "yamltree.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef struct tstate {
    const char *file;
    const ql_ruleset *rs;
    ql_record *rec;
    ql_result *res;
    ql_test_failure_cb cb;
    void *payload;
    int failed_here; /* failures in the current case */
} tstate;

static void case_fail(tstate *t, const ynode *at, const char *name,
                      const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void case_fail(tstate *t, const ynode *at, const char *name,
                      const char *fmt, ...)
{
    char raw[QL_TEST_MESSAGE_MAX * 2], msg[QL_TEST_MESSAGE_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(raw, sizeof raw, fmt, ap);
    va_end(ap);
    qli_message_clean(msg, sizeof msg, raw); /* one line of UTF-8 */
    if (t->cb)
        t->cb(t->file, at->line, name, msg, t->payload);
    t->failed_here++;
}

/* Compares an actual value with the expected scalar text, a number
 * read as a rules file reads one ("50%" is 0.5) and compared exactly. */
static int value_matches(const ql_value *v, const char *want)
{
    char got[QL_DECIMAL_TEXT_MAX * 4];
    if (v->type == QL_TYPE_NONE)
        return !strcmp(want, "") || !strcmp(want, "n/a");
    if (v->type == QL_TYPE_NUMBER) {
        ql_decimal d;
        size_t n = strlen(want);
        int pct = n > 0 && want[n - 1] == '%';
        if (ql_decimal_parse(&d, want, n - (size_t)pct, NULL))
            return 0;
        if (pct) { /* 1.5% = 15 × 10^−3: the same digits, two more places */
            if (d.scale + 2 > QL_DECIMAL_MAX_SCALE)
                return 0;
            d.scale += 2;
        }
        return ql_decimal_compare(&d, &v->number) == 0;
    }
    ql_value_format(got, sizeof got, v);
    return !strcmp(got, want);
}

static const char *show(const ql_value *v, char *buf, size_t size)
{
    if (v->type == QL_TYPE_NONE)
        return "n/a";
    ql_value_format(buf, size, v);
    return buf;
}

static int find_output(const ql_ruleset *rs, const char *name)
{
    for (size_t i = 0; i < ql_ruleset_output_count(rs); i++)
        if (!strcmp(ql_ruleset_output_name(rs, i), name))
            return (int)i;
    return -1;
}

static int find_check(const ql_ruleset *rs, const char *name)
{
    for (size_t i = 0; i < ql_ruleset_check_count(rs); i++)
        if (!strcmp(ql_ruleset_check_name(rs, i), name))
            return (int)i;
    return -1;
}

/* Whether s is one of the words a, b and c (c may be NULL). */
static int is_word(const char *s, const char *a, const char *b, const char *c)
{
    return !strcmp(s, a) || !strcmp(s, b) || (c && !strcmp(s, c));
}

/* One expected check: a scalar (n/a, true, false) or a field mapping. */
static void expect_check(tstate *t, const char *cname, int k, const ynode *key,
                         const ynode *want)
{
    ql_check_result c = QL_CHECK_RESULT_INIT;
    ql_result_check(&c, t->res, (size_t)k);
    char buf[QL_DECIMAL_TEXT_MAX];
    if (want->kind == YN_SCALAR) {
        const char *got = !c.applicable ? "n/a"
                          : c.compliant ? "true"
                                        : "false";
        if (!is_word(want->text, "n/a", "true", "false")) {
            /* compared, a slip would read as "expected maybe, got false" */
            case_fail(t, want, cname,
                      "%s: %s is not a check's outcome (expected n/a, "
                      "true, false or a mapping of its fields)",
                      key->text, QLI_QUOTE_N(want->text, want->len));
            return;
        }
        if (strcmp(got, want->text))
            case_fail(t, want, cname, "%s: expected %s, got %s", key->text,
                      want->text, got);
        return;
    }
    if (want->kind != YN_MAP) {
        case_fail(t, want, cname, "%s: expected n/a, true, false or a mapping",
                  key->text);
        return;
    }
    if (want->n == 0) {
        /* `{}` compares nothing: a case that cannot fail, as `expect: {}` */
        case_fail(t, want, cname,
                  "%s: an empty mapping expects nothing: give n/a, true, "
                  "false or the fields the check must have",
                  key->text);
        return;
    }
    for (size_t i = 0; i < want->n; i++) {
        const ynode *fk = want->items[2 * i], *fv = want->items[2 * i + 1];
        if (fv->kind != YN_SCALAR) {
            case_fail(t, fv, cname, "%s.%s: expected a scalar", key->text,
                      fk->text);
            continue;
        }
        ql_value v = QL_VALUE_INIT;
        if (!strcmp(fk->text, "applicable") || !strcmp(fk->text, "compliant")) {
            int app = !strcmp(fk->text, "applicable");
            if (!is_word(fv->text, "true", "false", app ? NULL : "n/a")) {
                case_fail(t, fv, cname,
                          "%s.%s: %s is not %s (expected true or false%s)",
                          key->text, fk->text, QLI_QUOTE_N(fv->text, fv->len),
                          app ? "a boolean" : "a boolean or n/a",
                          app ? "" : ", or n/a when the check does not apply");
                continue;
            }
            int b =
                !strcmp(fk->text, "applicable") ? c.applicable : c.compliant;
            v.type = QL_TYPE_BOOL;
            v.boolean = b;
            if (!strcmp(fk->text, "compliant") && !c.applicable)
                v.type = QL_TYPE_NONE;
        } else if (!strcmp(fk->text, "required")) {
            v = c.required;
        } else if (!strcmp(fk->text, "actual")) {
            v = c.actual;
        } else if (!strcmp(fk->text, "shortfall")) {
            v = c.shortfall;
        } else {
            case_fail(t, fk, cname,
                      "%s: a check has no field %s (expected applicable, "
                      "compliant, required, actual or shortfall)",
                      key->text, QLI_QUOTE_N(fk->text, fk->len));
            continue;
        }
        if (!value_matches(&v, fv->text))
            case_fail(t, fv, cname, "%s.%s: expected %s, got %s", key->text,
                      fk->text, fv->text, show(&v, buf, sizeof buf));
    }
}

/* A computed value that is not an output, from the trace. */
static int traced_value(const ql_result *res, const char *name, ql_value *out)
{
    for (size_t i = 0; i < ql_result_trace_count(res); i++) {
        ql_trace_step s = QL_TRACE_STEP_INIT;
        ql_result_trace_step(&s, res, i);
        if (s.kind == QL_STEP_COMPUTED && !strcmp(s.name, name)) {
            *out = s.value;
            return 0;
        }
    }
    return -1;
}

/* "; did you mean 'x'?" for an `expect:` key no output, check or
 * evaluated computed value has (P6-04: `levy_dew` for `levy_due`). */
static const char *nearest_name(const tstate *t, const ynode *key, char *buf,
                                size_t size)
{
    qli_suggest sg;
    qli_suggest_init(&sg, key->text, key->len);
    for (size_t i = 0; i < ql_ruleset_output_count(t->rs); i++)
        qli_suggest_try(&sg, ql_ruleset_output_name(t->rs, i));
    for (size_t i = 0; i < ql_ruleset_check_count(t->rs); i++)
        qli_suggest_try(&sg, ql_ruleset_check_name(t->rs, i));
    for (size_t i = 0; i < ql_result_trace_count(t->res); i++) {
        ql_trace_step s = QL_TRACE_STEP_INIT;
        ql_result_trace_step(&s, t->res, i);
        if (s.kind == QL_STEP_COMPUTED)
            qli_suggest_try(&sg, s.name);
    }
    return qli_suggest_text(&sg, buf, size);
}

/* One expected output or evaluated computed value. */
static void expect_value(tstate *t, const char *cname, const ynode *key,
                         const char *name, const ynode *want)
{
    char buf[QL_DECIMAL_TEXT_MAX * 4];
    if (want->kind != YN_SCALAR) {
        case_fail(t, want, cname, "%s: expected a scalar value", name);
        return;
    }
    ql_value v = QL_VALUE_INIT;
    int o = find_output(t->rs, name);
    if (o >= 0) {
        ql_result_output(&v, t->res, (size_t)o);
    } else if (traced_value(t->res, name, &v)) {
        char hint[QL_TEST_MESSAGE_MAX / 4];
        case_fail(t, key, cname,
                  "%s is not an output, check or evaluated computed "
                  "value%s",
                  QLI_QUOTE(name), nearest_name(t, key, hint, sizeof hint));
        return;
    }
    /* a bool's slip (yes, maybe) compared would read as a wrong result,
     * "expected yes, got true", as a check's outcome would (P6-04) */
    ql_type type = o >= 0 ? ql_ruleset_output_type(t->rs, (size_t)o) : v.type;
    if (type == QL_TYPE_BOOL && !is_word(want->text, "true", "false", "n/a")) {
        case_fail(t, want, cname,
                  "%s: '%s' is not a boolean (expected true or false)", name,
                  want->text);
        return;
    }
    size_t wl = want->len - (want->len && want->text[want->len - 1] == '%');
    qd d;
    int q = wl ? qli_qd_parse(&d, want->text, wl) : QD_OK;
    if (v.type == QL_TYPE_NUMBER && strcmp(want->text, "n/a") && q) {
        /* "expected 0e-400, got 0" would hide why it can never match */
        char why[256];
        case_fail(t, want, cname, "%s: expected %s, which is not a number: %s",
                  name, want->text,
                  qli_qd_text_message(q, want->text, wl, why, sizeof why));
        return;
    }
    if (!value_matches(&v, want->text))
        case_fail(t, want, cname, "%s: expected %s, got %s", name, want->text,
                  show(&v, buf, sizeof buf));
}

/* `check.field: value`, one field of a check as formulas name it
 * (probe17 P17-05: 'ratio_check.compliant' was "not an output, check or
 * evaluated computed value"): the check's mapping of that one field.  0
 * when key is no check's name with a dot after it. */
static int dotted_check(tstate *t, const char *cname, const ynode *key,
                        const ynode *want)
{
    const char *dot = strchr(key->text, '.');
    char check[QL_ERROR_FIELD_MAX];
    size_t cl = dot ? (size_t)(dot - key->text) : 0;
    if (!dot || cl >= sizeof check)
        return 0;
    memcpy(check, key->text, cl);
    check[cl] = '\0';
    int k = find_check(t->rs, check);
    if (k < 0)
        return 0;
    ynode ck = *key, field = *key, one = *want;
    ck.text = check;
    ck.len = cl;
    field.text = dot + 1;
    field.len = key->len - cl - 1;
    ynode *pair[2] = {&field, (ynode *)want};
    one.kind = YN_MAP;
    one.n = 1;
    one.items = pair;
    expect_check(t, cname, k, &ck, &one);
    return 1;
}

static void check_expect(tstate *t, const char *cname, const ynode *expect)
{
    for (size_t i = 0; i < expect->n; i++) {
        const ynode *key = expect->items[2 * i],
                    *want = expect->items[2 * i + 1];
        int k = find_check(t->rs, key->text);
        if (k >= 0) {
            expect_check(t, cname, k, key, want);
            continue;
        }
        if (dotted_check(t, cname, key, want))
            continue;
        if (want->kind == YN_SEQ && want->n == 0) {
            case_fail(t, want, cname,
                      "%s: an empty list expects nothing: give each item's "
                      "value",
                      key->text);
            continue;
        }
        if (want->kind == YN_SEQ) {
            /* a list: item j is name[j] */
            for (size_t j = 0; j < want->n; j++) {
                char name[512];
                snprintf(name, sizeof name, "%s[%zu]", key->text, j + 1);
                expect_value(t, cname, key, name, want->items[j]);
            }
            continue;
        }
        expect_value(t, cname, key, key->text, want);
    }
}

/* Whether map key k is one of keys[0 … n); the nearest of them for a
 * "did you mean" in sg either way (sg->best NULL when none is near). */
static int key_known(const ynode *k, const char *const *keys, size_t n,
                     qli_suggest *sg)
{
    int ok = 0;
    qli_suggest_init(sg, k->text, k->len);
    for (size_t j = 0; j < n; j++) {
        ok |= !strcmp(k->text, keys[j]);
        qli_suggest_try(sg, keys[j]);
    }
    return ok;
}

/* An expected error the case could never tell apart (P4-15): a key
 * other than code, field and message, a status name the library does
 * not have (a typo would fail every run as "got QL_ERECORD", or, worse,
 * read as the right one), QL_OK, or an empty field or message part,
 * which every error matches.  Each a located failure of the case. */
static int error_part_ok(tstate *t, const char *cname, const ynode *want,
                         const ynode *code, const ynode *field,
                         const ynode *msg)
{
    static const char *const keys[] = {"code", "field", "message"};
    for (size_t i = 0; want->kind == YN_MAP && i < want->n; i++) {
        const ynode *k = want->items[2 * i];
        qli_suggest sg;
        if (!key_known(k, keys, 3, &sg)) {
            case_fail(t, k, cname,
                      "error: unknown key %s%s%s%s (expected code, "
                      "field or message)",
                      QLI_QUOTE_N(k->text, k->len),
                      sg.best ? "; did you mean '" : "", sg.best ? sg.best : "",
                      sg.best ? "'?" : "");
            return 0;
        }
    }
    qli_suggest sg;
    int known = 0;
    qli_suggest_init(&sg, code->text, code->len);
    for (int c = QL_EINVAL; c >= QL_ELIMIT; c--) { /* -1 … -11 */
        known |= !strcmp(code->text, ql_status_name(c));
        qli_suggest_try(&sg, ql_status_name(c));
    }
    if (!known) {
        case_fail(t, code, cname,
                  "error: %s is not a status name%s%s%s (the names are "
                  "QL_EINVAL … QL_ELIMIT, as ql_status_name gives them; QL_OK "
                  "is no error)",
                  QLI_QUOTE_N(code->text, code->len),
                  sg.best ? "; did you mean '" : "", sg.best ? sg.best : "",
                  sg.best ? "'?" : "");
        return 0;
    }
    const ynode *part[2] = {field, msg};
    static const char *const what[2] = {"field", "message"};
    for (int j = 0; j < 2; j++) {
        if (!part[j])
            continue;
        if (part[j]->kind != YN_SCALAR || part[j]->len == 0) {
            case_fail(t, part[j], cname,
                      "error: '%s' must be %s: an empty one matches every "
                      "error, so the case could not fail",
                      what[j],
                      j ? "a part of the expected message" : "a field name");
            return 0;
        }
    }
    return 1;
}

/* The case expects an error: compare code, field and message. */
static void check_error(tstate *t, const char *cname, const ynode *want,
                        ql_status st, const ql_error *err)
{
    const ynode *code = want, *field = NULL, *msg = NULL;
    if (want->kind == YN_MAP) {
        code = qli_ymap_get(want, "code");
        field = qli_ymap_get(want, "field");
        msg = qli_ymap_get(want, "message");
    }
    if (!code || code->kind != YN_SCALAR) {
        case_fail(t, want, cname,
                  "error: expected a status name such as QL_ERECORD");
        return;
    }
    if (!error_part_ok(t, cname, want, code, field, msg))
        return;
    if (st == QL_OK) {
        case_fail(t, want, cname, "expected error %s, but the record evaluated",
                  code->text);
        return;
    }
    char text[2048];
    ql_error_format(text, sizeof text, err);
    if (strcmp(code->text, ql_status_name(st)))
        case_fail(t, code, cname, "expected error %s, got %s: %s",
                  QLI_BARE_SHORT(code->text), ql_status_name(st), text);
    else if (field && strcmp(field->text, err->field))
        case_fail(t, field, cname,
                  "expected the error on field %s, got '%s': %s",
                  QLI_QUOTE_N(field->text, field->len), err->field, text);
    else if (msg && !strstr(err->message, msg->text))
        case_fail(t, msg, cname,
                  "expected the message to contain \"%s\", got: %s", msg->text,
                  text);
}

/* Every number output of the case has its output's scale: the places
 * the rule set declares (money its currency's), whatever the inputs. */
static void check_scales(tstate *t, const char *cname, const ynode *c)
{
    for (size_t i = 0; i < ql_ruleset_output_count(t->rs); i++) {
        ql_value v = QL_VALUE_INIT;
        if (ql_result_output(&v, t->res, i) || v.type != QL_TYPE_NUMBER)
            continue;
        int want = ql_ruleset_output_scale(t->rs, i);
        if (v.number.scale != want)
            case_fail(
                t, c, cname, "%s has %d decimal places, but its scale is %d",
                ql_ruleset_output_name(t->rs, i), (int)v.number.scale, want);
    }
}

static const char *const case_keys[] = {"name",  "date", "input", "expect",
                                        "error", "note", NULL};

/* Whether text has the form NNNN-NN-NN. */
static int date_shaped(const char *text)
{
    for (int i = 0; i < 10; i++)
        if (i == 4 || i == 7 ? text[i] != '-'
                             : (text[i] < '0' || text[i] > '9'))
            return 0;
    return text[10] == '\0';
}

/* The list input whose items are NAME[1] … (the first len bytes of
 * name), or NULL. */
static const input_def *list_input(const ql_ruleset *rs, const char *name,
                                   size_t len)
{
    for (size_t i = 0; i < rs->n_inputs; i++) {
        const input_def *in = &rs->inputs[i];
        if (in->family && in->elem == 1 && strlen(in->family) == len &&
            !memcmp(in->family, name, len))
            return in;
    }
    return NULL;
}

/* The family and item of a key NAME[N] (N from 1, no sign or leading
 * zero), or 0. */
static int item_key(const char *key, size_t *flen, long *item)
{
    const char *b = strchr(key, '[');
    size_t n = strlen(key);
    if (!b || b == key || n < 3 || key[n - 1] != ']' || b[1] < '1' ||
        b[1] > '9')
        return 0;
    long v = 0;
    for (const char *p = b + 1; p < key + n - 1; p++) {
        if (*p < '0' || *p > '9' || v > 100000)
            return 0;
        v = v * 10 + (*p - '0');
    }
    *flen = (size_t)(b - key);
    *item = v;
    return 1;
}

/* A case gives a list input whole, as every other front end must: as a
 * YAML list of exactly its items, or as every item's key.  One item too
 * few would be read as the list's default without a word, so a month
 * left out by a slip would pass (probe13 P13-17).  Returns 1 if so. */
static int case_lists_whole(tstate *t, const char *cname, const ynode *input)
{
    for (size_t i = 0; i < input->n; i++) {
        const ynode *k = input->items[2 * i], *v = input->items[2 * i + 1];
        const input_def *in = list_input(t->rs, k->text, k->len);
        size_t flen;
        long item;
        if (in && v->kind == YN_SEQ && v->n != (size_t)in->family_len) {
            case_fail(t, v, cname,
                      "input %s is a list of %d items, but the case gives "
                      "%zu (~ leaves an item empty)",
                      QLI_QUOTE_N(k->text, k->len), in->family_len, v->n);
            return 0;
        }
        if (in && v->kind != YN_SEQ) {
            case_fail(t, v, cname,
                      "input %s is a list of %d items: give them as a "
                      "YAML list ([…], ~ for an item left empty)",
                      QLI_QUOTE_N(k->text, k->len), in->family_len);
            return 0;
        }
        if (!in && v->kind == YN_SEQ &&
            ql_ruleset_input_index(t->rs, k->text) >= 0) {
            case_fail(t, v, cname, "input %s is not a list: give it one value",
                      QLI_QUOTE_N(k->text, k->len));
            return 0;
        }
        if (in || !item_key(k->text, &flen, &item) ||
            !(in = list_input(t->rs, k->text, flen)))
            continue;
        if (item > in->family_len) {
            case_fail(t, k, cname,
                      "'%.*s' is a list of %d items, %.*s[1] … "
                      "%.*s[%d]",
                      (int)flen, k->text, in->family_len, (int)flen, k->text,
                      (int)flen, k->text, in->family_len);
            return 0;
        }
        /* the list's other items: all given, none of them twice */
        size_t given = 0;
        int whole = 0;
        long missing = 0;
        for (size_t j = 0; j < input->n; j++) {
            const ynode *o = input->items[2 * j];
            size_t ol;
            long oi;
            if (o->len == flen && !memcmp(o->text, k->text, flen))
                whole = 1; /* the bare name too */
            else if (item_key(o->text, &ol, &oi) && ol == flen &&
                     !memcmp(o->text, k->text, flen))
                given++;
        }
        for (long m = 1;
             !missing && given < (size_t)in->family_len && m <= in->family_len;
             m++) {
            char want[512];
            snprintf(want, sizeof want, "%.*s[%ld]", (int)flen, k->text, m);
            if (!qli_ymap_get(input, want))
                missing = m;
        }
        if (whole) {
            case_fail(t, k, cname,
                      "input '%.*s' is given both as a list and by item: "
                      "give it one way",
                      (int)flen, k->text);
            return 0;
        }
        if (missing) {
            case_fail(t, k, cname,
                      "input '%.*s' is a list of %d items, and the case "
                      "gives %zu of them (no %.*s[%ld]): the others would be "
                      "read as empty; give every item (~ for one left "
                      "empty), or the list as […]",
                      (int)flen, k->text, in->family_len, given, (int)flen,
                      k->text, missing);
            return 0;
        }
    }
    return 1;
}

/* Runs one case; returns 1 if it passed. */
static int run_case(tstate *t, const ynode *c, size_t index)
{
    char fallback[32];
    snprintf(fallback, sizeof fallback, "#%zu", index + 1);
    t->failed_here = 0;
    if (c->kind != YN_MAP) {
        case_fail(t, c, fallback, "a case must be a mapping");
        return 0;
    }
    const ynode *nm = qli_ymap_get(c, "name");
    const char *cname = nm && nm->kind == YN_SCALAR ? nm->text : fallback;
    for (size_t i = 0; i < c->n; i++) {
        const ynode *k = c->items[2 * i];
        qli_suggest sg;
        char hint[QL_MAX_NAME + 32];
        if (!key_known(k, case_keys, 6, &sg)) { /* expected: expect (P13-02) */
            case_fail(t, k, cname,
                      "unknown key %s%s (expected name, date, input, expect, "
                      "error or note)",
                      QLI_QUOTE_N(k->text, k->len),
                      qli_suggest_text(&sg, hint, sizeof hint));
            return 0;
        }
    }
    const ynode *date = qli_ymap_get(c, "date"),
                *input = qli_ymap_get(c, "input");
    const ynode *expect = qli_ymap_get(c, "expect"),
                *error = qli_ymap_get(c, "error");
    ql_date d;
    if (!date || date->kind != YN_SCALAR ||
        ql_date_parse(&d, date->text, date->len, NULL)) {
        if (date && date->kind == YN_SCALAR && date_shaped(date->text))
            case_fail(t, date, cname,
                      "%s is not a real calendar date (years 1 to 9999)",
                      QLI_QUOTE_N(date->text, date->len));
        else
            case_fail(t, date ? date : c, cname, "needs 'date: YYYY-MM-DD'");
        return 0;
    }
    if (!expect && !error) {
        case_fail(t, c, cname, "needs 'expect' or 'error'");
        return 0;
    }
    if (expect && error) { /* which one would it pass by? */
        case_fail(t, error, cname,
                  "gives both 'expect' and 'error': a case either evaluates "
                  "(expect) or fails (error)");
        return 0;
    }
    ql_record_clear(t->rec);
    ql_error err;
    ql_status st = QL_OK;
    if (input && input->kind != YN_MAP) {
        case_fail(t, input, cname, "'input' must be a mapping of field: value");
        return 0;
    }
    if (input && !case_lists_whole(t, cname, input))
        return 0;
    for (size_t i = 0; input && i < input->n && st == QL_OK; i++) {
        const ynode *k = input->items[2 * i], *v = input->items[2 * i + 1];
        if (v->kind == YN_SEQ) {
            /* a list input (its length checked above): item j goes to
             * field name[j]; ~ leaves it empty */
            for (size_t j = 0; j < v->n && st == QL_OK; j++) {
                const ynode *it = v->items[j];
                char name[512];
                if (it->kind != YN_SCALAR) {
                    case_fail(t, it, cname, "items of %s must be scalars",
                              QLI_QUOTE_N(k->text, k->len));
                    return 0;
                }
                snprintf(name, sizeof name, "%s[%zu]", k->text, j + 1);
                if (strcmp(it->text, "~") && strcmp(it->text, "null"))
                    st = ql_record_set(t->rec, name, it->text, &err);
            }
            continue;
        }
        if (v->kind != YN_SCALAR) {
            case_fail(t, v, cname, "input %s must be a scalar or a list",
                      QLI_QUOTE_N(k->text, k->len));
            return 0;
        }
        /* YAML's null leaves the field empty, as in a list */
        if (v->quoted || (strcmp(v->text, "~") && strcmp(v->text, "null")))
            st = ql_record_set(t->rec, k->text, v->text, &err);
    }
    if (st == QL_OK)
        st = ql_evaluate(t->res, t->rec, d, QL_EVAL_TRACE, &err);
    if (error) {
        check_error(t, cname, error, st, &err);
    } else if (st != QL_OK) {
        char text[2048];
        ql_error_format(text, sizeof text, &err);
        case_fail(t, c, cname, "evaluation failed: %s", text);
    } else if (expect->kind != YN_MAP) {
        case_fail(t, expect, cname, "'expect' must be a mapping");
    } else if (expect->n == 0) {
        /* a case that compares nothing cannot fail */
        case_fail(t, expect, cname,
                  "'expect' is empty: name at least one output, computed "
                  "value or check and the value it must have");
    } else {
        check_expect(t, cname, expect);
        check_scales(t, cname, c);
    }
    return t->failed_here == 0;
}

/* The rules a test file names: a file relative to the test file's folder
 * (or absolute), else an installed rule set by name (`rules: cn/jilin`),
 * looked for on the search path whatever the working directory (it was
 * looked for relative to it, so the same test file ran from its own
 * folder only: probe13 P13-18).  Neither: an error at the `rules:`
 * value, with the file beside the test file it nearly is (P13-03). */
static ql_status load_rules(ql_ruleset **out, const char *path,
                            const ynode *rules, const ql_load_options *opts,
                            ql_arena *ar, ql_error *err)
{
    /* beside the test file itself, also when it was opened through a
     * symbolic link (as a rules file's extends are: P3-12, P4-22) */
    const char *dir = qli_rl_extends_dir(ar, path);
    if (!dir)
        return qli_fail(err, QL_ENOMEM, NULL, 0, 0, "%s", qli_msg_oom);
    const char *rpath = rules->text[0] == '/'
                            ? qli_ar_printf(ar, "%s", rules->text)
                            : qli_ar_printf(ar, "%s%s", dir, rules->text);
    if (!rpath)
        return qli_fail(err, QL_ENOMEM, NULL, 0, 0, "%s", qli_msg_oom);
    struct stat st;
    if (rules->text[0] != '/' && stat(rpath, &st) != 0) {
        const char *sp = opts && opts->version >= 1 ? opts->search_path : NULL;
        const char *found = NULL;
        if (qli_rl_search_rules(ar, rules->text, sp, &found) == QL_OK && found)
            rpath = found;
        else {
            char hint[QL_MAX_NAME + 64] = "";
            const char *env = getenv("QUOTALEVY_RULES_PATH");
            qli_rl_suggest_rules(ar, rules->text, dir[0] ? dir : ".", NULL,
                                 hint, sizeof hint);
            /* the suggestion is a name ('beijing'); a file written with
             * its suffix is meant as the file ('beijing.yaml') */
            if (!strstr(hint, "did you mean"))
                hint[0] = '\0'; /* none near: the text was not written */
            size_t tl = strlen(rules->text), hl = strlen(hint);
            if (tl > 5 && !strcmp(rules->text + tl - 5, ".yaml") && hl > 2 &&
                hl + 5 < sizeof hint && strstr(hint, ".yaml'") == NULL) {
                memmove(hint + hl - 2 + 5, hint + hl - 2, 3);
                memcpy(hint + hl - 2, ".yaml", 5);
            }
            return qli_yfail(
                err, QL_EIO, rules,
                "rules: no file %s beside this test file (%s), nor a rule "
                "set of that name on the search path (%s%s%s%s%s)%s",
                QLI_QUOTE_N(rules->text, rules->len), rpath,
                sp && *sp ? sp : "", sp && *sp ? ":" : "",
                env && *env ? env : "", env && *env ? ":" : "",
                qli_rl_rules_dir(), hint);
        }
    }
    return ql_ruleset_load_ext(out, rpath, opts, err);
}

/* The top-level keys: rules, cases, description.  A file whose first
 * key is none of them is not a test file, and nothing of it is quoted
 * (it may be any YAML: a configuration's secret, a password file's line
 * read as a key); a later unknown key is named only when it is a near
 * miss of one of them (P3-08). */
static ql_status top_keys(const ynode *root, ql_error *err)
{
    static const char *const keys[] = {"rules", "cases", "description"};
    for (size_t i = 0; i < root->n; i++) {
        const ynode *k = root->items[2 * i];
        qli_suggest sg;
        if (key_known(k, keys, 3, &sg))
            continue;
        if (i == 0) /* its text unquoted, but a slip named (P13-02) */
            return qli_yfail(err, QL_ESCHEMA, k,
                             "not a quotalevy test file: its first key is "
                             "not rules, cases or description%s%s%s",
                             sg.best ? " (a slip of '" : "",
                             sg.best ? sg.best : "", sg.best ? "'?)" : "");
        if (sg.best)
            return qli_yfail(err, QL_ESCHEMA, k,
                             "unknown key %s; did you mean '%s'? (a test "
                             "file has rules, cases and description)",
                             QLI_QUOTE_N(k->text, k->len), sg.best);
        return qli_yfail(err, QL_ESCHEMA, k,
                         "a key that is not rules, cases or description: a "
                         "test file has only those");
    }
    return QL_OK;
}

static const char *case_name(const void *cases, size_t i)
{
    const ynode *nm = qli_ymap_get(((const ynode *)cases)->items[i], "name");
    return nm ? nm->text : NULL;
}

ql_status ql_test_file(size_t *passed, size_t *failed, const char *path,
                       const ql_load_options *opts, ql_test_failure_cb cb,
                       void *payload, ql_error *err)
{
    return ql_test_file_ext(passed, failed, path, opts, NULL, cb, payload, err);
}

ql_status ql_test_file_ext(size_t *passed, size_t *failed, const char *path,
                           const ql_load_options *opts,
                           ql_test_loaded_cb on_loaded, ql_test_failure_cb cb,
                           void *payload, ql_error *err)
{
    if (!passed || !failed || !path)
        return qli_fail(err, QL_EINVAL, NULL, 0, 0, "NULL argument");
    if (opts && opts->version >= 1 && opts->buffer)
        return qli_fail(
            err, QL_EINVAL, NULL, 0, 0,
            "a test file names its rules: opts->buffer must be NULL");
    ql_arena ar = {0};
    ydoc doc = {path, NULL, 0};
    ynode *root;
    ql_ruleset *rs = NULL;
    tstate t = {path, NULL, NULL, NULL, cb, payload, 0};
    size_t np = 0, nf = 0;
    ql_status st = qli_rl_read_file(&ar, path, &doc, err);
    if (!st)
        qli_ydoc_skip_bom(&doc);
    if (st || (st = qli_ytree_parse(&root, &doc, &ar, err)))
        goto out;
    if (root->kind != YN_MAP) {
        st = qli_yfail(
            err, QL_ESCHEMA, root,
            "a test file is a mapping with 'rules: PATH' and 'cases:'");
        goto out;
    }
    if ((st = top_keys(root, err)))
        goto out;
    const ynode *rules = qli_ymap_get(root, "rules"),
                *cases = qli_ymap_get(root, "cases");
    if (!rules || rules->kind != YN_SCALAR || !cases || cases->kind != YN_SEQ) {
        st = qli_fail(err, QL_ESCHEMA, path, 1, 1,
                      "a test file needs 'rules: PATH' and 'cases:' (a list)");
        goto out;
    }
    if ((st = load_rules(&rs, path, rules, opts, &ar, err)) ||
        (st = ql_record_new(&t.rec, rs, err)) ||
        (st = ql_result_new(&t.res, rs, err)))
        goto out;
    t.rs = rs;
    if (on_loaded) /* before any failure, so a report names what it tested */
        on_loaded(rs, payload);
    if (cases->n == 0) { /* nothing run is not a pass */
        st = qli_fail(err, QL_ESCHEMA, path, cases->line, cases->column,
                      "'cases' is empty: a test file with no case tests "
                      "nothing");
        goto out;
    }
    /* two cases of one name: a report of either could be the other's */
    qli_names seen = {0};
    if (qli_names_init(&seen, cases->n, &ar)) {
        st = qli_fail(err, QL_ENOMEM, NULL, 0, 0, "%s", qli_msg_oom);
        goto out;
    }
    for (size_t i = 0; i < cases->n; i++) {
        const ynode *c = cases->items[i];
        const ynode *nm = c->kind == YN_MAP ? qli_ymap_get(c, "name") : NULL;
        if (nm && nm->kind == YN_SCALAR) {
            long first =
                qli_names_find(&seen, nm->text, nm->len, case_name, cases);
            if (first >= 0) {
                case_fail(&t, nm, nm->text,
                          "case name %s is given to case %ld (line %d) "
                          "too: give each case its own name",
                          QLI_QUOTE_N(nm->text, nm->len), first + 1,
                          cases->items[first]->line);
                nf++;
                continue;
            }
            qli_names_add(&seen, i, nm->text, nm->len);
        }
        if (run_case(&t, c, i))
            np++;
        else
            nf++;
    }
    *passed = np;
    *failed = nf;
out:
    ql_record_free(t.rec);
    ql_result_free(t.res);
    ql_ruleset_free(rs);
    qli_ar_free(&ar);
    return st;
}
