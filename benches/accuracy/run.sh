#!/usr/bin/env bash
# How far each model's credit is from the simulator's ground truth.
# Usage: benches/accuracy/run.sh [SCENARIO ...]   (default: targeting placebo)
# USERS (default 200000), CHANNELS (8) and SEED (7) may be set in the environment.
# Prints one Markdown table per scenario (best first); work files go to benches/accuracy/data/.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cargo build --release --quiet --manifest-path "$root/Cargo.toml"
bin=$root/target/release/pathcredit
scenarios=("$@")
[ ${#scenarios[@]} -gt 0 ] || scenarios=(targeting placebo)
for scenario in "${scenarios[@]}"; do
  dir=$here/data/$scenario
  "$bin" simulate --quiet --users "${USERS:-200000}" --channels "${CHANNELS:-8}" --scenario "$scenario" \
    --seed "${SEED:-7}" --out-dir "$dir"
  "$bin" attribute --quiet --events "$dir/events.csv" --identities "$dir/identities.csv" --censor-days 0 \
    --details "$dir/details.json" --out "$dir/credit.csv"
  echo "### $scenario (${USERS:-200000} people, ${CHANNELS:-8} paid channels, seed ${SEED:-7})"
  echo
  "$bin" evaluate --truth "$dir/truth.csv" --credit "$dir/credit.csv" --details "$dir/details.json" \
    --spend "$dir/spend.csv" --format markdown
  echo
done
