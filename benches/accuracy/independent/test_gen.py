#!/usr/bin/env python3
"""Checks of the ground truth in gen.py.  Run: python3 test_gen.py"""
import csv
import itertools
import json
import math
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import numpy as np  # noqa: E402

import gen  # noqa: E402

FAILS = []


def check(name, cond, detail=""):
    print(("ok   " if cond else "FAIL ") + name + (f"  [{detail}]" if detail else ""))
    if not cond:
        FAILS.append(name)


def close(a, b, tol=1e-9):
    return np.allclose(a, b, rtol=tol, atol=tol)


# ---------------------------------------------------------------- hand case
def test_hand_case():
    """1 person, 2 channels, 5 days; every number computed by hand."""
    D = 5
    W = gen.make_world("additive_random", 4, D, 1)
    W["channels"] = W["channels"][:2]
    W["channels_n"] = 2
    W["email_open"] = None
    tau = 2.0
    W["channels"][0].update(kernel={"type": "exp", "tau": tau}, amp=0.1)
    W["channels"][1].update(kernel={"type": "flat", "L": 2}, amp=0.05)
    cnt = np.zeros((1, 2, D), int)
    cnt[0, 0, 0] = 1      # ch01 exposure on day 0 -> days 1..4: 0.1*exp(-(lag-1)/2)
    cnt[0, 1, 2] = 2      # two ch02 exposures on day 2 -> days 3,4: 2*0.05
    sim = gen.simulate_chunk(W, 1, np.random.default_rng(0), counts_override=cnt)
    b = sim["b"][0]
    x1 = np.array([0, 0.1, 0.1 * math.exp(-0.5), 0.1 * math.exp(-1.0), 0.1 * math.exp(-1.5)])
    x2 = np.array([0, 0, 0, 0.1, 0.1])
    check("hand: ch01 effect path", close(sim["x"][0, 0], x1))
    check("hand: ch02 effect path", close(sim["x"][0, 1], x2))
    B = b.sum()
    E1, E2 = x1.sum(), x2.sum()
    v_hand = np.array([1 - math.exp(-B), 1 - math.exp(-B - E1), 1 - math.exp(-B - E2),
                       1 - math.exp(-B - E1 - E2)])
    v = gen.coalition_values_chunk(W, sim)
    check("hand: v(S) single conversion", close(v, v_hand))
    phi = gen.shapley_from_values(v)
    phi1 = 0.5 * ((v_hand[1] - v_hand[0]) + (v_hand[3] - v_hand[2]))
    phi2 = 0.5 * ((v_hand[2] - v_hand[0]) + (v_hand[3] - v_hand[1]))
    check("hand: Shapley 2 players", close(phi, [phi1, phi2]))
    inc = gen.incremental_from_values(v)
    check("hand: incremental", close(inc, [v_hand[3] - v_hand[2], v_hand[3] - v_hand[1]]))
    # repeat conversions: E = sum of hazards, linear
    W["repeat"] = True
    v = gen.coalition_values_chunk(W, sim)
    check("hand: v(S) repeat", close(v, [B, B + E1, B + E2, B + E1 + E2]))
    check("hand: repeat Shapley == incremental == E_c",
          close(gen.shapley_from_values(v), [E1, E2]) and close(gen.incremental_from_values(v), [E1, E2]))


# --------------------------------------------------- brute force, every world
def brute_values(W, sim):
    """v(S) by looping over coalitions and days with hazard_full (no tricks)."""
    C = W["channels_n"]
    out = np.zeros(2 ** C)
    for S in range(2 ** C):
        active = np.array([(S >> c) & 1 for c in range(C)], bool)
        h = gen.hazard_full(W, sim, active)
        H = h.sum(1)
        out[S] = H.sum() if W["repeat"] else (1 - np.exp(-H)).sum()
    return out


def brute_effects(W, sim):
    """x[i,c,t] by explicit loops over exposures."""
    n, C, D = sim["counts"].shape
    x = np.zeros((n, C, D))
    for c, ch in enumerate(W["channels"]):
        k = gen.kernel_vector(ch["kernel"], D)
        for i in range(n):
            for s in range(D):
                for t in range(s + 1, D):
                    x[i, c, t] += sim["counts"][i, c, s] * ch["amp"] * k[t - s]
    return x


def brute_shapley(v, C):
    phi = np.zeros(C)
    perms = list(itertools.permutations(range(C)))
    for p in perms:
        S = 0
        for c in p:
            phi[c] += v[S | (1 << c)] - v[S]
            S |= 1 << c
    return phi / len(perms)


def test_worlds_bruteforce():
    for w in gen.WORLDS:
        W = gen.make_world(w, 5, 20, 3)
        # boost effects so that nonlinearity matters in the comparison
        for ch in W["channels"]:
            ch["amp"] *= 30
        W["b0"] *= 30
        sim = gen.simulate_chunk(W, 40, np.random.default_rng(5))
        check(f"{w}: effect convolution == loops", close(sim["x"], brute_effects(W, sim)))
        v = gen.coalition_values_chunk(W, sim)
        vb = brute_values(W, sim)
        check(f"{w}: fast v(S) == brute force", close(v, vb), f"max abs diff {np.abs(v - vb).max():.2e}")
        phi = gen.shapley_from_values(v)
        check(f"{w}: Shapley == permutation average", close(phi, brute_shapley(v, 5)))
        check(f"{w}: efficiency sum(phi) == v(all)-v(0)", close(phi.sum(), v[-1] - v[0]))
        for c, ch in enumerate(W["channels"]):
            if ch["role"] == "placebo":
                check(f"{w}: placebo {ch['name']} phi == inc == 0",
                      abs(phi[c]) < 1e-12 and abs(gen.incremental_from_values(v)[c]) < 1e-12)
        if W["hazard"] == "additive" and W["repeat"]:
            check(f"{w}: linear world Shapley == incremental", close(phi, gen.incremental_from_values(v)))


