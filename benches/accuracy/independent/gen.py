#!/usr/bin/env python3
"""Independent simulator of marketing touchpoint logs with exact ground truth.

Usage:
  python3 gen.py --world WORLD --seed S --people N --days D --channels C --out DIR

Model (all worlds): daily granularity.  Person i on day t (0..D-1) has a
conversion hazard h_S(i,t) that is a deterministic function of
  * the person's latent intent (fixed z_i, optionally a time-varying in-market
    multiplier m_i(t)),
  * the person's exposure schedule n[i,c,t] (number of exposures to paid channel
    c on day t), and
  * the coalition S of paid channels whose effects are "switched on".
An exposure on day s affects days t >= s+1 only (lag >= 1) through a
channel-specific kernel k_c(t-s).  The exposure schedule never depends on
ad effects or on conversions, so removing a channel only removes its effect.

Single-conversion worlds: P(convert on day t | not yet) = 1-exp(-h(t)), at most
one conversion per person, so E[conversions_i | S] = 1 - exp(-sum_t h_S(i,t)).
Repeat world: the number of conversions on day t is Poisson(h(t)), so
E[conversions_i | S] = sum_t h_S(i,t).

Truth: v(S) = sum_i E[conv_i | S] is computed EXACTLY for all 2^C coalitions
(every person, no subsampling); Shapley values by exact enumeration of v.
"""
import os
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

import argparse
import json
import math
import time

import numpy as np

WORLDS = [
    "additive_random",
    "targeted_intent",
    "in_market_ramp",
    "long_carryover",
    "placebo_in_market",
    "retarget_visits",
    "multiplicative_synergy",
    "repeat_conversions",
]

START_DATE = np.datetime64("2026-01-01")


# ----------------------------------------------------------------------------
# kernels
# ----------------------------------------------------------------------------
def kernel_vector(kern, D):
    """k[lag] for lag = 0..D-1 (k[0] = 0: no same-day effect), peak 1 at lag 1."""
    lag = np.arange(D, dtype=np.float64)
    k = np.zeros(D)
    pos = lag >= 1
    if kern["type"] == "exp":  # mean lifetime tau days
        k[pos] = np.exp(-(lag[pos] - 1.0) / kern["tau"])
    elif kern["type"] == "halflife":
        k[pos] = 0.5 ** ((lag[pos] - 1.0) / kern["halflife"])
    elif kern["type"] == "flat":  # constant for L days, then zero
        k[(lag >= 1) & (lag <= kern["L"])] = 1.0
    else:
        raise ValueError(kern)
    return k


def kernel_mass_inf(kern):
    """sum_{lag>=1}^{inf} k(lag)."""
    if kern["type"] == "exp":
        return 1.0 / (1.0 - math.exp(-1.0 / kern["tau"]))
    if kern["type"] == "halflife":
        return 1.0 / (1.0 - 0.5 ** (1.0 / kern["halflife"]))
    if kern["type"] == "flat":
        return float(kern["L"])
    raise ValueError(kern)


def kernel_matrix(kern, amp, D):
    """K[s,t] = amp * k(t-s)  (zero for t <= s)."""
    k = kernel_vector(kern, D)
    s = np.arange(D)[:, None]
    t = np.arange(D)[None, :]
    lag = t - s
    K = np.where(lag >= 1, k[np.clip(lag, 0, D - 1)], 0.0)
    return amp * K


# ----------------------------------------------------------------------------
# world definitions
# ----------------------------------------------------------------------------
def _short_kern(rng):
    return {"type": "exp", "tau": round(float(rng.uniform(1.0, 3.0)), 3)}


def _long_kern(rng):
    return {"type": "exp", "tau": round(float(rng.uniform(10.0, 30.0)), 3)}


def _mags(rng, n, lo):
    """n effect magnitudes spanning exactly a 10x range [lo, 10*lo], shuffled."""
    if n == 0:
        return []
    if n == 1:
        return [lo * 10 ** 0.5]
    u = np.linspace(0.0, 1.0, n)
    rng.shuffle(u)
    return [float(lo * 10 ** x) for x in u]


