"""A plan from fitted response curves (issue 30): the same plan and curves as
`pathcredit budget --response fitted`, and the keywords it needs named."""

import io
import json

import pandas as pd
import pytest

import pathcredit as pc


def test_the_fitted_plan_equals_the_command_line(cli, tmp_path):
    cli("simulate", "--quiet", "--users", "20000", "--channels", "4", "--scenario",
        "spend_response", "--seed", "5", "--out-dir", tmp_path)
    events, spend = tmp_path / "events.csv", tmp_path / "spend.csv"
    cli("attribute", "--quiet", "--events", events, "--censor-days", "0", "--model",
        "self_controlled", "--out", tmp_path / "credit.csv")
    credit = pd.read_csv(tmp_path / "credit.csv")
    plan = pc.budget(credit, spend, model="self_controlled", response="fitted",
                     events=events, draws=20, max_shift=0.3)
    theirs = cli("budget", "--quiet", "--response", "fitted", "--model", "self_controlled",
                 "--credit", tmp_path / "credit.csv", "--events", events, "--spend", spend,
                 "--draws", "20", "--max-shift", "0.3", "--curves", tmp_path / "curves.csv",
                 "--out", tmp_path / "plan.csv")
    assert theirs == b""
    pd.testing.assert_frame_equal(
        plan, pd.read_csv(tmp_path / "plan.csv", keep_default_na=False, na_values=[""]))
    pd.testing.assert_frame_equal(plan.attrs["curves"], pd.read_csv(tmp_path / "curves.csv"))
    assert plan.attrs["plan"]["draws"] == 20
    assert plan["recommended_spend"].sum() == pytest.approx(plan["current_spend"].sum())


def test_fitted_needs_events_and_a_model(sample):
    credit = pc.attribute(sample / "paths.csv", models=["markov"])
    with pytest.raises(TypeError, match="needs events="):
        pc.budget(credit, sample / "spend.csv", model="markov", response="fitted")
    with pytest.raises(TypeError, match="belongs to budget"):
        pc.budget(credit, sample / "spend.csv", model="markov", events=sample / "events.csv")


def test_plans_scored_in_the_truth_equal_the_command_line(cli, tmp_path):
    cli("simulate", "--quiet", "--users", "5000", "--channels", "3", "--scenario",
        "spend_response", "--seed", "5", "--out-dir", tmp_path)
    events, spend, curves = tmp_path / "events.csv", tmp_path / "spend.csv", tmp_path / "curves.csv"
    cli("attribute", "--quiet", "--events", events, "--censor-days", "0", "--model",
        "last_touch,markov", "--out", tmp_path / "credit.csv")
    credit = pd.read_csv(tmp_path / "credit.csv")
    scores = pc.evaluate(tmp_path / "truth.csv", credit, spend=spend, true_curves=curves,
                         response="fitted", events=events, draws=20, max_shift=0.3)
    theirs = cli("evaluate", "--truth", tmp_path / "truth.csv", "--credit", tmp_path / "credit.csv",
                 "--spend", spend, "--true-curves", curves, "--response", "fitted", "--events",
                 events, "--draws", "20", "--max-shift", "0.3", "--out", "-")
    expected = pd.read_csv(io.BytesIO(theirs))
    pd.testing.assert_frame_equal(scores, expected)
    assert scores["gain_left_fitted"].notna().all()
    assert scores["gain_left_assumed"].notna().all()
    with pytest.raises(TypeError, match="give true_curves="):
        pc.evaluate(tmp_path / "truth.csv", credit, spend=spend, response="fitted")
    with pytest.raises(TypeError, match="belongs to evaluate"):
        pc.evaluate(tmp_path / "truth.csv", credit, spend=spend, events=events)


def test_the_report_makes_the_fitted_plan_as_the_command_line(cli, tmp_path):
    cli("simulate", "--quiet", "--users", "3000", "--channels", "3", "--scenario",
        "spend_response", "--seed", "5", "--out-dir", tmp_path)
    events, spend = tmp_path / "events.csv", tmp_path / "spend.csv"
    doc = pc.report(str(events), spend=str(spend), response="fitted", budget_model="markov",
                    models=["markov", "last_touch"], matched="off", draws=20, max_shift=0.3,
                    out_dir=tmp_path / "py")
    cli("report", "--quiet", "--events", events, "--spend", spend, "--response", "fitted",
        "--budget-model", "markov", "--model", "markov,last_touch", "--matched", "off",
        "--draws", "20", "--max-shift", "0.3", "--out-dir", tmp_path / "cli")
    # (report.json differs in its words only: the command line names flags, Python keywords.)
    for name in ("fitted_budget.csv", "fitted_curves.csv"):
        assert (tmp_path / "py" / name).read_bytes() == (tmp_path / "cli" / name).read_bytes()
    theirs = json.loads((tmp_path / "cli" / "report.json").read_text())["fitted_budget"]
    assert doc["fitted_budget"]["rows"] == theirs["rows"]
    assert doc["fitted_budget"]["model"] == "markov"
    assert doc["fitted_budget"]["draws"] == 20
    assert len(doc["fitted_budget"]["rows"]) == 3
    with pytest.raises(TypeError, match="needs spend="):
        pc.report(str(events), response="fitted", matched="off", out_dir=tmp_path / "x")
    with pytest.raises(TypeError, match="unexpected keyword argument 'draws'"):
        pc.report(str(events), spend=str(spend), draws=20, matched="off",
                  out_dir=tmp_path / "x")


