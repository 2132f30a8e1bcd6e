#!/usr/bin/env python3
"""null_args.py — writes a C program that calls every public function with
each of its pointer arguments NULL in turn (the others valid), and once
with all of them NULL.

  null_args.py HEADER OUT.c     (the program: null_args RULES TEST_FILE)

The functions are read from the header (every QL_EXTERN prototype), so a
function added to the API is covered without anyone remembering to: if
one of its parameters has no fixture below, this script fails and names
it.  The program (meson test `api_null_args`, also run under ASan +
UBSan) fails when

  - a call crashes;
  - a ql_status function called with valid arguments does not return
    QL_OK (the fixtures are real, so the NULL calls test what they say);
  - a ql_status function returns QL_OK with a pointer NULL that the
    header does not call optional (OPTIONAL below);
  - a function returning a name (`const char *`) or a count (`*_count`)
    gives anything but NULL / 0 for a NULL handle or key.
"""
import re
import sys

# Pointer parameters the header allows to be NULL.
OPTIONAL = {
    ("*", "err"),                      # every error report is optional
    ("ql_ruleset_param_value", "from"),
    ("ql_ruleset_param_value", "source"),
    ("ql_ruleset_load_ext", "opts"),   # NULL: the defaults
    ("ql_test_file", "opts"),
    ("ql_test_file_ext", "opts"),
    ("ql_ruleset_load_buffer", "name"),  # NULL: "<memory>"
    ("*", "buf"),                      # text writers: NULL asks the length
    ("ql_record_set", "text"),         # NULL empties the field, as ""
    ("ql_record_set_texts", "failed"), # where it stopped: optional
    ("*", "payload"),                  # a callback's, passed on unread
    ("ql_columns_set_input", "present"),  # NULL: every row set
    ("ql_columns_set_input_text", "present"),
    ("ql_evaluate_columns", "on_error"),  # NULL: no report a row
}

# Record fields of tests/rules/base.yaml by the setter that fills them.
FIELD = {
    "ql_record_set_text": "staff", "ql_record_set_decimal": "staff",
    "ql_record_set_int": "posts", "ql_record_set_bool": "public",
    "ql_record_set_date": "founded",
    "ql_ruleset_input_enum": "kind", "ql_columns_set_input": "staff",
    "ql_columns_set_input_text": "id",
}

VERSION = {
    "ql_value_init": "QL_VALUE_VERSION",
    "ql_override_init": "QL_OVERRIDE_VERSION",
    "ql_load_options_init": "QL_LOAD_OPTIONS_VERSION",
    "ql_check_result_init": "QL_CHECK_RESULT_VERSION",
    "ql_trace_step_init": "QL_TRACE_STEP_VERSION",
}

TEXT = {
    "ql_decimal_parse": '"12.5"', "ql_date_parse": '"2024-01-01"',
    "ql_record_set_text": '"50"', "ql_record_set": '"50"',
    "ql_text_quote": '"\\xE4\\xBC\\x81\\xFF"',  # 企 and a byte that is no UTF-8
}


