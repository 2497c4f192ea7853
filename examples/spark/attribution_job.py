"""Journeys built inside Spark, credit fitted by pathcredit.

The engine does what scales with events: identity stitching, sessions, lookback windows
and the path summary, by the SQL `pathcredit.sql` writes from the same parameters as
`pathcredit journeys` (the path summary is equal to that command's, row for row). The
small path summary then comes back to the driver, where pathcredit fits every model
exactly, and the credit is written back as a table.

    spark-submit examples/spark/attribution_job.py --events events.parquet \
        --identities identities.parquet --out credit.parquet --lookback-days 30

Parquet or CSV inputs (by extension); the events need timestamp, user_id, event,
channel[, value]; identities anonymous_id, user_id.
"""

import argparse

import pathcredit as pc


def read(spark, path):
    """A Parquet file, or a CSV file with a header."""
    if str(path).endswith(".csv"):
        return spark.read.csv(str(path), header=True)
    return spark.read.parquet(str(path))


def run(spark, events, identities, out, models=None, **params):
    """Builds the path summary in Spark, fits the models with pathcredit, writes the
    credit to `out` (Parquet) and returns it as a pandas DataFrame."""
    read(spark, events).createOrReplaceTempView("events")
    identities_table = None
    if identities is not None:
        read(spark, identities).createOrReplaceTempView("identities")
        identities_table = "identities"
    sql = pc.sql("spark", "events", identities_table, **params)
    result = None
    for statement in pc.statements(sql):
        result = spark.sql(statement)
    # The path summary is small (distinct paths, not events): bring it to the driver.
    paths = result.toPandas()
    credit = pc.attribute(paths, models=models, kind="paths")
    spark.createDataFrame(credit).write.mode("overwrite").parquet(str(out))
    return credit


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--events", required=True)
    ap.add_argument("--identities")
    ap.add_argument("--out", required=True, help="where the credit table is written (Parquet)")
    ap.add_argument("--models", default=None, help="comma-separated (default: every path model)")
    ap.add_argument("--lookback-days", default="30")
    ap.add_argument("--session-gap", default="30m")
    ap.add_argument("--censor-days", default=None)
    ap.add_argument("--transform", default="none")
    args = ap.parse_args()

    from pyspark.sql import SparkSession

    spark = SparkSession.builder.appName("pathcredit attribution").getOrCreate()
    credit = run(
        spark,
        args.events,
        args.identities,
        args.out,
        models=args.models,
        lookback_days=args.lookback_days,
        session_gap=args.session_gap,
        censor_days=args.censor_days,
        transform=args.transform,
    )
    print(credit.to_string(index=False))
    spark.stop()


if __name__ == "__main__":
    main()
