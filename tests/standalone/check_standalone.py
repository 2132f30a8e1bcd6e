#!/usr/bin/env python3
"""The project stands on its own (issue #13): nothing it ships or prints
points a user at LAW.md or at a shared/ folder, which are not part of the
project and which no user has.

Checks, with the issue's own test (grep -rn 'LAW.md\\|shared/'):
  - every text file of what the project ships: docs/, rules/, README.md,
    include/, lib/, tools/, bindings/, examples/, scripts/, bench/ and the
    build files;
  - the help the user reads: `quotalevy --help` and every command's help,
    and pydoc's page of the Python package (its docstrings).
Before any of it, the search is shown a planted reference of each kind, so
that a search that finds nothing because it looks at nothing fails.

Usage: check_standalone.py SOURCE_DIR QUOTALEVY_BINARY [PYTHON_BUILD_DIR]
"""
import os
import pathlib
import re
import subprocess
import sys
import tempfile

# the grep pattern, 'LAW.md\|shared/' (the dot any character)
OUTSIDE = re.compile(r"LAW.md|shared/")
SHIPPED = ["docs", "rules", "README.md", "include", "lib", "tools", "bindings",
           "examples", "scripts", "bench", "meson.build", "meson_options.txt"]
COMMANDS = ["run", "explain", "test", "check", "compare"]


def hits_in_text(where, text):
    return ["%s:%d: %s" % (where, k, line.strip())
            for k, line in enumerate(text.splitlines(), 1) if OUTSIDE.search(line)]


def hits_in_tree(root, names):
    """grep -rn over root/name for each name (binary files skipped, as
    grep -I does); the number of text files read, and the hits."""
    read, hits = 0, []
    for name in names:
        top = root / name
        paths = [top] if top.is_file() else sorted(p for p in top.rglob("*") if p.is_file())
        for p in paths:
            data = p.read_bytes()
            if b"\0" in data:
                continue
            read += 1
            hits += hits_in_text(p.relative_to(root), data.decode("utf-8", "replace"))
    return read, hits


# a repository path named in the docs, as `lib/x.c` or a relative link
REPO_PATH = re.compile(r"`((?:rules|examples|tests|bench|scripts|tools|lib|bindings|"
                       r"include|docs)/[A-Za-z0-9_./\-]+)`")
MD_LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")


def dead_paths(root):
    """Every repository path and relative link in docs/*.md and README.md
    that leads nowhere from the root (P13-13: docs/python.md named
    tests/test_trust.py, which is bindings/python/tests/test_trust.py)."""
    dead = []
    for doc in sorted(root.glob("docs/*.md")) + [root / "README.md"]:
        if not doc.is_file():
            continue
        text = doc.read_text(encoding="utf-8")
        for m in REPO_PATH.finditer(text):
            p = m.group(1).rstrip(".")
            if "*" not in p and not (root / p).exists():
                dead.append("%s: `%s`" % (doc.relative_to(root), p))
        for m in MD_LINK.finditer(text):
            p = m.group(1)
            if "://" in p or p.startswith("mailto:"):
                continue
            if not (doc.parent / p).exists():
                dead.append("%s: link (%s)" % (doc.relative_to(root), p))
    return dead


def self_test():
    """The search finds a planted reference of each kind."""
    with tempfile.TemporaryDirectory() as d:
        root = pathlib.Path(d)
        (root / "docs" / "deep").mkdir(parents=True)
        (root / "docs" / "deep" / "a.md").write_text("fine\nsee ../LAW.md, art. 3\n")
        (root / "rules").mkdir()
        (root / "rules" / "r.yaml").write_text("# from ../shared/policy/x.pdf\n")
        read, hits = hits_in_tree(root, ["docs", "rules"])
        (root / "docs" / "b.md").write_text("see `rules/r.yaml`, `lib/gone.c` and "
                                            "[a](deep/a.md), [c](c.md)\n")
        dead = dead_paths(root)
        return (read == 2 and len(hits) == 2 and hits[0].startswith("docs/deep/a.md:2:")
                and dead == ["docs/b.md: `lib/gone.c`", "docs/b.md: link (c.md)"])


def main():
    if len(sys.argv) < 3:
        print(__doc__.strip().splitlines()[-1])
        return 2
    root, cli = pathlib.Path(sys.argv[1]), sys.argv[2]
    pybuild = sys.argv[3] if len(sys.argv) > 3 else None
    if not self_test():
        print("check_standalone: the search missed a planted reference")
        return 1
    read, hits = hits_in_tree(root, SHIPPED)
    if read < 100:
        print("check_standalone: only %d files read under %s: the tree moved?" % (read, root))
        return 1
    helps = [["--help"]] + [[c, "--help"] for c in COMMANDS]
    for args in helps:
        p = subprocess.run([cli, *args], capture_output=True, text=True)
        if p.returncode != 0 or len(p.stdout) < 200:
            print("check_standalone: quotalevy %s: exit %d, %d characters"
                  % (" ".join(args), p.returncode, len(p.stdout)))
            return 1
        hits += hits_in_text("quotalevy " + " ".join(args), p.stdout)
    if pybuild:
        env = dict(os.environ, PYTHONPATH=pybuild)
        p = subprocess.run([sys.executable, "-c",
                            "import pydoc, quotalevy; "
                            "print(pydoc.render_doc(quotalevy, renderer=pydoc.plaintext))"],
                           capture_output=True, text=True, env=env)
        if p.returncode != 0 or "evaluate_frame" not in p.stdout:
            print("check_standalone: pydoc quotalevy: exit %d\n%s" % (p.returncode, p.stderr))
            return 1
        hits += hits_in_text("pydoc quotalevy", p.stdout)
    dead = dead_paths(root)
    for h in dead:
        print(h)
    if dead:
        print("check_standalone: %d paths in the docs lead nowhere" % len(dead))
        return 1
    for h in hits:
        print(h)
    if hits:
        print("check_standalone: %d references to LAW.md or shared/: cite the "
              "document, number, article, date or URL instead" % len(hits))
        return 1
    print("check_standalone: no reference to LAW.md or shared/ in %d files and %d help "
          "texts" % (read, len(helps) + (1 if pybuild else 0)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
