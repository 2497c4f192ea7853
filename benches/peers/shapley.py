#!/usr/bin/env python3
"""Side-by-side: pathcredit's Shapley models versus the Python peers on the same files.

Run through ./run.sh shapley. For each channel count it generates a path summary with
100,000 distinct paths and times, as whole processes with a time limit:

* pathcredit `--shapley-game simplified` (closed form) and `--shapley-game rate` (exact);
* mta 0.0.9 `MTA.shapley()` (the simplified counting game, by enumeration);
* do-attribution 0.0.2 `ShapleyAttribution` (an exact-set game: v(S) = conversions of
  journeys whose channel set is exactly S);
* shapley-attribution 2.1.0 `SimplifiedShapleyAttribution` (the simplified game's closed
  form, on journeys expanded one row per journey).

Shares are compared with pathcredit's simplified game (the same game for mta and
shapley-attribution; a different game for do-attribution).
"""
import argparse
import csv
import json
import os
import statistics
import subprocess
import sys
import time

PEERS = {
    "mta": r"""
import sys, json, pandas as pd
from mta import MTA
df = pd.read_csv(sys.argv[1])
m = MTA(data=df, allow_loops=True, add_timepoints=False)
m.shapley(normalize=True)
json.dump(dict(m.attribution["shapley"]), open(sys.argv[2], "w"))
""",
    "do-attribution": r"""
import sys, json, pandas as pd
from do_attribution.shapley import ShapleyAttribution
df = pd.read_csv(sys.argv[1])
# One row per journey with a 0/1 conversion, as the package requires.
paths = df["path"].repeat(df["total_conversions"].astype(int) + df["total_null"].astype(int))
conv = [1] * 0
for c, n in zip(df["total_conversions"].astype(int), df["total_null"].astype(int)):
    conv += [1] * c + [0] * n
res = ShapleyAttribution(separator=" > ").fit(paths.reset_index(drop=True), conv)
json.dump({k: float(v) for k, v in res["shapley_values"].items()}, open(sys.argv[2], "w"))
""",
    "shapley-attribution": r"""
import sys, json, pandas as pd
from shapley_attribution import SimplifiedShapleyAttribution
df = pd.read_csv(sys.argv[1])
X, y = [], []
for path, conv, nul in zip(df["path"], df["total_conversions"], df["total_null"]):
    steps = path.split(" > ")
    X += [steps] * (int(conv) + int(nul))
    y += [1] * int(conv) + [0] * int(nul)
m = SimplifiedShapleyAttribution(normalize=True).fit(X, y)
json.dump({str(k): float(v) for k, v in m.attribution_.items()}, open(sys.argv[2], "w"))
""",
}


def timed(cmd, limit):
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        proc.wait(timeout=limit)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        return None
    if proc.returncode != 0:
        sys.exit(f"{cmd[:3]} failed:\n{proc.stderr.read().decode()[-2000:]}")
    return time.perf_counter() - start


def ours_shares(path):
    with open(path) as f:
        rows = [r for r in csv.DictReader(f)]
    total = sum(float(r["conversions"]) for r in rows)
    return {r["channel"]: float(r["conversions"]) / total for r in rows}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--data", required=True)
    ap.add_argument("--channels", default="12,16,20")
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--limit", type=float, default=150.0)
    args = ap.parse_args()
    os.makedirs(args.data, exist_ok=True)
    print(f"{'ch':>3} | {'tool':<34} | {'wall':>9} | {'ratio to pathcredit simplified':>30} | max share diff")
    timed_out = set()
    for ch in (int(c) for c in args.channels.split(",")):
        paths = os.path.join(args.data, f"paths_{args.rows}_{ch}.csv")
        if not os.path.exists(paths):
            subprocess.run([args.bin, "generate-paths", "--rows", str(args.rows), "--channels", str(ch),
                            "--seed", "1", "--out", paths], check=True)
        results = {}
        for game in ["simplified", "rate"]:
            out = os.path.join(args.data, f"ours_{game}_{ch}.csv")
            walls = [timed([args.bin, "attribute", "--model", "shapley", "--shapley-game", game, "--quiet",
                            "--paths", paths, "--out", out], args.limit) for _ in range(3)]
            results[f"pathcredit shapley ({game}, exact)"] = (statistics.median(walls), ours_shares(out))
        base_wall, base = results["pathcredit shapley (simplified, exact)"]
        for name, code in PEERS.items():
            if name in timed_out:
                results[name] = (None, None)
                continue
            out = os.path.join(args.data, f"{name}_{ch}.json")
            wall = timed([sys.executable, "-c", code, paths, out], args.limit)
            shares = None
            if wall is None:
                timed_out.add(name)
            else:
                raw = json.load(open(out))
                total = sum(raw.values())
                shares = {k: v / total for k, v in raw.items()}
            results[name] = (wall, shares)
        for name, (wall, shares) in results.items():
            w = f"{wall:.2f} s" if wall is not None else f"> {args.limit:.0f} s"
            ratio = f"{wall / base_wall:.1f}×" if wall is not None else f"> {args.limit / base_wall:.0f}×"
            diff = "—"
            if name == "do-attribution" and shares:
                diff = "different game (exact-set)"
            elif shares:
                diff = f"{max(abs(base[c] - shares.get(c, 0.0)) for c in base):.2e}"
            print(f"{ch:>3} | {name:<34} | {w:>9} | {ratio:>30} | {diff}")


if __name__ == "__main__":
    main()
