"""Issue 32: the peers' exports as they are (data/peers), and their conventions, from
Python equal to the command line."""

import io

import pandas as pd
import pytest

import pathcredit as pc


def csv_of(df) -> bytes:
    buf = io.StringIO()
    df.to_csv(buf, index=False, float_format="%.6f", lineterminator="\n")
    return buf.getvalue().encode()


@pytest.fixture
def peers(sample):
    return sample.parent / "peers"


def test_snowplow_path_type_chosen_equals_the_cli_and_mixed_is_refused(cli, peers):
    path = peers / "snowplow_path_summary.csv"
    ours = pc.attribute(path, models=["fractribution", "linear"], paths_preset="snowplow", path_type="channel")
    theirs = cli(
        "attribute", "--paths", path, "--paths-preset", "snowplow", "--path-type", "channel",
        "--model", "fractribution,linear", "-q",
    )
    assert csv_of(ours) == theirs
    assert ours[ours.model == "linear"].conversions.sum() == pytest.approx(6.0)
    with pytest.raises(Exception, match="mixes path types"):
        pc.attribute(path, models=["linear"], paths_preset="snowplow")


def test_dp6_rows_and_conventions_equal_the_cli(cli, peers):
    path = peers / "dp6_journeys.csv"
    frame = pd.read_csv(path)  # has_transaction arrives as booleans
    ours = pc.attribute(
        frame, models=["custom", "position_decay"], paths_preset="dp6",
        custom_weights="0.5,0.2,0.3", two_touch="split_middle",
    )
    theirs = cli(
        "attribute", "--paths", path, "--paths-preset", "dp6", "--model", "custom,position_decay",
        "--custom-weights", "0.5,0.2,0.3", "--two-touch", "split_middle", "-q",
    )
    assert csv_of(ours) == theirs


def test_fractribution_unmatched_channel_equals_the_cli(cli, peers):
    path = peers / "fractribution_path_summary.csv"
    ours = pc.attribute(path, models="fractribution", paths_preset="fractribution", unmatched_channel=True)
    theirs = cli(
        "attribute", "--paths", path, "--paths-preset", "fractribution", "--unmatched-channel",
        "--model", "fractribution", "-q",
    )
    assert csv_of(ours) == theirs
    assert ours.set_index("channel").loc["Unmatched_Channel", "conversions"] == pytest.approx(1.0)


def test_dp6_step_time_decay_equals_the_cli_and_needs_times(cli, peers):
    events = peers / "dp6_events.csv"
    ours = pc.attribute(events, models=["time_decay_steps"], step_decay=0.5, step_every="24h")
    theirs = cli(
        "attribute", "--events", events, "--model", "time_decay_steps",
        "--step-decay", "0.5", "--step-every", "24h", "-q",
    )
    assert csv_of(ours) == theirs
    # DP6's rule by hand: j5 ($40) has one Direct touch, j1 gives Direct 8/13 of $120,
    # j6 256/529 of $200.
    direct = ours[ours.channel == "Direct"].value.iloc[0]
    assert direct == pytest.approx(120 * 8 / 13 + 40 + 200 * 256 / 529, abs=1e-6)
    with pytest.raises(Exception, match="path summary"):
        pc.attribute(peers / "dp6_journeys.csv", models=["time_decay_steps"], paths_preset="dp6")


def test_snowplow_weighted_count_and_window_equal_the_cli(cli, peers):
    events = peers / "dp6_events.csv"
    ours = pc.attribute(
        events, models=["linear"], revenue_weighted=True, conversion_window="2026-02-01..2026-05-01",
    )
    theirs = cli(
        "attribute", "--events", events, "--model", "linear", "--revenue-weighted",
        "--conversion-window", "2026-02-01..2026-05-01", "-q",
    )
    assert csv_of(ours) == theirs
    # j1 ($120: Facebook, Google Search, Direct) and j3 ($80: Email, Google Search) end
    # in the window. Google Search: $40 + $40 of $200 in 2 conversions → 0.8.
    gs = ours[ours.channel == "Google Search"].iloc[0]
    assert gs.weighted_conversions == pytest.approx(80 / 200 * 2)
    assert ours.conversions.sum() == pytest.approx(2.0)
    with pytest.raises(Exception, match="conversion_window"):
        pc.attribute(peers / "dp6_journeys.csv", models=["linear"], paths_preset="dp6", conversion_window="30")
