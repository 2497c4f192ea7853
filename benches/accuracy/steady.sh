#!/usr/bin/env bash
# Steady exposure in the self_controlled model: per world, the distance of channel shares
# to the truth, and for each channel with at least a quarter of its credit from people
# within its reach nearly all the time (details `steady_exposure`): that share, the
# channel's share of the paid credit as fitted, as read from the other people alone
# (`credit_from_others`, the other channels as fitted), and in the truth; and the
# channels the steady-exposure warning names. One line a world.
# Usage: benches/accuracy/steady.sh SEED [SEED ...]        our simulator's scenarios
#        benches/accuracy/steady.sh --worlds DIR [DIR ...]  worlds on disk (events.csv,
#                                                          truth.csv; identities.csv when
#                                                          there is one)
# Our scenarios are simulated as benches/accuracy/run.sh simulates them (USERS, default
# 200,000 people, 8 channels) and fitted as its plain `self_controlled`. Needs python3;
# work files go to benches/accuracy/data/steady/ (our scenarios) or DIR/steady/.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cargo build --release --quiet --manifest-path "$root/Cargo.toml"
bin=$root/target/release/pathcredit
# shellcheck source=benches/accuracy/scenarios.sh
. "$here/scenarios.sh"

# Fits one world and prints its line. Args: LABEL DIR [build flags...]
score() {
  local label=$1 dir=$2
  shift 2
  local out=$dir/steady ids=()
  mkdir -p "$out"
  [ -f "$dir/identities.csv" ] && ids=(--identities "$dir/identities.csv")
  "$bin" attribute --quiet --events "$dir/events.csv" "${ids[@]}" --censor-days 0 "$@" \
    --model self_controlled --details "$out/details.json" --out "$out/credit.csv" \
    2> "$out/stderr.txt"
  "$bin" evaluate --quiet --truth "$dir/truth.csv" --credit "$out/credit.csv" \
    --out "$out/scores.csv"
  python3 - "$dir" "$label" <<'PY'
import csv, json, re, sys
d, label = sys.argv[1:3]
out = f"{d}/steady"
tv = float(next(csv.DictReader(open(f"{out}/scores.csv")))["total_variation"])
truth = {r["channel"]: float(r["incremental_conversions"]) for r in csv.DictReader(open(f"{d}/truth.csv"))}
credit = {r["channel"]: float(r["conversions"]) for r in csv.DictReader(open(f"{out}/credit.csv"))
          if r["model"] == "self_controlled" and r["channel"] != "(baseline)"}
details = json.load(open(f"{out}/details.json"))["self_controlled"]
paid, true_total = sum(credit.values()), sum(max(v, 0.0) for v in truth.values())
cells = []
for s in details["steady_exposure"]:
    c = s["channel"]
    if s["steady_credit_share"] < 0.25 or credit.get(c, 0.0) <= 0.0:
        continue
    other = s["credit_from_others"]
    other_share = other / (paid - credit[c] + other) if other is not None else float("nan")
    true_share = max(truth.get(c, 0.0), 0.0) / true_total if true_total > 0 else float("nan")
    cells.append(f"`{c}` {s['steady_credit_share']:.2f}: {credit[c] / paid:.3f} / {other_share:.3f} / {true_share:.3f}")
named = re.findall(r"WARNING: \d+% of `([^`]+)`'s credit comes from", open(f"{out}/stderr.txt").read())
print(f"| {label} | {tv:.3f} | {'; '.join(cells) or '—'} | {', '.join(named) or '—'} |")
PY
}

echo "| world | distance | steady channel (share of its credit): paid share fitted / from others / true | warned |"
echo "|---|---|---|---|"
score_each_world "$here/data/steady" "$@"
