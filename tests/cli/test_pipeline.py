#!/usr/bin/env python3
"""The batch pipeline of `quotalevy run`: the same bytes whatever the
threads, on an input that crosses many batches, and the output handed
to the kernel in large blocks.

Usage: test_pipeline.py QUOTALEVY_BINARY SOURCE_DIR   (run by meson test)

The input is bench/gen_units.py's (seeded) with bad rows mixed in — a
value that is not a number, a ragged row, a stray quote, a non-UTF-8 id,
a row with no date — and an input with many columns ignored, so that
every kind of slot (evaluated, refused by the reader, refused by the
record, refused by the evaluation) lands in every batch and in every
worker's share.
"""
import csv as csv_mod
import io
import json
import os
import random
import subprocess
import sys
import tempfile
import unittest

BIN = None
SRC = None
WRAP = os.environ.get("QL_WRAP", "").split()
JILIN = "rules/cn/jilin.yaml"
# More rows than three batches of 4,096 (the pipeline's ring) hold: the
# ring turns over several times.  Under a wrapper (valgrind), fewer.
ROWS = 9000 if WRAP else 20000


def run(args, check_rc=None, stdin=None):
    p = subprocess.run([*WRAP, BIN, *args], capture_output=True, cwd=SRC,
                       input=stdin)
    if check_rc is not None and p.returncode != check_rc:
        raise AssertionError(f"{args}: exit {p.returncode}, want {check_rc}\n"
                             f"stderr: {p.stderr[-2000:]!r}")
    return p


def generated(path, rows, with_date_column=False):
    """gen_units.py's rows with bad ones mixed in at random places."""
    gen = subprocess.run([sys.executable, os.path.join(SRC, "bench", "gen_units.py"),
                          str(rows), "--seed", "7"], capture_output=True, check=True)
    lines = gen.stdout.split(b"\n")
    header, body = lines[0], [l for l in lines[1:] if l]
    r = random.Random(11)
    def employees(value):
        def put(line):
            f = line.split(b",")
            f[6] = value  # the employees column
            return b",".join(f)
        return put
    bad = {
        "not a number": employees(b"12x"),
        "negative": employees(b"-5"),
        "ragged": lambda l: l + b",extra",
        "stray quote": lambda l: l.replace(b",", b",a\"b", 1),
        "not UTF-8": lambda l: b"\xff\xfe" + l,
    }
    kinds = list(bad)
    out = []
    for i, l in enumerate(body):
        if r.random() < 0.01:
            out.append(bad[kinds[i % len(kinds)]](l))
        else:
            out.append(l)
    if with_date_column:
        header += b",date"
        out = [l + (b",2024-06-30" if i % 97 else b",") for i, l in enumerate(out)]
    with open(path, "wb") as f:
        f.write(header + b"\n" + b"\n".join(out) + b"\n")


