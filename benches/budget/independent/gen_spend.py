#!/usr/bin/env python3
"""Independent simulator of marketing worlds with exactly known spend response.

Model (see README.md for the plain-words version)
-------------------------------------------------
Time is measured in days since the study start (a Monday).  Person i has a
baseline purchase hazard h_i (per day) times a calendar factor season(t).
Each paid channel c buys, in week w with spend x_cw, an expected number of
exposures F_c(a_ic, x_cw) for person i (a_ic = the person's affinity /
audience membership for the channel; F_c concave non-decreasing in x).  Those
bought exposures are delivered over the same and later weeks with weights
delta_c(j).  Within a week, delivered exposures form a Poisson process with a
day-of-week and hour-of-day profile.  An exposure at time s adds
beta_c * k_c(t - s) to the hazard for t > s, where k_c is a probability
density (exponential or Erlang-2), so beta_c is the total extra hazard one
exposure carries.

Conversions: each person has "windows" (the whole study for one-time
purchase worlds, each week for repeat-purchase worlds).  In each window the
person converts at most once, at the first event of a Poisson process with
the hazard above (conditional on exposures).  Hence, given the population,

  P(convert in window k) = 1 - E[exp(-M_ik)],
  M_ik = h_i * B_k + sum over exposures e of beta_c * (K_c(end_k - s_e) - K_c(start_k - s_e))

and because exposures are Poisson, E[exp(-sum)] factorises:

  log E[exp(-M_ik)] = -h_i B_k - sum_c sum_w lambda_icw * Psi_c[w, k]
  Psi_c[w, k] = sum_{day d in w} dow_c(d) * E_tod[1 - exp(-beta_c * mass_c(d + u, k))]

(E_tod = expectation over the time of day of the exposure, done by quadrature
with 12 points per hour).  Every expectation in curves.csv and truth.csv is
computed from this closed form (conditional on the realised population of
people, their affinities and intents); only the time-of-day integral is a
quadrature.
"""
import argparse
import datetime as dt
import json
import math
import os
import sys

import numpy as np

PAID_TEMPLATES = [
    # name, base weekly spend, form, form params, beta, kernel mean days,
    # targeting exponent on intent, affinity gamma shape, device preference
    dict(name="search", spend=40000.0, form="share", Q=0.30, Xr=1.0, beta=0.0040, theta=3.0,
         target=1.0, shape=1.5, hours="day"),
    dict(name="social", spend=30000.0, form="freqcap", cap=2.0, Xr=9.0, beta=0.0015, theta=4.0,
         target=0.2, shape=0.8, hours="evening"),
    dict(name="display", spend=25000.0, form="log", k=0.20, Xr=0.5, beta=0.0008, theta=2.0,
         target=0.0, shape=1.0, hours="day"),
    dict(name="video", spend=20000.0, form="mm", k=0.30, Xr=1.0, beta=0.0020, theta=6.0,
         target=0.0, shape=1.2, hours="evening"),
    dict(name="tv_online", spend=35000.0, form="power", k=0.12, p=0.6, beta=0.0030, theta=10.0,
         target=0.0, shape=2.0, hours="prime"),
    dict(name="affiliate", spend=10000.0, form="freqcap", cap=1.0, Xr=9.0, beta=0.0010, theta=2.0,
         target=0.8, shape=1.0, hours="day"),
    dict(name="email", spend=3000.0, form="list", cap=1.0, Xr=1.0, beta=0.0015, theta=2.0,
         target=0.0, shape=3.0, hours="morning", members="intent", member_rate=0.30),
    dict(name="push", spend=2000.0, form="list", cap=1.0, Xr=0.8, beta=0.0010, theta=1.0,
         target=0.0, shape=3.0, hours="evening", members="random", member_rate=0.20),
]
NONPAID = ["organic_search", "direct"]
WORLDS = ["steady", "seasonal", "lagged", "mixed_quality"]


def hour_profile(kind):
    h = np.arange(24)
    base = {
        "day": 0.2 + np.exp(-0.5 * ((h - 13.0) / 4.0) ** 2),
        "evening": 0.15 + np.exp(-0.5 * ((h - 20.0) / 2.5) ** 2) + 0.4 * np.exp(-0.5 * ((h - 12.5) / 2.0) ** 2),
        "prime": 0.05 + np.exp(-0.5 * ((h - 21.0) / 1.8) ** 2),
        "morning": 0.1 + np.exp(-0.5 * ((h - 8.0) / 1.5) ** 2) + 0.3 * np.exp(-0.5 * ((h - 18.0) / 2.0) ** 2),
        "conv": 0.1 + np.exp(-0.5 * ((h - 14.0) / 4.5) ** 2) + 0.6 * np.exp(-0.5 * ((h - 21.0) / 1.8) ** 2),
    }[kind]
    base[:6] *= 0.35  # night
    return base / base.sum()


