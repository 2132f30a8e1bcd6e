/*
 * test_load_ext.c — ql_ruleset_load_ext: every option alone and in the
 * combinations the older entry points could not give (a buffer with
 * overrides, a buffer diagnosed, `extends` through a resolver), the
 * options' versioning, and the four older entry points as its wrappers.
 * Public API only: linked against the shipped shared library.
 */
#include "test_util.h"

#define RULES(f) QL_SOURCE_DIR "/tests/rules/" f

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    static char buf[1 << 16];
    *len = fread(buf, 1, sizeof buf, f);
    fclose(f);
    char *s = malloc(*len + 1);
    memcpy(s, buf, *len);
    s[*len] = '\0';
    return s;
}

/* Output `name` of rs for a 100-staff firm on `date`, as text. */
static void output_text(const ql_ruleset *rs, const char *name,
                        const char *date, char *buf, size_t size)
{
    ql_record *rec;
    ql_result *res;
    ql_error err;
    assert_int_equal(ql_record_new(&rec, rs, &err), QL_OK);
    assert_int_equal(ql_result_new(&res, rs, &err), QL_OK);
    const char *f[][2] = {{"kind", "firm"}, {"staff", "100"}, {"disabled", "1"},
                          {"wages", "8000000"}, {"area_wage", "40000"}};
    for (int i = 0; i < 5; i++)
        assert_int_equal(ql_record_set(rec, f[i][0], f[i][1], &err), QL_OK);
    assert_int_equal(ql_evaluate(res, rec, D(date), 0, &err), QL_OK);
    size_t i;
    for (i = 0; i < ql_ruleset_output_count(rs); i++)
        if (!strcmp(ql_ruleset_output_name(rs, i), name))
            break;
    assert_true(i < ql_ruleset_output_count(rs));
    ql_result_output_text(buf, size, res, i);
    ql_result_free(res);
    ql_record_free(rec);
}

static void test_load_ext_options_versioning(void **state)
{
    (void)state;
    ql_load_options o = QL_LOAD_OPTIONS_INIT;
    assert_int_equal(o.version, QL_LOAD_OPTIONS_VERSION);
    assert_null(o.buffer);
    memset(&o, 0xab, sizeof o);
    assert_int_equal(ql_load_options_init(&o, QL_LOAD_OPTIONS_VERSION), QL_OK);
    assert_int_equal(o.version, QL_LOAD_OPTIONS_VERSION);
    assert_null(o.buffer);
    assert_null(o.overrides);
    assert_null(o.resolve);
    assert_int_equal(o.extends_policy, QL_EXTENDS_CONFINED);
    assert_int_equal(ql_load_options_init(&o, 0), QL_EINVAL);
    assert_int_equal(ql_load_options_init(&o, QL_LOAD_OPTIONS_VERSION + 1), QL_EINVAL);
    assert_int_equal(ql_load_options_init(NULL, QL_LOAD_OPTIONS_VERSION), QL_EINVAL);

    ql_ruleset *rs = (ql_ruleset *)&o;
    ql_error err;
    /* a version from a newer header is refused, not misread */
    ql_load_options_init(&o, QL_LOAD_OPTIONS_VERSION);
    o.version = 99;
    assert_int_equal(ql_ruleset_load_ext(&rs, RULES("base.yaml"), &o, &err), QL_EINVAL);
    assert_null(rs);
    assert_non_null(strstr(err.message, "ql_load_options version 99"));
    o.version = 0; /* never initialised */
    assert_int_equal(ql_ruleset_load_ext(&rs, RULES("base.yaml"), &o, &err), QL_EINVAL);
    /* bad arguments */
    assert_int_equal(ql_ruleset_load_ext(NULL, RULES("base.yaml"), NULL, &err), QL_EINVAL);
    assert_int_equal(ql_ruleset_load_ext(&rs, NULL, NULL, &err), QL_EINVAL);
    ql_load_options_init(&o, QL_LOAD_OPTIONS_VERSION);
    o.n_overrides = 1;
    assert_int_equal(ql_ruleset_load_ext(&rs, RULES("base.yaml"), &o, &err), QL_EINVAL);
    ql_load_options_init(&o, QL_LOAD_OPTIONS_VERSION);
    o.diag_max = 4;
    assert_int_equal(ql_ruleset_load_ext(&rs, RULES("base.yaml"), &o, &err), QL_EINVAL);
    ql_load_options_init(&o, QL_LOAD_OPTIONS_VERSION);
    o.extends_policy = 7;
    assert_int_equal(ql_ruleset_load_ext(&rs, RULES("base.yaml"), &o, &err), QL_EINVAL);
    /* NULL options are the defaults: ql_ruleset_load */
    assert_int_equal(ql_ruleset_load_ext(&rs, RULES("child.yaml"), NULL, &err), QL_OK);
    assert_text(ql_ruleset_meta(rs, "id"), "test-child");
    ql_ruleset_free(rs);
    assert_int_equal(ql_ruleset_load_ext(&rs, "/nonexistent/x.yaml", NULL, &err), QL_EIO);
    assert_null(rs);
}

