#!/usr/bin/env python3
"""Print truth shares per world and a naive last-paid-touch (30-day lookback) share for contrast.
Usage: python3 summarize.py OUTROOT"""
import csv, json, os, sys
from datetime import datetime
root = sys.argv[1]
for w in sorted(os.listdir(root)):
    d = os.path.join(root, w)
    if not os.path.isdir(d):
        continue
    W = json.load(open(os.path.join(d, "world.json")))
    s = W["summary"]
    truth = list(csv.DictReader(open(os.path.join(d, "truth.csv"))))
    names = [t["channel"] for t in truth]
    last = {}; lt = {n: 0 for n in names}; nconv = 0
    with open(os.path.join(d, "events.csv")) as fh:
        rd = csv.reader(fh); next(rd)
        for ts, u, ev, ch, val in rd:
            if ev == "touch":
                if ch in lt:
                    last[u] = (ts, ch)
            else:
                nconv += 1
                if u in last:
                    t0 = datetime.fromisoformat(last[u][0][:-1]); t1 = datetime.fromisoformat(ts[:-1])
                    if (t1 - t0).days < 30:
                        lt[last[u][1]] += 1
    tot = sum(lt.values()) or 1
    print(f"## {w}: realised conversions {s['realised_conversions']} (converters {s['realised_converters']}), "
          f"E[conv] {s['expected_conversions_all_paid']:.1f}, E[no paid] {s['expected_conversions_no_paid']:.1f}, "
          f"paid share {s['expected_paid_share']:.3f}")
    print("| ch | role | targeting | kernel | lift | incr_share | shapley_share | naive_last_touch_share |")
    print("|---|---|---|---|---|---|---|---|")
    for t, ch in zip(truth, W["channels"]):
        k = ch["kernel"]; ks = {"exp": f"exp tau={k.get('tau')}", "flat": f"flat L={k.get('L')}",
                                "halflife": f"halflife={k.get('halflife')}"}[k["type"]]
        print(f"| {t['channel']} | {t['role']} | {ch['targeting']} | {ks} | {float(t['lift']):.3g} | "
              f"{float(t['incremental_share']):.3f} | {float(t['shapley_share']):.3f} | {lt[t['channel']] / tot:.3f} |")
    if W.get("synergy"):
        print(f"synergy pair: {names[W['synergy']['a']]} x {names[W['synergy']['b']]}, gamma={W['synergy']['gamma']}")
    print()