def stable_seed(*parts):
    s = 1469598103934665603
    for p in parts:
        for ch in str(p).encode():
            s = ((s ^ ch) * 1099511628211) % (1 << 64)
        s = ((s ^ 0xFF) * 1099511628211) % (1 << 64)
    return s


def rng_for(seed, *parts):
    return np.random.default_rng([int(seed), stable_seed(*parts) % (1 << 63)])


# ---------------------------------------------------------------- kernels
def kernel_cdf(kind, scale, tau):
    tau = np.maximum(tau, 0.0)
    if kind == "exp":
        return -np.expm1(-tau / scale)
    if kind == "erlang2":
        z = tau / scale
        return 1.0 - np.exp(-z) * (1.0 + z)
    raise ValueError(kind)


# ---------------------------------------------------------------- response forms
def bought_exposures(ch, a, x):
    """Expected exposures bought in one week per person (a: affinity array, x: spend scalar or array
    broadcastable).  All forms are concave and non-decreasing in x for each person."""
    X = ch["X"]
    f = ch["form"]
    if f == "share":          # impression share of the person's own queries: 1-exp(-x/X)
        return a * ch["Q"] * (-np.expm1(-x / X))
    if f == "freqcap":        # impressions x/X per average person, capped per person at `cap`
        return ch["cap"] * (-np.expm1(-a * x / X))
    if f == "log":            # rising CPM: impressions ~ log(1 + x/X)
        return a * ch["k"] * np.log1p(x / X)
    if f == "mm":             # reach pool fills: x/(x+X)
        return a * ch["k"] * x / (x + X)
    if f == "power":          # rising cost per reach point: (x/X)^p
        return a * ch["k"] * np.power(np.maximum(x, 0.0) / X, ch["p"])
    if f == "list":           # sends to an opt-in list, sending fatigue
        return a * ch["cap"] * (-np.expm1(-x / X))
    raise ValueError(f)


