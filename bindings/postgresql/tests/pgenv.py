"""What the SQL test files share: the throwaway server's environment
and the ways to run SQL in it (test_pg.py starts the server and sets
ENV; the test classes in test_pg*.py read it from here).
"""
import atexit
import json
import os
import select
import shlex
import shutil
import subprocess
import tempfile
import time

# set by test_pg.py: the command, the source and build folders, and the
# environment (PGHOST, PGPORT, …) that reaches the sandbox's server
CLI = SRC = BUILD = None
ENV = None
SANDBOX = None


def start():
    """Starts the sandbox's server once (every test file's setUpModule
    calls this) and stops it when the tests end; the environment."""
    global SANDBOX, ENV
    if ENV:
        return ENV
    SANDBOX = tempfile.mkdtemp(prefix="ql-pg.", dir="/tmp")
    atexit.register(stop)
    env = dict(os.environ, QL_BUILD_DIR=BUILD, QL_RULES_DIR=os.path.join(SRC, "rules"))
    env.pop("MALLOC_PERTURB_", None)  # meson's; the server's memory is measured
    p = subprocess.run([os.path.join(SRC, "scripts/pg-sandbox.sh"), "start", SANDBOX],
                       capture_output=True, text=True, env=env)
    if p.returncode != 0:
        raise RuntimeError(f"the PostgreSQL sandbox did not start:\n{p.stderr}")
    words = shlex.split(p.stdout.strip())
    assert words[0] == "export", p.stdout
    ENV = dict(os.environ)
    ENV.update(w.split("=", 1) for w in words[1:])
    return ENV


def stop():
    """Stops the sandbox's server and removes its folder."""
    global SANDBOX
    if SANDBOX:
        subprocess.run([os.path.join(SRC, "scripts/pg-sandbox.sh"), "stop", SANDBOX],
                       capture_output=True)
        shutil.rmtree(SANDBOX, ignore_errors=True)
        SANDBOX = None


def psql(sql, check=True, user=None):
    """Runs SQL (one or more statements) in a fresh session; stdout."""
    env = dict(ENV)
    if user:
        env["PGUSER"] = user
    p = subprocess.run(["psql", "-X", "-At", "-q", "-v", "ON_ERROR_STOP=1",
                        "-v", "VERBOSITY=verbose", "-f", "-"],
                       input="\\set VERBOSITY verbose\n" + sql,
                       capture_output=True, text=True, env=env)
    if check and p.returncode != 0:
        raise AssertionError(f"psql failed: {p.stderr}\nSQL: {sql[:2000]}")
    return p.stdout if check else p


def psql_error(sql, user=None):
    """Runs SQL that must fail; the error text (with SQLSTATE)."""
    p = psql(sql, check=False, user=user)
    if p.returncode == 0:
        raise AssertionError(f"expected an error from: {sql[:500]}\n{p.stdout}")
    return p.stderr


class Session:
    """One connection kept open, to hold a backend's cache across steps."""

    def __init__(self):
        self.p = subprocess.Popen(["psql", "-X", "-At", "-q"], env=ENV,
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT, text=True, bufsize=1)
        self.buf = b""
        self.pid = int(self.q("SELECT pg_backend_pid();")[0])

    def send(self, sql):
        # a query's result is flushed where an \echo would wait in a buffer
        self.p.stdin.write(sql + "\nSELECT '__done__';\n")
        self.p.stdin.flush()

    def read(self, timeout=120):
        """The lines psql wrote up to the end marker."""
        end = time.time() + timeout
        while b"__done__\n" not in self.buf:
            r, _, _ = select.select([self.p.stdout], [], [], max(0, end - time.time()))
            if not r:
                raise AssertionError(f"no answer from psql; so far {self.buf!r}")
            chunk = os.read(self.p.stdout.fileno(), 65536)
            if not chunk:
                raise AssertionError(f"psql ended; so far {self.buf!r}")
            self.buf += chunk
        text, _, self.buf = self.buf.partition(b"__done__\n")
        return text.decode().splitlines()

    def q(self, sql):
        self.send(sql)
        return self.read()

    def close(self):
        self.p.stdin.close()
        self.p.wait(timeout=30)


def sql_results(sql):
    """Rows of jsonb, parsed with numbers kept as their text."""
    return [json.loads(line, parse_float=str, parse_int=str)
            for line in psql(sql).splitlines() if line]
