#!/usr/bin/env python3
"""check_symbols.py — the library's symbols are its API and nothing else.

  check_symbols.py STATIC_LIB SHARED_LIB HEADER RULES CC [CC_ARGS...]

1. The shared library exports exactly the functions quotalevy.h declares
   with QL_EXTERN: no internal name leaks, no declared one is missing.
2. Every global the static library defines is public (one of those) or
   carries the reserved private prefix `qli_`, and the private ones have
   hidden visibility, so a program's own shared library built over
   libquotalevy.a does not re-export them.
3. A program that defines, for itself, the names the internals had before
   they were prefixed (date_ymd, check_all, eval_record, resolve_name, …)
   links against the static library (every object of it) and against the
   shared one, and loads and evaluates a rule set with each.

4. The shared library's soname is libquotalevy.so.N with N the header's
   QL_VERSION_MAJOR (1 since the ABI was declared stable): the number a
   program is linked against is the one the header promises.

Needs nm and readelf (binutils) and the C compiler the build uses.
"""
import os
import re
import subprocess
import sys
import tempfile

PRIVATE = "qli_"

# What lib/ called its internals before the reserved prefix (issue 15):
# a payroll program may well have its own date_ymd or check_all.
OLD_NAMES = """
    ar_alloc ar_free ar_printf ar_strndup build_lists build_symbols
    cc_fail_at cc_fn_id cc_fn_name cc_fn_usage cc_kind_word cc_lookup
    cc_type_name check_all check_parts compile_ruleset date_parse_text
    date_ymd eval_frame_size eval_record is_reduction lex_init lex_next
    list_lookup param_index_at parse_expression qd_abs qd_add qd_cmp
    qd_div qd_div_round qd_format qd_is_integer qd_is_zero qd_make qd_mul
    qd_neg qd_parse qd_percent qd_pow10 qd_round_to qd_sign qd_sub
    ql_diag_note ql_error_set_field ql_fail ql_msg_oom ql_qd_message
    ql_text_out ql_vfail qval_to_public reduce_list resolve_name
    rl_apply_overrides rl_build_checks rl_build_computed rl_build_inputs
    rl_build_outputs rl_build_params rl_build_sources
    rl_build_validations rl_citation rl_date_value rl_expression
    rl_find_rules rl_item_name rl_keep_going rl_keys rl_list_count rl_oom
    rl_optional rl_required rl_rules_dir rl_scalar rl_section_items
    rl_valid_name rl_want section_names tc_expr tok_name vtype_public
    yfail ymap_get ynode_locate ytree_parse
""".split()

failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL: " + msg)


def run(cmd):
    return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout


def declared_api(header):
    text = open(header, encoding="utf-8").read()
    return set(re.findall(r"QL_EXTERN[^;(]*?\b(ql_\w+)\s*\(", text, re.S))


def check_exports(static_lib, shared_lib, header):
    api = declared_api(header)
    exported = {l.split()[-1] for l in run(["nm", "-D", "--defined-only", shared_lib]).splitlines()
                if l.strip()}
    for s in sorted(exported - api):
        fail(f"{shared_lib} exports {s}, which quotalevy.h does not declare")
    for s in sorted(api - exported):
        fail(f"quotalevy.h declares {s}, which {shared_lib} does not export")
    # readelf -s: Num Value Size Type Bind Vis Ndx Name
    n_private = 0
    for line in run(["readelf", "-sW", static_lib]).splitlines():
        f = line.split()
        if len(f) < 8 or f[4] != "GLOBAL" or f[6] == "UND":
            continue
        name, vis = f[7], f[5]
        if name in api:
            continue
        if not name.startswith(PRIVATE):
            fail(f"{static_lib} defines the global {name}: internal names "
                 f"take the private prefix {PRIVATE} (or are static)")
        elif vis != "HIDDEN":
            fail(f"{static_lib}: {name} has {vis} visibility, not HIDDEN")
        else:
            n_private += 1
    print(f"{len(exported)} public functions exported, "
          f"{n_private} private {PRIVATE}* symbols hidden")