# ---------------------------------------------------------------- world definition
def world_config(name, seed, n_people, weeks, n_channels):
    if name not in WORLDS:
        raise SystemExit(f"unknown world {name}; choose from {WORLDS}")
    rs = rng_for(seed, name, "spend")
    chans = []
    for i in range(n_channels):
        t = dict(PAID_TEMPLATES[i % len(PAID_TEMPLATES)])
        if i >= len(PAID_TEMPLATES):
            t["name"] = f"{t['name']}_{i // len(PAID_TEMPLATES) + 1}"
        t["delivery"] = [1.0]
        t["kernel"] = "exp"
        t["dow"] = [1, 1, 1, 1, 1, 1.1, 1.1]
        chans.append(t)
    cfg = dict(world=name, seed=seed, people=n_people, weeks=weeks,
               start="2026-01-05", repeat=False, base_weekly_hazard=0.004,
               intent_shape=0.5, beta_mult=1.0, value_mean=55.0, value_sigma=0.6,
               organic_rate={"organic_search": 0.12, "direct": 0.08}, organic_intent_exp=0.6,
               nav_prob=0.5, conv_dow=[1, 1, 1, 1, 1.05, 1.15, 1.1])
    season = np.ones(weeks)
    for c in chans:
        c["dark_weeks"] = []

    if name == "steady":
        cfg["description"] = ("Stationary demand, one-time purchase. Weekly spend varies around a base "
                              "(lognormal, sd 0.3) with ~12% dark weeks; exposures saturate with spend "
                              "(per-channel forms); an exposure's effect decays exponentially over 1-10 days.")
        spend = np.zeros((len(chans), weeks))
        for j, c in enumerate(chans):
            mult = np.exp(rs.normal(-0.045, 0.3, weeks))
            dark = rs.random(weeks) < 0.12
            spend[j] = c["spend"] * mult * (~dark)
    elif name == "seasonal":
        cfg["start"] = "2025-09-01"
        cfg["repeat"] = True
        cfg["base_weekly_hazard"] = 0.010
        cfg["beta_mult"] = 1.5
        start = dt.date.fromisoformat(cfg["start"])
        mid = np.array([(start + dt.timedelta(days=7 * w + 3) - dt.date(2025, 12, 12)).days for w in range(weeks)])
        bf = np.array([(start + dt.timedelta(days=7 * w + 3) - dt.date(2025, 11, 28)).days for w in range(weeks)])
        season = 0.75 + 1.35 * np.exp(-0.5 * (mid / 16.0) ** 2) + 0.5 * np.exp(-0.5 * (bf / 4.0) ** 2)
        # January slump after the holidays
        season = season - 0.08 * (mid > 25)
        cfg["description"] = ("Repeat purchases (at most one per person-week). Baseline demand of everybody "
                              "follows a holiday season (peak ~2.9x the trough around Black Friday/Christmas). "
                              "Planners raise spend with demand (elasticity 0.6-1.5); video and tv_online run "
                              "only in flights during the peak weeks.")
        spend = np.zeros((len(chans), weeks))
        rel = season / season.mean()
        peak = season >= np.quantile(season, 0.65)
        for j, c in enumerate(chans):
            el = {"search": 1.2, "social": 1.0, "display": 0.8, "affiliate": 1.5, "email": 0.6,
                  "push": 0.7}.get(c["name"], 1.0)
            mult = rel ** el * np.exp(rs.normal(0, 0.15, weeks))
            if c["name"] in ("video", "tv_online"):
                mult = mult * peak * 2.2
            spend[j] = c["spend"] * mult
    elif name == "lagged":
        cfg["repeat"] = True
        cfg["base_weekly_hazard"] = 0.008
        cfg["beta_mult"] = 1.3
        cfg["description"] = ("Repeat purchases (at most one per person-week). Booked exposures are delivered "
                              "over the booking week and up to 3 later weeks; an exposure's effect follows an "
                              "Erlang-2 density with mean 14-42 days; spend runs in on/off flights of 2-6 weeks.")
        lag = {"search": ([1.0], 14), "social": ([0.7, 0.3], 16), "display": ([0.5, 0.3, 0.2], 14),
               "video": ([0.4, 0.3, 0.2, 0.1], 28), "tv_online": ([0.3, 0.3, 0.25, 0.15], 42),
               "affiliate": ([0.8, 0.2], 14), "email": ([1.0], 18), "push": ([1.0], 14)}
        spend = np.zeros((len(chans), weeks))
        for j, c in enumerate(chans):
            d, mean_days = lag.get(c["name"], ([1.0], 21))
            c["delivery"] = list(d)
            c["kernel"] = "erlang2"
            c["theta"] = float(mean_days)
            on = np.zeros(weeks, bool)
            w, state = 0, rs.random() < 0.7
            while w < weeks:
                ln = int(rs.integers(2, 7))
                on[w:w + ln] = state
                w += ln
                state = not state if rs.random() < 0.8 else state
            if c["name"] in ("search", "email", "push"):
                on[:] = True  # always-on channels
            spend[j] = c["spend"] * np.exp(rs.normal(-0.02, 0.2, weeks)) * on * (1.6 if c["name"] not in ("search", "email", "push") else 1.0)
    else:  # mixed_quality
        cfg["description"] = ("One-time purchase. Effect per exposure differs a lot: display (big budget) is a "
                              "placebo and affiliate is near zero while targeting high-intent people; search and "
                              "email are targeted at intent; organic_search and direct visits rise with intent "
                              "and precede most conversions.")
        cfg["organic_rate"] = {"organic_search": 0.15, "direct": 0.10}
        cfg["organic_intent_exp"] = 1.2
        cfg["nav_prob"] = 0.7
        over = {"search": dict(beta=0.0030, target=1.5),
                "social": dict(beta=0.0030),
                "display": dict(beta=0.0, spend=60000.0, target=1.0, k=0.30),
                "video": dict(beta=0.0040),
                "tv_online": dict(beta=0.0015),
                "affiliate": dict(beta=0.0001, spend=30000.0, target=1.8, cap=1.5),
                "email": dict(beta=0.0010),
                "push": dict(beta=0.0005)}
        for c in chans:
            c.update(over.get(c["name"], {}))
        spend = np.zeros((len(chans), weeks))
        for j, c in enumerate(chans):
            mult = np.exp(rs.normal(-0.06, 0.35, weeks))
            dark = rs.random(weeks) < 0.08
            spend[j] = c["spend"] * mult * (~dark)
    spend = np.round(spend, 2)
    for j, c in enumerate(chans):
        c["beta"] = float(c["beta"]) * cfg["beta_mult"]
        c["X"] = float(c.get("Xr", 1.0)) * c["spend"] if c["form"] != "power" else c["spend"]
    cfg["season"] = season.tolist()
    cfg["channels"] = chans
    return cfg, spend


