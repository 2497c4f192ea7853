#!/usr/bin/env python3
"""Generate pathcredit's small sample data (seeded, deterministic, stdlib only).

    python3 data/sample/generate.py            # rewrites data/sample/{journeys,paths}.csv

A B2B-flavoured toy: 400 people, 7 channels, campaigns and contents per channel,
stage milestones on converting journeys. The numbers are made up to exercise every
column of the journeys format; they carry no causal truth.
"""
import csv
import os
import random
from datetime import datetime, timedelta, timezone

SEED = 20260118
PEOPLE = 400
START = datetime(2026, 1, 1, tzinfo=timezone.utc)

CHANNELS = {
    # channel: (relative frequency, campaigns, contents)
    "paid_search": (5, ["brand", "generic"], ["ad_a", "ad_b"]),
    "organic_search": (4, [""], [""]),
    "email": (3, ["newsletter", "nurture"], ["issue_1", "issue_2"]),
    "display": (3, ["retargeting", "prospecting"], ["banner_300", "banner_728"]),
    "paid_social": (3, ["spring_launch"], ["video", "carousel"]),
    "referral": (1, [""], [""]),
    "direct": (3, [""], [""]),
}
# Conversion propensity added per touch of a channel (toy numbers).
LIFT = {"paid_search": 0.08, "organic_search": 0.05, "email": 0.06, "display": 0.01,
        "paid_social": 0.03, "referral": 0.06, "direct": 0.02}


def iso(t):
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def main():
    rng = random.Random(SEED)
    names = list(CHANNELS)
    weights = [CHANNELS[c][0] for c in names]
    rows = []
    paths = {}
    for person in range(1, PEOPLE + 1):
        n = min(1 + int(rng.expovariate(1 / 2.2)), 9)
        t = START + timedelta(days=rng.uniform(0, 40))
        touches = []
        for _ in range(n):
            channel = rng.choices(names, weights)[0]
            _, campaigns, contents = CHANNELS[channel]
            touches.append((t, channel, rng.choice(campaigns), rng.choice(contents)))
            t += timedelta(hours=rng.expovariate(1 / 60))
        p = 0.05 + sum(LIFT[c] for _, c, _, _ in touches)
        converted = rng.random() < min(p, 0.9)
        conversion_time = touches[-1][0] + timedelta(hours=rng.uniform(0.1, 48))
        value = round(rng.lognormvariate(7.5, 0.6), 2) if converted else None
        milestones = [""] * n
        if converted and n >= 3:
            milestones[n // 3] = "lead_created"
            milestones[(2 * n) // 3] = "opportunity_created"
            milestones[-1] = "closed_won" if milestones[-1] == "" else milestones[-1]
        elif converted and n == 2:
            milestones[1] = "lead_created"
        jid = f"j{person:04d}"
        for (tt, channel, campaign, content), m in zip(touches, milestones):
            rows.append([
                jid, f"u{person:04d}", 1 if converted else 0,
                f"{value:.2f}" if converted else "",
                iso(conversion_time) if converted else "",
                iso(tt), channel, campaign, content, m,
            ])
        key = " > ".join(c for _, c, _, _ in touches)
        agg = paths.setdefault(key, [0, 0.0, 0])
        if converted:
            agg[0] += 1
            agg[1] += value
        else:
            agg[2] += 1

    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "journeys.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["journey_id", "user_id", "converted", "conversion_value", "conversion_time",
                    "touch_time", "channel", "campaign", "content", "milestone"])
        w.writerows(rows)
    with open(os.path.join(here, "paths.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["path", "total_conversions", "total_conversion_value", "total_null"])
        for key in sorted(paths):
            c, v, n = paths[key]
            w.writerow([key, c, f"{v:.2f}", n])


if __name__ == "__main__":
    main()
