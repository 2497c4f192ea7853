#!/usr/bin/env bash
# How far each model's credit is from the simulator's ground truth.
# Usage: benches/accuracy/run.sh [SCENARIO ...]
#   SCENARIO: direct upstream targeting placebo b2b drift retargeting multiplicative
#   absolute next_day carryover in_market placebo_in_market repeat
#   (default: all). `multiplicative` is `targeting` with a log-linear hazard.
# USERS (default 200000), CHANNELS (8) and SEED (7) may be set in the environment.
# Every model of the default set runs (self_controlled included, on events), with the
# experiments the simulator ran on paid_search and email as lift tests (so each additive
# model also gets a calibrated_ copy); on `retargeting`, self_controlled also runs with
# organic and direct visits as controls (self_controlled_visit_controls).
# Prints one Markdown table per scenario (best first); work files go to benches/accuracy/data/.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cargo build --release --quiet --manifest-path "$root/Cargo.toml"
bin=$root/target/release/pathcredit
# shellcheck source=benches/accuracy/scenarios.sh
. "$here/scenarios.sh"
scenarios=("$@")
[ ${#scenarios[@]} -gt 0 ] || scenarios=("${ACCURACY_SCENARIOS[@]}")
for name in "${scenarios[@]}"; do
  dir=$here/data/$name
  simulate_scenario "$name" "${SEED:-7}" "$dir"
  "$bin" attribute --quiet --events "$dir/events.csv" --identities "$dir/identities.csv" --censor-days 0 \
    "${build_flags[@]}" --lift-tests "$dir/experiments.csv" \
    --details "$dir/details.json" --out "$dir/credit.csv"
  "$bin" attribute --quiet --events "$dir/events.csv" --identities "$dir/identities.csv" --censor-days 0 \
    "${build_flags[@]}" --model self_controlled --out "$dir/credit_plain.csv"
  # self_controlled without lift tests, for comparison with the pulled fit.
  sed -e '1!s/^self_controlled,/self_controlled_no_lift_tests,/' "$dir/credit_plain.csv" | tail -n +2 >> "$dir/credit.csv"
  if [ "$name" = retargeting ]; then
    "$bin" attribute --quiet --events "$dir/events.csv" --identities "$dir/identities.csv" --censor-days 0 \
      --model self_controlled --hazard-controls organic_search,direct --out "$dir/credit_controls.csv"
    sed -e '1!s/^self_controlled,/self_controlled_visit_controls,/' "$dir/credit_controls.csv" | tail -n +2 >> "$dir/credit.csv"
  fi
  echo "### $name (${USERS:-200000} people, ${CHANNELS:-8} paid channels, seed ${SEED:-7})"
  echo
  "$bin" evaluate --truth "$dir/truth.csv" --credit "$dir/credit.csv" --details "$dir/details.json" \
    --spend "$dir/spend.csv" --format markdown
  echo
done
