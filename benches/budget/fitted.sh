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
# a cross-check outside pathcredit.
# The last column is the weaker aggregate route (`budget --response fitted
# --credit-series`, no logs) on the same world, scored by score.py (evaluate needs the
# logs): its credit-by-period table is each period's events attributed on their own by
# the same model (benches/budget/credit_by_period.py, which says why); AGGREGATE=0 skips
# it. Each model's plans respect the channels its own warnings put at risk (the details
# JSON, as `budget --details` does). Needs python3. Work files go to benches/budget/data/.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cargo build --release --quiet --manifest-path "$root/Cargo.toml"
bin=$root/target/release/pathcredit
seeds=("$@")
[ ${#seeds[@]} -gt 0 ] || seeds=(3 4)
models=(self_controlled markov last_touch)
echo "| seed | model | bound | fitted plan leaves | assumed response leaves | aggregate route leaves |"
echo "|---|---|---|---|---|---|"
for seed in "${seeds[@]}"; do
  dir=$here/data/seed$seed
  "$bin" simulate --quiet --users "${USERS:-100000}" --channels "${CHANNELS:-8}" \
    --scenario spend_response --seed "$seed" --out-dir "$dir"
  "$bin" attribute --quiet --events "$dir/events.csv" --identities "$dir/identities.csv" \
    --censor-days 0 --model "$(IFS=,; echo "${models[*]}")" --details "$dir/details.json" \
    --out "$dir/credit.csv"
  if [ "${AGGREGATE:-1}" != 0 ]; then
    python3 "$here/credit_by_period.py" "$bin" "$dir/events.csv" "$dir/identities.csv" \
      "$dir/spend.csv" "$dir" "$(IFS=,; echo "${models[*]}")"
  fi
  for shift in 0.3 0.5; do
    "$bin" evaluate --quiet --truth "$dir/truth.csv" --credit "$dir/credit.csv" \
      --spend "$dir/spend.csv" --true-curves "$dir/curves.csv" --response fitted \
      --events "$dir/events.csv" --details "$dir/details.json" --max-shift "$shift" \
      --out "$dir/scores_$shift.csv"
    for model in "${models[@]}"; do
      if [ "${AGGREGATE:-1}" != 0 ]; then
        aggregate=$dir/plan_aggregate_${model}_$shift.csv
        "$bin" budget --quiet --response fitted --credit-series "$dir/credit_series_$model.csv" \
          --spend "$dir/spend.csv" --max-shift "$shift" --out "$aggregate"
        cell=$(python3 "$here/score.py" "$dir/curves.csv" "$aggregate" "$shift" --plan-only)
      else
        cell="— |"
      fi
      python3 - "$dir/scores_$shift.csv" "$seed" "$shift" "$model" "$cell" <<'PY'
import csv, sys
scores, seed, shift, model, aggregate = sys.argv[1:6]
r = {r["model"]: r for r in csv.DictReader(open(scores))}[model]
cell = lambda k: f"{float(r[k]):.1%}" if r[k] else "—"
print(f"| {seed} | {model} | ±{shift} | {cell('gain_left_fitted')} | {cell('gain_left_assumed')} | {aggregate}")
PY
    done
  done
done