def fixture(fn, ptype, name, prev):
    """(declarations, expression) for one argument of fn."""
    t = ptype.replace(" ", "")
    handles = {"ql_ruleset": "ql_ruleset_free", "ql_record": "ql_record_free",
               "ql_result": "ql_result_free", "ql_columns": "ql_columns_free"}
    for h in handles:
        if t == h + "**":
            return f"{h} *o_{name} = NULL;", f"&o_{name}"
    if t in ("constql_ruleset*", "ql_ruleset*"):
        return "", "rs"
    if t in ("constql_record*", "ql_record*"):
        return "", "rec"
    if t in ("constql_result*", "ql_result*"):
        return "", "res"
    if t == "ql_columns*":
        # a date output's column needs a rule set with one (DATED)
        return "", "dated_cols" if fn == "ql_columns_set_output_date" else "cols"
    # a batch of columns keeps its arrays: static, so a later call's
    # evaluation of row 0 reads and writes live memory
    if fn.startswith("ql_columns_set"):
        if t == "constint64_t*":
            return "static const int64_t c_values[1] = {500};", "c_values"
        if t == "constuint8_t*":
            return "static const uint8_t c_present[1] = {1};", "c_present"
        if t == "constchar*const*":
            return 'static const char *const c_texts[1] = {"U1"};', "c_texts"
        if t == "constsize_t*":
            return "static const size_t c_lens[1] = {2};", "c_lens"
        if t == "int64_t*":
            return "static int64_t c_coef[1];", "c_coef"
        if t == "int8_t*":
            return "static int8_t c_scale[1];", "c_scale"
        if t == "ql_date*":
            return "static ql_date c_days[1];", "c_days"
    if t == "ql_row_error_cb":
        return "", "on_row_error"
    if t == "ql_result*const*":
        return "ql_result *ress[1] = {res};", "ress"
    if t == "constql_result*const*":
        return "const ql_result *cress[1] = {res};", "cress"
    if t == "int8_t*":
        return f"int8_t s_{name}[1] = {{0}};", f"s_{name}"
    if t == "constql_record*const*":
        return "const ql_record *recs[1] = {rec};", "recs"
    if t == "ql_error*" and name == "errs":
        return "ql_error errs[4];", "errs"
    if t in ("ql_error*", "constql_error*"):
        return f"ql_error e_{name}; ql_error_clear(&e_{name});", f"&e_{name}"
    if t == "char*" and name == "buf":
        return "char buf[256];", "buf"
    if t == "char" and name == "sep":
        return "", "','"
    if t == "ql_test_failure_cb":
        return "", "on_failure"
    if t == "ql_test_loaded_cb":
        return "", "on_loaded"
    if t == "void*" and name == "payload":
        return "", "&calls"
    if t == "constchar*":
        if name == "path" and fn.startswith("ql_test_file"):
            return "", "TESTS"
        if name in ("path", "source"):
            return "", "RULES"
        if name == "yaml":
            return "", "YAML"
        if name == "name":
            return "", "RULES" if fn == "ql_ruleset_load_buffer" else '"staff"'
        if name == "key":
            return "", '"id"'
        if name == "text" and fn in TEXT:
            return "", TEXT[fn]
    if t == "size_t":
        if name == "size":
            return "", "256"  # buf is char[256]; with buf NULL, nothing is written
        if name == "len":
            return "", "YAML_LEN" if prev == "YAML" else f"strlen({prev})"
        if name == "i":
            return "", f'field("{FIELD[fn]}")' if fn in FIELD else "0"
        if name == "n":
            return "", "1"
        if name == "max":
            return "", "4"
        if name == "k":
            return "", "0"
    if t == "constint*" and name == "fields":
        return 'int f_fields[1] = {(int)field("staff")};', "f_fields"
    if t == "constchar*const*" and name == "texts":
        return 'const char *t_texts[1] = {"50"};', "t_texts"
    if t == "constsize_t*" and name == "lens":
        return "size_t l_lens[1] = {2};", "l_lens"
    if t == "size_t*":
        return f"size_t n_{name} = 0;", f"&n_{name}"
    if t == "ql_decimal*":
        return f"ql_decimal d_{name};", f"&d_{name}"
    if t == "constql_decimal*":
        return (f"ql_decimal d_{name}; ql_decimal_from_int64(&d_{name}, 125, 1);",
                f"&d_{name}")
    if t == "int64_t*":
        return f"int64_t i_{name} = 0;", f"&i_{name}"
    if t == "int64_t":
        return "", "3"
    if t == "int":
        return "", {"scale": "1", "year": "2024", "month": "1", "day": "1",
                    "value": "1", "quote": "'\\''"}.get(name)
    if t == "ql_date*":
        return f"ql_date t_{name} = 0;", f"&t_{name}"
    if t == "ql_date":
        return "", "day"
    if t == "constchar**":
        return f"const char *s_{name} = NULL;", f"&s_{name}"
    if t == "ql_value*":
        return f"ql_value v_{name} = QL_VALUE_INIT;", f"&v_{name}"
    if t == "constql_value*":
        return (f"ql_value v_{name} = QL_VALUE_INIT; ql_result_output(&v_{name}, res, 0);",
                f"&v_{name}")
    if t == "ql_check_result*":
        return f"ql_check_result c_{name} = QL_CHECK_RESULT_INIT;", f"&c_{name}"
    if t == "ql_trace_step*":
        return f"ql_trace_step s_{name} = QL_TRACE_STEP_INIT;", f"&s_{name}"
    if t == "ql_override*":
        return f"ql_override o_{name};", f"&o_{name}"
    if t == "constql_override*":
        return ('ql_override ovr[1] = {{QL_OVERRIDE_VERSION, "ratio", "2%", 0}};',
                "ovr")
    if t == "ql_load_options*":
        return f"ql_load_options l_{name};", f"&l_{name}"
    if t == "constql_load_options*":
        return f"ql_load_options l_{name} = QL_LOAD_OPTIONS_INIT;", f"&l_{name}"
    if t in ("unsignedint", "unsigned") and name == "version":
        return "", VERSION.get(fn)
    if t == "unsigned" and name == "flags":
        return "", "QL_EVAL_TRACE"
    if t == "ql_status":
        return "", "QL_EPARSE"
    if t == "ql_step_kind":
        return "", "QL_STEP_INPUT"
    if t == "ql_check_field":
        return "", "QL_CHECK_REQUIRED"
    return None, None


