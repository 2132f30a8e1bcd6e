#!/usr/bin/env python3
"""Every bundled parameter written as a percentage says so: a parameter of
rules/ whose values are written with '%' declares `unit: percent` (with
its bounds), and a table whose bracket bounds are declares `bounds:
percent`, itself or in the definition it redefines along `extends`,
so that a child file's or a what-if's `5` for 5 % is a load error at its
line rather than a levy 100 times too large.

Usage: check_percent_units.py SOURCE_DIR   (run by meson test)
"""
import os
import pathlib
import sys

import yaml


def values_of(defn):
    for v in defn.get("values") or []:
        if isinstance(v, dict) and "value" in v:
            yield v["value"]


def declared(path, name, rules, seen=()):
    """The parameter's `unit`, `min` and `max` in force in file path."""
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    own = (doc.get("parameters") or {}).get(name) or {}
    unit = own.get("unit")
    lo, hi = own.get("min"), own.get("max")
    removed = name in ((doc.get("remove") or {}).get("parameters") or [])
    parent = doc.get("extends")
    if parent and not removed and path not in seen:
        p = (path.parent / parent)
        if not p.exists():
            p = rules / (parent if parent.endswith(".yaml") else parent + ".yaml")
        pu, plo, phi = declared(p.resolve(), name, rules, seen + (path,))
        unit, lo, hi = unit or pu, lo or plo, hi or phi
    return unit, lo, hi


def bounds_unit(path, name, rules, seen=()):
    """A table parameter's `bounds:` in force in file path."""
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    own = ((doc.get("parameters") or {}).get(name) or {}).get("bounds")
    parent = doc.get("extends")
    if own or not parent or path in seen:
        return own
    p = path.parent / parent
    if not p.exists():
        p = rules / (parent if parent.endswith(".yaml") else parent + ".yaml")
    return bounds_unit(p.resolve(), name, rules, seen + (path,))


def main():
    rules = pathlib.Path(sys.argv[1]) / "rules"
    bad = checked = 0
    for path in sorted(rules.glob("*/*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        for name, defn in (doc.get("parameters") or {}).items():
            bounds = [str(b.get("from", b.get("above")))
                      for v in (defn or {}).get("values") or []
                      for b in (v.get("brackets") or [])]
            if any(b.endswith("%") for b in bounds):
                checked += 1
                if bounds_unit(path.resolve(), name, rules) != "percent":
                    print(f"{path.relative_to(rules.parent)}: parameter "
                          f"'{name}' has bracket bounds written with '%' but "
                          "no 'bounds: percent'")
                    bad += 1
            vals = [str(v) for v in values_of(defn or {})]
            if not any(v.endswith("%") for v in vals):
                continue
            checked += 1
            unit, lo, hi = declared(path.resolve(), name, rules)
            where = f"{path.relative_to(rules.parent)}: parameter '{name}'"
            if unit != "percent":
                print(f"{where} is written with '%' but declares no "
                      "'unit: percent'")
                bad += 1
            elif lo is None or hi is None:
                print(f"{where} is a percentage without 'min' and 'max'")
                bad += 1
    if checked == 0:
        print("no percentage parameter found: the check read nothing")
        return 1
    print(f"check_percent_units: {checked} percentage parameters, "
          f"{bad} without their unit or bounds")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
