"""`pathcredit journeys` against the SQL `pathcredit sql` writes, run on DuckDB and on Spark
(`local[2]`), on the same event log: the path summaries must be equal, and each engine's
whole-process wall time (and peak memory, where the process is the engine) is reported.
Spark on one small machine is expected to be the slowest: its point is that it shards."""

import argparse
import csv
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from process import timed

DUCKDB = """
import duckdb, sys
sql, events, ids, out = sys.argv[1:5]
con = duckdb.connect()
con.execute(f"CREATE TABLE events AS SELECT * FROM read_csv('{events}', header=true, all_varchar=true)")
con.execute(f"CREATE TABLE identities AS SELECT * FROM read_csv('{ids}', header=true, all_varchar=true)")
for chunk in open(sql).read().split(';\\n'):
    body = '\\n'.join(l for l in chunk.splitlines() if not l.startswith('--')).strip()
    if body:
        last = body
        con.execute(body)
con.execute(f"COPY ({last.rstrip(';')}) TO '{out}' (HEADER)")
"""

SPARK = """
import sys
from pyspark.sql import SparkSession
sql, events, ids, out, warehouse = sys.argv[1:6]
spark = (SparkSession.builder.master('local[2]').config('spark.ui.enabled', 'false')
         .config('spark.driver.memory', '6g').config('spark.sql.shuffle.partitions', '8')
         .config('spark.sql.warehouse.dir', warehouse).getOrCreate())
spark.sparkContext.setLogLevel('ERROR')
spark.read.csv(events, header=True).createOrReplaceTempView('events')
spark.read.csv(ids, header=True).createOrReplaceTempView('identities')
df = None
for chunk in open(sql).read().split(';\\n'):
    body = '\\n'.join(l for l in chunk.splitlines() if not l.startswith('--')).strip()
    if body:
        df = spark.sql(body.rstrip(';'))
df.toPandas().to_csv(out, index=False)
spark.stop()
"""


def rows(path):
    with open(path, newline="") as f:
        return {r["path"]: (float(r["total_conversions"]), float(r["total_conversion_value"] or 0),
                            float(r["total_null"] or 0)) for r in csv.DictReader(f)}


def same(a, b):
    if set(a) != set(b):
        return False
    return all(a[k][0] == b[k][0] and a[k][2] == b[k][2]
               and abs(a[k][1] - b[k][1]) <= 1e-9 * max(1, abs(a[k][1])) for k in a)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--data", required=True, type=Path)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--spark-runs", type=int, default=1)
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp())
    events, ids = args.data / "events.csv", args.data / "identities.csv"
    sql = {}
    for dialect in ("duckdb", "spark"):
        sql[dialect] = work / f"{dialect}.sql"
        subprocess.run([args.bin, "sql", "--dialect", dialect, "--identities-table", "identities",
                        "--out", str(sql[dialect])], check=True)
    (work / "duck.py").write_text(DUCKDB)
    (work / "spark.py").write_text(SPARK)
    results = {"pathcredit journeys": [], "DuckDB (generated SQL)": [], "Spark local[2] (generated SQL)": []}
    outputs = {}
    for r in range(args.runs):
        out = work / "cli.csv"
        results["pathcredit journeys"].append(timed([args.bin, "journeys", "--quiet", "--events", str(events),
                                                     "--identities", str(ids), "--paths-out", str(out)]))
        outputs["pathcredit journeys"] = out
        out = work / "duck.csv"
        results["DuckDB (generated SQL)"].append(timed([sys.executable, str(work / "duck.py"), str(sql["duckdb"]),
                                                       str(events), str(ids), str(out)]))
        outputs["DuckDB (generated SQL)"] = out
        if r < args.spark_runs:
            out = work / "spark.csv"
            results["Spark local[2] (generated SQL)"].append(timed(
                [sys.executable, str(work / "spark.py"), str(sql["spark"]), str(events), str(ids), str(out),
                 str(work / "warehouse")]))
            outputs["Spark local[2] (generated SQL)"] = out
    reference = rows(outputs["pathcredit journeys"])
    print(f"{sum(1 for _ in open(events)) - 1:,} events, {len(reference):,} distinct paths")
    print("| job | wall (median) | peak memory of the process | path summary |")
    print("|---|---|---|---|")
    for name, runs in results.items():
        wall = statistics.median(r[0] for r in runs)
        peak = statistics.median(r[2] for r in runs)
        memory = "not measured (the JVM is a child process)" if name.startswith("Spark") else f"{peak:,.0f} MiB"
        equal = "reference" if name == "pathcredit journeys" else ("identical" if same(reference, rows(outputs[name])) else "DIFFERENT")
        print(f"| {name} | {wall:.1f} s ({len(runs)} runs) | {memory} | {equal} |")


if __name__ == "__main__":
    main()
