"""Channels from UTM fields and referrers in Python (issue 32, part 3): the same channels,
path summary and channel-source counts as `pathcredit journeys --channel-rules`, from a
path or a DataFrame; the SQL from `pc.sql` groups the same way in DuckDB."""

import pathlib

import pandas as pd
import pytest

import pathcredit as pc

CHANNELS = pathlib.Path(__file__).resolve().parents[2] / "data" / "channels"


def test_build_paths_groups_channels_as_the_cli(cli, tmp_path):
    events = CHANNELS / "events.csv"
    rules = CHANNELS / "rules.csv"
    theirs = cli("journeys", "--events", events, "--channel-rules", rules, "--censor-days", "0",
                 "--paths-out", "-", "-q")
    frame = pd.read_csv(events, dtype=str, keep_default_na=False)
    for data in (events, frame):
        built = pc.build_journeys(data, channel_rules=rules, censor_days=0)
        built.write_paths(tmp_path / "paths.csv")
        assert (tmp_path / "paths.csv").read_bytes() == theirs
        sources = built.summary["events"]["channel_sources"]
        assert sources["rule"] > 0 and sources["default"] > 0 and sources["unclassified"] > 0
        assert sum(sources.values()) == built.summary["events"]["touches"]


def test_ga4_alone_and_bad_settings():
    built = pc.build_paths(CHANNELS / "events.csv", channel_grouping="ga4", censor_days=0)
    assert built.summary["events"]["channel_sources"]["rule"] == 0
    with pytest.raises(pc.errors.ParameterError, match="channel_grouping"):
        pc.build_paths(CHANNELS / "events.csv", channel_grouping="ga5")
    with pytest.raises(pc.errors.PathcreditError, match="channel_rules"):
        pc.build_paths(CHANNELS / "events.csv", channel_grouping="rules")


def test_sql_groups_channels_in_duckdb(cli):
    duckdb = pytest.importorskip("duckdb")
    con = duckdb.connect()
    con.execute(f"CREATE TABLE events AS SELECT * FROM read_csv('{CHANNELS / 'events.csv'}', all_varchar=true)")
    script = pc.sql("duckdb", channel_rules=CHANNELS / "rules.csv", censor_days=0)
    for statement in script.statements:
        result = con.execute(statement)
    rows = result.fetchall()
    reference = pc.build_paths(CHANNELS / "events.csv", channel_rules=CHANNELS / "rules.csv", censor_days=0)
    expected = reference.paths
    assert sorted(r[0] for r in rows) == sorted(expected.path)
