"""Scale-out on Dask: examples/dask_levy.py levies a generated province
file of 1,000,000 rows on a distributed.LocalCluster of three worker
processes, and its totals equal the command's to the fen.

The file is made once, in a temporary folder: 125,000 rows from
bench/gen_units.py, repeated eight times under new ids."""
import csv
import os
import re
import subprocess
import sys
import tempfile
from decimal import Decimal

import dask  # noqa: F401  (required: the suite never skips this test)
import distributed  # noqa: F401
import pytest

SRC = os.environ.get("QL_SOURCE_DIR",
                     os.path.join(os.path.dirname(__file__), "..", "..", ".."))
CLI = os.environ.get("QL_CLI") or os.path.join(SRC, "build", "tools", "quotalevy")
JILIN = os.path.join(SRC, "rules", "cn", "jilin.yaml")
ROWS, COPIES = 125_000, 8


@pytest.fixture(scope="module")
def province():
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "province.csv")
        gen = subprocess.run([sys.executable, os.path.join(SRC, "bench", "gen_units.py"),
                              str(ROWS), "--seed", "17"],
                             capture_output=True, text=True, check=True)
        header, *rows = gen.stdout.splitlines()
        assert len(rows) == ROWS and all(r[:1] == "U" and r[9] == "," for r in rows)
        with open(path, "w", encoding="utf-8") as f:
            f.write(header + "\n")
            for c in range(COPIES):
                f.write("".join("U%08d%s\n" % (c * ROWS + i, r[9:])
                                for i, r in enumerate(rows)))
        yield path


def cli_levy_total(path):
    with tempfile.TemporaryDirectory() as d:
        summ = os.path.join(d, "summary.csv")
        p = subprocess.run([CLI, "run", JILIN, path, "--date", "2024-06-30", "--summary",
                            summ, "-o", os.path.join(d, "out.csv")],
                           capture_output=True, text=True)
        assert p.returncode == 0, p.stderr
        assert "%d rows read, %d written, 0 rejected" % (ROWS * COPIES, ROWS * COPIES) in p.stderr
        with open(summ, encoding="utf-8") as f:
            (total,) = csv.DictReader(f)
    return Decimal(total["levy_due"])


def test_dask_example_levies_a_million_rows_like_the_command(province):
    want = cli_levy_total(province)
    p = subprocess.run([sys.executable, os.path.join(SRC, "examples", "dask_levy.py"),
                        province, "--workers", "3", "--blocksize", "8MB"],
                       capture_output=True, text=True, env=dict(os.environ), timeout=280)
    assert p.returncode == 0, p.stderr[-3000:]
    m = re.match(r"rows (\d+), rejected (\d+), levy due (\S+)$", p.stdout.splitlines()[0])
    assert m, p.stdout
    assert int(m.group(1)) == ROWS * COPIES and int(m.group(2)) == 0
    assert Decimal(m.group(3)) == want and m.group(3) == str(want)  # to the fen
    by_type = [Decimal(line.split()[-1]) for line in p.stdout.splitlines()[1:]]
    assert len(by_type) == 5 and sum(by_type) == want


def test_partition_totals_count_rejects_and_add_exactly():
    """One partition's totals by unit type: every row counted, a rejected
    row's levy left out, the levies added exactly (no 28-digit context),
    an empty partition giving no groups."""
    import pandas as pd
    sys.path.insert(0, os.path.join(SRC, "examples"))
    import dask_levy
    big = Decimal("12345678901234567890123456789.01")  # 31 digits
    levied = pd.DataFrame({
        "id": ["a", "b", "c", "d", "e"],
        "unit_type": ["enterprise", "agency", "enterprise", "enterprise", "agency"],
        "levy_due": [big, Decimal("1.50"), None, Decimal("0.01"), Decimal("0.00")],
        "error_status": [None, None, "QL_ERECORD", None, None]}, index=[5, 3, 9, 1, 0])
    got = dask_levy.partition_totals(levied)
    assert list(got.columns) == ["unit_type", "rows", "rejected", "levy_due"]
    rows = {r.unit_type: (r.rows, r.rejected, r.levy_due) for r in got.itertuples()}
    assert rows == {"enterprise": (3, 1, Decimal("12345678901234567890123456789.02")),
                    "agency": (2, 0, Decimal("1.50"))}
    assert str(rows["enterprise"][2]) == "12345678901234567890123456789.02"
    assert len(dask_levy.partition_totals(levied.iloc[:0])) == 0