class SameBytesWhateverTheThreads(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.csv = os.path.join(cls.tmp.name, "units.csv")
        generated(cls.csv, ROWS)
        cls.dated = os.path.join(cls.tmp.name, "dated.csv")
        generated(cls.dated, ROWS, with_date_column=True)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def outputs(self, src, threads, *extra, fmt="csv", rejects=True, summary=None):
        """The output, rejects, summary file and messages of one run."""
        d = tempfile.mkdtemp(dir=self.tmp.name)
        out, rej = os.path.join(d, "out"), os.path.join(d, "rej.csv")
        sums = os.path.join(d, "sum.csv")
        args = ["run", JILIN, src, "-o", out, "-f", fmt, "-j", str(threads), *extra]
        want = ["out"]
        if rejects:
            args += ["--rejects", rej]
            want.append("rej.csv")
        if summary is not None:
            args += ["--summary", sums, *summary]
            want.append("sum.csv")
        p = run(args, check_rc=1)
        self.assertEqual(sorted(os.listdir(d)), sorted(want))
        got = []
        for name in ("out", "rej.csv", "sum.csv"):
            path = os.path.join(d, name)
            if os.path.exists(path):
                with open(path, "rb") as f:
                    got.append(f.read())
            else:
                got.append(b"")
        return got[0], got[1], got[2], p.stderr

    def check_same(self, src, *extra, fmt="csv", rejects=True, summary=None):
        one = self.outputs(src, 1, *extra, fmt=fmt, rejects=rejects, summary=summary)
        self.assertIn(b"rejected", one[3])
        self.assertNotIn(b" 0 rejected", one[3])
        for threads in (2, 8):
            with self.subTest(threads=threads):
                other = self.outputs(src, threads, *extra, fmt=fmt, rejects=rejects,
                                     summary=summary)
                self.assertEqual(one[0], other[0], "output differs")
                self.assertEqual(one[1], other[1], "rejects differ")
                self.assertEqual(one[2], other[2], "the summary's totals differ")
                self.assertEqual(one[3], other[3], "messages differ")
        return one

    def test_csv_with_rejects_keep_and_summary(self):
        o, r, sums, err = self.check_same(self.csv, "--date", "2024-06-30", "--keep",
                                          "unit_type,wage_total", summary=[])
        self.assertIn(b"levy_due", sums)
        nout = o.count(b"\n") - 1
        nrej = r.count(b"\n") - 1
        self.assertIn(f"{ROWS} rows read, {nout} written, {nrej} rejected".encode(), err)

    def test_jsonl_output_with_rejects_keep_and_groups(self):
        o, r, sums, err = self.check_same(self.csv, "--date", "2024-06-30", "--keep",
                                          "admin_level", fmt="jsonl",
                                          summary=["--group-by", "unit_type,admin_level"])
        self.assertGreater(sums.count(b"\n"), 5)  # several groups
        first = json.loads(o.split(b"\n")[0])
        self.assertIn("levy_due", first)
        self.assertIn("admin_level", first)

    def test_every_field_quoted(self):
        # an export that quotes every field: its lines are cut by the
        # workers (csv_split_quoted), some ids holding a comma and a
        # doubled quote (so the output quotes them again), a few lines
        # the reader refuses (text after a closing quote) or reads itself
        # (a line break inside quotes) among them
        src = os.path.join(self.tmp.name, "quoted.csv")
        with open(self.csv, "rb") as f:
            lines = [l for l in f.read().split(b"\n") if l]
        out = []
        for i, l in enumerate(lines):
            fields = [b'"' + x.replace(b'"', b'""') + b'"' for x in l.split(b",")]
            if i and i % 50 == 0:
                fields[0] = fields[0][:-1] + b',""q"""'
            if i and i % 613 == 0:
                fields[1] = b'"enter"prise"'
            if i and i % 701 == 0:
                fields[0] = fields[0][:-1] + b'\nsecond line"'
            out.append(b",".join(fields))
        with open(src, "wb") as f:
            f.write(b"\n".join(out) + b"\n")
        o, r, sums, err = self.check_same(src, "--date", "2024-06-30", "--keep",
                                          "unit_type,wage_total", summary=[])
        self.assertIn(b',""q""",', o)  # an id with a comma and a quote, requoted
        self.assertIn(b"a closing quote must end the field", r)
        self.assertIn(b"\nsecond line", o)

    def test_rejects_on_standard_error_in_order(self):
        # without --rejects, the reject lines go to standard error in input
        # order, among the same closing lines
        self.check_same(self.csv, "--date", "2024-06-30", rejects=False)

    def test_dates_from_the_input_and_explain(self):
        # a date column (some empty: rejected rows) and --explain's traces
        self.check_same(self.dated, "--explain", summary=["--group-by", "unit_type"])

    def test_jsonl_input(self):
        # the generated rows as JSON Lines records, bad ones among them
        src = os.path.join(self.tmp.name, "units.jsonl")
        with open(self.csv, "rb") as f:
            lines = f.read().split(b"\n")
        names = lines[0].decode().split(",")
        with open(src, "wb") as f:
            for i, l in enumerate(l for l in lines[1:] if l):
                vals = l.decode("utf-8", "replace").split(",")
                if len(vals) != len(names) or i % 503 == 0:
                    f.write(b"{\"id\": broken}\n")
                    continue
                rec = {k: v for k, v in zip(names, vals) if v}
                f.write(json.dumps(rec).encode() + b"\n")
        self.check_same(src, "--date", "2024-06-30", summary=[])


class CsvAsJsonLines(unittest.TestCase):
    """A differential test of the two ways a row's fields are set: a CSV
    row through the header's maps in one call (ql_record_set_texts), a
    JSON Lines record key by key through the slot (ql_record_set_text).
    The same rows both ways — odd and bad values in every column (blanks
    around them, not numbers, out of range, too many places, too many
    digits, bad enum values, bad dates in a date column in the middle,
    before and after bad fields) — give byte for byte the same output,
    rejects (line, column, field, message, id) and closing line."""

    ODD = ["12x", "-5", " 7 ", "\t3.50", "1e3", "", "", "yes", "maybe", "0",
           "2024-13-01", "99999999999999999999999", "0.001", "ünïcode", "1.5 ",
           "1.000000000000000000001", "+4", "-0", "00012.50", "true", "agency"]
    DATES = ["2024-06-30", "2024-06-30", "2024-06-30", "", "2024-02-30",
             "30/06/2024", " 2024-06-30"]

    def test_same_rows_both_ways(self):
        rows = 3000 if WRAP else 12000
        gen = subprocess.run([sys.executable, os.path.join(SRC, "bench", "gen_units.py"),
                              str(rows), "--seed", "5"], capture_output=True, check=True,
                             text=True)
        lines = [l for l in gen.stdout.split("\n") if l]
        names = lines[0].split(",")
        names.insert(5, "date")
        r = random.Random(3)
        table = []
        for l in lines[1:]:
            vals = l.split(",")
            vals.insert(5, r.choice(self.DATES) if r.random() < 0.1 else "2024-06-30")
            for _ in range(2):
                if r.random() < 0.08:
                    vals[r.randrange(1, len(vals))] = r.choice(self.ODD)
            table.append(vals)
        with tempfile.TemporaryDirectory() as d:
            csv, jsonl = os.path.join(d, "in.csv"), os.path.join(d, "in.jsonl")
            with open(csv, "w", encoding="utf-8") as f:
                f.write(",".join(names) + "\n")
                f.writelines(",".join(v) + "\n" for v in table)
            with open(jsonl, "w", encoding="utf-8") as f:
                f.write("\n")  # the header's line: the line numbers agree
                f.writelines(json.dumps(dict(zip(names, v))) + "\n" for v in table)
            got = []
            for src in (csv, jsonl):
                out, rej = os.path.join(d, "out"), os.path.join(d, "rej")
                p = run(["run", JILIN, src, "-o", out, "--rejects", rej, "-j", "2",
                         "--keep", "unit_type,wage_total"], check_rc=1)
                with open(out, "rb") as f, open(rej, "rb") as g:
                    got.append((f.read(), g.read(), p.stderr))
            self.assertGreater(got[0][1].count(b"\n"), rows // 10)  # many rejects
            # the same rejects but for the column's unit: a CSV field's
            # number, a JSON Lines value's first byte in its line
            def table_of(data):
                return list(csv_mod.reader(io.StringIO(data.decode("utf-8"))))
            rc, rj = table_of(got[0][1]), table_of(got[1][1])
            self.assertEqual([r[:1] + r[2:] for r in rc], [r[:1] + r[2:] for r in rj],
                             "rejects differ")
            with open(jsonl, "rb") as f:
                text = f.read().split(b"\n")
            for r in rj[1:]:
                if r[1]:
                    at = text[int(r[0]) - 1][int(r[1]) - 1:]
                    key = json.dumps(r[2]).encode() + b": "
                    before = text[int(r[0]) - 1][:int(r[1]) - 1]
                    self.assertTrue(before.endswith(key), (r, before[-40:], at[:20]))
            self.assertEqual(got[0][0], got[1][0], "output differs")
            self.assertEqual(got[0][2], got[1][2], "messages differ")


class NoWorkerThread(unittest.TestCase):
    """Where the system starts no worker thread (a process limit), the
    reading thread evaluates the rows itself; where it starts some threads
    but not the writer's, the workers write the batches: the same bytes,
    no error, whichever threads the limit leaves."""

    @unittest.skipUnless(os.geteuid() == 0 or os.environ.get("CI"),
                         "a process limit for another user needs root (CI runs as root)")
    def test_the_same_bytes_without_worker_threads(self):
        import resource

        def limited(n):
            def set_limit():
                # nobody, allowed n processes (the run itself is one): every
                # thread the run starts past them fails
                os.setgroups([])
                os.setgid(65534)
                os.setuid(65534)
                resource.setrlimit(resource.RLIMIT_NPROC, (n, n))
            return set_limit
        with tempfile.TemporaryDirectory() as d:
            os.chmod(d, 0o777)
            src = os.path.join(d, "in.csv")
            generated(src, ROWS)
            # LeakSanitizer needs a thread of its own to check: off for the
            # limited runs (the other run checks the same code for leaks)
            env = dict(os.environ)
            env["ASAN_OPTIONS"] = ":".join(filter(None, [env.get("ASAN_OPTIONS"),
                                                         "detect_leaks=0"]))
            got = []
            # no limit; no thread (reading thread alone); one worker's
            # thread (the other worker's task and the writer's without);
            # both workers' threads, not the writer's
            for limit in (None, limited(1), limited(2), limited(3)):
                out, rej = os.path.join(d, "out.csv"), os.path.join(d, "rej.csv")
                p = subprocess.run([*WRAP, BIN, "run", JILIN, src, "--date", "2024-06-30",
                                    "-o", out, "--rejects", rej, "-j", "2"],
                                   capture_output=True, cwd=SRC, preexec_fn=limit,
                                   env=env if limit else None)
                self.assertEqual(p.returncode, 1, p.stderr[-500:])
                with open(out, "rb") as f, open(rej, "rb") as g:
                    got.append((f.read(), g.read(), p.stderr))
                os.unlink(out)
                os.unlink(rej)
            self.assertGreater(got[0][0].count(b"\n"), ROWS // 2)
            for other in got[1:]:
                self.assertEqual(got[0], other)


class WriteFailsMidRun(unittest.TestCase):
    """A write that fails while the run is under way (the writer thread's,
    a MiB block to a full device, long before the end) stops the run with
    one message naming the file and the reason, exit 2, whatever the
    threads: for the output, standard output, and a rejects file of more
    than a block."""

    def test_a_failed_write_is_said_once(self):
        with tempfile.TemporaryDirectory() as d:
            src = os.path.join(d, "in.csv")
            generated(src, ROWS)
            # every row refused (a non-number), so the rejects pass a block
            bad = os.path.join(d, "bad.csv")
            with open(src, "rb") as f, open(bad, "wb") as g:
                lines = f.read().split(b"\n")
                g.write(lines[0] + b"\n")
                for l in lines[1:]:
                    if l:
                        fields = l.split(b",")
                        fields[6] = b"many" + b"x" * 100
                        g.write(b",".join(fields) + b"\n")
            cases = {
                "-o": (src, ["-o", "/dev/full"], None, "/dev/full"),
                "stdout": (src, [], "/dev/full", "standard output"),
                "--rejects": (bad, ["-o", os.path.join(d, "out.csv"), "--rejects",
                                    "/dev/full"], None, "/dev/full"),
            }
            for name, (inp, extra, stdout, said) in cases.items():
                for threads in ("1", "2"):
                    with self.subTest(name, threads=threads):
                        with open(stdout or os.devnull, "wb") as out:
                            p = subprocess.run([*WRAP, BIN, "run", JILIN, inp, "--date",
                                                "2024-06-30", "-j", threads, *extra],
                                               stdout=out, stderr=subprocess.PIPE,
                                               cwd=SRC)
                        err = p.stderr.decode()
                        self.assertEqual(p.returncode, 2, err[-500:])
                        want = "quotalevy run: cannot write %s: No space left on device" % said
                        self.assertEqual(err.count(want), 1, err[-500:])
                        self.assertNotIn("rows read", err)
                        self.assertFalse(os.path.exists(os.path.join(d, "out.csv")))


class LargeWrites(unittest.TestCase):
    """The output reaches the kernel in blocks of at least 1 MiB (the last
    one excepted), not in stdio's 4 KiB pieces: strace counts them."""

    @unittest.skipIf(WRAP, "strace of the wrapper, not of the command")
    def test_output_written_in_large_blocks(self):
        with tempfile.TemporaryDirectory() as d:
            src, out = os.path.join(d, "in.csv"), os.path.join(d, "out.csv")
            generated(src, 30000)
            log = os.path.join(d, "trace")
            # LeakSanitizer cannot run under ptrace: off for this run only
            env = dict(os.environ)
            env["ASAN_OPTIONS"] = ":".join(filter(None, [env.get("ASAN_OPTIONS"),
                                                         "detect_leaks=0"]))
            p = subprocess.run(["strace", "-f", "-qq", "-e",
                                "trace=write,openat,fcntl,fsync,fdatasync,sync_file_range,rename,renameat,renameat2",
                                "-o", log, BIN, "run", JILIN, src, "--date", "2024-06-30",
                                "-o", out, "-q", "-j", "2"], capture_output=True, cwd=SRC, env=env)
            self.assertEqual(p.returncode, 1, p.stderr[-500:])
            size = os.path.getsize(out)
            self.assertGreater(size, 3 << 20)
            fd = None
            sizes, direct, syncs, ranges = [], None, 0, 0
            renamed, dirfd, folder_synced = False, None, False
            with open(log) as f:
                for line in f:
                    if "openat(" in line and ".partial-" in line and "= " in line \
                            and not renamed:
                        fd = line.rsplit("= ", 1)[1].strip()
                    elif fd and f"write({fd}," in line:
                        sizes.append(int(line.rsplit("= ", 1)[1]))
                    elif fd and f"fcntl({fd}, F_SETFL," in line and "O_DIRECT" in line:
                        direct = line.rsplit("= ", 1)[1].startswith("0")
                    elif fd and (f"fsync({fd})" in line or f"fdatasync({fd})" in line):
                        syncs += 1
                    elif fd and f"sync_file_range({fd}," in line:
                        ranges += 1
                    elif "rename" in line and ".partial-" in line:
                        renamed, fd = True, None  # its number may come back
                    elif renamed and "openat(" in line and "O_DIRECTORY" in line \
                            and "= " in line:
                        dirfd = line.rsplit("= ", 1)[1].split()[0]
                    elif dirfd and f"fsync({dirfd})" in line:
                        folder_synced = True
            self.assertEqual(sum(sizes), size)
            self.assertTrue(all(s >= 1 << 20 for s in sizes[:-1]), sizes[:10])
            self.assertLessEqual(len(sizes), size // (1 << 20) + 1)
            # on the disk before the rename, once: complete or absent after a
            # crash too (docs/security.md)
            self.assertEqual(syncs, 1, "one fsync of the temporary")
            # past the page cache where the file system takes O_DIRECT: no
            # write-back to start
            self.assertIsNotNone(direct, "O_DIRECT is asked for the temporary")
            if direct:
                self.assertEqual(ranges, 0)
            # and the rename on the disk: the folder synced after it
            self.assertTrue(renamed, "the temporary is renamed into place")
            self.assertTrue(folder_synced, "the folder is synced after the rename")

    def test_a_file_gets_the_bytes_standard_output_gets(self):
        # -o writes whole blocks past the page cache (O_DIRECT) and the last,
        # partial one through it: every size of output, the same bytes as on
        # standard output — a few rows (no whole block), and more than
        # three blocks with a tail
        with tempfile.TemporaryDirectory() as d:
            for rows in (3, 25000):
                with self.subTest(rows=rows):
                    src, out = os.path.join(d, "in.csv"), os.path.join(d, "out.csv")
                    generated(src, rows)
                    p = run(["run", JILIN, src, "--date", "2024-06-30", "-q", "-o", out])
                    self.assertIn(p.returncode, (0, 1), p.stderr[-500:])
                    q = run(["run", JILIN, src, "--date", "2024-06-30", "-q"])
                    with open(out, "rb") as f:
                        self.assertEqual(f.read(), q.stdout)
                    if rows > 3:
                        self.assertGreater(len(q.stdout), 3 << 20)


if __name__ == "__main__":
    BIN = os.path.abspath(sys.argv[1])
    SRC = os.path.abspath(sys.argv[2])
    unittest.main(argv=sys.argv[:1] + sys.argv[3:], verbosity=1)
