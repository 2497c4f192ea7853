#!/usr/bin/env bash
# How much of the available gain a budget plan leaves on the table, scored under the
# true response curves of the simulator's spend_response world.
# Usage: benches/budget/fitted.sh [SEED ...]   (default: 3 4)
# USERS (default 100000) and CHANNELS (8) may be set in the environment. For each seed:
# simulate → attribute (self_controlled, markov, last_touch) → for each model and each
# bound (±30%, ±50%, total fixed) the fitted plan (`budget --response fitted`), whose
# rows also carry the assumed-response plan (`assumed_spend`, value ∝ spend^0.5), each
# scored by benches/budget/score.py against curves.csv: the share of the gain between
# today's spend and the true optimum that the plan leaves (0% = optimal, 100% = no
# better than today, above 100% = worse than today).
# The last column is the weaker aggregate route (`--credit-series`, no logs) on the same
# world: its credit-by-period table is each period's events attributed on their own by
# the same model (benches/budget/credit_by_period.py, which says why); AGGREGATE=0 skips
# it. Needs python3. Work files go to benches/budget/data/.
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
    --censor-days 0 --model "$(IFS=,; echo "${models[*]}")" --out "$dir/credit.csv"
  if [ "${AGGREGATE:-1}" != 0 ]; then
    python3 "$here/credit_by_period.py" "$bin" "$dir/events.csv" "$dir/identities.csv" \
      "$dir/spend.csv" "$dir" "$(IFS=,; echo "${models[*]}")"
  fi
  for model in "${models[@]}"; do
    for shift in 0.3 0.5; do
      plan=$dir/plan_${model}_$shift.csv
      "$bin" budget --quiet --response fitted --model "$model" --credit "$dir/credit.csv" \
        --events "$dir/events.csv" --spend "$dir/spend.csv" --max-shift "$shift" --out "$plan"
      cells=$(python3 "$here/score.py" "$dir/curves.csv" "$plan" "$shift" --table)
      if [ "${AGGREGATE:-1}" != 0 ]; then
        aggregate=$dir/plan_aggregate_${model}_$shift.csv
        "$bin" budget --quiet --response fitted --credit-series "$dir/credit_series_$model.csv" \
          --spend "$dir/spend.csv" --max-shift "$shift" --out "$aggregate"
        cells="$cells $(python3 "$here/score.py" "$dir/curves.csv" "$aggregate" "$shift" --plan-only)"
      else
        cells="$cells — |"
      fi
      echo "| $seed | $model | ±$shift | $cells"
    done
  done
done