/* A buffer: named, its relative `extends` found beside its name. */
static void test_load_ext_buffer(void **state)
{
    (void)state;
    size_t len;
    char *text = slurp(RULES("child.yaml"), &len);
    ql_load_options o = QL_LOAD_OPTIONS_INIT;
    o.buffer = text;
    o.buffer_len = len;
    ql_ruleset *rs;
    ql_error err;
    assert_int_equal(ql_ruleset_load_ext(&rs, RULES("mem.yaml"), &o, &err), QL_OK);
    assert_text(ql_ruleset_meta(rs, "id"), "test-child");
    assert_text(ql_ruleset_meta(rs, "file"), RULES("mem.yaml"));
    ql_ruleset_free(rs);
    /* with no name: "<memory>", extends from the working directory */
    assert_int_equal(ql_ruleset_load_ext(&rs, NULL, &o, &err), QL_EIO);
    assert_text(err.file, "<memory>");
    assert_int_equal(err.line, 4);
    free(text);
}

/* A buffer with overrides: what ql_ruleset_load_overridden does for a
 * file, for text in memory. */
static void test_load_ext_buffer_with_overrides(void **state)
{
    (void)state;
    size_t len;
    char *text = slurp(RULES("base.yaml"), &len);
    ql_override ovr[] = {{QL_OVERRIDE_VERSION, "ratio", "2%", D("2021-01-01")}};
    ql_load_options o = QL_LOAD_OPTIONS_INIT;
    o.buffer = text;
    o.buffer_len = len;
    o.overrides = ovr;
    o.n_overrides = 1;
    ql_ruleset *rs;
    ql_error err;
    char buf[64];
    assert_int_equal(ql_ruleset_load_ext(&rs, "base-in-memory.yaml", &o, &err), QL_OK);
    output_text(rs, "required", "2020-12-31", buf, sizeof buf);
    assert_text(buf, "1.50000"); /* staff has 2 places, ratio 3 */
    output_text(rs, "required", "2021-01-01", buf, sizeof buf);
    assert_text(buf, "2.00000");
    ql_ruleset_free(rs);
    /* an override's errors come back as from a file */
    ovr[0].param = "nope";
    assert_int_equal(ql_ruleset_load_ext(&rs, "base-in-memory.yaml", &o, &err), QL_ENAME);
    assert_text(err.field, "nope");
    free(text);
}

/* Version 2's `shown`: a message quotes the value as the caller's user
 * gave it, not the text a binding wrote from it (probe8 P8-02: '1000%'
 * for Python's Decimal('1E+1')); a version 1 array, laid out without
 * `shown`, is read with its own stride. */
static void test_load_ext_override_shown(void **state)
{
    (void)state;
    ql_ruleset *rs = NULL;
    ql_error err;
    char buf[64];
    const char *base = RULES("base.yaml");
    ql_override o = {QL_OVERRIDE_VERSION, "ratio", "2.0001%", D("2021-01-01"),
                     "Decimal('0.020001')"};
    assert_int_equal(ql_ruleset_load_overridden(&rs, base, &o, 1, &err), QL_ESCHEMA);
    assert_non_null(strstr(err.message, "override of parameter 'ratio': Decimal('0.020001') has 6 "));
    assert_null(strstr(err.message, "2.0001%"));
    o.shown = NULL; /* the text is the user's own: quoted */
    assert_int_equal(ql_ruleset_load_overridden(&rs, base, &o, 1, &err), QL_ESCHEMA);
    assert_non_null(strstr(err.message, "override of parameter 'ratio': '2.0001%' has 6 "));
    ql_override two[2] = {{QL_OVERRIDE_VERSION, "ratio", "2%", D("2021-01-01"), "Decimal('0.02')"},
                          {QL_OVERRIDE_VERSION, "ratio", "3%", D("2021-01-01"), NULL}};
    assert_int_equal(ql_ruleset_load_overridden(&rs, base, two, 2, &err), QL_EINVAL);
    assert_non_null(strstr(err.message, "(Decimal('0.02') and '3%')"));
    /* a program built against version 1: its array's stride is v1's */
    struct {
        unsigned int version;
        const char *param, *value;
        ql_date from;
    } v1[2] = {{1, "ratio", "2%", D("2021-01-01")}, {1, "ratio", "3%", D("2022-01-01")}};
    assert_int_equal(ql_ruleset_load_overridden(&rs, base, (const ql_override *)(void *)v1, 2,
                                                &err),
                     QL_OK);
    output_text(rs, "required", "2021-06-30", buf, sizeof buf);
    assert_text(buf, "2.00000");
    output_text(rs, "required", "2022-06-30", buf, sizeof buf);
    assert_text(buf, "3.00000");
    ql_ruleset_free(rs);
    /* every element of one version: the first's */
    v1[1].version = 2;
    rs = (ql_ruleset *)&rs;
    assert_int_equal(ql_ruleset_load_overridden(&rs, base, (const ql_override *)(void *)v1, 2,
                                                &err),
                     QL_EINVAL);
    assert_null(rs);
    assert_non_null(strstr(err.message, "override 1: ql_override version 2"));
}

