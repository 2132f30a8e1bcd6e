#!/usr/bin/env python3
"""Dask, 2 worker processes against 1, measured in pairs, and what the
ratio is made of (docs/performance.md, "Python: columns, pandas frames,
Dask").  One command:

    PYTHONPATH=build/bindings/python python3 bench/dask_workers.py
        [--rows 1000000] [--pairs 5] [--blocks 8,16,32]

For each number of partitions a worker gets (--blocks: the file cut into
blocks × workers partitions, as bench/python_columns.py cuts it into 8 ×
workers), --pairs times in turn: examples/dask_levy.py's levy on a
LocalCluster of 1 worker process, then of 2 (each cluster started and
warmed by one levy before the clock).  Printed per run: the wall time, the
CPU seconds the workers spent (user + system, from their own clocks), the
machine's load average and the share of its cores idle over the run
(/proc/stat); then, per partitioning, the median of the paired ratios and
their spread.  The ratio is bounded by what two shared cores give: a
second worker adds only the core time other programs leave it.
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
RULES = os.path.join(ROOT, "rules", "cn", "jilin.yaml")
DATE = "2024-06-30"


def cpu_times():
    """(busy, total) jiffies of all cores, from /proc/stat."""
    with open("/proc/stat") as f:
        parts = [int(x) for x in f.readline().split()[1:]]
    idle = parts[3] + parts[4]
    return sum(parts) - idle, sum(parts)


def worker_cpu(client):
    """CPU seconds (user + system) the workers' processes have used."""
    def own():
        t = os.times()
        return t.user + t.system
    return sum(client.run(own).values())


def one(client, data, blocksize):
    import dask_levy
    c0 = worker_cpu(client)
    b0, t0 = cpu_times()
    w0 = time.perf_counter()
    got = dask_levy.levy(data, RULES, DATE, client, blocksize)
    wall = time.perf_counter() - w0
    b1, t1 = cpu_times()
    return wall, worker_cpu(client) - c0, 1 - (b1 - b0) / max(t1 - t0, 1), got


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--pairs", type=int, default=5)
    ap.add_argument("--blocks", default="8,16,32")
    a = ap.parse_args()
    sys.path.insert(0, os.path.join(ROOT, "examples"))
    from dask.distributed import Client, LocalCluster
    with tempfile.TemporaryDirectory() as d:
        data = os.path.join(d, "units.csv")
        with open(data, "w") as f:
            subprocess.run([sys.executable, os.path.join(HERE, "gen_units.py"), str(a.rows)],
                           stdout=f, check=True)
        size = os.path.getsize(data)
        clusters = {}
        try:
            for w in (1, 2):
                cl = LocalCluster(n_workers=w, threads_per_worker=1, processes=True,
                                  dashboard_address=None)
                clusters[w] = (cl, Client(cl))
            print("| partitions a worker | run | workers | wall s | workers' CPU s | idle share "
                  "| load |")
            print("|---:|---:|---:|---:|---:|---:|---:|")
            summary = []
            want = None
            for blocks in (int(b) for b in a.blocks.split(",")):
                ratios = []
                for run in range(a.pairs):
                    walls = {}
                    for w in (1, 2):
                        client = clusters[w][1]
                        blocksize = max(1 << 20, size // (blocks * w))
                        if run == 0:
                            one(client, data, blocksize)  # the workers warmed
                        wall, cpu, idle, got = one(client, data, blocksize)
                        want = want or got[2]
                        assert got[2] == want and got[0] == a.rows, (got, want)
                        walls[w] = wall
                        print("| %d | %d | %d | %.2f | %.2f | %.0f %% | %.1f |"
                              % (blocks, run + 1, w, wall, cpu, 100 * idle,
                                 os.getloadavg()[0]))
                    ratios.append(walls[1] / walls[2])
                summary.append((blocks, ratios))
        finally:
            for cl, client in clusters.values():
                client.close()
                cl.close()
    print()
    print("levy total %s on every run (%d rows)" % (want, a.rows))
    print()
    print("| partitions a worker | 2 workers ÷ 1, median | min | max |")
    print("|---:|---:|---:|---:|")
    for blocks, ratios in summary:
        print("| %d | %.2f | %.2f | %.2f |" % (blocks, statistics.median(ratios),
                                              min(ratios), max(ratios)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