def prototypes(header):
    text = re.sub(r"/\*.*?\*/", "", open(header, encoding="utf-8").read(), flags=re.S)
    for m in re.finditer(r"QL_EXTERN\s+([^;(]*?)\s*\b(ql_\w+)\s*\(([^)]*)\)\s*;", text):
        ret, fn, params = " ".join(m.group(1).split()), m.group(2), m.group(3)
        ps = []
        for p in params.split(","):
            p = " ".join(p.split())
            if p in ("void", ""):
                continue
            pm = re.match(r"(.*?)\s*\b(\w+)$", p)
            ps.append((pm.group(1), pm.group(2)))
        yield ret, fn, ps


def main():
    header, out = sys.argv[1:3]
    blocks, names, missing = [], [], []
    for ret, fn, ps in prototypes(header):
        names.append(fn)
        decls, exprs, prev = [], [], None
        for ptype, pname in ps:
            d, e = fixture(fn, ptype, pname, prev)
            if e is None:
                missing.append(f"{fn}: {ptype} {pname}")
                continue
            decls.append(d)
            exprs.append(e)
            prev = e
        if len(exprs) != len(ps):
            continue
        ptrs = [k for k, (t, _) in enumerate(ps) if "*" in t]
        variants = [] if fn.endswith("_free") else [("valid", [])]
        variants += [(ps[k][1] + " NULL", [k]) for k in ptrs]
        if len(ptrs) > 1:
            variants.append(("all pointers NULL", ptrs))
        for label, nulls in variants:
            args = ["NULL" if k in nulls else e for k, e in enumerate(exprs)]
            required = [k for k in nulls
                        if ("*", ps[k][1]) not in OPTIONAL and (fn, ps[k][1]) not in OPTIONAL]
            call = f"{fn}({', '.join(args)})"
            what = f'"{fn}, {label}"'
            b = ["    {", "        refill();"] + ["        " + d for k, d in enumerate(decls)
                                                  if d and k not in nulls]
            if ret == "ql_status":
                b.append(f"        ql_status st = {call};")
                if not nulls:
                    b.append(f"        expect(st == QL_OK, {what}, \"not QL_OK with valid arguments\");")
                elif required:
                    b.append(f"        expect(st != QL_OK, {what}, \"QL_OK with a NULL it needs\");")
                else:
                    b.append("        (void)st;")
            elif ret == "void":
                b.append(f"        {call};")
            elif ret == "const char *" and nulls:
                b.append(f"        expect({call} == NULL, {what}, \"a name for NULL\");")
            elif fn.endswith("_count") and nulls:
                b.append(f"        expect({call} == 0, {what}, \"a count for NULL\");")
            else:
                b.append(f"        (void)({call});")
            for k, (t, n) in enumerate(ps):
                h = t.replace(" ", "")
                if h.endswith("**") and h[:-2] in ("ql_ruleset", "ql_record", "ql_result",
                                                   "ql_columns") \
                        and k not in nulls:
                    b.append(f"        {h[:-2]}_free(o_{n});")
            b.append("        calls++;")
            b.append("    }")
            blocks.append("\n".join(b))
    if missing:
        sys.stderr.write("null_args.py: no fixture for these parameters; add one:\n  "
                         + "\n  ".join(missing) + "\n")
        return 1
    with open(out, "w", encoding="utf-8") as f:
        f.write(PROLOGUE)
        f.write("\n".join(blocks))
        f.write(EPILOGUE % len(names))
    return 0