/* A program built against version 1 initialises its own override with
 * ql_override_init(&o, 1): the library writes version 1's layout only,
 * not version 2's `shown` past the end of the caller's struct (probe14s
 * P14-02: memset of sizeof(ql_override), 8 bytes past a v1 struct). */
static void test_load_ext_override_init_v1_stays_in_its_struct(void **state)
{
    (void)state;
    struct {
        struct {
            unsigned int version;
            const char *param, *value;
            ql_date from;
        } o;
        unsigned char after[sizeof(ql_override)];
    } v1;
    memset(&v1, 0x5a, sizeof v1);
    assert_int_equal(ql_override_init((ql_override *)(void *)&v1.o, 1), QL_OK);
    assert_int_equal(v1.o.version, 1);
    assert_null(v1.o.param);
    assert_null(v1.o.value);
    assert_int_equal(v1.o.from, 0);
    for (size_t i = 0; i < sizeof v1.after; i++)
        assert_int_equal(v1.after[i], 0x5a);
    ql_override o;
    memset(&o, 0x5a, sizeof o);
    assert_int_equal(ql_override_init(&o, QL_OVERRIDE_VERSION), QL_OK);
    assert_null(o.shown);
}

/* Parameter `name` of rs in force on `date`, formatted (a number). */
static void param_text(const ql_ruleset *rs, const char *name, const char *date,
                       char *buf, size_t size)
{
    ql_error err;
    for (size_t i = 0; i < ql_ruleset_param_count(rs); i++)
        if (!strcmp(ql_ruleset_param_name(rs, i), name)) {
            ql_value v = QL_VALUE_INIT;
            assert_int_equal(ql_ruleset_param_value(&v, NULL, NULL, rs, i, D(date), &err),
                             QL_OK);
            assert_int_equal(v.type, QL_TYPE_NUMBER);
            ql_decimal_format(buf, size, &v.number);
            return;
        }
    fail_msg("no parameter %s", name);
}

#define UNITS_HEAD                                                             \
    "quotalevy: 1\nid: u\ntitle: U\njurisdiction: XX\nversion: \"1\"\n"        \
    "currency: JPY\nsources:\n  s: {title: Test source (not law)}\n"           \
    "inputs:\n  a: {type: decimal, scale: 0}\nparameters:\n"
#define UNITS_TAIL                                                             \
    "  count: {type: integer, values: [{from: 2000-01-01, value: 3, source: s}]}\n" \
    "  amount: {type: money, values: [{from: 2000-01-01, value: 10, source: s}]}\n" \
    "  on: {values: [{from: 2000-01-01, value: true, source: s}]}\n"         \
    "computed:\n  x: if(on, a * rate * count, 0)\n  y: a * amount\noutputs: [x, y]\n"
static const char units_percent[] =
    UNITS_HEAD "  rate: {unit: percent, values: [{from: 2000-01-01, value: 5%, source: s}]}\n"
    UNITS_TAIL;
static const char units_plain[] =
    UNITS_HEAD "  rate: {values: [{from: 2000-01-01, value: 0.05, source: s}]}\n" UNITS_TAIL;

/* Loads `text` (named units.yaml) with one override; its status. */
static ql_status load_one(ql_ruleset **rs, const char *text, const char *param,
                          const char *value, unsigned flags, ql_error *err)
{
    ql_override o = {QL_OVERRIDE_VERSION, param, value, D("2024-01-01"), NULL, flags};
    ql_load_options opts = QL_LOAD_OPTIONS_INIT;
    opts.buffer = text;
    opts.buffer_len = strlen(text);
    opts.overrides = &o;
    opts.n_overrides = 1;
    *rs = NULL;
    return ql_ruleset_load_ext(rs, "units.yaml", &opts, err);
}

