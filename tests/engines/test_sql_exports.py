"""Issue 32, part 4: the raw event exports (data/exports: a flattened GA4 BigQuery export
and Snowplow atomic events) go from table to path summary in DuckDB with one preset
flag, `pathcredit sql --events-preset`, to the hand-derived path summary
(data/exports/expected_paths.csv) that `pathcredit journeys --events-preset` builds,
with the same channel on every touch."""

import json
import pathlib
import sys

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).parent))
from test_sql import assert_same, cli, spark, sql_statements  # noqa: E402,F401

ROOT = pathlib.Path(__file__).resolve().parents[2]
EXPORTS = ROOT / "data" / "exports"
PRESETS = ["ga4", "snowplow"]
FLAGS = ["--censor-days", "0"]


def run(preset, typed, extra=()):
    """The SQL's path summary and its events step, the export loaded as DuckDB reads it
    (typed: BIGINT microseconds and DOUBLE revenue; or every column as text)."""
    duckdb = pytest.importorskip("duckdb")
    con = duckdb.connect()
    path = EXPORTS / f"{preset}_events.csv"
    con.execute(
        f"CREATE TABLE events AS SELECT * FROM read_csv('{path}', header=true, all_varchar={not typed})"
    )
    result = None
    for statement in sql_statements("--dialect", "duckdb", "--events-preset", preset, *FLAGS, *extra):
        result = con.execute(statement)
    return con, result.fetchall()


@pytest.mark.parametrize("typed", [True, False])
@pytest.mark.parametrize("preset", PRESETS)
def test_each_export_preset_gives_the_hand_derived_path_summary_in_duckdb(preset, typed):
    _, rows = run(preset, typed)
    assert_same(rows, EXPORTS / "expected_paths.csv")


@pytest.mark.parametrize("preset", PRESETS)
def test_the_sql_and_the_builder_agree_touch_by_touch(preset, tmp_path):
    con, rows = run(preset, typed=False)
    paths, summary = tmp_path / "paths.csv", tmp_path / "summary.json"
    cli("journeys", "--events", EXPORTS / f"{preset}_events.csv", "--events-preset", preset, *FLAGS,
        "--paths-out", paths, "--summary-out", summary, "-q")
    assert_same(rows, paths)
    built = json.loads(summary.read_text())["events"]
    # The same events are touches, with the same channels.
    sources = dict(con.execute("SELECT source, touches FROM pc_channel_sources").fetchall())
    assert sources == {k: v for k, v in built["channel_sources"].items() if v}
    channels = sorted(r[0] for r in con.execute("SELECT channel FROM pc_events WHERE rnk = 0").fetchall())
    assert len(channels) == built["touches"]
    assert set(channels) == {"Email", "Organic Search", "Paid Search", "Paid Social", "Referral"}


def test_both_exports_give_the_same_touch_channels():
    got = {}
    for preset in PRESETS:
        con, _ = run(preset, typed=True)
        # One channel per session: the sessions' channels of each export.
        got[preset] = sorted(r[1] for r in con.execute(
            "SELECT DISTINCT sid, channel FROM pc_events WHERE rnk = 0").fetchall())
    assert got["ga4"] == got["snowplow"]


def test_microseconds_are_floored_to_the_millisecond():
    duckdb = pytest.importorskip("duckdb")
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE events AS SELECT * FROM (VALUES "
        "(1772355600000999, 'a', 'page_view', 'google', 'cpc'), "
        "(-1, 'b', 'page_view', 'google', 'cpc'), "
        "(1772355660000000, 'a', 'purchase', NULL, NULL), "
        "(1772355660000000, 'b', 'purchase', NULL, NULL)) "
        "t(event_timestamp, user_pseudo_id, event_name, \"collected_traffic_source.manual_source\", "
        "\"collected_traffic_source.manual_medium\")"
    )
    for statement in sql_statements("--dialect", "duckdb", "--events-preset", "ga4", *FLAGS):
        con.execute(statement)
    got = dict(con.execute("SELECT id, ts FROM pc_events WHERE rnk = 0").fetchall())
    assert got == {"a": 1772355600000, "b": -1}


def test_an_identities_table_adds_to_the_exports_own_stitching(tmp_path):
    """The identities table keeps its own columns under a preset; Bob and Dan become one."""
    duckdb = pytest.importorskip("duckdb")
    ids = tmp_path / "identities.csv"
    ids.write_text("anonymous_id,user_id\n3333.03,bob\n5555.05,bob\n")
    con = duckdb.connect()
    con.execute(f"CREATE TABLE events AS SELECT * FROM read_csv('{EXPORTS / 'ga4_events.csv'}')")
    con.execute(f"CREATE TABLE identities AS SELECT * FROM read_csv('{ids}', all_varchar=true)")
    result = None
    for statement in sql_statements("--dialect", "duckdb", "--events-preset", "ga4", "--identities-table",
                                    "identities", *FLAGS):
        result = con.execute(statement)
    paths = tmp_path / "paths.csv"
    cli("journeys", "--events", EXPORTS / "ga4_events.csv", "--events-preset", "ga4", "--identities", ids,
        *FLAGS, "--paths-out", paths, "-q")
    rows = result.fetchall()
    assert_same(rows, paths)
    assert "Organic Search > Paid Search > Paid Social" in {r[0] for r in rows}


@pytest.mark.parametrize("preset", PRESETS)
def test_spark_gives_the_hand_derived_path_summary(spark, preset):
    """The same SQL in Spark, the export read as Spark infers its types (GA4's
    microseconds as integers, column names with dots quoted)."""
    path = EXPORTS / f"{preset}_events.csv"
    spark.read.csv(str(path), header=True, inferSchema=True).createOrReplaceTempView("events")
    out = None
    for statement in sql_statements("--dialect", "spark", "--events-preset", preset, *FLAGS):
        out = spark.sql(statement)
    assert_same([tuple(r) for r in out.collect()], EXPORTS / "expected_paths.csv")


def test_a_bad_microsecond_timestamp_is_named_with_its_row():
    duckdb = pytest.importorskip("duckdb")
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE events AS SELECT * FROM (VALUES ('2026-03-01T09:00:00Z', 'a', 'page_view', 'google')) "
        "t(event_timestamp, user_pseudo_id, event_name, \"collected_traffic_source.manual_source\")"
    )
    with pytest.raises(duckdb.Error, match=r"timestamp `2026-03-01T09:00:00Z` \(user `a`, event `page_view`\) "
                                           r"is not a timestamp; expected integer microseconds"):
        for statement in sql_statements("--dialect", "duckdb", "--events-preset", "ga4", *FLAGS):
            con.execute(statement)


def test_a_named_session_start_makes_every_visit_a_touch_in_duckdb(tmp_path):
    extra = ["--touch-event", "session_start", "--direct-channel", "Direct"]
    _, rows = run("ga4", typed=True, extra=extra)
    paths = tmp_path / "paths.csv"
    cli("journeys", "--events", EXPORTS / "ga4_events.csv", "--events-preset", "ga4", *FLAGS, *extra,
        "--paths-out", paths, "-q")
    assert_same(rows, paths)
    assert ("Direct", 1, 30.0, 0) in rows
