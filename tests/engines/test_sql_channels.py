"""Issue 32, part 3: the channel grouping in the generated SQL equals the journey
builder's on DuckDB (and Spark), on the table of cases (data/channels/cases.csv: every
GA4 default rule, the source/medium derivations, the rules file's precedence): each
touch's channel, the channel sources the build summary counts, and the path summary."""

import csv
import json
import pathlib
import subprocess
import sys

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).parent))
from test_sql import assert_same, binary, cli, spark, sql_statements  # noqa: E402,F401

ROOT = pathlib.Path(__file__).resolve().parents[2]
CHANNELS = ROOT / "data" / "channels"
FIELDS = [
    "utm_source", "utm_medium", "utm_campaign", "referrer", "gclid", "msclkid", "fbclid", "channel",
    "click_id", "click_network", "referrer_medium", "referrer_source", "page_url",
]
MODES = {
    "ga4": (["--channel-grouping", "ga4"], "ga4"),
    "rules": (["--channel-rules", str(CHANNELS / "rules.csv")], "with_rules"),
}
FLAGS = ["--lookback-days", "none", "--touch-level", "event", "--censor-days", "0"]


def cases():
    with open(CHANNELS / "cases.csv", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def case_events(tmp_path_factory):
    """One visitor per case: the case's touch, then a conversion."""
    path = tmp_path_factory.mktemp("channels") / "events.csv"
    with open(path, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["timestamp", "user_id", "event", *FIELDS])
        for i, r in enumerate(cases()):
            w.writerow([f"2026-01-01T00:{i:02d}:00Z", r["case"], "touch", *[r[c] for c in FIELDS]])
            w.writerow([f"2026-01-02T00:{i:02d}:00Z", r["case"], "conversion", *[""] * len(FIELDS)])
    return path


def builder(events, flags, tmp_path):
    """The builder's path summary and its counts of channel sources."""
    paths, summary = tmp_path / "paths.csv", tmp_path / "summary.json"
    cli("journeys", "--events", events, *flags, "--paths-out", paths, "--summary-out", summary, "-q")
    sources = json.loads(summary.read_text())["events"]["channel_sources"]
    return paths, {k: v for k, v in sources.items() if v}


def run_duckdb(events, flags):
    duckdb = pytest.importorskip("duckdb")
    con = duckdb.connect()
    con.execute(f"CREATE TABLE events AS SELECT * FROM read_csv('{events}', header=true, all_varchar=true)")
    result = None
    for statement in sql_statements("--dialect", "duckdb", *flags):
        result = con.execute(statement)
    return con, result.fetchall()


@pytest.mark.parametrize("mode", list(MODES))
def test_duckdb_groups_every_case_as_the_builder_does(case_events, tmp_path, mode):
    flags, column = MODES[mode]
    con, rows = run_duckdb(case_events, [*flags, *FLAGS])
    got = dict(con.execute("SELECT id, channel FROM pc_events WHERE rnk = 0").fetchall())
    assert got == {r["case"]: r[column] for r in cases()}
    paths, sources = builder(case_events, [*flags, *FLAGS], tmp_path)
    assert_same(rows, paths)
    assert dict(con.execute("SELECT source, touches FROM pc_channel_sources").fetchall()) == sources


def test_duckdb_groups_the_bundled_web_events(tmp_path):
    """The README's example: web events without a channel column, epoch seconds."""
    events = CHANNELS / "events.csv"
    flags = ["--channel-rules", str(CHANNELS / "rules.csv"), "--censor-days", "0"]
    con, rows = run_duckdb(events, flags)
    paths, sources = builder(events, flags, tmp_path)
    assert_same(rows, paths)
    assert dict(con.execute("SELECT source, touches FROM pc_channel_sources").fetchall()) == sources
    assert set(sources) == {"rule", "default", "unclassified"}


def test_spark_groups_every_case_as_the_builder_does(spark, case_events, tmp_path):
    flags = [*MODES["rules"][0], *FLAGS]
    spark.read.csv(str(case_events), header=True).createOrReplaceTempView("events")
    out = None
    for statement in sql_statements("--dialect", "spark", *flags):
        out = spark.sql(statement)
    rows = [tuple(r) for r in out.collect()]
    got = {r[0]: r[1] for r in spark.sql("SELECT id, channel FROM pc_events WHERE rnk = 0").collect()}
    assert got == {r["case"]: r["with_rules"] for r in cases()}
    assert_same(rows, builder(case_events, flags, tmp_path)[0])


HOSTILE_RULES = """field,match,pattern,channel
utm_source,exact,it's,Quote's \\ Channel
utm_medium,regex,^x'[)]; drop table victim; --$,Evil
utm_campaign,list,a'b|c\\d,List'd
"""


def test_hostile_rules_are_literals(tmp_path):
    duckdb = pytest.importorskip("duckdb")
    rules = tmp_path / "rules.csv"
    rules.write_text(HOSTILE_RULES)
    events = tmp_path / "events.csv"
    events.write_text(
        "timestamp,user_id,event,utm_source,utm_medium,utm_campaign\n"
        "1767225600,a,touch,it's,,\n1767225601,b,touch,,x'); drop table victim; --,\n"
        "1767225602,c,touch,,,c\\d\n1767229999,a,conversion,,,\n"
    )
    con = duckdb.connect()
    con.execute("CREATE TABLE victim AS SELECT 1 AS x")
    con.execute(f"CREATE TABLE events AS SELECT * FROM read_csv('{events}', header=true, all_varchar=true)")
    for statement in sql_statements("--dialect", "duckdb", "--channel-rules", rules, *FLAGS):
        con.execute(statement)
    got = dict(con.execute("SELECT id, channel FROM pc_events WHERE rnk = 0").fetchall())
    assert got == {"a": "Quote's \\ Channel", "b": "Evil", "c": "List'd"}
    assert con.execute("SELECT * FROM victim").fetchall() == [(1,)]


def test_a_bad_rule_is_located():
    done = subprocess.run(
        [binary(), "sql", "--dialect", "duckdb", "--channel-rules", str(pathlib.Path(__file__).parent / "fixtures" / "channel_rules_bad.csv")],
        capture_output=True, text=True,
    )
    assert done.returncode == 1
    assert "channel_rules_bad.csv" in done.stderr and "line 3" in done.stderr, done.stderr
    assert "expected exact, prefix, list or regex" in done.stderr, done.stderr
