/*
 * explain.c — one evaluation as text for a person: the steps in the
 * order their values were settled, each with its formula, period of
 * force and citation, then the outputs.  Every front end shows this same
 * text (the command's `explain`, Python's str(explanation), the database
 * and Java bindings), so it is written once, here, over the public trace
 * API only.
 */
#include "quotalevy.h"
#include "utf8.h"
#include "util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Text written into a caller's buffer, cut to fit and counted in full
 * (the ql_text_out convention). */
typedef struct sink {
    char *buf;
    size_t size, len;
} sink;

static void put(sink *o, const char *s, size_t n)
{
    if (o->buf && o->len + 1 < o->size) {
        size_t room = o->size - 1 - o->len;
        memcpy(o->buf + o->len, s, n < room ? n : room);
    }
    o->len += n;
}

static void puts_(sink *o, const char *s) { put(o, s, strlen(s)); }

static void printf_(sink *o, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void printf_(sink *o, const char *fmt, ...)
{
    char tmp[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n < sizeof tmp) {
        put(o, tmp, (size_t)n);
        return;
    }
    char *big = malloc((size_t)n + 1); /* a long name or citation */
    if (!big)
        return;
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    put(o, big, (size_t)n);
    free(big);
}

/* A value, an input's text among them, shown so that it can never forge
 * a line or drive a terminal: control characters (C0, DEL, C1), line and
 * paragraph separators, bidirectional controls and bytes that are not
 * UTF-8 as \n, \r, \t, \xNN or \uXXXX — as the command escapes its
 * reject lines. */
static void put_shown(sink *o, const char *text)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t n = strlen(text), i = 0, len;
    while (i < n) {
        long c = qli_utf8_decode(s + i, n - i, &len);
        int bad = c < 0x20 || c == 0x7F || (c >= 0x80 && c <= 0x9F) || c == 0x2028 ||
                  c == 0x2029 || c == 0x061C || c == 0x200E || c == 0x200F ||
                  (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069);
        if (!bad) {
            put(o, text + i, len);
        } else if (c == '\n' || c == '\r' || c == '\t') {
            put(o, c == '\n' ? "\\n" : c == '\r' ? "\\r" : "\\t", 2);
        } else if (c < 0x80) {
            printf_(o, "\\x%02X", s[i]);
        } else {
            printf_(o, "\\u%04lX", c);
        }
        i += len;
    }
}

/* Text on one line: YAML block scalars keep line breaks and a final
 * newline that a reader does not want. */
static void put_flat(sink *o, const char *s)
{
    size_t n = strlen(s);
    while (n && (s[n - 1] == '\n' || s[n - 1] == ' '))
        n--;
    int space = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\n' || s[i] == ' ') {
            space = 1;
            continue;
        }
        if (space)
            put(o, " ", 1);
        space = 0;
        put(o, &s[i], 1);
    }
}

/* The length of the list name in "name[k]" and k; 0 for a plain name. */
static size_t list_item(const char *name, long *k)
{
    const char *br = strchr(name, '[');
    if (!br || name[strlen(name) - 1] != ']')
        return 0;
    *k = strtol(br + 1, NULL, 10);
    return (size_t)(br - name);
}

/* A list's items, settled anywhere in the trace, on one line in item
 * order (those never needed as "–"): twelve months read as one step. */
static void list_values(sink *o, const ql_result *res, ql_step_kind kind,
                        const char *name, size_t base)
{
    long most = 0, k;
    size_t n = ql_result_trace_count(res);
    for (size_t i = 0; i < n; i++) {
        ql_trace_step s = QL_TRACE_STEP_INIT;
        ql_result_trace_step(&s, res, i);
        if (s.kind == kind && list_item(s.name, &k) == base &&
            !strncmp(s.name, name, base) && k > most)
            most = k;
    }
    for (long item = 1; item <= most; item++) {
        const char *text = "–";
        char v[QL_DECIMAL_TEXT_MAX * 2];
        for (size_t i = 0; i < n; i++) {
            ql_trace_step s = QL_TRACE_STEP_INIT;
            ql_result_trace_step(&s, res, i);
            if (s.kind == kind && list_item(s.name, &k) == base &&
                !strncmp(s.name, name, base) && k == item) {
                ql_value_format(v, sizeof v, &s.value);
                text = s.value.type == QL_TYPE_NONE ? "(empty)" : v;
            }
        }
        puts_(o, item > 1 ? ", " : "");
        put_shown(o, text);
    }
}

/* Whether step i is an item of a list whose items an earlier step
 * already showed. */
static int list_shown(const ql_result *res, size_t i, const ql_trace_step *s)
{
    long k;
    size_t base = list_item(s->name, &k);
    for (size_t j = 0; base && j < i; j++) {
        ql_trace_step t = QL_TRACE_STEP_INIT;
        ql_result_trace_step(&t, res, j);
        long kk;
        if (t.kind == s->kind && list_item(t.name, &kk) == base &&
            !strncmp(t.name, s->name, base))
            return 1;
    }
    return 0;
}

