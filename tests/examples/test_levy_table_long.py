#!/usr/bin/env python3
"""examples/levy_table.c prints every value whole and reads lines of any
length: it cut string outputs and ids at 79 bytes (a QL_DECIMAL_TEXT_MAX
buffer) and split a line over 4 KiB into a second "unit" (P3-19).

Usage: test_levy_table_long.py LEVY_TABLE RULES   (run by meson test)
"""
import os
import subprocess
import sys
import tempfile


def main():
    prog, rules = sys.argv[1:3]
    long_id = "X" * 120
    huge_id = "Y" * 6000  # a line of more than 4 KiB
    unit = "2021-06-01 id=%s kind=firm staff=100.5 disabled=1 wages=8000000 " \
           "area_wage=40000 posts=0\n"
    with tempfile.TemporaryDirectory() as d:
        units = os.path.join(d, "u.txt")
        with open(units, "w", encoding="utf-8") as f:
            f.write(unit % long_id + unit % huge_id + unit % "F-001")
        p = subprocess.run([prog, rules, units], capture_output=True, text=True)
    lines = p.stdout.splitlines()
    assert p.returncode == 0, (p.returncode, p.stderr)
    assert p.stderr == "", p.stderr
    assert len(lines) == 4, len(lines)  # the header and three units, no more
    ids = [ln.split()[0] for ln in lines[1:]]
    assert ids == [long_id, huge_id, "F-001"], [len(i) for i in ids]
    # the same outputs for the same unit whatever its id's length
    assert len({tuple(ln.split()[1:]) for ln in lines[1:]}) == 1, lines
    print("ok: 3 units, ids of 120 and 6000 bytes whole")


if __name__ == "__main__":
    main()
