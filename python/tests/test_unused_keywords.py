"""Keywords a run did not use (issue 31, item 16): each is a warning among the
credit's notes naming the keyword and why, as the command line warns of its flags;
a keyword the run used is not named."""

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
