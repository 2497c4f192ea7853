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
# better than today, above 100% = worse than today). Needs python3. Work files go to
# benches/budget/data/.
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
  for model in self_controlled markov last_touch; do
    for shift in 0.3 0.5; do
      plan=$dir/plan_${model}_$shift.csv
      "$bin" budget --quiet --response fitted --model "$model" --credit "$dir/credit.csv" \
        --events "$dir/events.csv" --spend "$dir/spend.csv" --max-shift "$shift" --out "$plan"
      python3 "$here/score.py" "$dir/curves.csv" "$plan" "$shift" --table \
        | sed "s/^/| $seed | $model | ±$shift | /"
    done
  done
done