# ------------------------------------------------- Monte Carlo consistency
def test_monte_carlo():
    """Realised conversions (the process that writes events.csv) agree with the
    analytic expectation; removing a channel with common random numbers agrees
    with the analytic incremental value."""
    for w in ["additive_random", "multiplicative_synergy", "repeat_conversions", "placebo_in_market"]:
        W = gen.make_world(w, 6, 60, 2)
        for ch in W["channels"]:
            ch["amp"] *= 4  # bigger effects -> sharper test
        N = 40000
        sim = gen.simulate_chunk(W, N, np.random.default_rng(9))
        v = gen.coalition_values_chunk(W, sim)
        full = len(v) - 1
        R = 20
        tot = 0
        diffs = np.zeros((R, 6))
        for r in range(R):
            seed = 1000 + r
            h = gen.hazard_full(W, sim)
            tot += len(gen.realise_conversions(W, h, np.random.default_rng(seed))[0])
            for c in range(6):
                act = np.ones(6, bool)
                act[c] = False
                hc = gen.hazard_full(W, sim, act)
                diffs[r, c] = len(gen.realise_conversions(W, h, np.random.default_rng(seed))[0]) - \
                    len(gen.realise_conversions(W, hc, np.random.default_rng(seed))[0])
        mean = tot / R
        # sd of a single realisation <= sqrt(E); of mean over R <= sqrt(E/R)
        z = (mean - v[full]) / math.sqrt(v[full] / R)
        check(f"MC {w}: realised mean {mean:.1f} vs E {v[full]:.1f}", abs(z) < 4, f"z={z:.2f}")
        inc = gen.incremental_from_values(v)
        mc_inc = diffs.mean(0)
        err = np.abs(mc_inc - inc)
        # 4.5 standard errors (empirical sd across replicates; CRN makes it small
        # for single-conversion worlds, repeat world uses independent Poisson draws)
        tol = 4.5 * diffs.std(0, ddof=1) / math.sqrt(R) + 0.5
        check(f"MC {w}: CRN incremental matches analytic", np.all(err < tol),
              f"analytic {np.round(inc, 1)} mc {np.round(mc_inc, 1)}")


# ------------------------------------------------------------ end to end
def test_end_to_end():
    with tempfile.TemporaryDirectory() as d:
        for w in ["retarget_visits", "repeat_conversions"]:
            out = os.path.join(d, w)
            gen.run(w, 4, 3000, 30, 6, out, chunk=1000, verbose=False)
            rows = list(csv.DictReader(open(os.path.join(out, "events.csv"))))
            check(f"e2e {w}: events header",
                  list(rows[0].keys()) == ["timestamp", "user_id", "event", "channel", "value"])
            ts = [r["timestamp"] for r in rows]
            ok_fmt = all(len(t) == 20 and t.endswith("Z") and t[10] == "T" for t in ts)
            check(f"e2e {w}: RFC3339 timestamps, sorted, in period",
                  ok_fmt and ts == sorted(ts) and ts[0] >= "2026-01-01T" and ts[-1] < "2026-01-31T")
            conv = [r for r in rows if r["event"] == "conversion"]
            tch = [r for r in rows if r["event"] == "touch"]
            check(f"e2e {w}: conversions have value, no channel",
                  all(r["channel"] == "" and float(r["value"]) > 0 for r in conv))
            chans = {r["channel"] for r in tch}
            check(f"e2e {w}: touch channels", chans <= {f"ch{i:02d}" for i in range(1, 7)} | {"site_visit", "email_open"},
                  str(sorted(chans)))
            if w != "repeat_conversions":
                uids = [r["user_id"] for r in conv]
                check(f"e2e {w}: at most one conversion per person", len(uids) == len(set(uids)))
            truth = list(csv.DictReader(open(os.path.join(out, "truth.csv"))))
            check(f"e2e {w}: truth rows", [t["channel"] for t in truth] == [f"ch{i:02d}" for i in range(1, 7)])
            s1 = sum(float(t["shapley_share"]) for t in truth)
            s2 = sum(float(t["incremental_share"]) for t in truth)
            check(f"e2e {w}: shares sum to 1", abs(s1 - 1) < 1e-4 and abs(s2 - 1) < 1e-4)
            Wj = json.load(open(os.path.join(out, "world.json")))
            sm = Wj["summary"]
            check(f"e2e {w}: realised count consistent",
                  sm["realised_conversions"] == len(conv))
            sp = list(csv.DictReader(open(os.path.join(out, "spend.csv"))))
            ntouch = {c: 0 for c in [t["channel"] for t in truth]}
            for r in tch:
                if r["channel"] in ntouch:
                    ntouch[r["channel"]] += 1
            ok = all(abs(float(r["spend"]) - ntouch[r["channel"]] * ch["cost_per_exposure"]) < 0.01
                     for r, ch in zip(sp, Wj["channels"]))
            check(f"e2e {w}: spend = touches x cost", ok)


if __name__ == "__main__":
    test_hand_case()
    test_worlds_bruteforce()
    test_monte_carlo()
    test_end_to_end()
    print("\nALL OK" if not FAILS else f"\n{len(FAILS)} FAILURES: {FAILS}")
    sys.exit(1 if FAILS else 0)
