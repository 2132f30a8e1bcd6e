#!/usr/bin/env python3
"""check_format.py — the C sources follow the house format (.clang-format).

  check_format.py SOURCE_ROOT CLANG_FORMAT

Every .c and .h under lib/, include/, tools/, bindings/, tests/, examples/
and bench/ must be unchanged by `clang-format` with the repository's
.clang-format, except the files named in tests/format/unformatted.txt:
the ones written before the format was checked.  That list only shrinks
(a file leaves it in a commit that formats it and nothing else, when no
one else has work on it in flight); a new file is checked from its first
commit.  Fails naming each file and the command that fixes it.
"""
import os
import subprocess
import sys

DIRS = ("lib", "include", "tools", "bindings", "tests", "examples", "bench")


def main():
    root, clang_format = sys.argv[1:3]
    with open(os.path.join(root, "tests/format/unformatted.txt"), encoding="utf-8") as f:
        exempt = {l.strip() for l in f if l.strip() and not l.startswith("#")}
    checked, bad, gone = 0, [], set(exempt)
    for d in DIRS:
        for dirpath, _, files in os.walk(os.path.join(root, d)):
            for name in sorted(files):
                if not name.endswith((".c", ".h")):
                    continue
                rel = os.path.relpath(os.path.join(dirpath, name), root)
                gone.discard(rel)
                if rel in exempt:
                    continue
                r = subprocess.run([clang_format, "--dry-run", "-Werror",
                                    "--style=file", rel], cwd=root,
                                   capture_output=True, text=True)
                checked += 1
                if r.returncode:
                    bad.append(rel)
    for rel in bad:
        print(f"FAIL: {rel} is not in the house format: clang-format -i {rel}")
    for rel in sorted(gone):
        print(f"FAIL: tests/format/unformatted.txt names {rel}, which does not exist")
    print(f"{checked} files checked, {len(exempt) - len(gone)} not yet formatted "
          f"(tests/format/unformatted.txt)")
    return 1 if bad or gone else 0


if __name__ == "__main__":
    sys.exit(main())