/* Version 3's QL_OVERRIDE_NUMBER: a program's number is the value itself,
 * in the parameter's own unit (a percentage's share), so a binding loads
 * the rules once — Python and Java loaded them first to ask
 * ql_ruleset_param_unit whether to write the share with '%'.  Without the
 * flag a percentage is still written with '%' as in a rules file. */
static void test_load_ext_override_number(void **state)
{
    (void)state;
    ql_ruleset *rs;
    ql_error err;
    char buf[QL_DECIMAL_TEXT_MAX];
    /* a percentage's share, and the same text without the flag refused */
    assert_int_equal(load_one(&rs, units_percent, "rate", "0.07", QL_OVERRIDE_NUMBER, &err),
                     QL_OK);
    param_text(rs, "rate", "2024-06-30", buf, sizeof buf);
    assert_text(buf, "0.07");
    ql_ruleset_free(rs);
    assert_int_equal(load_one(&rs, units_percent, "rate", "0.07", 0, &err), QL_ESCHEMA);
    assert_non_null(strstr(err.message, "write it with '%'"));
    assert_int_equal(load_one(&rs, units_percent, "rate", "7%", 0, &err), QL_OK);
    param_text(rs, "rate", "2024-06-30", buf, sizeof buf);
    assert_text(buf, "0.07");
    ql_ruleset_free(rs);
    /* a number's text has no '%' */
    assert_int_equal(load_one(&rs, units_percent, "rate", "7%", QL_OVERRIDE_NUMBER, &err),
                     QL_ESCHEMA);
    assert_non_null(strstr(err.message, "is not a number"));
    /* any other number as it is: 1E+34 written out is 35 digits, taken */
    assert_int_equal(load_one(&rs, units_percent, "amount", "10000000000000000000000000000000000",
                              QL_OVERRIDE_NUMBER, &err),
                     QL_OK);
    param_text(rs, "amount", "2024-06-30", buf, sizeof buf);
    assert_text(buf, "10000000000000000000000000000000000");
    ql_ruleset_free(rs);
    /* held to the parameter's type as any override */
    assert_int_equal(load_one(&rs, units_percent, "count", "2.5", QL_OVERRIDE_NUMBER, &err),
                     QL_ESCHEMA);
    assert_non_null(strstr(err.message, "the parameter is an integer"));
    assert_int_equal(load_one(&rs, units_percent, "on", "1", QL_OVERRIDE_NUMBER, &err),
                     QL_ESCHEMA);
    assert_non_null(strstr(err.message, "is not a bool"));
    /* a flag this library does not know */
    assert_int_equal(load_one(&rs, units_percent, "rate", "0.07", 2, &err), QL_EINVAL);
    assert_non_null(strstr(err.message, "flags 0x2"));
    assert_null(rs);
}

/* The file changed between two loads with the same override: each load
 * reads the number in the unit of the file it read, once (the bindings'
 * second load could meet a file changed since the first, and refused
 * it); a version 2 array is read with its own stride, flags 0. */
static void test_load_ext_override_number_one_load(void **state)
{
    (void)state;
    char path[] = "/tmp/ql_ovrnum_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    ql_override o = {QL_OVERRIDE_VERSION, "rate", "0.07", D("2024-01-01"), "Decimal('0.07')",
                     QL_OVERRIDE_NUMBER};
    ql_ruleset *rs = NULL;
    ql_error err;
    char buf[QL_DECIMAL_TEXT_MAX];
    const char *texts[] = {units_percent, units_plain, units_percent};
    for (int k = 0; k < 3; k++) {
        FILE *f = fopen(path, "w");
        assert_non_null(f);
        fputs(texts[k], f);
        fclose(f);
        assert_int_equal(ql_ruleset_load_overridden(&rs, path, &o, 1, &err), QL_OK);
        param_text(rs, "rate", "2024-06-30", buf, sizeof buf);
        assert_text(buf, "0.07");
        ql_ruleset_free(rs);
    }
    struct {
        unsigned int version;
        const char *param, *value;
        ql_date from;
        const char *shown;
    } v2[2] = {{2, "rate", "7%", D("2021-01-01"), NULL},
               {2, "rate", "8%", D("2022-01-01"), NULL}};
    assert_int_equal(ql_ruleset_load_overridden(&rs, path, (const ql_override *)(void *)v2, 2,
                                                &err),
                     QL_OK);
    param_text(rs, "rate", "2022-06-30", buf, sizeof buf);
    assert_text(buf, "0.08");
    ql_ruleset_free(rs);
    /* ql_override_init for version 2 stays in version 2's struct */
    struct {
        struct {
            unsigned int version;
            const char *param, *value;
            ql_date from;
            const char *shown;
        } o;
        unsigned char after[sizeof(ql_override)];
    } in2;
    memset(&in2, 0x5a, sizeof in2);
    assert_int_equal(ql_override_init((ql_override *)(void *)&in2.o, 2), QL_OK);
    assert_int_equal(in2.o.version, 2);
    assert_null(in2.o.shown);
    for (size_t i = 0; i < sizeof in2.after; i++)
        assert_int_equal(in2.after[i], 0x5a);
    ql_override o3;
    memset(&o3, 0x5a, sizeof o3);
    assert_int_equal(ql_override_init(&o3, QL_OVERRIDE_VERSION), QL_OK);
    assert_int_equal(o3.flags, 0);
    remove(path);
}

