"""The Python package against the command line on the same 10M events: a DataFrame
(pandas with Arrow strings, pyarrow, polars) handed to `pathcredit.build_journeys` and
its path summary, against `pathcredit journeys --paths-out` on the CSV file. The
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
    cli_times, py_times = [], {k: [] for k in loaded}
    for _ in range(args.runs):
        wall, cpu, peak = timed([args.bin, "journeys", "--quiet", "--events", str(events_csv),
                                 "--identities", str(ids_csv), "--paths-out", str(out / "cli.csv")])
        cli_times.append(wall)
        for kind, (ev, ids) in loaded.items():
            start = time.perf_counter()
            journeys = pc.build_journeys(ev, identities=ids, keep_logs=False)
            journeys.write_paths(out / f"{kind}.csv")
            py_times[kind].append(time.perf_counter() - start)
            del journeys
    reference = (out / "cli.csv").read_bytes()
    cli = statistics.median(cli_times)
    print(f"| input | wall (median of {args.runs}) | ratio to the CLI on CSV, per pair | path summary |")
    print("|---|---|---|---|")
    print(f"| CLI `pathcredit journeys` on the CSV | {cli:.2f} s | 1 | reference |")
    for kind, times in py_times.items():
        ratios = ", ".join(f"{p / c:.2f}" for p, c in zip(times, cli_times))
        same = (out / f"{kind}.csv").read_bytes() == reference
        label = "pyarrow Table" if kind == "pyarrow" else f"{kind} DataFrame"
        print(f"| `pc.build_journeys({label})` + path summary | {statistics.median(times):.2f} s "
              f"| {ratios} | {'identical' if same else 'DIFFERENT'} |")


if __name__ == "__main__":
    main()