def _aggregate_world():
    """Sixteen weeks of spend for two channels (mean 100 each) and a credit series whose
    value per week is exactly ``a (1 - exp(-x/k))`` of the week's spend: a = 300, k = 150
    and a = 100, k = 50 (the Rust test's world, src/decide/fitted_plan/aggregate_tests.rs).
    Equal marginals ``2 exp(-x/150) = 2 exp(-y/50)`` give x = 3y: 150 and 50 a week."""
    import math

    weeks = pd.date_range("2026-01-05", periods=16, freq="7D")
    a = [40.0 + 15.0 * w for w in range(16)]
    b = [260.0 - 14.0 * w for w in range(16)]
    a = [x * 100.0 / (sum(a) / 16) for x in a]
    b = [x * 100.0 / (sum(b) / 16) for x in b]
    spend, credit = [], []
    for name, xs, top, k in (("a", a, 300.0, 150.0), ("b", b, 100.0, 50.0)):
        for week, x in zip(weeks, xs):
            v = top * (1.0 - math.exp(-x / k))
            spend.append((name, week, x))
            credit.append((name, week, v / 10.0, v))
    return (pd.DataFrame(spend, columns=["channel", "period", "spend"]),
            pd.DataFrame(credit, columns=["channel", "period", "conversions", "value"]))


def test_the_aggregate_plan_equals_the_command_line_and_says_it_is_weaker(cli, tmp_path):
    spend, series = _aggregate_world()
    plan = pc.budget(spend=spend, response="fitted", credit_series=series, draws=20,
                     max_shift=1.0)
    assert list(plan["route"]) == ["aggregate", "aggregate"]
    assert plan["value_per_exposure"].isna().all()
    assert plan["recommended_spend"].tolist() == pytest.approx([150.0, 50.0], abs=0.5)
    assert plan["recommended_spend"].sum() == pytest.approx(plan["current_spend"].sum())
    whole = plan.attrs["plan"]
    assert (whole["route"], whole["model"], whole["objective"]) == (
        "aggregate", "unknown (credit series)", "attributed_value")
    assert whole["notes"][0].startswith("WEAKER ROUTE (aggregates only)")
    for frame, name in ((spend, "spend.csv"), (series, "series.csv")):
        frame.assign(period=frame["period"].dt.strftime("%Y-%m-%d")).to_csv(
            tmp_path / name, index=False)
    theirs = cli("budget", "--quiet", "--response", "fitted", "--spend",
                 tmp_path / "spend.csv", "--credit-series", tmp_path / "series.csv",
                 "--draws", "20", "--max-shift", "1", "--curves", tmp_path / "curves.csv",
                 "--out", tmp_path / "plan.csv")
    assert theirs == b""
    # Both plans sit inside their bounds, so `bound` is empty throughout: text anyway.
    pd.testing.assert_frame_equal(
        plan, pd.read_csv(tmp_path / "plan.csv", keep_default_na=False, na_values=[""],
                          dtype={"bound": "str"}))
    pd.testing.assert_frame_equal(plan.attrs["curves"], pd.read_csv(tmp_path / "curves.csv"))


def test_the_aggregate_route_takes_no_credit_model_or_events(sample):
    spend, series = _aggregate_world()
    credit = pc.attribute(sample / "paths.csv", models=["markov"])
    for extra in ({"credit": credit}, {"model": "markov"}, {"events": sample / "events.csv"}):
        with pytest.raises(TypeError, match="credit_series= is the aggregate route"):
            pc.budget(spend=spend, response="fitted", credit_series=series, **extra)
    with pytest.raises(TypeError, match="belongs to budget"):
        pc.budget(spend=spend, credit_series=series)
    with pytest.raises(TypeError, match="needs credit="):
        pc.budget(spend=spend, response="fitted")
    with pytest.raises(pc.InputError, match="not a period of the spend series"):
        pc.budget(spend=spend, response="fitted",
                  credit_series=series.assign(period=series["period"] + pd.Timedelta(days=1)))


def test_a_plan_per_campaign_equals_the_command_line(cli, sample, tmp_path):
    """Credit per campaign and spend per campaign and week: the plan's rows are the
    campaigns, as `pathcredit budget --response fitted` makes them."""
    events = pd.read_csv(sample / "events.csv")
    campaigns = (events.loc[events["campaign"].notna(), ["channel", "campaign"]]
                 .drop_duplicates().sort_values("campaign"))
    rows = []
    for week in range(8):
        period = (pd.Timestamp("2026-01-05") + pd.Timedelta(days=7 * week)).date().isoformat()
        for i, (channel, campaign) in enumerate(campaigns.itertuples(index=False)):
            rows.append((channel, campaign, period, 50 + 10 * ((i * 7 + week * 3) % 11)))
    spend = tmp_path / "spend.csv"
    pd.DataFrame(rows, columns=["channel", "campaign", "period", "spend"]).to_csv(spend, index=False)
    cli("attribute", "--quiet", "--events", sample / "events.csv", "--level", "campaign",
        "--model", "last_touch", "--out", tmp_path / "credit.csv")
    credit = pd.read_csv(tmp_path / "credit.csv")
    plan = pc.budget(credit, spend, model="last_touch", response="fitted",
                     events=sample / "events.csv", draws=20, max_shift=0.3)
    cli("budget", "--quiet", "--response", "fitted", "--model", "last_touch", "--credit",
        tmp_path / "credit.csv", "--events", sample / "events.csv", "--spend", spend,
        "--draws", "20", "--max-shift", "0.3", "--out", tmp_path / "plan.csv")
    pd.testing.assert_frame_equal(
        plan, pd.read_csv(tmp_path / "plan.csv", keep_default_na=False, na_values=[""]))
    assert list(plan["channel"]) == list(campaigns["campaign"])
    assert plan.attrs["plan"]["dimension"] == "campaign"
    assert any("measured per channel" in n for n in plan.attrs["plan"]["notes"])
