"""A small event log that exercises every rule of the journey build: identity chains
tens of edges long, shared devices, self-edges, user ids on the anonymous side, session
ids, touches at a conversion's instant and exactly at the lookback boundary, session gaps
of exactly the limit, simultaneous conversions, accounts, milestones, ignored event names.
Seeded; the same files every run."""

import csv
import random
import sys
from datetime import datetime, timedelta, timezone

START = datetime(2026, 1, 1, tzinfo=timezone.utc)
CHANNELS = ["direct", "email", "display", "paid_search", "organic_search", "video"]


def stamp(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"


def main(out_dir: str, persons: int = 400, seed: int = 11) -> None:
    rng = random.Random(seed)
    events, edges = [], []
    for p in range(persons):
        user = f"u{p:04d}"
        devices = [f"d{p:04d}_{k}" for k in range(rng.randint(1, 3))]
        for d in devices:
            edges.append((d, user))
        if p % 10 == 0:
            # A chain: d -> c1 -> c2 -> ... -> user, each link an edge.
            chain = [f"c{p:04d}_{k}" for k in range(rng.randint(5, 40))]
            links = [devices[0]] + chain + [user]
            for a, b in zip(links, links[1:]):
                edges.append((a, b))
        if p % 17 == 0:
            edges.append((devices[0], f"u{(p + 1) % persons:04d}"))  # a shared device
        if p % 23 == 0:
            edges.append((user, user))  # a self-edge
        account = f"acct{p % 37:02d}" if p % 9 else ""
        t = START + timedelta(minutes=rng.randint(0, 60 * 24 * 40))
        for _ in range(rng.randint(1, 14)):
            who = rng.choice(devices + [user])
            channel = rng.choice(CHANNELS)
            session = f"s{rng.randint(0, 3)}" if rng.random() < 0.2 else ""
            events.append((stamp(t), who, "touch", channel, "", session, account))
            r = rng.random()
            if r < 0.15:
                # Converts at this instant (the touch belongs to it), sometimes twice.
                events.append((stamp(t), who, "conversion", "", f"{rng.randint(1, 500)}.5", "", account))
                if rng.random() < 0.2:
                    events.append((stamp(t), user, "conversion", "", "7", "", account))
            elif r < 0.2:
                events.append((stamp(t), who, "lead_created", "", "", "", account))
            elif r < 0.23:
                events.append((stamp(t), who, "page_view", "", "", "", account))
            elif r < 0.26:
                events.append((stamp(t + timedelta(days=30)), who, "conversion", "", "", "", account))
            elif r < 0.28:
                events.append((stamp(t + timedelta(days=3)), who, "closed_won", "", "100", "", account))
            step = rng.choice([timedelta(minutes=30), timedelta(minutes=31), timedelta(minutes=5),
                               timedelta(days=rng.randint(1, 12)), timedelta(0)])
            t = t + step
    rng.shuffle(events)
    with open(f"{out_dir}/events.csv", "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["timestamp", "user_id", "event", "channel", "value", "session_id", "account_id"])
        w.writerows(events)
    rng.shuffle(edges)
    with open(f"{out_dir}/identities.csv", "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["anonymous_id", "user_id"])
        w.writerows(edges)


if __name__ == "__main__":
    main(sys.argv[1])
