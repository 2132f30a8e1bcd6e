#!/usr/bin/env python3
"""A message never writes a limit's number by hand.

Every limit is a named constant (lib/util.h's QL_MAX_*, lib/decimal.h's
QD_*), and a message that states one prints the constant (QL_STR or %d),
so changing the constant changes the message.  This finds the string
literals in lib/*.c that hold, as a word of their own, the number of any
such constant: a message that would go on saying the old limit.

Usage: check_limit_messages.py SOURCE_DIR
"""
import pathlib
import re
import sys

HEADERS = ["lib/util.h", "lib/decimal.h"]
DEFINE = re.compile(r"^#define\s+((?:QL_MAX|QD)_\w+)\s+\(?(\d+)u?\)?(?:\s|$)", re.M)
# C string literals, once comments and character constants are out.
COMMENT = re.compile(r"/\*.*?\*/|//[^\n]*", re.S)
STRING = re.compile(r'"((?:[^"\\\n]|\\.)*)"')


def limits(root):
    found = {}
    for h in HEADERS:
        for name, value in DEFINE.findall((root / h).read_text()):
            if int(value) >= 10:  # 0..9 are words of English, not limits
                found.setdefault(value, []).append(name)
    return found


def main():
    root = pathlib.Path(sys.argv[1])
    known = limits(root)
    if len(known) < 8:
        print("check_limit_messages: found only %d limits in %s: the "
              "headers moved?" % (len(known), HEADERS))
        return 1
    bad = 0
    for path in sorted((root / "lib").glob("*.c")):
        text = COMMENT.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)),
                           path.read_text())
        for m in STRING.finditer(text):
            lit = m.group(1)
            if not re.search(r"[a-z]{3}", lit):
                continue  # not a sentence: a table of digits, a format
            for num in re.findall(r"(?<![\w.%-])\d+(?![\w.])", lit):
                if num in known:
                    line = text.count("\n", 0, m.start()) + 1
                    print("%s:%d: \"%s\" writes %s by hand: print %s"
                          % (path.relative_to(root), line, lit, num,
                             " or ".join(known[num])))
                    bad += 1
    if bad:
        return 1
    print("check_limit_messages: no limit written by hand in lib/*.c's "
          "strings (%d limits)" % sum(map(len, known.values())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
