#!/usr/bin/env python3
"""Audits agencies and institutions against Jilin's post rules.

Reads a CSV of units (the columns of rules/cn/jilin.yaml), evaluates each
agency and institution on the given date, and prints those that fall short
of the 50-post (agencies) and 67-post (institutions) rules: at least one
disabled employee where the unit does not reach the quota ratio.

    audit_agencies.py [UNITS.csv] [--date YYYY-MM-DD] [--rules RULES.yaml]

Rows the rules cannot evaluate are listed with their reason at the end.
Exit status: 0 when every unit meets the rules, 1 when some fall short.
"""
import argparse
import csv
import os
import sys

import quotalevy

HERE = os.path.dirname(os.path.abspath(__file__))
POST_RULES = ("agency_post_minimum", "institution_post_minimum")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("units", nargs="?", default=os.path.join(HERE, "jilin-units.csv"))
    ap.add_argument("--date", default="2024-06-30")
    ap.add_argument("--rules", default=os.path.join(HERE, "..", "rules", "cn", "jilin.yaml"))
    args = ap.parse_args(argv)

    rs = quotalevy.RuleSet.load(args.rules)
    fields = {i.name for i in rs.inputs}
    with open(args.units, newline="", encoding="utf-8-sig") as f:
        rows = [r for r in csv.DictReader(f)
                if r.get("unit_type") in ("agency", "institution")]

    records = [{k: v for k, v in r.items() if k in fields} for r in rows]
    short, errors, audited = [], [], 0
    for row, res in zip(rows, rs.evaluate_many(records, args.date, errors="yield")):
        if isinstance(res, quotalevy.RecordError):
            errors.append((row["id"], res))
            continue
        audited += 1
        for name in POST_RULES:
            c = res.checks[name]
            if c.applicable and not c.compliant:
                short.append((row["id"], row.get("name", ""), name, c))

    print("Audited %d agencies and institutions on %s (%s %s)."
          % (audited, args.date, rs.id, rs.version))
    if short:
        print("\nShort of the post rules:")
        for uid, name, rule, c in short:
            print("  %-9s %-24s %-25s needs %s, employs %s: short by %s"
                  % (uid, name, rule, c.required, c.actual, c.shortfall))
    else:
        print("Every unit meets the post rules.")
    if errors:
        print("\nCould not evaluate:")
        for uid, e in errors:
            print("  %-9s %s" % (uid, e))
    return 1 if short else 0


if __name__ == "__main__":
    sys.exit(main())