PROGRAM = r"""
#include <stdio.h>
#include <string.h>
#include "quotalevy.h"

/* The program's own functions, named as the library's internals were. */
%s

int main(int argc, char **argv)
{
    ql_ruleset *rs;
    ql_record *rec;
    ql_result *res;
    ql_error err;
    ql_date d;
    char buf[64];
    (void)argc;
    if (ql_ruleset_load(&rs, argv[1], &err) ||
        ql_record_new(&rec, rs, &err) || ql_result_new(&res, rs, &err) ||
        ql_record_set(rec, "kind", "firm", &err) ||
        ql_record_set(rec, "staff", "100", &err) ||
        ql_record_set(rec, "wages", "8000000", &err) ||
        ql_record_set(rec, "area_wage", "40000", &err) ||
        ql_date_parse(&d, "2024-01-01", 10, &err) ||
        ql_evaluate(res, rec, d, QL_EVAL_TRACE, &err)) {
        ql_error_format(buf, sizeof buf, &err);
        fprintf(stderr, "%%s\n", buf);
        return 1;
    }
    ql_result_output_text(buf, sizeof buf, res, 0);
    printf("%%s %%d\n", buf, date_ymd() + check_all());
    ql_result_free(res);
    ql_record_free(rec);
    ql_ruleset_free(rs);
    return 0;
}
"""


def check_link(static_lib, shared_lib, header, rules, cc):
    own = "\n".join(f"int {n}(void);\nint {n}(void) {{ return 1; }}" for n in OLD_NAMES)
    inc = os.path.dirname(header)
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "own_names.c")
        with open(src, "w") as f:
            f.write(PROGRAM % own)
        builds = {
            "static": [src, "-Wl,--whole-archive", static_lib,
                       "-Wl,--no-whole-archive", "-lyaml"],
            "shared": [src, shared_lib,
                       "-Wl,-rpath," + os.path.dirname(os.path.abspath(shared_lib))],
        }
        for kind, args in builds.items():
            exe = os.path.join(tmp, "own_names_" + kind)
            r = subprocess.run(cc + ["-I" + inc, "-o", exe] + args,
                               capture_output=True, text=True)
            if r.returncode:
                fail(f"a program defining the old internal names does not link "
                     f"against the {kind} library:\n{r.stderr}")
                continue
            r = subprocess.run([exe, rules], capture_output=True, text=True)
            if r.returncode or r.stdout != "1.50000 2\n":
                fail(f"{kind}: the program ran wrong: {r.stdout!r} {r.stderr!r}")
            else:
                print(f"{kind}: linked with {len(OLD_NAMES)} old internal names "
                      f"defined, evaluated {r.stdout.split()[0]}")


def check_soname(shared_lib, header):
    text = open(header, encoding="utf-8").read()
    major = int(re.search(r"#define QL_VERSION_MAJOR (\d+)", text).group(1))
    m = re.search(r"\(SONAME\)\s+Library soname: \[([^\]]+)\]",
                  run(["readelf", "-dW", shared_lib]))
    want = f"libquotalevy.so.{major}"
    if not m or m.group(1) != want:
        fail(f"{shared_lib}: soname {m.group(1) if m else None}, expected {want} "
             f"(QL_VERSION_MAJOR {major})")
    elif major < 1:
        fail(f"soname {want}: the ABI is declared stable, the soname is at least 1")
    else:
        print(f"soname {want}")


def main():
    static_lib, shared_lib, header, rules = sys.argv[1:5]
    cc = sys.argv[5:]
    check_soname(shared_lib, header)
    check_exports(static_lib, shared_lib, header)
    check_link(static_lib, shared_lib, header, rules, cc)
    if failures:
        print(f"{len(failures)} problem(s)")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
