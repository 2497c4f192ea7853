"""The package computes what the command line computes: byte for byte once written as
CSV, on the sample data (whose figures the README quotes)."""

import io

import pandas as pd
import pytest

import pathcredit as pc


def csv_of(df) -> bytes:
    buf = io.StringIO()
    df.to_csv(buf, index=False, float_format="%.6f", lineterminator="\n")
    return buf.getvalue().encode()


def test_path_summary_credit_equals_the_cli(cli, sample):
    ours = pc.attribute(sample / "paths.csv", models=["last_touch", "linear", "markov"])
    theirs = cli("attribute", "--paths", sample / "paths.csv", "--model", "last_touch,linear,markov", "-q")
    assert csv_of(ours) == theirs
    # The README quickstart's known answers (markov on the sample's path summary).
    markov = ours[ours.model == "markov"].set_index("channel")
    assert markov.loc["organic_search", "conversions"] == pytest.approx(29.023217, abs=1e-6)


def test_every_default_model_on_events_equals_the_cli(cli, sample):
    events = pd.read_csv(sample / "events.csv")
    ids = pd.read_csv(sample / "identities.csv")
    ours = pc.attribute(events, identities=ids, censor_days=0)
    theirs = cli(
        "attribute", "--events", sample / "events.csv", "--identities", sample / "identities.csv",
        "--censor-days", "0", "-q",
    )
    assert csv_of(ours) == theirs
    assert "self_controlled" in set(ours.model)


@pytest.mark.parametrize(
    "keywords,flags",
    [
        ({"hazard_calendar": 14}, ["--hazard-calendar", "14"]),
        ({"hazard_calendar": 7}, ["--hazard-calendar", "7"]),
        ({"hazard_time_of_day": "conversions"}, ["--hazard-time-of-day", "conversions"]),
        ({"hazard_time_of_day": "conversions", "hazard_calendar": 14},
         ["--hazard-time-of-day", "conversions", "--hazard-calendar", "14"]),
    ],
)
def test_self_controlled_settings_reach_the_model_as_on_the_command_line(cli, sample, keywords, flags):
    """The calendar baseline and the time-of-day profile of the self-controlled model,
    set by keyword, give the credit the command line's flags give (and each changes it,
    or the comparison could not fail)."""
    events, ids = sample / "events.csv", sample / "identities.csv"
    ours = pc.attribute(events, identities=ids, censor_days=0, models=["self_controlled"], **keywords)
    theirs = cli(
        "attribute", "--events", events, "--identities", ids, "--censor-days", "0",
        "--model", "self_controlled", *flags, "-q",
    )
    assert csv_of(ours) == theirs
    default = cli(
        "attribute", "--events", events, "--identities", ids, "--censor-days", "0",
        "--model", "self_controlled", "-q",
    )
    assert theirs != default, f"{flags} changed nothing on the sample"


def test_built_journeys_write_what_the_journeys_command_writes(cli, sample, tmp_path):
    journeys = pc.build_journeys(
        pd.read_csv(sample / "events.csv"),
        identities=pd.read_csv(sample / "identities.csv"),
        lookback_days=30,
        session_gap="30m",
        censor_days=0,
    )
    journeys.write_paths(tmp_path / "paths.csv")
    journeys.write_journeys(tmp_path / "journeys.csv")
    cli(
        "journeys", "--events", sample / "events.csv", "--identities", sample / "identities.csv",
        "--censor-days", "0", "--paths-out", tmp_path / "cli_paths.csv",
        "--journeys-out", tmp_path / "cli_journeys.csv", "-q",
    )
    assert (tmp_path / "paths.csv").read_bytes() == (tmp_path / "cli_paths.csv").read_bytes()
    assert (tmp_path / "journeys.csv").read_bytes() == (tmp_path / "cli_journeys.csv").read_bytes()
    assert (tmp_path / "paths.csv").read_bytes() == (sample / "paths.csv").read_bytes()
    summary = journeys.summary
    assert summary["windows"]["converting_journeys"] == 118
    assert summary["windows"]["non_converting_journeys"] == 1119
    assert list(journeys.paths.columns) == [
        "path", "total_conversions", "total_conversion_value", "total_null",
    ]
    assert len(journeys) == 118 + 1119


