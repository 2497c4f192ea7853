"""Scores a budget plan under the true response curves of a simulated world.

Usage: score.py CURVES PLAN SHIFT [--table | --plan-only]

CURVES is the simulator's curves.csv (channel,spend,exposures,incremental_conversions,
incremental_value: each channel's true value per period on a spend grid, linear between
the points, extended linearly past the last one); PLAN a plan CSV of `pathcredit budget`
(current_spend, recommended_spend, and assumed_spend for a fitted plan); SHIFT the
largest move as a fraction of today's spend. The true optimum keeps the total and the
bounds and is found greedily in 20,000 steps of the total (exact up to the step for
concave curves, which the simulator's saturating curves are). Prints the share of the
available gain (optimum minus today) that each plan leaves on the table (`--table`: as
the cells `plan | assumed |`; `--plan-only`: the plan's cell `plan |` alone).
"""

import csv
import sys
from collections import defaultdict


def main():
    curves, plan, shift = sys.argv[1], sys.argv[2], float(sys.argv[3])
    table = "--table" in sys.argv[4:]
    plan_only = "--plan-only" in sys.argv[4:]
    grid = defaultdict(list)
    for r in csv.DictReader(open(curves)):
        grid[r["channel"]].append((float(r["spend"]), float(r["incremental_value"])))

    def value(channel, x):
        pts = grid[channel]
        for (x0, y0), (x1, y1) in zip(pts, pts[1:]):
            if x0 <= x <= x1:
                return y0 + (y1 - y0) * (x - x0) / (x1 - x0)
        (x0, y0), (x1, y1) = pts[-2], pts[-1]
        return y1 + (y1 - y0) * (x - x1) / (x1 - x0)

    rows = list(csv.DictReader(open(plan)))
    today = {r["channel"]: float(r["current_spend"]) for r in rows}
    planned = {r["channel"]: float(r["recommended_spend"]) for r in rows}
    assumed = {r["channel"]: float(r["assumed_spend"]) for r in rows if r.get("assumed_spend")}
    lo = {c: s * (1 - shift) for c, s in today.items()}
    hi = {c: s * (1 + shift) for c, s in today.items()}
    x = dict(lo)
    left = sum(today.values()) - sum(lo.values())
    step = sum(today.values()) / 20000
    while left > 1e-9:
        room = [c for c in x if x[c] + step <= hi[c] + 1e-9]
        best = max(room, key=lambda c: value(c, x[c] + step) - value(c, x[c]))
        d = min(step, left)
        x[best] += d
        left -= d

    def total(a):
        return sum(value(c, a[c]) for c in a)

    gain = total(x) - total(today)

    def leaves(a):
        return (total(x) - total(a)) / gain

    if plan_only:
        print(f"{leaves(planned):.1%} |")
    elif table:
        assumed_cell = f"{leaves(assumed):.1%}" if len(assumed) == len(today) else "—"
        print(f"{leaves(planned):.1%} | {assumed_cell} |")
    else:
        print(
            f"today {total(today):.2f}, true optimum {total(x):.2f}, plan {total(planned):.2f}: "
            f"leaves {leaves(planned):.1%} of the available gain"
        )


if __name__ == "__main__":
    main()