PROLOGUE = r"""/* Generated by tests/abi/null_args.py from include/quotalevy.h: do not edit. */
#include "quotalevy.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *RULES, *TESTS;
static char *YAML;
static size_t YAML_LEN;
static ql_ruleset *rs;
static ql_record *rec;
static ql_result *res;
static ql_columns *cols;
/* A rule set with a computed date output, for ql_columns_set_output_date. */
static const char DATED[] =
    "quotalevy: 1\nid: test-dated\ntitle: A date output\njurisdiction: XX\n"
    "version: \"1\"\ninputs:\n  founded: date\ncomputed:\n"
    "  review_due: founded\noutputs: [review_due]\n";
static ql_ruleset *dated_rs;
static ql_columns *dated_cols;
static ql_date day;
static int failures, calls;

static void on_failure(const char *file, int line, const char *case_name,
                       const char *message, void *payload)
{
    fprintf(stderr, "%s:%d: case '%s': %s\n", file, line, case_name, message);
    (void)payload;
}

static void on_row_error(size_t row, const ql_error *e, void *payload)
{
    fprintf(stderr, "row %zu: %s\n", row, e->message);
    (void)payload;
}

/* cols: row 0 of columns holding the record refill() sets (kind firm,
 * staff 50, disabled 0, wages 10000000, area_wage 40000), so that
 * ql_evaluate_columns succeeds with valid arguments. */
static int columns_fixture(ql_error *err)
{
    static const int64_t kind[1] = {0}, staff[1] = {50}, disabled[1] = {0},
                         wages[1] = {10000000}, area[1] = {40000};
    static const struct { const char *name; const int64_t *v; } c[] = {
        {"kind", kind}, {"staff", staff}, {"disabled", disabled},
        {"wages", wages}, {"area_wage", area}};
    if (ql_columns_new(&cols, rs, err))
        return -1;
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++)
        if (ql_columns_set_input(cols, (size_t)ql_ruleset_input_index(rs, c[i].name),
                                 c[i].v, 0, NULL, err))
            return -1;
    return 0;
}

static void on_loaded(const ql_ruleset *loaded, void *payload)
{
    (void)loaded;
    (void)payload;
}

static void expect(int ok, const char *call, const char *what)
{
    if (!ok) {
        fprintf(stderr, "FAIL: %s: %s\n", call, what);
        failures++;
    }
}

static size_t field(const char *name)
{
    int i = ql_ruleset_input_index(rs, name);
    if (i < 0) {
        fprintf(stderr, "the fixture has no input %s\n", name);
        exit(2);
    }
    return (size_t)i;
}

/* Every call starts from a filled record and a traced evaluation. */
static void refill(void)
{
    static const char *const f[][2] = {
        {"kind", "firm"}, {"staff", "50"}, {"disabled", "0"},
        {"wages", "10000000"}, {"area_wage", "40000"}};
    ql_error err;
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
        if (ql_record_set(rec, f[i][0], f[i][1], &err)) {
            fprintf(stderr, "fixture: %s\n", err.message);
            exit(2);
        }
    if (ql_evaluate(res, rec, day, QL_EVAL_TRACE, &err)) {
        fprintf(stderr, "fixture: %s\n", err.message);
        exit(2);
    }
}

int main(int argc, char **argv)
{
    ql_error err;
    if (argc != 3)
        return 2;
    RULES = argv[1];
    TESTS = argv[2];
    FILE *fp = fopen(RULES, "rb");
    if (!fp)
        return 2;
    YAML = malloc(1 << 16);
    YAML_LEN = fread(YAML, 1, 1 << 16, fp);
    fclose(fp);
    if (ql_ruleset_load(&rs, RULES, &err) || ql_record_new(&rec, rs, &err) ||
        ql_result_new(&res, rs, &err) || columns_fixture(&err) ||
        ql_ruleset_load_buffer(&dated_rs, DATED, sizeof DATED - 1, "dated", &err) ||
        ql_columns_new(&dated_cols, dated_rs, &err) ||
        ql_date_from_ymd(&day, 2024, 1, 1)) {
        fprintf(stderr, "fixture: %s\n", err.message);
        return 2;
    }
"""

EPILOGUE = r"""
    ql_columns_free(cols);
    ql_columns_free(dated_cols);
    ql_ruleset_free(dated_rs);
    ql_result_free(res);
    ql_record_free(rec);
    ql_ruleset_free(rs);
    free(YAML);
    printf("%%d calls over %d public functions, %%d failures\n", calls, failures);
    return failures ? 1 : 0;
}
"""

if __name__ == "__main__":
    sys.exit(main())
