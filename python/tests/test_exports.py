"""Raw event exports in Python (issue 32, part 4): a flattened GA4 BigQuery export and
Snowplow atomic events (data/exports) go to the hand-derived path summary
(data/exports/expected_paths.csv) with one keyword, ``events_preset``, from a path, a
DataFrame as pandas types it (GA4's microseconds as integers), or text; and through the
SQL from ``pc.sql(..., events_preset=...)`` in DuckDB; with the CLI's bytes."""

import pathlib

import pandas as pd
import pytest

import pathcredit as pc

EXPORTS = pathlib.Path(__file__).resolve().parents[2] / "data" / "exports"
PRESETS = ["ga4", "snowplow"]


@pytest.mark.parametrize("preset", PRESETS)
def test_each_export_preset_gives_the_hand_derived_path_summary(preset, cli, tmp_path):
    events = EXPORTS / f"{preset}_events.csv"
    expected = (EXPORTS / "expected_paths.csv").read_bytes()
    theirs = cli("journeys", "--events", events, "--events-preset", preset, "--censor-days", "0",
                 "--paths-out", "-", "-q")
    assert theirs == expected
    typed = pd.read_csv(events)
    text = pd.read_csv(events, dtype=str, keep_default_na=False)
    for data in (events, typed, text):
        built = pc.build_journeys(data, events_preset=preset, censor_days=0)
        built.write_paths(tmp_path / "paths.csv")
        assert (tmp_path / "paths.csv").read_bytes() == expected
        summary = built.summary
        assert summary["identities"]["ids_stitched"] == 2
        assert summary["windows"]["conversions_unattributable"] == 1
        assert summary["settings"]["events_preset"] == preset


@pytest.mark.parametrize("preset", PRESETS)
def test_the_sql_of_a_preset_gives_the_same_paths_in_duckdb(preset):
    duckdb = pytest.importorskip("duckdb")
    con = duckdb.connect()
    con.execute(f"CREATE TABLE events AS SELECT * FROM read_csv('{EXPORTS / (preset + '_events.csv')}')")
    result = None
    for statement in pc.sql("duckdb", events_preset=preset, censor_days=0).statements:
        result = con.execute(statement)
    got = {r[0]: (r[1], r[2], r[3]) for r in result.fetchall()}
    expected = pd.read_csv(EXPORTS / "expected_paths.csv")
    assert got == {
        r.path: (r.total_conversions, r.total_conversion_value, r.total_null)
        for r in expected.itertuples()
    }


def test_a_bad_preset_is_named():
    with pytest.raises(pc.errors.ParameterError, match="events_preset"):
        pc.build_paths(EXPORTS / "ga4_events.csv", events_preset="ga3")
