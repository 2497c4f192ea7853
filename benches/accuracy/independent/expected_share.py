"""What a hazard-share model estimates, against the world's Shapley truth.

For each simulated person and day, a channel's share of the hazard, x_c(t) / h(t), times
the probability of the first conversion on that day, S(t-1) (1 - exp(-h(t))), summed over
people and days: the expected credit of a model that credits each conversion by the
channels' shares of the hazard at that moment (as `self_controlled` does). Printed as
shares beside the exact Shapley truth of the same draw, with their total variation
distance. A diagnostic: when it is near 0, a model's distance to the truth is its
estimate's error, not a different estimand.

Additive-hazard worlds only (there a channel's share of the hazard is x_c / h).

Usage: python expected_share.py WORLD WORLD_SEED PEOPLE [Z_SHAPE]
"""
import sys

import numpy as np

import gen


def main():
    world, seed, people = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    W = gen.make_world(world, 10, 90, seed)
    if len(sys.argv) > 4:
        W["z_shape"] = float(sys.argv[4])
    rng = np.random.default_rng(5)
    C = W["channels_n"]
    values = np.zeros(2 ** C)
    credit = np.zeros(C)
    for _ in range(max(1, people // 10000)):
        sim = gen.simulate_chunk(W, 10000, rng)
        values += gen.coalition_values_chunk(W, sim)
        h = gen.hazard_full(W, sim)
        survival = np.exp(-(np.cumsum(h, 1) - h))
        first = survival * -np.expm1(-h)
        credit += (first[:, None, :] * sim["x"] / h[:, None, :]).sum((0, 2))
    truth = gen.shapley_from_values(values)
    truth, credit = truth / truth.sum(), credit / credit.sum()
    print("total variation %.4f" % (0.5 * np.abs(credit - truth).sum()))
    for c in range(C):
        print("%s %.4f %.4f" % (W["channels"][c]["name"], credit[c], truth[c]))


if __name__ == "__main__":
    main()