# ---------------------------------------------------------------- population
class World:
    def __init__(self, cfg, spend):
        self.cfg = cfg
        self.spend = spend
        self.C = len(cfg["channels"])
        self.W = cfg["weeks"]
        self.D = 7 * self.W
        self.N = cfg["people"]
        seed, name = cfg["seed"], cfg["world"]
        rp = rng_for(seed, name, "population")
        N = self.N
        intent = rp.gamma(cfg["intent_shape"], 1.0 / cfg["intent_shape"], N)
        self.intent = intent
        self.h = intent * cfg["base_weekly_hazard"] / 7.0  # per day
        A = np.zeros((N, self.C))
        rel = intent / intent.mean()
        for j, c in enumerate(cfg["channels"]):
            g = rp.gamma(c["shape"], 1.0 / c["shape"], N)
            a = g * rel ** c.get("target", 0.0)
            if c["form"] == "list":
                if c.get("members") == "intent":
                    p = np.clip(c["member_rate"] * rel ** 0.5, 0, 0.95)
                else:
                    p = np.full(N, c["member_rate"])
                a = a * (rp.random(N) < p)
            if c["form"] == "list":
                a = np.where(a > 0, a / max(a[a > 0].mean(), 1e-12), 0.0)  # mean over members = 1
            else:
                a = a / max(a.mean(), 1e-12)
            A[:, j] = a
        self.A = A
        # devices
        ndev = rp.choice([1, 2, 3], size=N, p=[0.55, 0.30, 0.15])
        self.ndev = ndev
        self.dev_offset = np.concatenate([[0], np.cumsum(ndev)])
        nd = int(ndev.sum())
        ids = rp.choice(16 ** 10, size=nd, replace=False) if nd < 5_000_000 else rp.integers(0, 16 ** 10, nd)
        self.device_ids = np.array([f"d{v:010x}" for v in ids])
        self.person_ids = np.array([f"p{i:07d}" for i in range(N)])
        # calendar
        season = np.asarray(cfg["season"])
        conv_dow = np.asarray(cfg["conv_dow"], float)
        self.day_season = np.repeat(season, 7) * np.tile(conv_dow / conv_dow.mean(), self.W)
        hp = hour_profile("conv")
        hourly = (self.day_season[:, None] * hp[None, :]).ravel()
        self.G = np.concatenate([[0.0], np.cumsum(hourly)])  # baseline mass (units of h) to hour boundary
        if cfg["repeat"]:
            self.windows = [(7.0 * w, 7.0 * (w + 1)) for w in range(self.W)]
        else:
            self.windows = [(0.0, float(self.D))]
        self.K = len(self.windows)
        self.B = np.array([self.day_season[int(s):int(e)].sum() for s, e in self.windows])
        self._psi = [self._make_psi(c) for c in cfg["channels"]]

    # ---- expectation machinery
    def _make_psi(self, c):
        """Psi[w, k]: sum over days of week w of dow share * E_tod[1 - exp(-beta*mass(t,k))]."""
        hp = hour_profile(c["hours"])
        sub = 12
        u = ((np.arange(24)[:, None] + (np.arange(sub)[None, :] + 0.5) / sub) / 24.0).ravel()
        wu = np.repeat(hp / sub, sub)
        dow = np.asarray(c["dow"], float)
        dow = dow / dow.sum()
        psi = np.zeros((self.W, self.K))
        if c["beta"] == 0.0:
            return psi
        for d in range(self.D):
            t = d + u
            for k, (s, e) in enumerate(self.windows):
                if s >= d + 1 + 1e-9 and kernel_cdf(c["kernel"], c["theta"], s - d - 1.0) > 1 - 1e-13:
                    continue
                if d >= e:
                    continue
                mass = kernel_cdf(c["kernel"], c["theta"], e - t) - kernel_cdf(c["kernel"], c["theta"], s - t)
                psi[d // 7, k] += dow[d % 7] * np.dot(wu, -np.expm1(-c["beta"] * mass))
        return psi

    def delivered(self, j, spend_row):
        """lambda[i, w]: expected delivered exposures of channel j for each person and week."""
        c = self.cfg["channels"][j]
        bought = bought_exposures(c, self.A[:, j][:, None], np.asarray(spend_row)[None, :])  # N x W
        lam = np.zeros_like(bought)
        for lagw, dlt in enumerate(c["delivery"]):
            if lagw == 0:
                lam += dlt * bought
            else:
                lam[:, lagw:] += dlt * bought[:, :-lagw]
        return lam

    def contrib(self, j, spend_row):
        """C[i, k] = sum_w lambda[i, w] * Psi[w, k] (the channel's term in -log E survival)."""
        return self.delivered(j, spend_row) @ self._psi[j]

    def base_term(self):
        return self.h[:, None] * self.B[None, :]

    def expected_conversions(self, spend=None):
        spend = self.spend if spend is None else spend
        L = self.base_term().copy()
        for j in range(self.C):
            L += self.contrib(j, spend[j])
        return float(np.sum(-np.expm1(-L)))

    def curves(self, npts=61):
        rows = []
        W = self.W
        full = [self.contrib(j, self.spend[j]) for j in range(self.C)]
        total = self.base_term() + sum(full)
        for j, c in enumerate(self.cfg["channels"]):
            m = float(self.spend[j].mean())
            rest = total - full[j]
            surv_rest = np.exp(-rest)
            # lambda for constant x in every week: F(a, x) * dsum[w]
            dsum = np.zeros(W)
            for lagw, dlt in enumerate(c["delivery"]):
                dsum[lagw:] += dlt
            vec = dsum @ self._psi[j]  # K
            for p in range(npts):
                x = 3.0 * m * p / (npts - 1)
                F = bought_exposures(c, self.A[:, j], x)  # N
                inc = float(np.sum(surv_rest * -np.expm1(-F[:, None] * vec[None, :]))) / W
                expo = float(F.sum() * dsum.sum()) / W
                rows.append((c["name"], x, expo, inc, inc * self.cfg["value_mean"]))
        return rows

    def truth(self):
        C = self.C
        full = [self.contrib(j, self.spend[j]) for j in range(C)]
        base = self.base_term()
        # value of every coalition by Gray code walk
        v = np.zeros(1 << C)
        L = base.copy()
        cur = 0
        v[0] = float(np.sum(-np.expm1(-L)))
        for g in range(1, 1 << C):
            gray = g ^ (g >> 1)
            bit = (gray ^ cur).bit_length() - 1
            if gray & (1 << bit):
                L += full[bit]
            else:
                L -= full[bit]
            cur = gray
            v[gray] = float(np.sum(-np.expm1(-L)))
        allm = (1 << C) - 1
        fact = [math.factorial(k) for k in range(C + 1)]
        shap = np.zeros(C)
        for S in range(1 << C):
            s = bin(S).count("1")
            for j in range(C):
                if not S & (1 << j):
                    shap[j] += fact[s] * fact[C - s - 1] / fact[C] * (v[S | (1 << j)] - v[S])
        inc = np.array([v[allm] - v[allm ^ (1 << j)] for j in range(C)])
        return v, inc, shap

    # ---- simulation
    def simulate(self, spend=None, rep=0, want_events=True):
        """Returns dict with exposures (person, channel, time), conversions (person, time) and per-person counts.
        Random streams: one per channel for exposures, one for thresholds, so that changing one channel's
        spend leaves every other channel's exposures and the thresholds unchanged (common random numbers)."""
        cfg = self.cfg
        spend = self.spend if spend is None else spend
        seed, name = cfg["seed"], cfg["world"]
        P, CH, T = [], [], []
        for j, c in enumerate(cfg["channels"]):
            r = rng_for(seed, name, "exposures", c["name"], rep)
            lam = self.delivered(j, spend[j])  # N x W
            n = r.poisson(lam)
            tot = int(n.sum())
            flat = np.repeat(np.arange(lam.size), n.ravel())
            person = flat // self.W
            week = flat % self.W
            dow = np.asarray(c["dow"], float)
            day = r.choice(7, size=tot, p=dow / dow.sum())
            hour = r.choice(24, size=tot, p=hour_profile(c["hours"]))
            t = week * 7 + day + (hour + r.random(tot)) / 24.0
            P.append(person); CH.append(np.full(tot, j)); T.append(t)
        P = np.concatenate(P); CH = np.concatenate(CH); T = np.concatenate(T)
        order = np.lexsort((T, P))
        P, CH, T = P[order], CH[order], T[order]
        betas = np.array([c["beta"] for c in cfg["channels"]])
        kinds = [c["kernel"] for c in cfg["channels"]]
        thetas = np.array([c["theta"] for c in cfg["channels"]])

        isexp = np.array([k == "exp" for k in kinds])

        def cdf(ch_idx, tau):
            z = np.maximum(tau, 0.0) / thetas[ch_idx]
            ez = np.exp(-z)
            return np.where(isexp[ch_idx], 1.0 - ez, 1.0 - ez * (1.0 + z))

        # total mass per (person, window)
        K = self.K
        M = self.base_term().copy().ravel()
        if cfg["repeat"]:
            wk = np.minimum((T // 7).astype(int), self.W - 1)
            for off in range(self.W):
                k = wk + off
                ok = k < self.W
                if not ok.any():
                    break
                s = 7.0 * k[ok]
                mass = betas[CH[ok]] * (cdf(CH[ok], s + 7.0 - T[ok]) - cdf(CH[ok], s - T[ok]))
                M += np.bincount(P[ok] * K + k[ok], weights=mass, minlength=self.N * K)
        else:
            mass = betas[CH] * cdf(CH, float(self.D) - T)
            M += np.bincount(P, weights=mass, minlength=self.N)
        rt = rng_for(seed, name, "thresholds", rep)
        E = rt.exponential(1.0, self.N * K)
        conv = np.flatnonzero(E < M)
        cp = conv // K
        ck = conv % K
        # invert the cumulative hazard for the conversion time (vectorised bisection)
        starts = np.array([w[0] for w in self.windows])[ck]
        ends = np.array([w[1] for w in self.windows])[ck]
        ptr = np.searchsorted(P, np.arange(self.N + 1))
        cnt = ptr[cp + 1] - ptr[cp]
        grp = np.repeat(np.arange(conv.size), cnt)
        idx = np.repeat(ptr[cp], cnt) + (np.arange(cnt.sum()) - np.repeat(np.cumsum(cnt) - cnt, cnt))
        eT, eC = T[idx], CH[idx]
        eb = betas[eC]
        s_g = starts[grp]
        pre = eb * cdf(eC, s_g - eT)

        def Gt(t):
            hi = t * 24.0
            i0 = np.clip(np.floor(hi).astype(int), 0, self.G.size - 2)
            return self.G[i0] + (self.G[i0 + 1] - self.G[i0]) * (hi - i0)

        h_c = self.h[cp]
        G0 = Gt(starts)
        lo, hi = starts.copy(), ends.copy()
        target = E[conv]
        for _ in range(40):
            mid = 0.5 * (lo + hi)
            Hm = h_c * (Gt(mid) - G0)
            if grp.size:
                ad = eb * cdf(eC, mid[grp] - eT) - pre
                Hm = Hm + np.bincount(grp, weights=np.maximum(ad, 0.0), minlength=conv.size)
            up = Hm >= target
            hi = np.where(up, mid, hi)
            lo = np.where(up, lo, mid)
        ct = 0.5 * (lo + hi)
        conv_count = np.bincount(cp, minlength=self.N)
        return dict(P=P, CH=CH, T=T, conv_person=cp, conv_time=ct, conv_count=conv_count, M=M)

    def organic(self, sim):
        """Non-paid touches: intent-driven organic_search/direct visits and navigation visits just before
        conversions.  They have no causal effect on conversion."""
        cfg = self.cfg
        r = rng_for(cfg["seed"], cfg["world"], "organic")
        rel = self.intent / self.intent.mean()
        season = np.asarray(cfg["season"])
        P, CH, T = [], [], []
        for q, nm in enumerate(NONPAID):
            lam = cfg["organic_rate"][nm] * rel[:, None] ** cfg["organic_intent_exp"] * season[None, :]
            n = r.poisson(lam)
            flat = np.repeat(np.arange(lam.size), n.ravel())
            tot = flat.size
            hour = r.choice(24, size=tot, p=hour_profile("day"))
            t = (flat % self.W) * 7 + r.integers(0, 7, tot) + (hour + r.random(tot)) / 24.0
            P.append(flat // self.W); CH.append(np.full(tot, self.C + q)); T.append(t)
        cp, ct = sim["conv_person"], sim["conv_time"]
        nav = r.random(cp.size) < cfg["nav_prob"]
        which = r.integers(0, 2, cp.size)
        gap = r.uniform(1.0, 20.0, cp.size) / 1440.0
        P.append(cp[nav]); CH.append(self.C + which[nav]); T.append(np.maximum(ct[nav] - gap[nav], 0.0))
        return np.concatenate(P), np.concatenate(CH), np.concatenate(T)


# ---------------------------------------------------------------- output
def ts_strings(start, t_days):
    base = np.datetime64(start + "T00:00:00", "s")
    secs = np.floor(np.asarray(t_days) * 86400.0).astype("int64")
    return np.char.add(np.datetime_as_string(base + secs.astype("timedelta64[s]"), unit="s"), "Z")


def write_all(world, out):
    os.makedirs(out, exist_ok=True)
    cfg = world.cfg
    C, W = world.C, world.W
    names = [c["name"] for c in cfg["channels"]] + NONPAID
    sim = world.simulate()
    oP, oCH, oT = world.organic(sim)
    r = rng_for(cfg["seed"], cfg["world"], "logging")
    # events table
    tP = np.concatenate([sim["P"], oP])
    tCH = np.concatenate([sim["CH"], oCH])
    tT = np.concatenate([sim["T"], oT])
    cp, ct = sim["conv_person"], sim["conv_time"]
    sig = cfg["value_sigma"]
    vals = r.lognormal(math.log(cfg["value_mean"]) - sig * sig / 2, sig, cp.size)
    vals = np.maximum(np.round(vals, 2), 0.01)
    allP = np.concatenate([tP, cp])
    allT = np.concatenate([tT, ct])
    isconv = np.concatenate([np.zeros(tP.size, bool), np.ones(cp.size, bool)])
    chan = np.concatenate([tCH, np.full(cp.size, -1)])
    # device: person's devices; channel preference = mobile (device 0) for social/push, else uniform
    nd = world.ndev[allP]
    u = r.random(allP.size)
    dev = np.floor(u * nd).astype(int)
    mob = np.isin(chan, [j for j, c in enumerate(cfg["channels"]) if c["name"].split("_")[0] in ("social", "push")])
    dev = np.where(mob & (r.random(allP.size) < 0.7), 0, dev)
    devid = world.device_ids[world.dev_offset[allP] + dev]
    order = np.lexsort((allP, allT))
    tsv = ts_strings(cfg["start"], allT[order])
    chan_names = np.array(names + [""])
    chs = chan_names[chan[order]]
    evs = np.where(isconv[order], "conversion", "touch")
    valstr = np.array([""] * tP.size + [f"{x:.2f}" for x in vals], dtype=object)[order]
    dv = devid[order]
    with open(os.path.join(out, "events.csv"), "w") as f:
        f.write("timestamp,user_id,event,channel,value\n")
        f.write("".join(f"{a},{b},{c},{d},{e}\n" for a, b, c, d, e in zip(tsv.tolist(), dv.tolist(), evs.tolist(), chs.tolist(), valstr.tolist())))
    with open(os.path.join(out, "identities.csv"), "w") as f:
        f.write("anonymous_id,user_id\n")
        owner = np.repeat(world.person_ids, world.ndev)
        f.write("".join(f"{a},{b}\n" for a, b in zip(world.device_ids.tolist(), owner.tolist())))
    start = dt.date.fromisoformat(cfg["start"])
    with open(os.path.join(out, "spend.csv"), "w") as f:
        f.write("channel,period,spend\n")
        for j, c in enumerate(cfg["channels"]):
            for w in range(W):
                f.write(f"{c['name']},{(start + dt.timedelta(days=7 * w)).isoformat()},{world.spend[j, w]:.2f}\n")
    curves = world.curves()
    with open(os.path.join(out, "curves.csv"), "w") as f:
        f.write("channel,spend,exposures,incremental_conversions,incremental_value\n")
        for nm, x, e, ic, iv in curves:
            f.write(f"{nm},{x:.6f},{e:.6f},{ic:.6f},{iv:.6f}\n")
    v, inc, shap = world.truth()
    exposed = np.zeros(C, int)
    for j in range(C):
        exposed[j] = np.unique(sim["P"][sim["CH"] == j]).size
    pos = np.maximum(inc, 0)
    inc_share = inc / inc.sum() if inc.sum() > 0 else np.zeros(C)
    sh_share = shap / shap.sum() if shap.sum() > 0 else np.zeros(C)
    with open(os.path.join(out, "truth.csv"), "w") as f:
        f.write("channel,role,lift,upstream,incremental_conversions,incremental_share,shapley_conversions,shapley_share,people\n")
        for j, c in enumerate(cfg["channels"]):
            f.write(f"{c['name']},direct,{c['beta']:.6f},0,{clean(inc[j])},{clean(inc_share[j])},{clean(shap[j])},{clean(sh_share[j])},{exposed[j]}\n")
    touches = {nm: int(np.sum(tCH == q)) for q, nm in enumerate(names)}
    summary = dict(
        people=world.N, devices=int(world.ndev.sum()), events=int(allP.size), touches=touches,
        conversions_realised=int(cp.size), converters_realised=int(np.unique(cp).size),
        value_realised=float(vals.sum()),
        expected_conversions_all=float(v[-1]), expected_conversions_no_paid=float(v[0]),
        paid_incremental_share_of_conversions=float((v[-1] - v[0]) / v[-1]),
        spend_total={c["name"]: float(world.spend[j].sum()) for j, c in enumerate(cfg["channels"])},
        mean_weekly_spend={c["name"]: float(world.spend[j].mean()) for j, c in enumerate(cfg["channels"])},
        incremental_conversions=dict(zip([c["name"] for c in cfg["channels"]], inc.tolist())),
        shapley_conversions=dict(zip([c["name"] for c in cfg["channels"]], shap.tolist())),
    )
    meta = dict(cfg)
    meta["purchase"] = "repeat (at most one conversion per person per week)" if cfg["repeat"] else "one-time (at most one conversion per person in the study)"
    meta["nonpaid_channels"] = NONPAID
    meta["formulas"] = FORMULAS
    meta["summary"] = summary
    with open(os.path.join(out, "world.json"), "w") as f:
        json.dump(meta, f, indent=1, default=float)
    return meta


def clean(v):
    return f"{0.0 if abs(v) < 5e-7 else v:.6f}"


FORMULAS = {
    "bought exposures per person-week F_c(a, x) (x = weekly spend, a = person's affinity, X = scale)": {
        "share (search)": "a * Q * (1 - exp(-x/X))  [impression share of the person's own queries]",
        "freqcap (social, affiliate)": "cap * (1 - exp(-a*x/X))  [per-person frequency cap, audience runs dry]",
        "log (display)": "a * k * log(1 + x/X)  [cost per impression rises with spend]",
        "mm (video)": "a * k * x/(x+X)  [finite reachable inventory]",
        "power (tv_online)": "a * k * (x/X)^p, p=0.6  [rising cost per reach point]",
        "list (email, push)": "member * a * cap * (1 - exp(-x/X))  [sends to an opt-in list, fatigue]",
    },
    "delivery": "lambda[i,w] = sum_j delivery[j] * F_c(a_ic, x_c,w-j)  (spend before the study = 0)",
    "hazard": "h_i*season(t) + sum_exposures beta_c * k_c(t - s_e); k_c exponential(mean theta) or Erlang-2(mean theta)",
    "conversion": "at most one conversion per window (study for one-time, week for repeat): P = 1 - E exp(-cumulative hazard in window)",
    "expectation": "log E[survival_ik] = -h_i*B_k - sum_c sum_w lambda[i,c,w] * Psi_c[w,k]; Psi by 12-point-per-hour quadrature over time of day",
    "curves": "g_c(x) = (1/W) * sum_ik exp(-rest_ik) * (1 - exp(-F_c(a_ic,x) * sum_w D_c[w] Psi_c[w,k])), D_c = cumulative delivery weights",
    "value": "iid lognormal with mean value_mean; incremental_value = incremental_conversions * value_mean",
}


def build(world, seed, people, weeks=26, channels=8, override=None):
    cfg, spend = world_config(world, seed, people, weeks, channels)
    for c in cfg["channels"]:
        for key in ("*", c["name"]):
            c.update((override or {}).get(key, {}))
    if override:
        cfg["override"] = override
    return World(cfg, spend)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--world", required=True, choices=WORLDS)
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--people", type=int, required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--weeks", type=int, default=26)
    ap.add_argument("--channels", type=int, default=8)
    ap.add_argument("--override", default=None,
                    help='JSON of channel settings to change, by channel name or "*" for every '
                         'channel, e.g. \'{"search": {"target": 0.0}}\' (a variant of a world '
                         'with all else, seed included, unchanged)')
    a = ap.parse_args(argv)
    w = build(a.world, a.seed, a.people, a.weeks, a.channels, json.loads(a.override) if a.override else None)
    meta = write_all(w, a.out)
    s = meta["summary"]
    print(f"{a.world} seed={a.seed} people={a.people}: events={s['events']} conversions={s['conversions_realised']} "
          f"expected={s['expected_conversions_all']:.1f} paid share={s['paid_incremental_share_of_conversions']:.3f}",
          file=sys.stderr)


if __name__ == "__main__":
    main()