def test_built_paths_equal_the_journeys_commands_path_summary(cli, sample, tmp_path):
    events = pd.read_csv(sample / "events.csv")
    ids = pd.read_csv(sample / "identities.csv")
    paths = pc.build_paths(events, identities=ids, censor_days=0)
    paths.write_paths(tmp_path / "paths.csv")
    paths.write_identities(tmp_path / "identities.csv")
    cli(
        "journeys", "--events", sample / "events.csv", "--identities", sample / "identities.csv",
        "--censor-days", "0", "--paths-out", tmp_path / "cli_paths.csv",
        "--identities-out", tmp_path / "cli_identities.csv", "-q",
    )
    assert (tmp_path / "paths.csv").read_bytes() == (tmp_path / "cli_paths.csv").read_bytes()
    assert (tmp_path / "paths.csv").read_bytes() == (sample / "paths.csv").read_bytes()
    assert (tmp_path / "identities.csv").read_bytes() == (tmp_path / "cli_identities.csv").read_bytes()
    # The journeys' own path summary and counts, without the journeys.
    journeys = pc.build_journeys(events, identities=ids, censor_days=0, keep_logs=False)
    assert paths.summary == journeys.summary
    assert paths.paths.equals(journeys.paths)
    assert len(paths) == len(journeys.paths)
    assert "118 converting" in repr(paths)
    # A Paths object is a path summary to the models.
    models = ["last_touch", "markov", "shapley"]
    assert csv_of(pc.attribute(paths, models=models)) == csv_of(
        pc.attribute(sample / "paths.csv", models=models)
    )
    assert csv_of(pc.attribute(paths, models=["markov"], path_separator="|")) == csv_of(
        pc.attribute(sample / "paths.csv", models=["markov"])
    )
    with pytest.raises(ValueError, match="path summary"):
        pc.attribute(paths, kind="events")


def in_python_words(text):
    """The CLI's report names the parameters its summary mentions as flags (`--lift-tests`)
    where the package names them as keywords (`` `lift_tests` ``); otherwise the two
    documents are the same bytes."""
    for flag, keyword in ((b"--lift-tests", b"`lift_tests`"), (b"--budget-model", b"`budget_model`"),
                          (b"--accuracy", b"`accuracy`")):
        text = text.replace(flag, keyword)
    return text