static const char bad_rules[] =
    "quotalevy: 1\nid: t\ntitle: T\njurisdiction: XX\nversion: \"1\"\n"
    "inputs:\n  a: float\n  b: decimal\n"
    "checks:\n  c: {title: T, required: 1, actual: b}\n"
    "outputs: [b, zzz]\n";

/* A buffer diagnosed: every problem, with positions, into the array. */
static void test_load_ext_buffer_diagnosed(void **state)
{
    (void)state;
    ql_error errs[8], err;
    size_t count = 99;
    ql_load_options o = QL_LOAD_OPTIONS_INIT;
    o.buffer = bad_rules;
    o.buffer_len = strlen(bad_rules);
    o.diag_errors = errs;
    o.diag_max = 8;
    o.diag_count = &count;
    ql_ruleset *rs = NULL;
    assert_int_equal(ql_ruleset_load_ext(&rs, "diag.yaml", &o, &err), QL_ESCHEMA);
    assert_null(rs);
    assert_int_equal(count, 3);
    assert_int_equal(errs[0].line, 7);
    assert_non_null(strstr(errs[0].message, "unknown type 'float'"));
    assert_text(errs[0].file, "diag.yaml");
    assert_int_equal(errs[1].line, 10);
    assert_non_null(strstr(errs[1].message, "needs a 'source' citation"));
    assert_int_equal(errs[2].line, 11);
    assert_non_null(strstr(errs[2].message, "output 'zzz'"));
    /* err holds the first problem */
    assert_int_equal(err.code, QL_ESCHEMA);
    assert_int_equal(err.line, 7);
    /* only a count */
    o.diag_errors = NULL;
    o.diag_max = 0;
    count = 0;
    assert_int_equal(ql_ruleset_load_ext(&rs, "diag.yaml", &o, &err), QL_ESCHEMA);
    assert_int_equal(count, 3);
    /* a clean buffer diagnosed loads, and gives the rule set */
    size_t len;
    char *text = slurp(RULES("base.yaml"), &len);
    o.buffer = text;
    o.buffer_len = len;
    count = 99;
    assert_int_equal(ql_ruleset_load_ext(&rs, "base.yaml", &o, &err), QL_OK);
    assert_int_equal(count, 0);
    assert_non_null(rs);
    ql_ruleset_free(rs);
    /* diagnosed with overrides: a bad override is one of the problems */
    ql_override ovr[] = {{QL_OVERRIDE_VERSION, "nope", "1", 0}};
    o.overrides = ovr;
    o.n_overrides = 1;
    rs = NULL;
    assert_int_equal(ql_ruleset_load_ext(&rs, "base.yaml", &o, &err), QL_ENAME);
    assert_null(rs);
    assert_int_equal(count, 1);
    free(text);
}

typedef struct seen {
    int calls;
    int stop_after; /* 0: never */
    int lines[8];
} seen;

static int collect(const ql_error *problem, void *payload)
{
    seen *s = payload;
    if (s->calls < 8)
        s->lines[s->calls] = problem->line;
    s->calls++;
    return s->stop_after && s->calls >= s->stop_after;
}

