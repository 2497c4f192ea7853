"""`pathcredit sql` run on the real engines: the path summary DuckDB and Spark build from
the generated SQL must equal the one `pathcredit journeys` builds from the same flags, row
for row (values to 1e-9), on the sample data and on a log made to hit every rule
(make_log.py). DuckDB runs every flag set; Spark (slow to start) a few, and CI requires
it (PATHCREDIT_REQUIRE_SPARK=1)."""

import csv
import json
import os
import pathlib
import shutil
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data" / "sample"
B2B = ROOT / "data" / "sample-b2b"


def binary():
    if os.environ.get("PATHCREDIT_BIN"):
        return os.environ["PATHCREDIT_BIN"]
    built = [ROOT / "target" / p / "pathcredit" for p in ("release", "debug")]
    built = [p for p in built if p.exists()]
    if not built:
        pytest.skip("the pathcredit binary is not built")
    return str(max(built, key=lambda p: p.stat().st_mtime))


def cli(*args):
    done = subprocess.run([binary(), *map(str, args)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout


def sql_statements(*flags):
    """The statements of `pathcredit sql` with these flags, each whole, as the generator
    ended them (`--format json`): never split from the text."""
    return json.loads(cli("sql", *flags, "--format", "json"))["statements"]


def read_paths(path):
    with open(path, newline="") as f:
        return {
            r["path"]: (float(r["total_conversions"]), float(r["total_conversion_value"] or 0),
                        float(r["total_null"] or 0))
            for r in csv.DictReader(f)
        }


def assert_same(engine_rows, reference_csv):
    ours = read_paths(reference_csv)
    theirs = {r[0]: (float(r[1]), float(r[2]), float(r[3])) for r in engine_rows}
    assert set(theirs) == set(ours), sorted(set(theirs) ^ set(ours))[:10]
    for path, (c, v, n) in ours.items():
        tc, tv, tn = theirs[path]
        assert (tc, tn) == (c, n), path
        assert abs(tv - v) <= 1e-9 * max(1.0, abs(v)), path


def run_duckdb(sql, events, identities):
    duckdb = pytest.importorskip("duckdb")
    con = duckdb.connect()
    con.execute(f"CREATE TABLE events AS SELECT * FROM read_csv('{events}', header=true, all_varchar=true)")
    con.execute(f"CREATE TABLE identities AS SELECT * FROM read_csv('{identities}', header=true, all_varchar=true)")
    result = None
    for statement in sql:
        result = con.execute(statement)
    return result.fetchall()


@pytest.fixture(scope="module")
def log(tmp_path_factory):
    out = tmp_path_factory.mktemp("log")
    import sys

    sys.path.insert(0, str(pathlib.Path(__file__).parent))
    import make_log

    make_log.main(str(out))
    return out


FLAG_SETS = [
    [],
    ["--censor-days", "0"],
    ["--lookback-days", "none"],
    ["--lookback-days", "7", "--lookback-steps", "3"],
    ["--touch-level", "event"],
    ["--session-gap", "5m"],
    ["--shared-devices", "merge"],
    ["--unattributed-channel", "(none)", "--censor-days", "2"],
    ["--transform", "exposure"],
    ["--transform", "first", "--max-steps", "2"],
    ["--transform", "unique", "--drop-channel", "email"],
    ["--transform", "frequency", "--drop-direct-unless-only"],
    ["--direct-channel", "direct,organic_search", "--drop-direct-unless-only"],
    ["--conversion-event", "conversion,closed_won"],
    ["--journey-level", "account", "--censor-days", "0"],
    ["--data-end", "2026-01-20T00:00:00Z"],
]


@pytest.mark.parametrize("flags", FLAG_SETS, ids=lambda f: " ".join(f) or "defaults")
def test_duckdb_builds_the_journeys_path_summary(log, tmp_path, flags):
    events, ids = log / "events.csv", log / "identities.csv"
    reference = tmp_path / "paths.csv"
    cli("journeys", "--events", events, "--identities", ids, *flags, "--paths-out", reference, "-q")
    sql = sql_statements("--dialect", "duckdb", "--identities-table", "identities", "--session-id", *flags)
    assert_same(run_duckdb(sql, events, ids), reference)


@pytest.mark.parametrize("data,flags", [(SAMPLE, ["--censor-days", "0"]),
                                        (B2B, ["--journey-level", "account", "--censor-days", "0"])])
def test_duckdb_rebuilds_the_shipped_sample_path_summaries(tmp_path, data, flags):
    sql = sql_statements("--dialect", "duckdb", "--identities-table", "identities", *flags)
    assert_same(run_duckdb(sql, data / "events.csv", data / "identities.csv"), data / "paths.csv")


def test_too_few_stitch_rounds_fail_loudly(log):
    duckdb = pytest.importorskip("duckdb")
    sql = sql_statements("--dialect", "duckdb", "--identities-table", "identities", "--stitch-rounds", "1")
    with pytest.raises(duckdb.Error, match="did not converge in 1 rounds"):
        run_duckdb(sql, log / "events.csv", log / "identities.csv")


@pytest.fixture(scope="module")
def spark(tmp_path_factory):
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        if os.environ.get("PATHCREDIT_REQUIRE_SPARK"):
            raise
        pytest.skip("pyspark is not installed")
    warehouse = tmp_path_factory.mktemp("warehouse")
    session = (
        SparkSession.builder.master("local[2]").appName("pathcredit-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.sql.warehouse.dir", str(warehouse))
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()
    shutil.rmtree(warehouse, ignore_errors=True)


def run_spark(spark, sql, events, identities):
    spark.read.csv(str(events), header=True).createOrReplaceTempView("events")
    spark.read.csv(str(identities), header=True).createOrReplaceTempView("identities")
    df = None
    for statement in sql:
        df = spark.sql(statement)
    return [tuple(r) for r in df.collect()]


@pytest.mark.parametrize("flags", [
    ["--censor-days", "0"],
    ["--lookback-steps", "4", "--transform", "frequency", "--unattributed-channel", "(none)",
     "--shared-devices", "merge"],
], ids=["defaults", "steps-frequency-merge"])
def test_spark_builds_the_journeys_path_summary(spark, log, tmp_path, flags):
    events, ids = log / "events.csv", log / "identities.csv"
    reference = tmp_path / "paths.csv"
    cli("journeys", "--events", events, "--identities", ids, *flags, "--paths-out", reference, "-q")
    sql = sql_statements("--dialect", "spark", "--identities-table", "identities", "--session-id", *flags)
    assert_same(run_spark(spark, sql, events, ids), reference)


@pytest.mark.parametrize("k", [1, 2, 3])
def test_duckdb_aggregates_fit_like_the_path_summary(log, tmp_path, k):
    """Transition counts and coalitions counted by the engine give the credit the path
    summary gives: markov on transitions, shapley, linear_unique and influenced on
    coalitions."""
    duckdb = pytest.importorskip("duckdb")
    events, ids = log / "events.csv", log / "identities.csv"
    paths = tmp_path / "paths.csv"
    cli("journeys", "--events", events, "--identities", ids, "--censor-days", "0", "--paths-out", paths, "-q")
    sql = sql_statements("--dialect", "duckdb", "--identities-table", "identities", "--censor-days", "0",
              "--session-id", "--transitions", k, "--coalitions")
    con = duckdb.connect()
    con.execute(f"CREATE TABLE events AS SELECT * FROM read_csv('{events}', header=true, all_varchar=true)")
    con.execute(f"CREATE TABLE identities AS SELECT * FROM read_csv('{ids}', header=true, all_varchar=true)")
    for statement in sql:
        con.execute(statement)
    con.execute(f"COPY (SELECT * FROM pc_transitions) TO '{tmp_path / 't.csv'}' (HEADER)")
    con.execute(f"COPY (SELECT * FROM pc_coalitions) TO '{tmp_path / 'c.csv'}' (HEADER)")
    assert cli("attribute", "-q", "--transitions", tmp_path / "t.csv") == cli(
        "attribute", "-q", "--paths", paths, "--model", "markov", "--markov-order", k)
    assert cli("attribute", "-q", "--coalitions", tmp_path / "c.csv") == cli(
        "attribute", "-q", "--paths", paths, "--model", "shapley,linear_unique,influenced")


def test_the_pyspark_example_writes_the_cli_credit(spark, tmp_path):
    """examples/spark/attribution_job.py on the sample: its credit equals `pathcredit
    attribute` on the shipped path summary."""
    pd = pytest.importorskip("pandas")
    pc = pytest.importorskip("pathcredit")
    import sys

    sys.path.insert(0, str(ROOT / "examples" / "spark"))
    import attribution_job

    credit = attribution_job.run(
        spark, SAMPLE / "events.csv", SAMPLE / "identities.csv", tmp_path / "credit.parquet",
        models=["last_touch", "markov", "shapley"], censor_days=0,
    )
    reference = pc.attribute(SAMPLE / "paths.csv", models=["last_touch", "markov", "shapley"])
    pd.testing.assert_frame_equal(credit, reference)
    written = spark.read.parquet(str(tmp_path / "credit.parquet")).toPandas()
    assert len(written) == len(reference)


# Issue 31, item 1: names that reach SQL are quoted (identifiers) or escaped (literals),
# never written raw into a comment, and refused when they hold control characters.
HOSTILE_TABLE = 'ev"ents; DROP TABLE victim; --'
HOSTILE_COLUMN = 'chan"nel) FROM x; DROP TABLE victim; --'
HOSTILE_CHANNEL = "x'); DROP TABLE victim; --"
HOSTILE_EVENT = "conversion' OR 1=1; DROP TABLE victim; --"


def database_state(con):
    """Every table that is not a temporary table of the run, with its rows."""
    names = [r[0] for r in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE NOT temporary ORDER BY table_name"
    ).fetchall()]
    quote = lambda n: '"' + n.replace('"', '""') + '"'
    return {n: sorted(con.execute(f"SELECT * FROM {quote(n)}").fetchall(), key=repr) for n in names}


def test_hostile_names_change_nothing_else_in_duckdb(tmp_path):
    duckdb = pytest.importorskip("duckdb")
    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    con.execute("CREATE TABLE victim AS SELECT 42 AS x, 'kept' AS y")
    quoted_table = '"' + HOSTILE_TABLE.replace('"', '""') + '"'
    quoted_column = '"' + HOSTILE_COLUMN.replace('"', '""') + '"'
    con.execute(
        f"CREATE TABLE {quoted_table} AS SELECT timestamp, user_id, event, channel AS {quoted_column}, "
        f"value FROM read_csv('{SAMPLE / 'events.csv'}', header=true, all_varchar=true)"
    )
    con.execute(f"CREATE TABLE identities AS SELECT * FROM read_csv('{SAMPLE / 'identities.csv'}', header=true, all_varchar=true)")
    before = database_state(con)
    flags = ["--censor-days", "0", "--drop-channel", f"video,{HOSTILE_CHANNEL}",
             "--unattributed-channel", HOSTILE_CHANNEL, "--conversion-event", f"conversion,{HOSTILE_EVENT}"]
    sql = sql_statements("--dialect", "duckdb", "--events-table", HOSTILE_TABLE,
                         "--identities-table", "identities", "--col", f"channel={HOSTILE_COLUMN}",
                         "--prefix", "pc_", *flags)
    # No statement is anything but the build's own: SET, the temporary tables, the check
    # and the final query.
    for statement in sql:
        assert statement.startswith(("SET ", "CREATE OR REPLACE TEMP TABLE pc_", "SELECT ")), statement
    result = None
    for statement in sql:
        result = con.execute(statement)
    rows = result.fetchall()
    assert database_state(con) == before
    reference = tmp_path / "paths.csv"
    cli("journeys", "--events", SAMPLE / "events.csv", "--identities", SAMPLE / "identities.csv",
        *flags, "--paths-out", reference, "-q")
    assert_same(rows, reference)


@pytest.mark.parametrize("flag,value", [
    ("--events-table", "events\nDROP TABLE victim;\n--"),
    ("--identities-table", "ids\r--"),
    ("--unattributed-channel", "x;\nDROP TABLE victim;\n--"),
    ("--drop-channel", "a\x1b]0;title\x07"),
    ("--col", "channel=chan\nnel"),
    ("--conversion-event", "buy\u200b"),
    ("--events-table", "raw..events"),
])
def test_names_with_control_characters_are_refused(flag, value):
    done = subprocess.run([binary(), "sql", "--dialect", "duckdb", flag, value],
                          capture_output=True, text=True)
    assert done.returncode == 1, done.stdout
    assert done.stdout == ""
    assert "\x1b" not in done.stderr and "\x00" not in done.stderr
    assert flag.split("=")[0] in done.stderr, done.stderr


def test_spark_reads_quotes_and_backslashes_in_names_as_written(spark, tmp_path):
    """Spark reads backslashes in literals as escapes (and older versions read `''` as
    two literals): a channel named with both is dropped and used exactly."""
    events, ids = SAMPLE / "events.csv", SAMPLE / "identities.csv"
    odd = "it's \\ odd"
    flags = ["--censor-days", "0", "--unattributed-channel", odd, "--drop-channel", "video,x'y\\"]
    reference = tmp_path / "paths.csv"
    cli("journeys", "--events", events, "--identities", ids, *flags, "--paths-out", reference, "-q")
    sql = sql_statements("--dialect", "spark", "--identities-table", "identities", *flags)
    assert_same(run_spark(spark, sql, events, ids), reference)
