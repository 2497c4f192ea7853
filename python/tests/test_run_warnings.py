"""Keywords a run did not use, and names that print misleadingly (issue 31, item 16):
each is a warning among the credit's notes naming the keyword and why, or the names,
as the command line warns; a keyword the run used is not named."""

import pathcredit as pc


def unused_notes(credit):
    return [n for n in credit.attrs["notes"] if n.startswith("pathcredit: WARNING")]


def test_a_setting_of_a_model_that_did_not_run_is_named(sample):
    credit = pc.attribute(sample / "paths.csv", models=["last_touch"], half_life="3d")
    assert unused_notes(credit) == [
        "pathcredit: WARNING: `half_life` is not used: it sets time_decay, which did "
        "not run (models run: last_touch)"
    ]


def test_identities_and_build_settings_with_a_path_summary_are_named(sample):
    credit = pc.attribute(
        sample / "paths.csv",
        models=["linear"],
        identities=sample / "identities.csv",
        lookback_days=60,
    )
    notes = unused_notes(credit)
    assert len(notes) == 2, notes
    assert notes[0].startswith("pathcredit: WARNING: `lookback_days` is not used")
    assert "input is a path summary" in notes[0]
    assert notes[1].startswith("pathcredit: WARNING: `identities` is not used")


def test_used_settings_are_not_named(sample):
    credit = pc.attribute(sample / "journeys.csv", models=["time_decay"], half_life="3d")
    assert unused_notes(credit) == []


def test_names_that_mislead_a_reader_are_warned(tmp_path):
    paths = tmp_path / "paths.csv"
    paths.write_text(
        "path,total_conversions,total_conversion_value,total_null\n"
        "email > =cmd,3,0,5\n"
        "email\u200b,2,0,4\n",
        encoding="utf-8",
    )
    credit = pc.attribute(paths, models=["linear"])
    notes = [n for n in credit.attrs["notes"] if n.startswith("pathcredit: warning")]
    assert len(notes) == 2, notes
    assert any("`=cmd`" in n and "formula" in n for n in notes), notes
    assert any("`email` and `email\\u{200b}`" in n for n in notes), notes


def test_a_truth_channel_missing_from_the_credit_is_warned(tmp_path):
    import pandas as pd

    truth = pd.DataFrame(
        {"channel": ["email", "search"], "role": ["direct", "direct"],
         "shapley_share": [0.6, 0.4], "incremental_share": [0.5, 0.5]}
    )
    credit = pd.DataFrame(
        {"model": ["linear", "linear"], "channel": ["email", "Search"],
         "conversions": [1.0, 1.0], "value": [10.0, 10.0], "share": [0.5, 0.5]}
    )
    scores = pc.evaluate(truth, credit)
    assert list(scores["model"]) == ["linear"]
    assert len(scores.attrs["notes"]) == 1
    assert scores.attrs["notes"][0].startswith(
        "WARNING: 1 of the truth's 2 channels `search` (the credit has `Search`) is not in "
        "the credit of `linear`"
    )
    full = credit.assign(channel=["email", "search"])
    assert pc.evaluate(truth, full).attrs["notes"] == []