/* Diagnostics through a callback, which may stop the load. */
static void test_load_ext_diagnostic_callback(void **state)
{
    (void)state;
    seen s = {0};
    size_t count = 0;
    ql_load_options o = QL_LOAD_OPTIONS_INIT;
    o.buffer = bad_rules;
    o.buffer_len = strlen(bad_rules);
    o.diag_cb = collect;
    o.diag_payload = &s;
    o.diag_count = &count;
    ql_ruleset *rs = NULL;
    ql_error err;
    assert_int_equal(ql_ruleset_load_ext(&rs, "diag.yaml", &o, &err), QL_ESCHEMA);
    assert_int_equal(s.calls, 3);
    assert_int_equal(count, 3);
    assert_int_equal(s.lines[0], 7);
    assert_int_equal(s.lines[1], 10);
    assert_int_equal(s.lines[2], 11);
    /* stopping at the first problem */
    memset(&s, 0, sizeof s);
    s.stop_after = 1;
    assert_int_equal(ql_ruleset_load_ext(&rs, "diag.yaml", &o, &err), QL_ESCHEMA);
    assert_int_equal(s.calls, 1);
    assert_int_equal(count, 1);
    assert_int_equal(err.line, 7);
    /* type errors, after the sections are clean, go to the callback too */
    const char *types =
        "quotalevy: 1\nid: t\ntitle: T\njurisdiction: XX\nversion: \"1\"\n"
        "inputs:\n  n: decimal\n  flag: bool\n"
        "computed:\n  x: n + flag\n  z: nope\n"
        "outputs: [x]\n";
    memset(&s, 0, sizeof s);
    o.buffer = types;
    o.buffer_len = strlen(types);
    assert_int_equal(ql_ruleset_load_ext(&rs, "t.yaml", &o, &err), QL_ETYPE);
    assert_int_equal(s.calls, 2);
    assert_int_equal(s.lines[0], 10);
    assert_int_equal(s.lines[1], 11);
}

/* A resolver standing for a database table of rule sets by name. */
typedef struct table {
    const char *names[4];
    const char *texts[4];
    int asked, freed;
    char last_from[64];
} table;

static ql_status resolve(const char **text, size_t *len, const char *name,
                         const char *from, void *payload, ql_error *err)
{
    table *t = payload;
    t->asked++;
    snprintf(t->last_from, sizeof t->last_from, "%s", from);
    for (int i = 0; i < 4 && t->names[i]; i++)
        if (!strcmp(t->names[i], name)) {
            /* handed out as a fresh copy, freed by resolve_free */
            size_t n = strlen(t->texts[i]);
            char *copy = malloc(n);
            memcpy(copy, t->texts[i], n); /* not NUL terminated */
            *text = copy;
            *len = n;
            return QL_OK;
        }
    if (!strcmp(name, "pass-me"))
        return QL_RESOLVE_PASS;
    snprintf(err->message, sizeof err->message, "no rule set '%s' in table rules", name);
    return QL_ENAME;
}

static void release(const char *text, size_t len, void *payload)
{
    (void)len;
    ((table *)payload)->freed++;
    free((char *)text);
}

#define HEAD(id) "quotalevy: 1\nid: " id "\ntitle: T\njurisdiction: XX\nversion: \"1\"\n"

