#!/usr/bin/env python3
"""How the command quotes what the user wrote in its messages (P16-02,
P16-03): a CSV whose bad enum, number, bool and date values are long
Chinese text (3 bytes a character), or hold a no-break space, a
noncharacter or a control, gives a rejects file and a standard error that
are valid UTF-8, one message a line, each value cut at a character with
its length and its invisible characters escaped, and each message still
ending with what was expected.

Usage: test_quoting.py QUOTALEVY_BINARY SOURCE_DIR   (run by meson test)
"""
import csv
import io
import os
import subprocess
import sys
import tempfile
import unittest

BIN = None
SRC = None
WRAP = os.environ.get("QL_WRAP", "").split()

JILIN = "rules/cn/jilin.yaml"
HEADER = "id,unit_type,employees,disabled,disabled_severe,wage_total,local_avg_wage\n"
LONG = "吉林省残疾人联合会" * 20            # 180 characters, 540 bytes
ODD = "企业\u00a0单位\U0010ffff" * 20        # a blank and a noncharacter
UNSEEN = ("\u00a0", "\u200b", "\ufeff", "\u202e", "\U0010ffff", "\x85")


def run(*args):
    return subprocess.run([*WRAP, BIN, *args], capture_output=True, cwd=SRC)


class Quoting(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = self.tmp.name

    def tearDown(self):
        self.tmp.cleanup()

    def lines_ok(self, what, data):
        """data decodes as UTF-8 and no line holds a character that does
        not show; returns its text."""
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as e:
            self.fail(f"{what} is not UTF-8: {e}: {data[max(0, e.start - 40):e.end + 10]!r}")
        for ch in UNSEEN:
            self.assertNotIn(ch, text, f"{what} shows {ch!r} as itself")
        for ch in text:
            self.assertFalse(ord(ch) < 0x20 and ch != "\n", f"{what} holds control {ch!r}")
        return text

    def test_long_chinese_values_in_rejects_and_stderr(self):
        rows = [("E1", LONG, "100"), ("E2", "enterprise", LONG), ("E3", ODD, "100"),
                ("E4", "enterprise", ODD), ("E5", LONG + "\x01\n" + LONG, "100")]
        src = os.path.join(self.dir, "u.csv")
        with open(src, "w", encoding="utf-8", newline="") as f:
            f.write(HEADER)
            w = csv.writer(f, lineterminator="\n")
            for i, t, e in rows:
                w.writerow([i, t, e, "1", "0", "6000000", "50000"])
        rej = os.path.join(self.dir, "r.csv")
        out = os.path.join(self.dir, "o.csv")
        p = run("run", JILIN, src, "--date", "2024-06-30", "-o", out, "--rejects", rej)
        self.assertEqual(p.returncode, 1, p.stderr)
        err = self.lines_ok("standard error", p.stderr)
        with open(rej, "rb") as f:
            rejects = self.lines_ok("the rejects file", f.read())
        got = list(csv.DictReader(io.StringIO(rejects)))
        self.assertEqual([r["id"] for r in got], ["E1", "E2", "E3", "E4", "E5"])
        for r in got:
            m = r["message"]
            self.assertNotIn("\n", m)
            self.assertLess(len(m.encode()), 512, m)
            self.assertRegex(m, r"…' \(\d+ characters\)", m)
        # the enum's: cut, its length, and the values it allows
        self.assertRegex(got[0]["message"], r"^'(吉林省残疾人联合会){5}吉林省残疾…' \(180 "
                         r"characters\) is not one of the allowed values: enterprise, ")
        self.assertIn("is not a valid decimal: not a plain decimal number (expected digits "
                      "with an optional sign and decimal point, e.g. 12.75)", got[1]["message"])
        self.assertTrue(got[1]["message"].endswith("e.g. 12.75)"), got[1]["message"])
        self.assertIn("企业\\u00A0单位\\U0010FFFF企业", got[2]["message"])
        self.assertIn("(120 characters) is not one of the allowed values", got[2]["message"])
        self.assertIn("企业\\u00A0单位\\U0010FFFF", got[3]["message"])
        # without --rejects, each reject is one line of standard error,
        # naming its place
        p = run("run", JILIN, src, "--date", "2024-06-30", "-o", out)
        err = self.lines_ok("standard error", p.stderr)
        lines = [ln for ln in err.split("\n") if "rejected (id" in ln]
        self.assertEqual(len(lines), 5, err)
        for ln, row in zip(lines, (2, 3, 4, 5, 6)):
            self.assertTrue(ln.startswith(f"{src}:{row}:"), ln)

    def test_short_values_are_quoted_as_before(self):
        src = os.path.join(self.dir, "s.csv")
        with open(src, "w", encoding="utf-8") as f:
            f.write(HEADER + "E1,企业x,100,1,0,6000000,50000\nE2,enterprise,1O0,1,0,6000000,50000\n")
        p = run("run", JILIN, src, "--date", "2024-06-30", "-o", os.path.join(self.dir, "o.csv"))
        err = self.lines_ok("standard error", p.stderr)
        self.assertIn("field 'unit_type': '企业x' is not one of the allowed values: ", err)
        self.assertIn("field 'employees': '1O0' is not a valid decimal", err)

    def test_a_long_key_twice_in_a_jsonl_record(self):
        # the key was cut at its 64th byte, inside a character
        key = "单位名称" * 30
        line = ('{"id": "E1", "unit_type": "enterprise", "employees": 100, "disabled": 1, '
                '"disabled_severe": 0, "wage_total": 6000000, "local_avg_wage": 50000, '
                f'"{key}": 1, "{key}": 2}}\n')
        src = os.path.join(self.dir, "d.jsonl")
        with open(src, "w", encoding="utf-8") as f:
            f.write(line)
        p = run("run", JILIN, src, "--date", "2024-06-30", "-o", os.path.join(self.dir, "o.csv"),
                "--ignore-columns", key)
        err = self.lines_ok("standard error", p.stderr)
        self.assertNotIn("\\x", err)
        self.assertRegex(err, r"key '(单位名称){5}单…' appears twice in the record")

    def test_a_long_kept_column_not_utf8(self):
        # the --keep column's name was cut at its 64th byte
        name = "备注说明" * 30
        src = os.path.join(self.dir, "k.csv")
        with open(src, "wb") as f:
            f.write((HEADER.rstrip("\n") + "," + name + "\n").encode())
            f.write(b"E1,enterprise,100,1,0,6000000,50000,a\xffb\n")
        p = run("run", JILIN, src, "--date", "2024-06-30", "-o", os.path.join(self.dir, "o.csv"),
                "--keep", name)
        err = self.lines_ok("standard error", p.stderr)
        self.assertNotIn("\\x", err)
        self.assertIn("the --keep column '备注说明", err)
        self.assertIn("…' (120 characters) is not UTF-8 text (byte 2 of the value is not)", err)

    def test_check_quotes_the_rules_words_it_reports(self):
        # a hostile probe's find: "ok: <id> (<jurisdiction> <version>)"
        # printed them raw (U+00A0, a noncharacter, 180 characters)
        with open(os.path.join(SRC, "rules/cn/national.yaml"), encoding="utf-8") as f:
            text = f.read()
        for key in ("id", "jurisdiction", "version"):
            with self.subTest(key=key):
                lines = [f'{key}: "{ODD}"' if ln.startswith(key + ":") else ln
                         for ln in text.split("\n")]
                rules = os.path.join(self.dir, "n.yaml")
                with open(rules, "w", encoding="utf-8") as f:
                    f.write("\n".join(lines))
                p = run("check", rules)
                self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
                out = self.lines_ok("check's report", p.stdout)
                self.assertIn("企业\\u00A0单位\\U0010FFFF", out)
                self.assertIn("…", out)
                self.assertLess(len(out.encode()), 400, out)

    def test_ids_with_a_noncharacter_in_reject_lines_and_compare(self):
        # the command's own escaper (lookalike.c) showed U+00A0 escaped
        # but a noncharacter raw: in "(id …)" of a reject and in compare
        src = os.path.join(self.dir, "n.csv")
        with open(src, "w", encoding="utf-8") as f:
            f.write(HEADER + "E\U0010ffff1,agency,100,1,0,6000000,50000\n"
                    "E\ufdd02,x,100,1,0,6000000,50000\n")
        p = run("run", JILIN, src, "--date", "2024-06-30", "-o", os.path.join(self.dir, "o.csv"))
        err = self.lines_ok("standard error", p.stderr)
        self.assertIn("rejected (id E\\uFDD02)", err)
        p = run("compare", JILIN, src, "--date", "2024-06-30", "--override",
                "ratio=2%@2024-01-01")
        out = self.lines_ok("compare's report", p.stdout + p.stderr)
        self.assertIn("E\\U0010FFFF1", out)

    def test_long_user_text_in_the_commands_own_messages(self):
        """The command's own messages quoted a column name, an id or an
        option's value whole, escaped but not cut: a 120 KB column name
        gave a 120 KB line.  Each is now cut as the library cuts its
        quotes (lib/snippet.h: 60 characters at most, then "…"), and the
        message keeps its words after it."""
        big = "企" * 40000                  # 120,000 bytes
        good = "E1,enterprise,100,1,0,6000000,50000\n"
        def csv_file(name, text):
            p = os.path.join(self.dir, name)
            with open(p, "w", encoding="utf-8", newline="") as f:
                f.write(text)
            return p
        plain = csv_file("u.csv", HEADER + good)
        extra = csv_file("x.csv", HEADER.rstrip("\n") + "," + big + "\n" + good.rstrip("\n")
                         + ",1\n")
        twice = csv_file("t.csv", HEADER.rstrip("\n") + "," + big + "," + big + "\n"
                         + good.rstrip("\n") + ",1,2\n")
        ragged = csv_file("r.csv", HEADER.rstrip("\n") + "," + big + "\n" + good)
        bad_id = csv_file("b.csv", HEADER + big + ",enterprise,x,1,0,6000000,50000\n" + good)
        jl = os.path.join(self.dir, "k.jsonl")
        with open(jl, "w", encoding="utf-8") as f:
            f.write('{"id": "E1", "unit_type": "enterprise", "employees": 100, "disabled": 1, '
                    '"disabled_severe": 0, "wage_total": 6000000, "local_avg_wage": 50000, "'
                    + big + '": 1}\n')
        o = os.path.join(self.dir, "o.csv")
        d = ("--date", "2024-06-30")
        cases = [
            (("run", JILIN, extra, *d, "-o", o), "says so knowingly)", "ignored: "),
            (("run", JILIN, twice, *d, "-o", o), "(first as column 8)", "appears twice"),
            (("run", JILIN, ragged, *d, "-o", o), "(a ragged row", "field '"),
            (("run", JILIN, bad_id, *d, "-o", o), "is not a valid", "(id "),
            (("run", JILIN, jl, *d, "-o", o), "says so knowingly)", "note: key '"),
            (("run", JILIN, plain, *d, "-o", o, "--keep", big), "", "--keep: the input has "
                                                                  "no column '"),
            (("run", JILIN, plain, *d, "-o", o, "--summary", o + ".s", "--group-by", big),
             "", "--group-by: "),
            (("run", JILIN, plain, *d, "-o", o, "--ignore-columns", big), "",
             "--ignore-columns: the input has no column '"),
            (("run", JILIN, plain, *d, "-f", big), "(expected csv or jsonl)",
             "unknown format '"),
            (("run", JILIN, plain, *d, "--override", big), "", "--override takes"),
            (("run", JILIN, plain, *d, "--" + big), "--help)", "unknown option '"),
            (("explain", JILIN, "--row", big, plain, *d), "", "no row has id '"),
            (("explain", JILIN, "--set", big + "=1", *d), "", "no input called '"),
            (("compare", JILIN, plain, *d, "--override", "ratio=1.7%@2024-01-01",
              "--only", big), "", "--only: '"),
            ((big,), "", "unknown command '"),
        ]
        for args, tail, head in cases:
            with self.subTest(args=[a[:20] for a in args]):
                p = run(*args)
                text = self.lines_ok("standard error", p.stderr)
                lines = [l for l in text.splitlines() if head in l]
                self.assertTrue(lines, text[:300])
                for line in text.splitlines():
                    self.assertLess(len(line.encode()), 1500, line[:200])
                self.assertIn("…", lines[0])
                self.assertIn(tail, lines[0])

    def test_a_rules_file_with_a_long_key(self):
        rules = os.path.join(self.dir, "r.yaml")
        with open(rules, "w", encoding="utf-8") as f:
            f.write("quotalevy: 1\nextends: " + os.path.join(SRC, JILIN) + "\n"
                    "\"" + LONG + "\": 1\n")
        p = run("check", "--allow-any-extends", rules)
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        out = self.lines_ok("the report", p.stdout + p.stderr)
        self.assertIn(f"{rules}:3:1: unknown key '吉林省", out)
        self.assertIn("…' (180 characters) in a rules file (expected one of: ", out)
        self.assertTrue(out.rstrip("\n").endswith("validations, outputs)"), out)

if __name__ == "__main__":
    BIN = os.path.abspath(sys.argv[1])
    SRC = os.path.abspath(sys.argv[2])
    unittest.main(argv=sys.argv[:1] + sys.argv[3:], verbosity=1)
