#!/usr/bin/env bash
# How much of the available gain a budget plan leaves on the table, scored under the
# true response curves of the simulator's spend_response world.
# Usage: benches/budget/fitted.sh [SEED ...]   (default: 3 4)
# USERS (default 100000) and CHANNELS (8) may be set in the environment. For each seed:
# simulate → attribute (self_controlled, markov, last_touch) → for each bound (±30%,
# ±50%, total fixed) `pathcredit evaluate --true-curves curves.csv --response fitted`,
# which makes every model's plan from fitted response curves (as `budget --response
# fitted`) and from the assumed response (value ∝ spend^0.5, as `budget`) and scores
# each under the true curves: the share of the gain between today's spend and the true
# optimum that the plan leaves (0% = optimal, 100% = no better than today, above 100% =
# worse than today). benches/budget/score.py scores a single plan file the same way, for
# a cross-check outside pathcredit. Work files go to benches/budget/data/.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cargo build --release --quiet --manifest-path "$root/Cargo.toml"
bin=$root/target/release/pathcredit
seeds=("$@")
[ ${#seeds[@]} -gt 0 ] || seeds=(3 4)
echo "| seed | model | bound | fitted plan leaves | assumed response leaves |"
echo "|---|---|---|---|---|"
for seed in "${seeds[@]}"; do
  dir=$here/data/seed$seed
  "$bin" simulate --quiet --users "${USERS:-100000}" --channels "${CHANNELS:-8}" \
    --scenario spend_response --seed "$seed" --out-dir "$dir"
  "$bin" attribute --quiet --events "$dir/events.csv" --identities "$dir/identities.csv" \
    --censor-days 0 --model self_controlled,markov,last_touch --out "$dir/credit.csv"
  for shift in 0.3 0.5; do
    "$bin" evaluate --truth "$dir/truth.csv" --credit "$dir/credit.csv" \
      --spend "$dir/spend.csv" --true-curves "$dir/curves.csv" --response fitted \
      --events "$dir/events.csv" --max-shift "$shift" --out "$dir/scores_$shift.csv"
    python3 - "$dir/scores_$shift.csv" "$seed" "$shift" <<'PY'
import csv, sys
rows = {r["model"]: r for r in csv.DictReader(open(sys.argv[1]))}
for model in ("self_controlled", "markov", "last_touch"):
    r = rows[model]
    cell = lambda k: f"{float(r[k]):.1%}" if r[k] else "—"
    print(f"| {sys.argv[2]} | {model} | ±{sys.argv[3]} | {cell('gain_left_fitted')} | {cell('gain_left_assumed')} |")
PY
  done
done
