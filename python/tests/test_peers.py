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
