#!/usr/bin/env python3
"""Side-by-side: `pathcredit journeys` versus the same job in DuckDB SQL.

Run through ./run.sh journeys (it builds pathcredit, makes a virtualenv with duckdb and
generates the data). Each tool runs RUNS times, alternating; wall time and peak memory
(the process's own accounting, wait4 rusage) are reported as medians, with the ratio
per pair, and the two path summaries are compared row by row. The parse floor (the same
two files read by the bare csv crate, `examples/csv_floor.rs`) runs in the same rotation,
and pathcredit's time is also given as a multiple of it.
"""
import argparse
import csv
import os
import statistics
import sys

from process import timed

HERE = os.path.dirname(os.path.abspath(__file__))


def load(path):
    rows = {}
    with open(path) as f:
        for r in csv.DictReader(f):
            rows[r["path"]] = (float(r["total_conversions"]), float(r["total_conversion_value"]), float(r["total_null"]))
    return rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--floor", required=True, help="the csv_floor example binary")
    ap.add_argument("--data", required=True)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    ours = [args.bin, "journeys", "--events", "events.csv", "--identities", "identities.csv",
            "--lookback-days", "30", "--quiet", "--paths-out", "paths_pathcredit.csv"]
    duck = [sys.executable, "-c",
            "import duckdb,sys; duckdb.connect().execute(open(sys.argv[1]).read())",
            os.path.join(HERE, "journeys_duckdb.sql")]
    floor = [args.floor, "events.csv", "identities.csv"]
    results = {"pathcredit": [], "duckdb": [], "parse floor": []}
    for _ in range(args.runs):
        results["pathcredit"].append(timed(ours, args.data))
        results["duckdb"].append(timed(duck, args.data))
        results["parse floor"].append(timed(floor, args.data))
    size = os.path.getsize(os.path.join(args.data, "events.csv")) / 1e6
    with open(os.path.join(args.data, "events.csv")) as f:
        events = sum(1 for _ in f) - 1
    print(f"events: {events:,} rows, {size:.0f} MB; {args.runs} runs each, alternating; medians")
    print(f"{'tool':<12} {'wall s':>8} {'peak MiB':>9}")
    for tool, rs in results.items():
        print(f"{tool:<12} {statistics.median(r[0] for r in rs):>8.2f} {statistics.median(r[2] for r in rs):>9.0f}")
    ratios = [d[0] / p[0] for p, d in zip(results["pathcredit"], results["duckdb"])]
    print(f"duckdb / pathcredit wall time, per pair: {', '.join(f'{r:.2f}' for r in ratios)}; "
          f"median {statistics.median(ratios):.2f}")
    floors = [p[0] / f[0] for p, f in zip(results["pathcredit"], results["parse floor"])]
    print(f"pathcredit / parse floor wall time, per pair: {', '.join(f'{r:.2f}' for r in floors)}; "
          f"median {statistics.median(floors):.2f}")
    a = load(os.path.join(args.data, "paths_pathcredit.csv"))
    b = load(os.path.join(args.data, "paths_duckdb.csv"))
    differ = [k for k in set(a) | set(b)
              if k not in a or k not in b or a[k][0] != b[k][0] or a[k][2] != b[k][2]
              or abs(a[k][1] - b[k][1]) > 1e-6 * max(1.0, abs(a[k][1]))]
    print(f"path summaries: {len(a):,} paths (pathcredit), {len(b):,} (duckdb); {len(differ)} differ")
    if differ:
        for k in sorted(differ)[:5]:
            print(f"  {k}: {a.get(k)} vs {b.get(k)}")
        sys.exit(1)


if __name__ == "__main__":
    main()
