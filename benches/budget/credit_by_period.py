"""Builds the credit-by-period tables of the aggregate route from a simulated world.

Usage: credit_by_period.py BIN EVENTS IDENTITIES SPEND OUTDIR MODELS

A user without logs has attributed conversions per channel and period from a warehouse
or another tool: each period's conversions, credited by some model over their
journeys. To give the aggregate route that table, and nothing more, the same is done
here, per period of the spend series (SPEND: channel,period,spend) and per model of
MODELS, with the pathcredit binary BIN:

* a path or rule model (markov, last_touch, ...): the journeys are built once from the
  whole log (`journeys`, with IDENTITIES, no censoring), so each keeps its touches from
  before the period; each journey belongs to the period of its conversion (a
  non-converting one to the period of its last touch), and each period's journeys are
  attributed on their own (`attribute --journeys`): the conversions and value credited
  to each channel among that period's conversions, as a report grouped by the
  conversion's period holds;
* self_controlled, which needs whole exposure logs, not journeys: each period's
  conversions are credited by a fit whose study period is that period (`--study-start`,
  `--study-end`), on the events from HISTORY_DAYS (28) before it to its end, so the
  exposures before the period still count as its conversions' history. A fit on one
  period's conversions is noisier than one on all of them: that is what credit per
  period from this model costs. Its `(baseline)` row is not a channel and is left out.

Why not the whole-data credit spread over the periods by each period's exposures: that
table is the log route's own data (exposures per period times the value of one), so
the aggregate fit would repeat the log route (the unit test
`a_series_of_exposures_times_their_value_gives_the_log_routes_plan` shows it) and say
nothing about a user who has only credit per period.

Writes OUTDIR/credit_series_MODEL.csv (channel,period,conversions,value; every channel
credited in any period has a row in every period, 0 where a period credited it
nothing). Work files go to OUTDIR/periods/.
"""

import csv
import datetime
import os
import subprocess
import sys
from collections import defaultdict

HISTORY_DAYS = 28


def day(text):
    return datetime.date.fromisoformat(text[:10])


def attribute(binary, args, out, models, credit, channels, period):
    """Runs `attribute` and files its credit under `period`."""
    subprocess.run([binary, "attribute", "--quiet", "--censor-days", "0", "--model",
                    ",".join(models), "--out", out, *args], check=True)
    for r in csv.DictReader(open(out)):
        if r["model"] in credit and r["channel"] != "(baseline)":
            credit[r["model"]][(r["channel"], period)] = (float(r["conversions"]),
                                                          float(r["value"] or 0))
            channels[r["model"]].add(r["channel"])


def main():
    binary, events, identities, spend, outdir, models = sys.argv[1:7]
    models = models.split(",")
    periods = sorted({r["period"] for r in csv.DictReader(open(spend))})
    first = day(periods[0])
    step = (day(periods[1]) - first).days
    index = lambda d: (d - first).days // step  # noqa: E731
    work = os.path.join(outdir, "periods")
    os.makedirs(work, exist_ok=True)
    credit = {m: defaultdict(lambda: (0.0, 0.0)) for m in models}
    channels = {m: set() for m in models}
    paths = [m for m in models if m != "self_controlled"]
    if paths:
        journeys = os.path.join(work, "journeys.csv")
        subprocess.run([binary, "journeys", "--quiet", "--events", events, "--identities",
                        identities, "--censor-days", "0", "--journeys-out", journeys],
                       check=True)
        rows = defaultdict(list)
        with open(journeys, newline="") as f:
            reader = csv.reader(f)
            header = next(reader)
            jid, conv, touch = (header.index(c) for c in
                                ("journey_id", "conversion_time", "touch_time"))
            for row in reader:
                rows[row[jid]].append(row)
        outs = [open(os.path.join(work, f"{p}_journeys.csv"), "w", newline="")
                for p in periods]
        writers = [csv.writer(o) for o in outs]
        for w in writers:
            w.writerow(header)
        for touches in rows.values():
            when = touches[0][conv] or max(t[touch] for t in touches)
            i = index(day(when))
            if 0 <= i < len(periods):
                writers[i].writerows(touches)
        for o in outs:
            o.close()
        for p in periods:
            attribute(binary, ["--journeys", os.path.join(work, f"{p}_journeys.csv")],
                      os.path.join(work, f"{p}_credit.csv"), paths, credit, channels, p)
    if "self_controlled" in models:
        with open(events, newline="") as f:
            reader = csv.reader(f)
            header = next(reader)
            at = header.index("timestamp")
            outs = [open(os.path.join(work, f"{p}_events.csv"), "w", newline="")
                    for p in periods]
            writers = [csv.writer(o) for o in outs]
            for w in writers:
                w.writerow(header)
            for row in reader:
                d = day(row[at])
                # The event's own period and the periods whose history it is.
                for i in range(index(d), index(d + datetime.timedelta(HISTORY_DAYS)) + 1):
                    if 0 <= i < len(periods):
                        writers[i].writerow(row)
            for o in outs:
                o.close()
        for i, p in enumerate(periods):
            start = day(p)
            end = start + datetime.timedelta(step)
            attribute(binary, ["--events", os.path.join(work, f"{p}_events.csv"),
                               "--identities", identities, "--study-start",
                               f"{start}T00:00:00Z", "--study-end",
                               f"{end - datetime.timedelta(days=1)}T23:59:59Z"],
                      os.path.join(work, f"{p}_sc_credit.csv"), ["self_controlled"],
                      credit, channels, p)
    for m in models:
        with open(os.path.join(outdir, f"credit_series_{m}.csv"), "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(["channel", "period", "conversions", "value"])
            for c in sorted(channels[m]):
                for p in periods:
                    n, v = credit[m][(c, p)]
                    w.writerow([c, p, f"{n:.6f}", f"{v:.6f}"])


if __name__ == "__main__":
    main()