static void description(sink *o, const char *d)
{
    if (!d)
        return;
    puts_(o, "            ");
    put_flat(o, d);
    puts_(o, "\n");
}

static void list_step(sink *o, const ql_result *res, const ql_trace_step *s,
                      size_t base)
{
    printf_(o, "\n  %-9s %.*s[…] = ", ql_step_kind_name(s->kind), (int)base,
            s->name);
    if (s->kind == QL_STEP_COMPUTED) {
        put_flat(o, s->formula);
        puts_(o, "\n            = ");
    }
    list_values(o, res, s->kind, s->name, base);
    puts_(o, "\n");
    description(o, s->description);
    if (s->source)
        printf_(o, "            source: %s\n", s->source);
}

static void step(sink *o, const ql_trace_step *s)
{
    char v[QL_DECIMAL_TEXT_MAX * 2];
    ql_value_format(v, sizeof v, &s->value);
    printf_(o, "\n  %-9s %s", ql_step_kind_name(s->kind), s->name);
    switch (s->kind) {
    case QL_STEP_INPUT:
        puts_(o, " = ");
        put_shown(o, s->value.type == QL_TYPE_NONE ? "(empty)" : v);
        puts_(o, "\n");
        break;
    case QL_STEP_PARAM: {
        char from[16], until[16] = "";
        ql_date_format(from, sizeof from, s->from);
        if (s->until >= 0)
            ql_date_format(until, sizeof until, s->until);
        puts_(o, " = ");
        put_shown(o, v);
        printf_(o, "\n            in force from %s%s%s\n", from,
                s->until >= 0 ? " until " : "", until);
        break;
    }
    case QL_STEP_COMPUTED:
        puts_(o, " = ");
        put_flat(o, s->formula);
        puts_(o, "\n            = ");
        put_shown(o, v);
        puts_(o, "\n");
        break;
    case QL_STEP_CHECK:
        printf_(o, ": %s\n", s->value.type == QL_TYPE_NONE ? "not applicable"
                             : s->value.boolean            ? "met"
                                                           : "NOT MET");
        break;
    }
    description(o, s->description);
    if (s->source)
        printf_(o, "            source: %s\n", s->source);
}

static void outputs(sink *o, const ql_ruleset *rs, const ql_result *res)
{
    char v[QL_DECIMAL_TEXT_MAX * 2];
    puts_(o, "\nOutputs\n");
    for (size_t i = 0; i < ql_ruleset_output_count(rs); i++) {
        ql_value out = QL_VALUE_INIT;
        ql_result_output(&out, res, i);
        ql_value_format(v, sizeof v, &out);
        const char *name = ql_ruleset_output_name(rs, i);
        if (!ql_ruleset_output_is_check(rs, i)) {
            printf_(o, "  %-28s ", name);
            put_shown(o, v);
            puts_(o, "\n");
            continue;
        }
        for (size_t k = 0; k < ql_ruleset_check_count(rs); k++) {
            if (strcmp(ql_ruleset_check_name(rs, k), name))
                continue;
            ql_check_result c = QL_CHECK_RESULT_INIT;
            ql_result_check(&c, res, k);
            if (!c.applicable) {
                printf_(o, "  %-28s not applicable\n", name);
                break;
            }
            char rq[QL_DECIMAL_TEXT_MAX], ac[QL_DECIMAL_TEXT_MAX],
                sh[QL_DECIMAL_TEXT_MAX];
            ql_value_format(rq, sizeof rq, &c.required);
            ql_value_format(ac, sizeof ac, &c.actual);
            ql_value_format(sh, sizeof sh, &c.shortfall);
            printf_(o, "  %-28s %s (required %s, actual %s, shortfall %s)\n",
                    name, c.compliant ? "met" : "NOT MET", rq, ac, sh);
        }
    }
}

size_t ql_result_explain(char *buf, size_t size, const ql_result *res)
{
    const ql_ruleset *rs = res ? ql_result_ruleset(res) : NULL;
    if (!rs || ql_result_status(res) != QL_OK) {
        if (buf && size)
            buf[0] = '\0';
        return 0;
    }
    sink o = {buf, size, 0};
    char d[16];
    ql_date_format(d, sizeof d, ql_result_date(res));
    printf_(&o, "%s — %s\nversion %s, evaluated on %s\n",
            ql_ruleset_meta(rs, "id"), ql_ruleset_meta(rs, "title"),
            ql_ruleset_meta(rs, "version"), d);
    puts_(&o, "\nSteps, in the order they were settled\n");
    for (size_t i = 0; i < ql_result_trace_count(res); i++) {
        ql_trace_step s = QL_TRACE_STEP_INIT;
        ql_result_trace_step(&s, res, i);
        long item;
        size_t base = s.kind == QL_STEP_INPUT || s.kind == QL_STEP_COMPUTED
                          ? list_item(s.name, &item)
                          : 0;
        if (!base)
            step(&o, &s);
        else if (!list_shown(res, i, &s))
            list_step(&o, res, &s, base);
    }
    outputs(&o, rs, res);
    if (buf && size)
        buf[o.len < size ? o.len : qli_utf8_cut(buf, size - 1)] = '\0';
    return o.len;
}
