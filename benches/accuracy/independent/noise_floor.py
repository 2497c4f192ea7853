"""How close any estimator of its kind can come to the truth at a given size.

Three estimators of each channel's share of the ad-driven conversions on one draw of an
additive single-conversion world, every one told the true lag shapes (the world's own
kernels k_c), so that only the amplitudes a_c are estimated. What is left is sampling
error (and, where stated, the bias of the design), not a modelling choice:

* ``true coefficients``: no estimation at all; each conversion credited by the channels'
  true shares of its relative hazard. What the realised conversions alone cost.
* ``self-controlled``: the conditional likelihood of the self-controlled case series
  (Farrington 1995, Biometrics 51:228) over the converters' timelines,
  ``sum_i log(1 + b.X_i(t_i)) - log sum_t (1 + b.X_i(t))``, ``b >= 0``: each person
  their own control, as pathcredit's ``self_controlled`` model; 10 parameters instead
  of its bins. Its distance is the floor of that design at this size.
* ``depletion-aware``: the self-controlled timing with each converter's survival to the
  conversion day kept, integrated over gamma-distributed propensities (shape k, scale
  theta; here the world's own, ``z_shape`` and ``b0 / z_shape``): per converter
  ``log r(t) - (k+1) log(1 + theta R(t-1)) - log(1 - (1 + theta R(D))^-k)`` with
  ``r = 1 + b.X`` and ``R`` its running sum (the gamma frailty's Laplace transform,
  Hougaard 2000, *Analysis of Multivariate Survival Data*, ch. 7). What a correction for
  the depletion of one-time conversions could recover at best.
* ``cohort``: the full Poisson likelihood of every person's days at risk,
  ``sum_events log(b0 + a.X) - sum_at_risk (b0 + a.X)``: between-person comparisons
  too, which are valid only because exposure in this world ignores propensity.

Credit for the two estimators: a conversion at t gives channel c
``b_c X_c(t) / (1 + b.X(t))`` (``b = a / b0`` for the cohort), as ``self_controlled``
does. Distances are total variation between channel shares and the exact Shapley truth
of the same draw (``gen.shapley_from_values``).

With ``recurrent`` last, the same draw's conversions are realised as recurrent (Poisson
counts of the same daily hazard; nobody leaves after converting) and the truth is that
process's: what the one-time conversion (depletion) costs each design.

Usage: python noise_floor.py WORLD WORLD_SEED DRAW_SEED PEOPLE [Z_SHAPE [recurrent]]
(``additive_random`` or another additive single-conversion world; Z_SHAPE as
``gen.py --z-shape``).
"""
import sys

import numpy as np

import gen


def projected_newton(value, gradient_hessian, start, iterations=200):
    """Maximises a concave function over the non-negative orthant.

    Newton steps on the coordinates that are positive or whose gradient points inwards,
    halved until the value does not fall.
    """
    p = start.copy()
    for _ in range(iterations):
        g, h = gradient_hessian(p)
        free = (p > 1e-15) | (g > 0)
        step = np.zeros_like(p)
        if free.any():
            step[free] = np.linalg.solve(-h[np.ix_(free, free)], g[free])
        f0, a = value(p), 1.0
        q = p
        while a > 1e-10:
            q = np.maximum(p + a * step, 0.0)
            if np.isfinite(value(q)) and value(q) >= f0 - 1e-9:
                break
            a /= 2
        if np.abs(q - p).max() < 1e-14:
            return q
        p = q
    return p


def credit(xc, b):
    """Each conversion's relative-hazard shares ``b_c X_c / (1 + b.X)``, summed."""
    return (xc * b[None, :] / (1.0 + xc @ b)[:, None]).sum(0)


def draw(W, seed, people):
    """One draw: exposures under the true kernels at the conversions, per-person sums."""
    C, D = W["channels_n"], W["days"]
    ss = np.random.SeedSequence([seed, gen.WORLDS.index(W["world"]), 104729])
    values = np.zeros(2 ** C)
    at_conversion, over_timeline, t_conv, before = [], [], [], []
    at_risk, risk_days = np.zeros(C), 0.0
    kernels = [gen.kernel_matrix(ch["kernel"], 1.0, D) for ch in W["channels"]]
    for start in range(0, people, 10000):
        n = min(10000, people - start)
        rng = np.random.default_rng(ss.spawn(1)[0])
        sim = gen.simulate_chunk(W, n, rng)
        values += gen.coalition_values_chunk(W, sim)
        ci, ct, _ = gen.realise_conversions(W, gen.hazard_full(W, sim), rng)
        x = np.stack([sim["counts"][:, c, :].astype(float) @ kernels[c] for c in range(C)], 1)
        last = np.full(n, D - 1)
        if not W["repeat"]:
            last[ci] = ct
        risk = np.arange(D)[None, :] <= last[:, None]
        at_risk += (x * risk[:, None, :]).sum((0, 2))
        risk_days += risk.sum()
        at_conversion.append(x[ci, :, ct])
        running = np.cumsum(x[ci], 2)
        before.append(np.where(ct[:, None] > 0,
                               running[np.arange(len(ci)), :, np.maximum(ct - 1, 0)], 0.0))
        over_timeline.append(x[ci].sum(2))
        t_conv.append(ct)
    truth = gen.shapley_from_values(values)
    return (truth / truth.sum(), np.concatenate(at_conversion), np.concatenate(over_timeline),
            np.concatenate(before), np.concatenate(t_conv).astype(float), at_risk, risk_days)


