#!/usr/bin/env python3
"""Every bundled money parameter is bounded below: a parameter of rules/
declared `type: money` (or, for a table, `unit: money`) has a `min` in
force (its own, or the definition's it redefines along `extends`), so a
what-if's or a child file's negative amount (jp's levy_per_person=-1 gave
a levy of −24) is a load error at its line rather than a negative levy.

Usage: check_money_bounds.py SOURCE_DIR   (run by meson test)
"""
import pathlib
import sys

import yaml


def in_force(path, name, rules, seen=()):
    """The parameter's (type or unit, min) in force in file path."""
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    own = (doc.get("parameters") or {}).get(name) or {}
    kind = own.get("type") or own.get("unit")
    lo = own.get("min")
    removed = name in ((doc.get("remove") or {}).get("parameters") or [])
    parent = doc.get("extends")
    if parent and not removed and path not in seen:
        p = path.parent / parent
        if not p.exists():
            p = rules / (parent if parent.endswith(".yaml") else parent + ".yaml")
        pk, plo = in_force(p.resolve(), name, rules, seen + (path,))
        kind, lo = kind or pk, lo if lo is not None else plo
    return kind, lo


def main():
    rules = pathlib.Path(sys.argv[1]) / "rules"
    bad = checked = 0
    for path in sorted(rules.glob("*/*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        for name in doc.get("parameters") or {}:
            kind, lo = in_force(path.resolve(), name, rules)
            if kind != "money":
                continue
            checked += 1
            if lo is None:
                print(f"{path.relative_to(rules.parent)}: money parameter "
                      f"'{name}' has no 'min'")
                bad += 1
    if checked == 0:
        print("no money parameter found: the check read nothing")
        return 1
    print(f"check_money_bounds: {checked} money parameters, {bad} without "
          "a minimum")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
