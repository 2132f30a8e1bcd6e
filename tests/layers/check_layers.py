#!/usr/bin/env python3
"""The include lines draw the pipeline: a stage reads only the stages
before it (docs/architecture.md, "Headers: one per stage").

Each rule below names a file of lib/ and what it may not include, or the
only headers it may include; lists.c, the pass before the type check,
also may not call the type checker (qli_tc_*), which would make the two
call each other again.

Usage: check_layers.py SOURCE_DIR
"""
import pathlib
import re
import sys

# the loader's and the compiler's headers, none of which evaluation needs
COMPILER = {"compile.h", "typecheck.h", "lists.h", "builtins.h", "rules.h"}
RULES = [
    # file, only these headers (None: any), never these, no calls to
    ("lib/decimal.c", {"decimal.h", "decimal_wide.h"}, set(), None),
    ("lib/decimal_round.c", {"decimal.h", "decimal_wide.h"}, set(), None),
    ("lib/decimal_cmp.c", {"decimal.h", "decimal_wide.h"}, set(), None),
    ("lib/decimal_text.c", {"decimal.h"}, set(), None),
    ("lib/lexer.c", {"decimal.h", "util.h", "value.h", "expr.h", "unicode.h", "utf8.h", "snippet.h"}, set(), None),
    ("lib/parser.c", {"decimal.h", "util.h", "value.h", "expr.h"}, set(), None),
    ("lib/symbols.c", None, {"typecheck.h", "lists.h", "builtins.h"}, None),
    ("lib/lists.c", None, {"typecheck.h", "code.h"}, "qli_tc_"),
    ("lib/eval.c", None, COMPILER, None),
    ("lib/eval_errors.c", None, COMPILER, None),
    ("lib/fast_eval.c", None, COMPILER, None),
    ("lib/record.c", None, COMPILER, None),
    ("lib/result.c", None, COMPILER, None),
    ("lib/result_value.c", None, COMPILER, None),
    ("lib/result_text.c", None, COMPILER, None),
    ("lib/result_access.h", None, COMPILER, None),
]
INCLUDE = re.compile(r'^#include "([\w.]+)"', re.M)
COMMENT = re.compile(r"/\*.*?\*/|//[^\n]*", re.S)


def main():
    root = pathlib.Path(sys.argv[1])
    bad = 0
    for path, only, never, calls in RULES:
        text = (root / path).read_text()
        for h in INCLUDE.findall(text):
            if (only is not None and h not in only) or h in never:
                print("%s includes %s, a later stage's header" % (path, h))
                bad += 1
        if calls:
            code = COMMENT.sub("", text)
            for name in sorted(set(re.findall(r"\b(%s\w+)\s*\(" % calls, code))):
                print("%s calls %s" % (path, name))
                bad += 1
    if bad:
        return 1
    print("check_layers: %d files read only the stages before them" % len(RULES))
    return 0


if __name__ == "__main__":
    sys.exit(main())
