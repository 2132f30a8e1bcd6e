#!/usr/bin/env python3
"""The Jilin levy (2024 rules) as an auditor would write it in plain
Python with the decimal module: the benchmark's pure-Python peer.

    levy_python.py UNITS.csv [LIMIT]   → prints {"seconds", "rows", "levy_total"}
"""
import csv
import json
import sys
import time
from decimal import ROUND_HALF_UP, Decimal

RATIO = Decimal("0.016")
CAP = 2
FEN = Decimal("0.01")


def levy(row):
    employees = Decimal(row["employees"])
    counted = int(row["disabled"]) + 2 * int(row["disabled_severe"])
    required = employees * RATIO
    shortfall = max(required - counted, 0)
    average = ((Decimal(row["wage_total"]) / employees).quantize(FEN, ROUND_HALF_UP)
               if employees > 0 else Decimal(0))
    wage = min(average, CAP * Decimal(row["local_avg_wage"]))
    gross = (shortfall * wage).quantize(FEN, ROUND_HALF_UP)
    if counted >= required:
        rate = Decimal(1)
    elif counted / employees >= Decimal("0.01"):
        rate = Decimal("0.5")
    else:
        rate = Decimal("0.9")
    if row["unit_type"] == "enterprise" and employees <= 30:
        return Decimal("0.00")
    # The form books the reduction (减免费额) to the fen; due = gross − it.
    return gross - (gross * (1 - rate)).quantize(FEN, ROUND_HALF_UP)


def main():
    path = sys.argv[1]
    limit = int(sys.argv[2]) if len(sys.argv) > 2 else None
    t0 = time.perf_counter()
    total, rows = Decimal(0), 0
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            total += levy(row)
            rows += 1
            if limit and rows >= limit:
                break
    seconds = time.perf_counter() - t0
    print(json.dumps({"seconds": seconds, "rows": rows, "levy_total": str(total)}))


if __name__ == "__main__":
    main()
