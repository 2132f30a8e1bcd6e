#!/usr/bin/env python3
"""Generates realistic synthetic employer records for the Chinese rule set.

    gen_units.py N [--seed S] > units.csv

Seeded and reproducible.  The mix follows what a provincial levy run sees:
mostly enterprises of every size (many tiny ones, a long tail of large
ones, fractional average headcounts), agencies and institutions at every
level with posts, federation organs, units reporting service points, and
the edge cases the rules care about (30/31 employees, wages above the
cap, exactly 1 % disabled, zero employees).  Every row is valid, so every
tool being compared must produce a row for it.
"""
import argparse
import random
import sys

COLS = ["id", "unit_type", "admin_level", "school", "disability_federation",
        "posts", "employees", "disabled", "disabled_severe", "wage_total",
        "local_avg_wage", "cadres", "disabled_cadres", "new_service_points",
        "service_points_to_disabled"]
LOCAL = [78000, 82345, 90437, 96120, 104500]  # prefecture average wages


def unit(r, i):
    kind = r.random()
    local = r.choice(LOCAL)
    row = dict.fromkeys(COLS, "")
    row["id"] = "U%08d" % i
    row["local_avg_wage"] = str(local)
    edge = r.random()
    if kind < 0.86:
        row["unit_type"] = "enterprise"
        if edge < 0.03:
            emp = r.choice([30, 31, 0, 20, 21])
        else:
            emp = int(r.lognormvariate(3.2, 1.3))
        frac = r.choice(["", "", "", ".5", ".25", ".75"])
        emp_s = "%d%s" % (emp, frac if emp else "")
    else:
        row["unit_type"] = r.choice(["agency", "institution", "social_org",
                                     "private_nonenterprise"])
        emp = int(r.lognormvariate(3.8, 0.9))
        emp_s = str(emp)
        if row["unit_type"] in ("agency", "institution"):
            row["admin_level"] = r.choice(["province", "prefecture", "county",
                                           "township", "central"])
            row["posts"] = str(max(emp + r.randint(-5, 8), 0))
            if row["unit_type"] == "institution":
                row["school"] = r.choice(["true", "false", "false"])
            else:
                fed = r.random() < 0.05
                row["disability_federation"] = "true" if fed else "false"
                if fed:
                    row["cadres"] = str(max(emp, 1))
                    row["disabled_cadres"] = str(r.randint(0, max(emp, 1) // 4))
    empf = float(emp_s) if emp_s else 0.0
    if edge < 0.01 and empf >= 100:
        dis = int(empf) // 100  # exactly 1 %
    else:
        dis = min(int(empf), r.choice([0, 0, 0, 1, 1, 2, int(empf * 0.012)]))
    sev = 1 if (r.random() < 0.1 and dis >= 1) else 0
    row["employees"] = emp_s
    row["disabled"] = str(dis - sev)
    row["disabled_severe"] = str(sev)
    avg = local * r.uniform(0.4, 3.5) if edge > 0.05 else local * r.uniform(2.1, 4)
    row["wage_total"] = "%.2f" % (avg * empf)
    if r.random() < 0.02:
        pts = r.randint(1, 40)
        row["new_service_points"] = str(pts)
        row["service_points_to_disabled"] = str(r.randint(0, pts // 5))
    return row


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("n", type=int)
    ap.add_argument("--seed", type=int, default=2024)
    a = ap.parse_args()
    r = random.Random(a.seed)
    out = sys.stdout
    out.write(",".join(COLS) + "\n")
    for i in range(a.n):
        row = unit(r, i)
        out.write(",".join(row[c] for c in COLS) + "\n")


if __name__ == "__main__":
    main()