static void test_load_ext_resolver(void **state)
{
    (void)state;
    size_t blen;
    char *base = slurp(RULES("base.yaml"), &blen);
    table t = {{"national", "regional"},
               {base, HEAD("regional") "extends: national\n"
                          "parameters:\n  small_limit:\n    values:\n"
                          "      - {from: 2000-01-01, value: 40, source: fict-act art. 4}\n"},
               0, 0, ""};
    const char *top = HEAD("top") "extends: regional\n";
    ql_load_options o = QL_LOAD_OPTIONS_INIT;
    o.buffer = top;
    o.buffer_len = strlen(top);
    o.resolve = resolve;
    o.resolve_free = release;
    o.resolve_payload = &t;
    ql_ruleset *rs;
    ql_error err;
    assert_int_equal(ql_ruleset_load_ext(&rs, "top", &o, &err), QL_OK);
    assert_int_equal(t.asked, 2);
    assert_int_equal(t.freed, 2);
    assert_text(t.last_from, "regional"); /* national was named by regional */
    assert_text(ql_ruleset_meta(rs, "id"), "top");
    assert_int_equal(ql_ruleset_output_count(rs), 8); /* base's outputs */
    ql_value v = QL_VALUE_INIT;
    assert_int_equal(ql_ruleset_param_value(&v, NULL, NULL, rs, 3, D("2024-01-01"), &err), QL_OK);
    char buf[32];
    ql_value_format(buf, sizeof buf, &v);
    assert_text(buf, "40");
    ql_ruleset_free(rs);

    /* an error inside resolved rules is located in them, by name */
    t.texts[1] = HEAD("regional") "extends: national\ninputs:\n  q: float\n";
    t.asked = t.freed = 0;
    assert_int_equal(ql_ruleset_load_ext(&rs, "top", &o, &err), QL_ESCHEMA);
    assert_text(err.file, "regional");
    assert_int_equal(err.line, 8);
    assert_int_equal(t.freed, t.asked);

    /* an unknown name: the resolver's message at the extends line */
    const char *missing = HEAD("top") "extends: nowhere\n";
    o.buffer = missing;
    o.buffer_len = strlen(missing);
    assert_int_equal(ql_ruleset_load_ext(&rs, "top", &o, &err), QL_ENAME);
    assert_text(err.file, "top");
    assert_int_equal(err.line, 6);
    assert_int_equal(err.column, 10);
    assert_non_null(strstr(err.message, "extends 'nowhere': no rule set 'nowhere' in table rules"));

    /* a cycle through the resolver */
    t.names[2] = "loop-a";
    t.texts[2] = HEAD("a") "extends: loop-b\n";
    t.names[3] = "loop-b";
    t.texts[3] = HEAD("b") "extends: loop-a\n";
    const char *cyc = HEAD("top") "extends: loop-a\n";
    o.buffer = cyc;
    o.buffer_len = strlen(cyc);
    t.asked = t.freed = 0;
    assert_int_equal(ql_ruleset_load_ext(&rs, "top", &o, &err), QL_ENAME);
    assert_non_null(strstr(err.message, "extends 'loop-a' makes a cycle"));
    assert_text(err.file, "loop-b");
    assert_int_equal(t.freed, t.asked);

    /* QL_RESOLVE_PASS: the name is a file after all */
    const char *pass = HEAD("top") "extends: pass-me\n";
    o.buffer = pass;
    o.buffer_len = strlen(pass);
    assert_int_equal(ql_ruleset_load_ext(&rs, QL_SOURCE_DIR "/tests/rules/top.yaml", &o, &err), QL_EIO);
    assert_non_null(strstr(err.message, "extends 'pass-me': cannot open"));

    /* a resolver and diagnostics together */
    t.texts[1] = HEAD("regional") "extends: national\ninputs:\n  q: float\n  r: complex\n";
    o.buffer = top;
    o.buffer_len = strlen(top);
    ql_error errs[4];
    size_t count = 0;
    o.diag_errors = errs;
    o.diag_max = 4;
    o.diag_count = &count;
    assert_int_equal(ql_ruleset_load_ext(&rs, "top", &o, &err), QL_ESCHEMA);
    assert_int_equal(count, 2);
    assert_text(errs[1].file, "regional");
    assert_int_equal(errs[1].line, 9);
    free(base);
}

/* A resolver that keeps ownership (no resolve_free): its text need only
 * live until it returns to the loader. */
static ql_status resolve_static(const char **text, size_t *len,
                                const char *name, const char *from,
                                void *payload, ql_error *err)
{
    (void)name; (void)from; (void)err;
    char *scratch = payload;
    strcpy(scratch, HEAD("parent") "inputs:\n  a: {type: decimal, scale: 2}\noutputs: [a]\n");
    *text = scratch;
    *len = strlen(scratch);
    return QL_OK;
}

static void test_load_ext_resolver_caller_owned(void **state)
{
    (void)state;
    char scratch[256];
    const char *top = HEAD("top") "extends: parent\n";
    ql_load_options o = QL_LOAD_OPTIONS_INIT;
    o.buffer = top;
    o.buffer_len = strlen(top);
    o.resolve = resolve_static;
    o.resolve_payload = scratch;
    ql_ruleset *rs;
    ql_error err;
    assert_int_equal(ql_ruleset_load_ext(&rs, "top", &o, &err), QL_OK);
    memset(scratch, 'x', sizeof scratch); /* the rule set kept its own copy */
    assert_text(ql_ruleset_input_name(rs, 0), "a");
    assert_text(ql_ruleset_output_name(rs, 0), "a");
    ql_ruleset_free(rs);
}

/* A resolver that fills err without a terminating NUL, and returns a
 * status this library does not know. */
static ql_status resolve_garbage(const char **text, size_t *len,
                                 const char *name, const char *from,
                                 void *payload, ql_error *err)
{
    (void)text; (void)len; (void)name; (void)from;
    memset(err, 'A', sizeof *err);
    return *(ql_status *)payload;
}

