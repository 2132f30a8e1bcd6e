#!/usr/bin/env python3
"""versioned_prefix.py BASELINE.abi NEW.abi SUPPRESSIONS — the members of
each versioned struct, as a program built against the baseline lays them
out, must be where and what they were in the new library.

abi_compat.sh lets a versioned struct (include/quotalevy.h, "ABI
stability") grow at its end: versioned.suppr tells abidiff to pass a
struct whose members were only added at the end.  But abidiff then
suppresses the type's whole diff, so a member retyped to one of the same
size (a `const char *` become an `int64_t`) in the same change that adds
one at the end passed unseen.  This check closes that: for every struct
the suppressions name, each member of the baseline's layout is compared
with the new one's, member by member — its name, its offset, and its type
spelt out to the bottom (typedefs, pointers, qualifiers, arrays, enums'
values, nested structs' members, function types) — and the struct may
not shrink.  Members past the baseline's last are the growth the
suppression allows.  A member that points to a versioned struct (the
options' `overrides`, an array of ql_override) is compared by the name it
points to: that struct's own layout is checked here on its own, by the
same prefix rule, and the library reads such an array with the stride of
the version its first element names, so its growth is no change of the
pointer's.

The two files are abidw's XML (abigail-tools).  The struct names are read
from the suppressions' name_regexp, so there is one list of versioned
structs.  Exit 0 when every layout holds, 1 with a line per difference.
"""
import re
import sys
import xml.etree.ElementTree as ET


def versioned_names(suppr_path):
    """The name_regexp of each [suppress_type] section of the file."""
    pats = []
    with open(suppr_path, encoding="utf-8") as f:
        for line in f:
            m = re.match(r"\s*name_regexp\s*=\s*(.+?)\s*$", line)
            if m:
                pats.append(re.compile(m.group(1)))
    if not pats:
        sys.exit(f"versioned_prefix: no name_regexp in {suppr_path}")
    return pats


class Corpus:
    """An abidw file's types by id, and its struct definitions by name."""

    def __init__(self, path, versioned=()):
        self.path = path
        self.versioned = versioned
        root = ET.parse(path).getroot()
        self.by_id = {}
        self.structs = {}
        for el in root.iter():
            tid = el.get("id")
            if tid and el.tag != "subrange":
                self.by_id.setdefault(tid, el)
            if (el.tag == "class-decl" and el.get("name")
                    and el.get("is-declaration-only") != "yes"):
                self.structs.setdefault(el.get("name"), el)

    def spell(self, tid, seen=()):
        """Type tid written out in full, so two layouts compare as text."""
        el = self.by_id.get(tid)
        if el is None:
            return f"<unknown {tid}>"
        tag = el.tag
        if tag == "type-decl":
            return f"{el.get('name')}:{el.get('size-in-bits', '?')}"
        if tag == "typedef-decl":
            return self.spell(el.get("type-id"), seen)
        if tag == "pointer-type-def":
            name = self.versioned_target(el.get("type-id"))
            if name:  # checked on its own, by its prefix
                return f"*(versioned struct {name})"
            return f"*({self.spell(el.get('type-id'), seen)})"
        if tag == "reference-type-def":
            return f"&({self.spell(el.get('type-id'), seen)})"
        if tag == "qualified-type-def":
            quals = [q for q in ("const", "volatile", "restrict")
                     if el.get(q) == "yes"]
            return f"{' '.join(quals)}({self.spell(el.get('type-id'), seen)})"
        if tag == "array-type-def":
            dims = [s.get("length", "?") for s in el.findall("subrange")]
            return f"[{','.join(dims)}]({self.spell(el.get('type-id'), seen)})"
        if tag == "enum-decl":
            under = el.find("underlying-type")
            vals = ",".join(f"{e.get('name')}={e.get('value')}"
                            for e in el.findall("enumerator"))
            base = self.spell(under.get("type-id"), seen) if under is not None else "?"
            return f"enum {el.get('name')}:{base}{{{vals}}}"
        if tag in ("class-decl", "union-decl"):
            kind = "struct" if tag == "class-decl" else "union"
            name = el.get("name", "")
            if el.get("is-declaration-only") == "yes":
                el = self.structs.get(name, el)
            key = (kind, name, el.get("id"))
            if key in seen or el.get("is-declaration-only") == "yes":
                return f"{kind} {name}"  # a cycle, or opaque
            members = ";".join(
                f"{v.get('name')}@{dm.get('layout-offset-in-bits')}:"
                f"{self.spell(v.get('type-id'), seen + (key,))}"
                for dm in el.findall("data-member")
                for v in dm.findall("var-decl"))
            return f"{kind} {name}:{el.get('size-in-bits', '?')}{{{members}}}"
        if tag == "function-type":
            params = ",".join(self.spell(p.get("type-id"), seen)
                              for p in el.findall("parameter"))
            ret = el.find("return")
            r = self.spell(ret.get("type-id"), seen) if ret is not None else "void"
            return f"fn({params})->{r}"
        return f"<{tag} {el.get('name', '')}>"

    def versioned_target(self, tid):
        """Type tid spelt as a versioned struct's name with its qualifiers
        ("const(ql_override)"), through typedefs, when it is one; else
        None."""
        el, quals = self.by_id.get(tid), []
        while el is not None and el.tag in ("typedef-decl", "qualified-type-def"):
            if el.tag == "qualified-type-def":
                quals += [q for q in ("const", "volatile", "restrict") if el.get(q) == "yes"]
            el = self.by_id.get(el.get("type-id"))
        if el is None or el.tag != "class-decl":
            return None
        name = el.get("name", "")
        if not any(p.search(name) for p in self.versioned):
            return None
        return f"{' '.join(quals)}({name})"

    def layout(self, name):
        """Struct name's members: (name, offset, type spelt out) each."""
        el = self.structs[name]
        key = ("struct", name, el.get("id"))
        return int(el.get("size-in-bits", "0")), [
            (v.get("name"), dm.get("layout-offset-in-bits"),
             self.spell(v.get("type-id"), (key,)))
            for dm in el.findall("data-member")
            for v in dm.findall("var-decl")]


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__.splitlines()[0])
    pats = versioned_names(sys.argv[3])
    old, new = Corpus(sys.argv[1], pats), Corpus(sys.argv[2], pats)
    names = sorted(n for n in old.structs if any(p.search(n) for p in pats))
    problems = []
    for name in names:
        if name not in new.structs:
            problems.append(f"{name}: no longer defined")
            continue
        osize, omembers = old.layout(name)
        nsize, nmembers = new.layout(name)
        if nsize < osize:
            problems.append(f"{name}: {nsize} bits, was {osize}")
        for k, (mname, off, ty) in enumerate(omembers):
            if k >= len(nmembers):
                problems.append(f"{name}: member {k} '{mname}' is gone")
                continue
            nname, noff, nty = nmembers[k]
            if (nname, noff) != (mname, off):
                problems.append(f"{name}: member {k} is '{nname}' at bit {noff},"
                                f" was '{mname}' at bit {off}")
            elif nty != ty:
                problems.append(f"{name}.{mname}: its type is {nty}, was {ty}")
    for p in problems:
        print(f"versioned_prefix: {p}", file=sys.stderr)
    if problems:
        return 1
    print(f"versioned_prefix: {len(names)} versioned structs keep their "
          f"members ({', '.join(names)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
