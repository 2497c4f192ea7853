"""The Python package against the command line on the same 10M events: a DataFrame
(pandas with Arrow strings, pyarrow, polars) handed to `pathcredit.build_journeys` and
its path summary, or to `pathcredit.build_paths` (the path summary without the
journeys), against `pathcredit journeys --paths-out` on the CSV file. The
DataFrame is loaded before the clock starts (loading is pandas' work, not ours); the
package's time is build + path summary, inside one process. Alternating runs, medians
and per-pair ratios; the path summaries must be equal byte for byte."""

import argparse
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from process import timed


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--data", required=True, type=Path)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()

    import pandas as pd
    import pyarrow.csv as pacsv

    import pathcredit as pc

    events_csv, ids_csv = args.data / "events.csv", args.data / "identities.csv"
    start = time.perf_counter()
    table = pacsv.read_csv(events_csv)
    ids_table = pacsv.read_csv(ids_csv)
    loaded = {
        "pyarrow": (table, ids_table),
        "pandas": (table.to_pandas(types_mapper=pd.ArrowDtype), ids_table.to_pandas(types_mapper=pd.ArrowDtype)),
    }
    try:
        import polars as pl

        loaded["polars"] = (pl.from_arrow(table), pl.from_arrow(ids_table))
    except ImportError:
        pass
    print(f"loaded {table.num_rows:,} events in {time.perf_counter() - start:.1f} s (not timed below)")

    out = Path(tempfile.mkdtemp())
    builds = {
        "build_journeys": lambda ev, ids: pc.build_journeys(ev, identities=ids, keep_logs=False),
        "build_paths": lambda ev, ids: pc.build_paths(ev, identities=ids),
    }
    routes = [(build, kind) for build in builds for kind in loaded]
    cli_times, py_times = [], {route: [] for route in routes}
    for _ in range(args.runs):
        wall, cpu, peak = timed([args.bin, "journeys", "--quiet", "--events", str(events_csv),
                                 "--identities", str(ids_csv), "--paths-out", str(out / "cli.csv")])
        cli_times.append(wall)
        for build, kind in routes:
            ev, ids = loaded[kind]
            start = time.perf_counter()
            built = builds[build](ev, ids)
            built.write_paths(out / f"{build}_{kind}.csv")
            py_times[(build, kind)].append(time.perf_counter() - start)
            del built
    reference = (out / "cli.csv").read_bytes()
    cli = statistics.median(cli_times)
    print(f"| input | wall (median of {args.runs}) | ratio to the CLI on CSV, per pair | path summary |")
    print("|---|---|---|---|")
    print(f"| CLI `pathcredit journeys` on the CSV | {cli:.2f} s | 1 | reference |")
    for (build, kind), times in py_times.items():
        ratios = ", ".join(f"{p / c:.2f}" for p, c in zip(times, cli_times))
        same = (out / f"{build}_{kind}.csv").read_bytes() == reference
        label = "pyarrow Table" if kind == "pyarrow" else f"{kind} DataFrame"
        print(f"| `pc.{build}({label})` + path summary | {statistics.median(times):.2f} s "
              f"| {ratios} | {'identical' if same else 'DIFFERENT'} |")


if __name__ == "__main__":
    main()
