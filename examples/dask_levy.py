#!/usr/bin/env python3
"""Levies a whole province's units file on a Dask cluster.

    dask_levy.py UNITS.csv [--date YYYY-MM-DD] [--rules RULES.yaml]
                 [--workers N] [--scheduler ADDRESS] [--blocksize 16MB]

The file is read in blocks as text (dtype=str: no binary float ever
touches a headcount or a wage), each block is levied by
RuleSet.evaluate_frame on a worker process, and the exact totals by unit
type are added up from the workers' partial sums.  The RuleSet travels to
the workers pickled by its source (the rules file's path and any
overrides) and is compiled once per worker process.  Without --scheduler
a LocalCluster of --workers processes is started; with it, the rules file
must be at the same path on every node (see docs/python.md, "Dask").

Prints the rows levied, the rows rejected and the levy due, in total and
by unit type, to the fen.
"""
import argparse
import decimal
import os
import sys
from decimal import Decimal

import quotalevy

HERE = os.path.dirname(os.path.abspath(__file__))


TOTALS_META = {"unit_type": [], "rows": [], "rejected": [], "levy_due": []}

# Sums of money are exact whatever their size: a context that holds every
# digit, and refuses (Inexact) rather than rounds if one ever did not.
EXACT = decimal.Context(prec=decimal.MAX_PREC, traps=[decimal.Inexact, decimal.Overflow])


def partition_totals(levied):
    """One partition's rows, rejects and levy by unit type: from the three
    columns it needs (a copy of the whole levied frame, as assign() makes,
    was a third of a worker's time), each group's levy an exact sum of
    Decimals."""
    import pandas as pd
    if not len(levied):
        return pd.DataFrame(TOTALS_META)
    bad = levied["error_status"].notna().to_numpy()
    kinds = levied["unit_type"].to_numpy(dtype=object)
    levies = levied["levy_due"].to_numpy(dtype=object)
    rows, rejected, due = {}, {}, {}
    with decimal.localcontext(EXACT):
        for kind, failed, levy in zip(kinds.tolist(), bad.tolist(), levies.tolist()):
            rows[kind] = rows.get(kind, 0) + 1
            if failed:
                rejected[kind] = rejected.get(kind, 0) + 1
            else:
                due[kind] = due.get(kind, Decimal(0)) + levy
    return pd.DataFrame({"unit_type": list(rows), "rows": list(rows.values()),
                         "rejected": [rejected.get(k, 0) for k in rows],
                         "levy_due": [due.get(k, Decimal(0)) for k in rows]}).astype(
        {"unit_type": object, "rows": "int64", "rejected": "int64", "levy_due": object})


def levy(units, rules, date, client, blocksize="16MB"):
    """(rows, rejected, levy total, {unit_type: (rows, rejected, levy)})."""
    import dask.dataframe as dd
    import pandas as pd
    rs = quotalevy.RuleSet.load(rules)
    frame = dd.read_csv(units, dtype=str, keep_default_na=False, blocksize=blocksize)
    meta = rs.evaluate_frame(frame._meta, date, keep=["id", "unit_type"], errors="column")
    levied = frame.map_partitions(rs.evaluate_frame, date, keep=["id", "unit_type"],
                                  errors="column", meta=meta)
    meta_totals = pd.DataFrame(TOTALS_META).astype(
        {"unit_type": object, "rows": "int64", "rejected": "int64", "levy_due": object})
    parts = levied.map_partitions(partition_totals, meta=meta_totals)
    got = client.compute(parts).result()
    by_type = {}
    with decimal.localcontext(EXACT):
        for r in got.itertuples(index=False):
            n, rej, total = by_type.get(r.unit_type, (0, 0, Decimal(0)))
            by_type[r.unit_type] = (n + int(r.rows), rej + int(r.rejected),
                                    total + r.levy_due)
        rows = sum(v[0] for v in by_type.values())
        rejected = sum(v[1] for v in by_type.values())
        total = sum((v[2] for v in by_type.values()), Decimal(0))
    return rows, rejected, total, dict(sorted(by_type.items()))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("units")
    ap.add_argument("--date", default="2024-06-30")
    ap.add_argument("--rules", default=os.path.join(HERE, "..", "rules", "cn", "jilin.yaml"))
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--scheduler", help="the address of a running Dask scheduler")
    ap.add_argument("--blocksize", default="16MB")
    args = ap.parse_args(argv)

    from dask.distributed import Client, LocalCluster
    if args.scheduler:
        client, cluster = Client(args.scheduler), None
    else:
        cluster = LocalCluster(n_workers=args.workers, threads_per_worker=1,
                               processes=True, dashboard_address=None)
        client = Client(cluster)
    try:
        rows, rejected, total, by_type = levy(args.units, args.rules, args.date, client,
                                              args.blocksize)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    print("rows %d, rejected %d, levy due %s" % (rows, rejected, total))
    for kind, (n, rej, t) in by_type.items():
        print("  %-22s %9d rows %6d rejected  %s" % (kind, n, rej, t))
    return 0


if __name__ == "__main__":
    sys.exit(main())