def self_controlled(xc, s, days):
    def value(b):
        num, den = 1.0 + xc @ b, days + s @ b
        return np.log(num).sum() - np.log(den).sum() if (num > 0).all() else -np.inf

    def gradient_hessian(b):
        num, den = 1.0 + xc @ b, days + s @ b
        g = (xc / num[:, None]).sum(0) - (s / den[:, None]).sum(0)
        h = (np.einsum("ni,nj,n->ij", s, s, den ** -2.0)
             - np.einsum("ni,nj,n->ij", xc, xc, num ** -2.0))
        return g, h

    return projected_newton(value, gradient_hessian, np.full(xc.shape[1], 1e-3))


def depletion_aware(xc, s, before, t, days, k, theta):
    def parts(b):
        return (1.0 + xc @ b, 1.0 + theta * (t + before @ b), 1.0 + theta * (days + s @ b))

    def value(b):
        num, a, c = parts(b)
        p = 1.0 - c ** (-k)
        if (num <= 0).any() or (p <= 0).any():
            return -np.inf
        return np.log(num).sum() - (k + 1) * np.log(a).sum() - np.log(p).sum()

    def gradient(b):
        num, a, c = parts(b)
        p = 1.0 - c ** (-k)
        g = (xc / num[:, None]).sum(0) - (k + 1) * theta * (before / a[:, None]).sum(0)
        return g - ((k * theta * c ** (-k - 1) / p)[:, None] * s).sum(0)

    def gradient_hessian(b):
        g = gradient(b)
        h = np.zeros((len(b), len(b)))
        for j in range(len(b)):
            e = np.zeros(len(b))
            e[j] = 1e-6 * max(1.0, b[j])
            h[:, j] = (gradient(b + e) - g) / e[j]
        return g, 0.5 * (h + h.T)

    return projected_newton(value, gradient_hessian, np.full(xc.shape[1], 1e-3))


def cohort(xc, at_risk, risk_days):
    z = np.hstack([np.ones((len(xc), 1)), xc])
    totals = np.concatenate([[risk_days], at_risk])

    def value(p):
        mu = z @ p
        return np.log(mu).sum() - totals @ p if (mu > 0).all() else -np.inf

    def gradient_hessian(p):
        mu = z @ p
        return (z / mu[:, None]).sum(0) - totals, -np.einsum("ni,nj,n->ij", z, z, mu ** -2.0)

    start = np.concatenate([[len(xc) / risk_days], np.full(xc.shape[1], 1e-5)])
    p = projected_newton(value, gradient_hessian, start)
    return p[1:] / p[0]


def main():
    world, world_seed, seed, people = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    W = gen.make_world(world, 10, 90, world_seed)
    if W["hazard"] != "additive" or W["repeat"]:
        raise SystemExit("additive single-conversion worlds only")
    if len(sys.argv) > 5:
        W["z_shape"] = float(sys.argv[5])
    if len(sys.argv) > 6:
        if sys.argv[6] != "recurrent":
            raise SystemExit("the sixth argument, if any, is `recurrent`")
        W["repeat"] = True
    truth, xc, s, before, t, at_risk, risk_days = draw(W, seed, people)
    true_b = np.array([ch["amp"] for ch in W["channels"]]) / W["b0"]

    def tv(c):
        return 0.5 * np.abs(c / c.sum() - truth).sum()

    print(f"{world} world seed {world_seed}, draw {seed}, {people} people, z shape "
          f"{W['z_shape']}, {len(xc)} {'recurrent' if W['repeat'] else 'one-time'} conversions")
    print("  estimator          TV     shares (" + " ".join(ch["name"] for ch in W["channels"]) + ")")
    print("  truth                     " + " ".join(f"{t:.3f}" for t in truth))
    fits = [("true coefficients", credit(xc, true_b)),
            ("self-controlled", credit(xc, self_controlled(xc, s, W["days"]))),
            ("cohort", credit(xc, cohort(xc, at_risk, risk_days)))]
    if not W["repeat"]:
        k = W["z_shape"]
        b = depletion_aware(xc, s, before, t, W["days"], k, W["b0"] / k)
        fits.insert(2, ("depletion-aware", credit(xc, b)))
    for name, c in fits:
        print(f"  {name:18s} {tv(c):.3f}  " + " ".join(f"{v:.3f}" for v in c / c.sum()))


if __name__ == "__main__":
    main()