static void test_load_ext_resolver_garbage(void **state)
{
    (void)state;
    const char *top = HEAD("top") "extends: parent\n";
    ql_status said[] = {QL_EIO, (ql_status)-9999};
    ql_status want[] = {QL_EIO, QL_EINVAL};
    for (int i = 0; i < 2; i++) {
        ql_load_options o = QL_LOAD_OPTIONS_INIT;
        o.buffer = top;
        o.buffer_len = strlen(top);
        o.resolve = resolve_garbage;
        o.resolve_payload = &said[i];
        ql_ruleset *rs = NULL;
        ql_error err;
        assert_int_equal(ql_ruleset_load_ext(&rs, "top", &o, &err), want[i]);
        assert_null(rs);
        assert_true(memchr(err.message, '\0', sizeof err.message) != NULL);
        assert_non_null(strstr(err.message, "extends 'parent': AAAA"));
    }
}

/* The search path: a rule set by name, at the top and in `extends`. */
static void test_load_ext_search_path(void **state)
{
    (void)state;
    ql_load_options o = QL_LOAD_OPTIONS_INIT;
    o.search_path = "/nonexistent:" QL_SOURCE_DIR "/tests";
    ql_ruleset *rs;
    ql_error err;
    assert_int_equal(ql_ruleset_load_ext(&rs, "rules/child", &o, &err), QL_OK);
    assert_text(ql_ruleset_meta(rs, "file"), QL_SOURCE_DIR "/tests/rules/child.yaml");
    ql_ruleset_free(rs);
    const char *top = HEAD("top") "extends: rules/base\n";
    o.buffer = top;
    o.buffer_len = strlen(top);
    assert_int_equal(ql_ruleset_load_ext(&rs, "/nonexistent/top.yaml", &o, &err), QL_OK);
    assert_int_equal(ql_ruleset_output_count(rs), 8);
    ql_ruleset_free(rs);
    /* without it, neither is found */
    o.search_path = NULL;
    assert_int_equal(ql_ruleset_load_ext(&rs, "/nonexistent/top.yaml", &o, &err), QL_EIO);
    o.buffer = NULL;
    assert_int_equal(ql_ruleset_load_ext(&rs, "rules/child", &o, &err), QL_EIO);
    assert_non_null(strstr(err.message, "no rules file or rule set of that name"));
}

/* The older entry points give what the options do. */
static void test_load_ext_wrappers_agree(void **state)
{
    (void)state;
    ql_ruleset *a, *b;
    ql_error err;
    ql_override ovr[] = {{QL_OVERRIDE_VERSION, "ratio", "2%", D("2021-01-01")}};
    ql_load_options o = QL_LOAD_OPTIONS_INIT;
    o.overrides = ovr;
    o.n_overrides = 1;
    assert_int_equal(ql_ruleset_load_ext(&a, RULES("base.yaml"), &o, &err), QL_OK);
    assert_int_equal(ql_ruleset_load_overridden(&b, RULES("base.yaml"), ovr, 1, &err), QL_OK);
    char x[64], y[64];
    output_text(a, "required", "2022-01-01", x, sizeof x);
    output_text(b, "required", "2022-01-01", y, sizeof y);
    assert_text(x, y);
    assert_text(x, "2.00000");
    ql_ruleset_free(a);
    ql_ruleset_free(b);
    ql_error errs[4];
    size_t count;
    FILE *f = fopen("/tmp/ql_test_load_ext.yaml", "w");
    fputs(bad_rules, f);
    fclose(f);
    assert_int_equal(ql_ruleset_diagnose(errs, 4, &count, "/tmp/ql_test_load_ext.yaml"), QL_ESCHEMA);
    assert_int_equal(count, 3);
    assert_int_equal(errs[2].line, 11);
    remove("/tmp/ql_test_load_ext.yaml");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_load_ext_options_versioning),
        cmocka_unit_test(test_load_ext_buffer),
        cmocka_unit_test(test_load_ext_buffer_with_overrides),
        cmocka_unit_test(test_load_ext_override_shown),
        cmocka_unit_test(test_load_ext_override_number),
        cmocka_unit_test(test_load_ext_override_number_one_load),
        cmocka_unit_test(test_load_ext_override_init_v1_stays_in_its_struct),
        cmocka_unit_test(test_load_ext_buffer_diagnosed),
        cmocka_unit_test(test_load_ext_diagnostic_callback),
        cmocka_unit_test(test_load_ext_resolver),
        cmocka_unit_test(test_load_ext_resolver_caller_owned),
        cmocka_unit_test(test_load_ext_resolver_garbage),
        cmocka_unit_test(test_load_ext_search_path),
        cmocka_unit_test(test_load_ext_wrappers_agree),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