def make_world(name, C, D, seed):
    """Return a JSON-serialisable dict with all parameters of the world."""
    if name not in WORLDS:
        raise SystemExit(f"unknown world {name}; choose from {WORLDS}")
    if C < 4:
        raise SystemExit("need at least 4 channels")
    rng = np.random.default_rng([seed, WORLDS.index(name), 7919])
    W = {
        "world": name, "seed": seed, "days": D, "channels_n": C,
        "start_date": str(START_DATE),
        "hazard": "additive", "repeat": False,
        "z_shape": 1.0,           # fixed intent z ~ Gamma(shape, 1/shape), mean 1
        "b0": 0.0008,             # baseline hazard per day at z=1, m=1
        "rate_shape": 0.7,        # person-specific exposure-rate multiplier g ~ Gamma(shape, 1/shape)
        "in_market": None,
        "site_visit": None,
        "email_open": None,
        "synergy": None,
        "value_lognormal": {"mean": 100.0, "sigma": 0.7},
    }
    idx = np.arange(C)
    kerns = [None] * C
    targeting = ["random"] * C
    roles = ["direct"] * C
    mags = [0.0] * C
    rates = [float(x) for x in rng.uniform(0.012, 0.035, C)]
    extra = [{} for _ in range(C)]

    def split_short_long():
        perm = rng.permutation(C)
        for j, c in enumerate(perm):
            kerns[c] = _short_kern(rng) if j < C // 2 else _long_kern(rng)

    if name in ("additive_random", "repeat_conversions"):
        split_short_long()
        for c, m in enumerate(_mags(rng, C, 0.0004)):
            mags[c] = m
        W["email_open"] = {"rate": 0.04, "rate_shape": 0.5}
        if name == "repeat_conversions":
            W["repeat"] = True
            W["b0"] = 0.0012

    elif name == "targeted_intent":
        split_short_long()
        for c, m in enumerate(_mags(rng, C, 0.0004)):
            mags[c] = m
        for c in rng.permutation(C)[: C // 2]:
            targeting[c] = "fixed_intent"
        W["site_visit"] = {"rate": 0.03, "follows": "fixed_intent"}

    elif name == "long_carryover":
        perm = rng.permutation(C)
        n_flat = C // 3
        n_hl = C // 3
        for j, c in enumerate(perm):
            if j < n_flat:
                kerns[c] = {"type": "flat", "L": int(rng.integers(30, 61))}
            elif j < n_flat + n_hl:
                kerns[c] = {"type": "halflife", "halflife": round(float(rng.uniform(20, 40)), 3)}
            else:
                kerns[c] = _short_kern(rng)
        for c, m in enumerate(_mags(rng, C, 0.0006)):
            mags[c] = m
        W["email_open"] = {"rate": 0.04, "rate_shape": 0.5}

    elif name in ("in_market_ramp", "placebo_in_market", "retarget_visits"):
        W["z_shape"] = 2.0
        W["b0"] = 0.00036
        W["in_market"] = {
            "start_uniform": [-int(0.5 * D), int(1.5 * D)],  # in-market start day T ~ U[lo, hi)
            "ramp_days": [10, 30],      # R ~ U{10..30}: hazard multiplies up log-linearly to peak
            "peak": [3.0, 12.0],        # P ~ U(3, 12)
            "plateau_days": [7, 21],    # W ~ U{7..21} at peak, then back to 1
        }
        W["site_visit"] = {"rate": 0.02, "follows": "current_intent"}
        split_short_long()
        if name == "in_market_ramp":
            for c in rng.permutation(C)[: C // 2]:
                targeting[c] = "current_intent"
            for c, m in enumerate(_mags(rng, C, 0.00025)):
                mags[c] = m
        elif name == "placebo_in_market":
            perm = rng.permutation(C)
            plac = perm[:2]
            rest = perm[2:]
            for c in plac:
                roles[c] = "placebo"
                targeting[c] = "in_market10"
                rates[c] = float(rng.uniform(0.01, 0.02))
            for c in rest[: len(rest) // 2]:
                targeting[c] = "current_intent"
            for c, m in zip(rest, _mags(rng, len(rest), 0.0003)):
                mags[c] = m
        else:  # retarget_visits
            W["site_visit"] = {"rate": 0.04, "follows": "current_intent"}
            perm = rng.permutation(C)
            rt = perm[:2]
            rest = perm[2:]
            for c in rt:
                targeting[c] = "retarget"
                extra[c] = {"retarget_per_visit": round(float(rng.uniform(0.3, 0.5)), 3),
                            "background_factor": 0.15}
                kerns[c] = _short_kern(rng)
            small = [0.00005, 0.00015]
            rng.shuffle(small)
            for c, m in zip(rt, small):
                mags[c] = m
            for c, m in zip(rest, _mags(rng, len(rest), 0.0003)):
                mags[c] = m

    elif name == "multiplicative_synergy":
        W["hazard"] = "multiplicative"
        W["b0"] = 0.0007
        split_short_long()
        # log-hazard increment at lag 1 per exposure, 10x range
        for c, m in enumerate(_mags(rng, C, 0.045)):
            mags[c] = m
        for c in rng.permutation(C)[: C // 2]:
            targeting[c] = "fixed_intent"
        C1 = C // 2
        a, b = sorted(int(x) for x in rng.choice(C1, 2, replace=False))
        # make the synergy pair long-ish so that co-activity is common
        kerns[a] = _long_kern(rng)
        kerns[b] = {"type": "exp", "tau": round(float(rng.uniform(5.0, 10.0)), 3)}
        W["synergy"] = {"a": a, "b": b, "gamma": 6.0}
        W["site_visit"] = {"rate": 0.03, "follows": "fixed_intent"}

    costs = [round(float(x), 4) for x in rng.uniform(0.2, 2.0, C)]
    chans = []
    for c in range(C):
        kern = kerns[c]
        if W["hazard"] == "additive":
            m = mags[c] if roles[c] == "direct" else 0.0
            amp = m / kernel_mass_inf(kern)   # hazard added at lag 1 by one exposure
        else:
            amp = mags[c] if roles[c] == "direct" else 0.0  # log-hazard added at lag 1
            m = amp
        chans.append({
            "name": f"ch{c + 1:02d}", "role": roles[c], "targeting": targeting[c],
            "base_rate": round(rates[c], 6), "kernel": kern,
            "effect_per_exposure": m, "amp": amp, "cost_per_exposure": costs[c],
            **extra[c],
        })
    W["channels"] = chans
    return W


# ----------------------------------------------------------------------------
# simulation of one chunk of people
# ----------------------------------------------------------------------------
def in_market_multiplier(W, n, rng):
    D = W["days"]
    im = W["in_market"]
    T = rng.integers(im["start_uniform"][0], im["start_uniform"][1], n)
    R = rng.integers(im["ramp_days"][0], im["ramp_days"][1] + 1, n)
    P = rng.uniform(im["peak"][0], im["peak"][1], n)
    Wd = rng.integers(im["plateau_days"][0], im["plateau_days"][1] + 1, n)
    rel = np.arange(D)[None, :] - T[:, None]
    m = np.ones((n, D))
    ramp = (rel >= 0) & (rel < R[:, None])
    m = np.where(ramp, P[:, None] ** ((rel + 1) / R[:, None]), m)
    plat = (rel >= R[:, None]) & (rel < (R + Wd)[:, None])
    m = np.where(plat, P[:, None], m)
    inm = (rel >= 0) & (rel < (R + Wd)[:, None])
    return m, inm


def simulate_chunk(W, n, rng, counts_override=None):
    """Simulate latent state and exposures for n people.

    Returns dict with b (n,D) baseline hazard, x (n,C,D) per-channel effects
    (hazard increments or log-hazard increments), counts (n,C,D), sv/em (n,D).
    counts_override: optional (n,C,D) exposure counts (used in tests).
    """
    D = W["days"]
    C = W["channels_n"]
    ks = W["z_shape"]
    z = rng.gamma(ks, 1.0 / ks, n)
    if W["in_market"] is not None:
        m, inm = in_market_multiplier(W, n, rng)
    else:
        m = np.ones((n, D))
        inm = np.zeros((n, D), bool)
    b = W["b0"] * z[:, None] * m

    sv = None
    if W["site_visit"] is not None:
        s = W["site_visit"]
        if s["follows"] == "current_intent":
            lam = s["rate"] * z[:, None] * m
        else:
            lam = s["rate"] * z[:, None] * np.ones((n, D))
        sv = rng.poisson(lam)
    em = None
    if W["email_open"] is not None:
        e = W["email_open"]
        g = rng.gamma(e["rate_shape"], 1.0 / e["rate_shape"], n)
        em = rng.poisson(e["rate"] * g[:, None] * np.ones((n, D)))

    rs = W["rate_shape"]
    counts = np.zeros((n, C, D), dtype=np.int32)
    x = np.zeros((n, C, D))
    for c, ch in enumerate(W["channels"]):
        g = rng.gamma(rs, 1.0 / rs, n)
        base = ch["base_rate"] * g[:, None]
        tg = ch["targeting"]
        if tg == "random":
            lam = base * np.ones((1, D))
        elif tg == "fixed_intent":
            lam = base * z[:, None] * np.ones((1, D))
        elif tg == "current_intent":
            lam = base * np.minimum(m, 9.0)
        elif tg == "in_market10":
            lam = base * (1.0 + 9.0 * inm)
        elif tg == "retarget":
            recent = np.zeros((n, D))
            for L in (1, 2, 3):
                recent[:, L:] += sv[:, :-L]
            lam = base * ch["background_factor"] + ch["retarget_per_visit"] * recent
        else:
            raise ValueError(tg)
        if counts_override is None:
            counts[:, c, :] = rng.poisson(lam)
        else:
            counts[:, c, :] = counts_override[:, c, :]
        if ch["amp"] != 0.0:
            K = kernel_matrix(ch["kernel"], ch["amp"], D)
            x[:, c, :] = counts[:, c, :].astype(np.float64) @ K
    return {"z": z, "m": m, "b": b, "x": x, "counts": counts, "sv": sv, "em": em}


def hazard_full(W, sim, active=None):
    """Daily hazard (n,D) with channels in `active` (bool array C) switched on."""
    x = sim["x"]
    C = x.shape[1]
    if active is None:
        active = np.ones(C, bool)
    xa = x * active[None, :, None]
    if W["hazard"] == "additive":
        return sim["b"] + xa.sum(1)
    eta = xa.sum(1)
    syn = W["synergy"]
    if syn is not None and active[syn["a"]] and active[syn["b"]]:
        eta = eta + syn["gamma"] * x[:, syn["a"], :] * x[:, syn["b"], :]
    return sim["b"] * np.exp(eta)


# ----------------------------------------------------------------------------
# exact truth
# ----------------------------------------------------------------------------
def membership(C):
    S = np.arange(2 ** C)
    return ((S[None, :] >> np.arange(C)[:, None]) & 1).astype(np.float64)  # (C, 2^C)


def coalition_values_chunk(W, sim):
    """sum over the chunk's people of E[conversions | S] for every S (2^C,)."""
    b, x = sim["b"], sim["x"]
    n, C, D = x.shape
    f = (lambda H: H) if W["repeat"] else (lambda H: -np.expm1(-H))
    out = np.zeros(2 ** C)
    if W["hazard"] == "additive":
        M = membership(C)
        Bsum = b.sum(1)
        E = x.sum(2)
        step = max(1, (1 << 22) // (2 ** C))
        for i in range(0, n, step):
            H = Bsum[i:i + step, None] + E[i:i + step] @ M
            out += f(H).sum(0)
        return out
    # multiplicative: h_S(t) = b(t) * A_{S1}(t) * B_{S2}(t), S1 = first C1 bits
    C1 = C // 2
    C2 = C - C1
    syn = W["synergy"]
    M1 = membership(C1)
    M2 = membership(C2)
    pair1 = np.zeros(2 ** C1)
    if syn is not None:
        assert syn["a"] < C1 and syn["b"] < C1
        pair1 = M1[syn["a"]] * M1[syn["b"]]
    step = max(1, (1 << 21) // (D * 2 ** max(C1, C2)))
    for i in range(0, n, step):
        xs = x[i:i + step]
        bs = b[i:i + step]
        X1 = xs[:, :C1, :].transpose(0, 2, 1)  # (k,D,C1)
        X2 = xs[:, C1:, :].transpose(0, 2, 1)
        e1 = X1 @ M1
        if syn is not None:
            e1 = e1 + syn["gamma"] * (xs[:, syn["a"], :] * xs[:, syn["b"], :])[:, :, None] * pair1[None, None, :]
        A = np.exp(e1) * bs[:, :, None]
        B = np.exp(X2 @ M2)
        H = np.matmul(A.transpose(0, 2, 1), B)  # (k, 2^C1, 2^C2)
        Hf = H.transpose(0, 2, 1).reshape(H.shape[0], -1)  # index s2*2^C1 + s1
        out += f(Hf).sum(0)
    return out


def shapley_from_values(v):
    N = len(v)
    C = int(round(math.log2(N)))
    S = np.arange(N)
    size = np.array([bin(s).count("1") for s in range(N)])
    w = np.array([math.factorial(k) * math.factorial(C - k - 1) / math.factorial(C) if k < C else 0.0
                  for k in range(C + 1)])
    phi = np.zeros(C)
    for c in range(C):
        without = S[((S >> c) & 1) == 0]
        phi[c] = np.sum(w[size[without]] * (v[without | (1 << c)] - v[without]))
    return phi


def incremental_from_values(v):
    N = len(v)
    C = int(round(math.log2(N)))
    full = N - 1
    return np.array([v[full] - v[full ^ (1 << c)] for c in range(C)])


# ----------------------------------------------------------------------------
# realisation of conversions and events
# ----------------------------------------------------------------------------
def realise_conversions(W, h, rng):
    """Returns (person index, day, second-of-day) arrays of conversions."""
    n, D = h.shape
    if W["repeat"]:
        k = rng.poisson(h)
        i, t = np.nonzero(k)
        rep = k[i, t]
        i = np.repeat(i, rep)
        t = np.repeat(t, rep)
        sec = rng.integers(0, 86400, len(i))
        return i, t, sec
    thr = rng.exponential(1.0, n)
    Hc = np.cumsum(h, axis=1)
    conv = Hc[:, -1] >= thr
    i = np.nonzero(conv)[0]
    t = np.argmax(Hc[i] >= thr[i, None], axis=1)
    Hprev = np.where(t > 0, Hc[i, np.maximum(t - 1, 0)], 0.0)
    frac = (thr[i] - Hprev) / h[i, t]  # exact time within day under constant daily hazard
    sec = np.clip(np.floor(frac * 86400).astype(np.int64), 0, 86399)
    return i, t, sec


def expand_counts(cnt, rng):
    """cnt (n,D) -> (person, day, sec) arrays, one row per event."""
    i, t = np.nonzero(cnt)
    rep = cnt[i, t]
    i = np.repeat(i, rep)
    t = np.repeat(t, rep)
    sec = rng.integers(0, 86400, len(i))
    return i, t, sec


def write_events(path, tsec, uid, code, value, names, D):
    order = np.lexsort((code, uid, tsec))
    tsec, uid, code, value = tsec[order], uid[order], code[order], value[order]
    days = [str(START_DATE + np.timedelta64(d, "D")) + "T" for d in range(D)]
    tod = [f"{s // 3600:02d}:{(s // 60) % 60:02d}:{s % 60:02d}Z" for s in range(86400)]
    tails = [f",touch,{nm},\n" for nm in names]
    with open(path, "w") as fh:
        fh.write("timestamp,user_id,event,channel,value\n")
        B = 500000
        for j in range(0, len(tsec), B):
            ts = tsec[j:j + B]
            dd = (ts // 86400).tolist()
            ss = (ts % 86400).tolist()
            uu = uid[j:j + B].tolist()
            cc = code[j:j + B].tolist()
            vv = value[j:j + B].tolist()
            lines = [
                f"{days[d]}{tod[s]},{u}{tails[c]}" if c >= 0 else f"{days[d]}{tod[s]},{u},conversion,,{v:.2f}\n"
                for d, s, u, c, v in zip(dd, ss, uu, cc, vv)
            ]
            fh.write("".join(lines))


# ----------------------------------------------------------------------------
# main
# ----------------------------------------------------------------------------
def run(world, seed, people, days, channels, out, chunk=10000, write=True, verbose=True,
        z_shape=None, world_seed=None):
    t0 = time.time()
    W = make_world(world, channels, days, seed if world_seed is None else world_seed)
    if z_shape is not None:
        # A diagnostic: how much persons' fixed intent varies (large = nearly equal).
        W["z_shape"] = z_shape
    C, D = channels, days
    ss = np.random.SeedSequence([seed, WORLDS.index(world), 104729])
    v = np.zeros(2 ** C)
    ev_t, ev_u, ev_c, ev_v = [], [], [], []
    exposures = np.zeros(C, dtype=np.int64)
    reached = np.zeros(C, dtype=np.int64)
    n_conv = 0
    n_converters = 0
    n_sv = n_em = 0
    vl = W["value_lognormal"]
    mu = math.log(vl["mean"]) - vl["sigma"] ** 2 / 2
    for k, start in enumerate(range(0, people, chunk)):
        n = min(chunk, people - start)
        rng = np.random.default_rng(ss.spawn(1)[0])
        sim = simulate_chunk(W, n, rng)
        v += coalition_values_chunk(W, sim)
        h = hazard_full(W, sim)
        ci, ct, cs = realise_conversions(W, h, rng)
        n_conv += len(ci)
        n_converters += len(np.unique(ci))
        cnt = sim["counts"]
        exposures += cnt.sum(axis=(0, 2))
        reached += (cnt.sum(2) > 0).sum(0)
        # events
        parts = []
        for c in range(C):
            i, t, s = expand_counts(cnt[:, c, :], rng)
            parts.append((i, t, s, np.full(len(i), c, np.int16)))
        if sim["sv"] is not None:
            i, t, s = expand_counts(sim["sv"], rng)
            n_sv += len(i)
            parts.append((i, t, s, np.full(len(i), C, np.int16)))
        if sim["em"] is not None:
            i, t, s = expand_counts(sim["em"], rng)
            n_em += len(i)
            parts.append((i, t, s, np.full(len(i), C + 1, np.int16)))
        parts.append((ci, ct, cs, np.full(len(ci), -1, np.int16)))
        for i, t, s, c in parts:
            ev_t.append(t.astype(np.int64) * 86400 + s)
            ev_u.append((i + start + 1).astype(np.int64))
            ev_c.append(c)
            val = np.full(len(i), np.nan)
            if len(c) and c[0] == -1:
                val = np.round(np.exp(rng.normal(mu, vl["sigma"], len(i))), 2)
            ev_v.append(val)
    t_sim = time.time() - t0

    phi = shapley_from_values(v)
    inc = incremental_from_values(v)
    full = 2 ** C - 1
    names = [ch["name"] for ch in W["channels"]] + ["site_visit", "email_open"]

    def shares(a):
        s = a.sum()
        return a / s if s > 0 else np.zeros_like(a)

    ish, psh = shares(inc), shares(phi)
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "truth.csv"), "w") as fh:
        fh.write("channel,role,lift,upstream,incremental_conversions,incremental_share,"
                 "shapley_conversions,shapley_share,people\n")
        for c, ch in enumerate(W["channels"]):
            fh.write(f"{ch['name']},{ch['role']},{ch['effect_per_exposure']:.6g},0,"
                     f"{inc[c]:.6f},{ish[c]:.6f},{phi[c]:.6f},{psh[c]:.6f},{reached[c]}\n")
    with open(os.path.join(out, "spend.csv"), "w") as fh:
        fh.write("channel,spend\n")
        for c, ch in enumerate(W["channels"]):
            fh.write(f"{ch['name']},{exposures[c] * ch['cost_per_exposure']:.2f}\n")
    n_events = 0
    if write:
        tsec = np.concatenate(ev_t)
        n_events = len(tsec)
        write_events(os.path.join(out, "events.csv"), tsec, np.concatenate(ev_u),
                     np.concatenate(ev_c), np.concatenate(ev_v), names, D)
    summary = {
        "people": people,
        "expected_conversions_all_paid": float(v[full]),
        "expected_conversions_no_paid": float(v[0]),
        "expected_paid_share": float((v[full] - v[0]) / v[full]),
        "sum_incremental": float(inc.sum()),
        "sum_shapley": float(phi.sum()),
        "realised_conversions": int(n_conv),
        "realised_converters": int(n_converters),
        "exposures": {names[c]: int(exposures[c]) for c in range(C)},
        "site_visit_touches": int(n_sv),
        "email_open_touches": int(n_em),
        "events_rows": int(n_events),
        "truth_method": "exact: v(S) summed over every person for all 2^C coalitions; exact Shapley enumeration",
        "seconds_total": round(time.time() - t0, 2),
        "seconds_sim_truth": round(t_sim, 2),
    }
    W["summary"] = summary
    with open(os.path.join(out, "world.json"), "w") as fh:
        json.dump(W, fh, indent=1)
    if verbose:
        print(f"{world} seed={seed} N={people}: E[conv]={v[full]:.1f} (no paid {v[0]:.1f}, "
              f"paid share {summary['expected_paid_share']:.3f}), realised={n_conv}, "
              f"events={n_events}, {summary['seconds_total']}s")
    return W, v, phi, inc


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--world", required=True, choices=WORLDS)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--people", type=int, default=100000)
    ap.add_argument("--days", type=int, default=90)
    ap.add_argument("--channels", type=int, default=10)
    ap.add_argument("--out", required=True)
    ap.add_argument("--chunk", type=int, default=10000)
    ap.add_argument("--no-events", action="store_true", help="skip writing events.csv")
    ap.add_argument("--z-shape", type=float, default=None,
                    help="override the Gamma shape of persons' fixed intent (diagnostics)")
    ap.add_argument("--world-seed", type=int, default=None,
                    help="seed of the world's channels and effects (default: --seed); with "
                         "another --seed, a new draw of the same world (replicates)")
    a = ap.parse_args()
    run(a.world, a.seed, a.people, a.days, a.channels, a.out, chunk=a.chunk,
        write=not a.no_events, z_shape=a.z_shape, world_seed=a.world_seed)


if __name__ == "__main__":
    main()
