"""Fast checks of the independent spend-response simulator (small worlds)."""
import csv
import hashlib
import os
import sys

import numpy as np
import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen_spend as G  # noqa: E402

N = 3000


def read(path):
    with open(path) as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module", params=G.WORLDS)
def generated(request, tmp_path_factory):
    out = tmp_path_factory.mktemp(request.param)
    G.main(["--world", request.param, "--seed", "7", "--people", str(N), "--out", str(out)])
    return request.param, out


def digest(d):
    h = hashlib.sha256()
    for f in ["events.csv", "identities.csv", "spend.csv", "curves.csv", "truth.csv"]:
        h.update(open(os.path.join(d, f), "rb").read())
    return h.hexdigest()


def test_deterministic(generated, tmp_path):
    world, out = generated
    G.main(["--world", world, "--seed", "7", "--people", str(N), "--out", str(tmp_path)])
    assert digest(out) == digest(tmp_path)
    G.main(["--world", world, "--seed", "8", "--people", str(N), "--out", str(tmp_path / "b")])
    assert digest(out) != digest(tmp_path / "b")


def test_files_and_spend_grid(generated):
    world, out = generated
    spend = read(os.path.join(out, "spend.csv"))
    chans = sorted({r["channel"] for r in spend})
    periods = sorted({r["period"] for r in spend})
    assert len(chans) == 8 and len(periods) == 26
    assert len(spend) == 8 * 26
    assert len({(r["channel"], r["period"]) for r in spend}) == 8 * 26
    for p in periods:
        import datetime as dt
        assert dt.date.fromisoformat(p).weekday() == 0
    ev = read(os.path.join(out, "events.csv"))
    ids = {r["anonymous_id"] for r in read(os.path.join(out, "identities.csv"))}
    assert all(r["user_id"] in ids for r in ev)
    touch_ch = {r["channel"] for r in ev if r["event"] == "touch"}
    assert set(chans) <= touch_ch and {"organic_search", "direct"} <= touch_ch
    conv = [r for r in ev if r["event"] == "conversion"]
    assert conv and all(r["channel"] == "" and float(r["value"]) > 0 for r in conv)
    assert all(r["timestamp"].endswith("Z") for r in ev[:100])


def test_curves_concave_monotone(generated):
    world, out = generated
    rows = read(os.path.join(out, "curves.csv"))
    spend = read(os.path.join(out, "spend.csv"))
    by = {}
    for r in rows:
        by.setdefault(r["channel"], []).append(r)
    assert len(by) == 8
    for ch, rs in by.items():
        assert len(rs) == 61
        x = np.array([float(r["spend"]) for r in rs])
        y = np.array([float(r["incremental_conversions"]) for r in rs])
        e = np.array([float(r["exposures"]) for r in rs])
        m = np.mean([float(r["spend"]) for r in spend if r["channel"] == ch])
        assert x[0] == 0 and y[0] == 0 and e[0] == 0
        assert abs(x[-1] - 3 * m) < 1e-3 * max(m, 1)
        assert np.all(np.diff(y) >= -1e-9) and np.all(np.diff(e) >= -1e-9)
        slopes = np.diff(y) / np.diff(x)
        assert np.all(np.diff(slopes) <= 1e-9 * max(1.0, slopes.max())), ch


def test_truth_shares(generated):
    world, out = generated
    t = read(os.path.join(out, "truth.csv"))
    assert len(t) == 8
    for col in ("shapley_share", "incremental_share"):
        assert abs(sum(float(r[col]) for r in t) - 1) < 1e-4
    # Shapley values add up to v(all) - v(none)
    w = G.build(world, 7, N)
    v, inc, shap = w.truth()
    assert abs(shap.sum() - (v[-1] - v[0])) < 1e-6


def test_expected_total_matches_simulation():
    """Realised conversions of several replicate simulations agree with the closed form expectation."""
    for world in G.WORLDS:
        w = G.build(world, 3, N)
        exp_total = w.expected_conversions()
        real = np.mean([w.simulate(rep=r)["conv_person"].size for r in range(4)])
        assert abs(real - exp_total) < 4 * np.sqrt(exp_total / 4) + 1, (world, real, exp_total)


@pytest.mark.parametrize("world,channel", [("steady", "search"), ("seasonal", "tv_online"),
                                           ("lagged", "video"), ("mixed_quality", "social"),
                                           ("mixed_quality", "display")])
def test_curve_matches_resimulation(world, channel):
    """Re-simulate with the channel's spend at x in every week and at 0 in every week, with the same random
    numbers for everything else, and compare the realised difference with curves.csv x weeks."""
    w = G.build(world, 5, N)
    j = [c["name"] for c in w.cfg["channels"]].index(channel)
    m = w.spend[j].mean()
    x = 2.0 * m
    rows = [r for r in w.curves() if r[0] == channel]
    g = rows[40][3]  # spend 2m
    assert abs(rows[40][1] - x) < 1e-6 * m
    diffs, absd = [], []
    for rep in range(6):
        s1 = w.spend.copy(); s1[j] = x
        s0 = w.spend.copy(); s0[j] = 0.0
        c1 = w.simulate(s1, rep=rep)["conv_count"]
        c0 = w.simulate(s0, rep=rep)["conv_count"]
        diffs.append((c1 - c0).sum())
        absd.append(np.abs(c1 - c0).sum())
    real = np.mean(diffs)
    sd = np.sqrt(np.mean(absd) / len(diffs))
    expected = g * w.W
    assert abs(real - expected) < 4 * sd + 0.5, (real, expected, sd)
    if expected > 0:
        assert real > 0