def test_budget_evaluate_validate_and_report_equal_the_cli(cli, sample, tmp_path):
    credit = pc.attribute(sample / "journeys.csv", models=["last_touch", "markov"], details=True)
    credit_file = tmp_path / "credit.csv"
    credit_file.write_bytes(csv_of(credit))
    plan = pc.budget(credit, pd.read_csv(sample / "spend.csv"), model="markov", max_shift=0.2)
    theirs = cli(
        "budget", "--credit", credit_file, "--spend", sample / "spend.csv", "--model", "markov",
        "--max-shift", "0.2", "-q",
    )
    pd.testing.assert_frame_equal(plan, pd.read_csv(io.BytesIO(theirs), keep_default_na=False, na_values=[""]))
    assert plan.attrs["plan"]["model"] == "markov"
    assert plan["recommended_spend"].sum() == pytest.approx(plan["current_spend"].sum(), abs=1e-6)

    scores = pc.evaluate(sample / "truth.csv", credit)
    theirs = pd.read_csv(io.BytesIO(cli("evaluate", "--truth", sample / "truth.csv", "--credit", credit_file)))
    pd.testing.assert_series_equal(scores["total_variation"], theirs["total_variation"])

    report_file = tmp_path / "lt.csv"
    lt = credit[credit.model == "last_touch"][["channel", "conversions"]]
    lt.to_csv(report_file, index=False)
    rows = pc.validate(sample / "journeys.csv", report_file, models=["last_touch"])
    assert rows.attrs["check"]["reproduced"] is True

    doc = pc.report(
        sample / "journeys.csv", spend=sample / "spend.csv", html=tmp_path / "r.html",
        markdown=tmp_path / "r.md", out_dir=tmp_path / "out", models=["last_touch", "markov"],
    )
    cli(
        "report", "--journeys", sample / "journeys.csv", "--spend", sample / "spend.csv",
        "--model", "last_touch,markov", "--markdown", tmp_path / "cli.md", "--out-dir",
        tmp_path / "cli_out", "-q",
    )
    assert (tmp_path / "r.md").read_bytes() == in_python_words((tmp_path / "cli.md").read_bytes())
    for table in ("credit.csv", "comparison.csv", "budget.csv", "roi.csv", "report.json"):
        assert (tmp_path / "out" / table).read_bytes() == in_python_words(
            (tmp_path / "cli_out" / table).read_bytes()), table
    assert doc["budget"]["model"] == "markov"
    # Worlds matched to the sample (1,000 people) leave every model far from the truth:
    # the report abstains, and the plan follows markov provisionally.
    assert doc["summary"]["recommended"] is None
    assert len(doc["matched"]["worlds"]) == 4

    # The scores of a simulation, as evaluate returned them, steer the recommendation
    # and the plan to the data-driven model closest to the truth, as --accuracy does.
    scores = pc.evaluate(sample / "truth.csv", pc.attribute(sample / "journeys.csv", models=["last_touch", "markov", "shapley"]))
    scores_file = tmp_path / "scores.csv"
    scores.to_csv(scores_file, index=False)
    doc = pc.report(
        sample / "journeys.csv", spend=sample / "spend.csv", markdown=tmp_path / "acc.md",
        models=["last_touch", "markov", "shapley"], accuracy=scores,
    )
    cli(
        "report", "--journeys", sample / "journeys.csv", "--spend", sample / "spend.csv",
        "--model", "last_touch,markov,shapley", "--accuracy", scores_file,
        "--markdown", tmp_path / "cli_acc.md", "-q",
    )
    assert (tmp_path / "acc.md").read_bytes() == in_python_words((tmp_path / "cli_acc.md").read_bytes())
    best = scores[scores.model.isin(["markov", "shapley"])].sort_values("total_variation").model.iloc[0]
    assert doc["summary"]["recommended"] == best
    assert doc["budget"]["model"] == best


def test_simulate_writes_what_the_cli_writes(cli, tmp_path):
    sim = pc.simulate(users=300, channels=4, seed=3, experiments=["paid_search"], out_dir=tmp_path / "py")
    cli("simulate", "--users", "300", "--channels", "4", "--seed", "3", "--experiments", "paid_search",
        "--out-dir", tmp_path / "cli", "-q")
    for name in ("events.csv", "identities.csv", "spend.csv", "truth.csv", "experiments.csv"):
        assert (tmp_path / "py" / name).read_bytes() == (tmp_path / "cli" / name).read_bytes(), name
    assert set(sim) == {"events", "identities", "spend", "truth", "experiments"}
    assert len(sim["truth"]) == 4


def test_simulate_returns_the_true_curves_of_a_spend_response_world(cli, tmp_path):
    sim = pc.simulate(users=300, channels=3, scenario="spend_response", seed=3, out_dir=tmp_path / "py")
    cli("simulate", "--users", "300", "--channels", "3", "--scenario", "spend_response", "--seed", "3",
        "--out-dir", tmp_path / "cli", "-q")
    for name in ("events.csv", "spend.csv", "truth.csv", "curves.csv"):
        assert (tmp_path / "py" / name).read_bytes() == (tmp_path / "cli" / name).read_bytes(), name
    assert list(sim["curves"].columns) == [
        "channel", "spend", "exposures", "incremental_conversions", "incremental_value"]
    assert sim["curves"]["channel"].nunique() == 3
