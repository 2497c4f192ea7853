#!/usr/bin/env python3
"""Side-by-side: pathcredit's exact Markov model versus ChannelAttribution's markov_model.

Run through ./run.sh markov. For each configuration (distinct paths, channels, order) it
times both tools as whole processes on the same path summary (reading the CSV
included), alternating, and reports medians, the time ratio, and the largest
difference in channel share between pathcredit's exact solve and ChannelAttribution's
simulated estimate (both normalised to sum to 1).
"""
import argparse
import csv
import os
import statistics
import subprocess
import sys

from process import timed

PEER = r"""
import sys, pandas as pd, ChannelAttribution as ca
df = pd.read_csv(sys.argv[1])
res = ca.markov_model(df, var_path="path", var_conv="total_conversions", var_value="total_conversion_value",
                      var_null="total_null", order=int(sys.argv[2]), sep=">", ncore=int(sys.argv[4]), seed=0,
                      verbose=False)
res.to_csv(sys.argv[3], index=False)
"""


def shares(path, channel_col, conv_col, model=None):
    out = {}
    with open(path) as f:
        for r in csv.DictReader(f):
            if model is None or r.get("model") == model:
                out[r[channel_col]] = float(r[conv_col])
    total = sum(out.values())
    return {k: v / total for k, v in out.items()}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--floor", required=True, help="the csv_floor example binary")
    ap.add_argument("--data", required=True)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--configs", default="1000000:10:1,1000000:10:3,1000000:30:1,1000000:30:3")
    ap.add_argument("--peer-cores", type=int, default=2)
    args = ap.parse_args()
    os.makedirs(args.data, exist_ok=True)
    print(f"{'paths':>9} {'ch':>3} {'k':>2} | {'pathcredit wall':>15} {'peak MiB':>8} | "
          f"{'channelattr. wall':>17} {'cpu s':>7} {'peak MiB':>8} | {'ratio':>6} | "
          f"{'floor s':>7} {'x floor':>7} | max share diff")
    for config in args.configs.split(","):
        rows, channels, order = (int(x) for x in config.split(":"))
        paths = os.path.join(args.data, f"paths_{rows}_{channels}.csv")
        if not os.path.exists(paths):
            subprocess.run([args.bin, "generate-paths", "--rows", str(rows), "--channels", str(channels),
                            "--seed", "1", "--out", paths], check=True)
        ours_out = os.path.join(args.data, f"ours_{rows}_{channels}_{order}.csv")
        peer_out = os.path.join(args.data, f"peer_{rows}_{channels}_{order}.csv")
        ours = [args.bin, "attribute", "--model", "markov", "--markov-order", str(order), "--quiet",
                "--paths", paths, "--out", ours_out]
        peer = [sys.executable, "-c", PEER, paths, str(order), peer_out, str(args.peer_cores)]
        a, b, f = [], [], []
        for _ in range(args.runs):
            a.append(timed(ours))
            b.append(timed(peer))
            f.append(timed([args.floor, paths]))
        ratio = statistics.median(y[0] / x[0] for x, y in zip(a, b))
        over_floor = statistics.median(x[0] / z[0] for x, z in zip(a, f))
        s_ours = shares(ours_out, "channel", "conversions", "markov")
        s_peer = shares(peer_out, "channel_name", "total_conversions")
        diff = max(abs(s_ours[c] - s_peer.get(c, 0.0)) for c in s_ours)
        rel = max(abs(s_ours[c] - s_peer.get(c, 0.0)) / s_ours[c] for c in s_ours if s_ours[c] > 0)
        med = lambda xs, i: statistics.median(x[i] for x in xs)  # noqa: E731
        print(f"{rows:>9} {channels:>3} {order:>2} | {med(a, 0):>13.2f} s {med(a, 2):>8.0f} | "
              f"{med(b, 0):>15.2f} s {med(b, 1):>7.1f} {med(b, 2):>8.0f} | {ratio:>6.1f} | "
              f"{med(f, 0):>7.2f} {over_floor:>7.1f} | "
              f"{diff:.4f} ({100 * rel:.1f}% relative)")


if __name__ == "__main__":
    main()
