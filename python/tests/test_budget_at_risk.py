"""A plan does not move a channel the way its model's own warnings say its credit may be
wrong (``credit_risks`` in the model's details, which ``attribute`` leaves in
``.attrs["details"]``), as ``pathcredit budget --details`` does."""

import io
import json

import pandas as pd

import pathcredit as pc


def test_a_doubted_channel_is_held_as_on_the_command_line(cli, sample, tmp_path):
    credit = pc.attribute(sample / "paths.csv", models=["markov"])
    spend = sample / "spend.csv"
    free = pc.budget(credit, spend, model="markov", max_shift=0.5)
    cut = free[free.recommended_spend < free.current_spend - 0.01].channel.iloc[0]
    details = {"markov": {"credit_risks": [
        {"channel": cut, "direction": "low", "reason": "steady exposure"}]}}
    held = pc.budget(credit, spend, model="markov", max_shift=0.5, details=details)
    row = held.set_index("channel").loc[cut]
    assert row.recommended_spend == row.current_spend and row.bound == "at_risk"
    assert any(n.startswith("Credit at risk") for n in held.attrs["plan"]["notes"])
    # From the credit's own details, as `attribute` leaves them.
    credit.attrs["details"] = details
    assert held.equals(pc.budget(credit, spend, model="markov", max_shift=0.5))
    moved = pc.budget(credit, spend, model="markov", max_shift=0.5, move_at_risk=True)
    assert moved.equals(free)
    credit_path, details_path = tmp_path / "credit.csv", tmp_path / "details.json"
    credit.to_csv(credit_path, index=False)
    details_path.write_text(json.dumps(details))
    theirs = cli(
        "budget", "--credit", credit_path, "--model", "markov", "--spend", spend,
        "--max-shift", "0.5", "--details", details_path, "-q",
    )
    pd.testing.assert_frame_equal(
        held, pd.read_csv(io.BytesIO(theirs), keep_default_na=False, na_values=[""]))
