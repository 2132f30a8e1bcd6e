#!/usr/bin/env python3
"""How loading a rule set grows with its size: generates rules files with N
inputs (and N/10 computed values, every input and computed value an
output, a few `remove:`d through `extends`) and times `quotalevy check`
on each, the median of a few runs.  Loading must grow linearly: the ratio
column (seconds per 10,000 inputs, against the smallest size) stays near
1 when it does, and grows with N when some lookup is a linear scan.

Usage: bench/load_curve.py [--build build] [--sizes 10000,25000,50000,100000]
"""
import argparse
import os
import statistics
import subprocess
import tempfile
import time

HEAD = ("quotalevy: 1\nid: bench\ntitle: load bench\njurisdiction: XX\n"
        "version: '1'\nsources:\n  s:\n    title: bench (not law)\n")


def write_rules(folder, n):
    """A parent with n inputs and n/10 computed values; a child that
    extends it, replaces every tenth input and removes a few."""
    parent = os.path.join(folder, f"parent{n}.yaml")
    with open(parent, "w") as f:
        f.write(HEAD + "inputs:\n")
        for i in range(n):
            f.write(f"  in{i}: decimal\n")
        f.write("computed:\n")
        for i in range(n // 10):
            f.write(f"  c{i}: in{i} + in{n - 1 - i}\n")
        f.write("outputs: [" + ", ".join(f"c{i}" for i in range(n // 10)) +
                ", " + ", ".join(f"in{i}" for i in range(n)) + "]\n")
    child = os.path.join(folder, f"child{n}.yaml")
    with open(child, "w") as f:
        f.write(HEAD.split("sources:")[0].replace("id: bench", "id: child") +
                f"extends: parent{n}.yaml\n")
        f.write("inputs:\n")
        for i in range(0, n, 10):
            f.write(f"  in{i}: {{type: decimal, min: 0}}\n")
    return child


def time_load(binary, path, runs):
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        p = subprocess.run([binary, "check", path], capture_output=True,
                           text=True)
        times.append(time.perf_counter() - t)
        if p.returncode != 0:
            raise SystemExit(f"check {path} failed:\n{p.stdout}{p.stderr}")
    return statistics.median(times)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build")
    ap.add_argument("--sizes", default="10000,25000,50000,100000")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    binary = os.path.join(args.build, "tools", "quotalevy")
    sizes = [int(s) for s in args.sizes.split(",")]
    with tempfile.TemporaryDirectory() as d:
        rows = []
        for n in sizes:
            rows.append((n, time_load(binary, write_rules(d, n), args.runs)))
    base = rows[0][1] / rows[0][0]
    print(f"{'inputs':>8} {'seconds':>9} {'per 10k':>9} {'ratio':>6}")
    for n, s in rows:
        print(f"{n:>8} {s:>9.3f} {s / n * 10000:>9.3f} {s / n / base:>6.2f}")


if __name__ == "__main__":
    main()
