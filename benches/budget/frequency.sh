#!/usr/bin/env bash
# The share of the available gain a fitted budget plan leaves, with frequency effects
# (the default) and without (`--no-frequency`: every exposure of a channel valued alike),
# scored under the simulator's true curves by `pathcredit evaluate --true-curves`.
# Usage: benches/budget/frequency.sh [SCENARIO:SEED ...]
#   (default: spend_response:3 spend_response:4 spend_frequency:4 spend_frequency:5)
# USERS (default 100000 for spend_response, 50000 for spend_frequency) and CHANNELS (8)
# may be set in the environment. For each world: simulate → attribute self_controlled
# (identities stitched) → for each bound (±30%, ±50%, total fixed) evaluate with and
# without frequency effects, the events' devices stitched into persons (--identities).
# Work files go to benches/budget/data/.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cargo build --release --quiet --manifest-path "$root/Cargo.toml"
bin=${CARGO_TARGET_DIR:-$root/target}/release/pathcredit
worlds=("$@")
[ ${#worlds[@]} -gt 0 ] || worlds=(spend_response:3 spend_response:4 spend_frequency:4 spend_frequency:5)
echo "| world | seed | bound | with frequency effects | every exposure alike | channels with an effect shown |"
echo "|---|---|---|---|---|---|"
for world in "${worlds[@]}"; do
  scenario=${world%%:*}
  seed=${world##*:}
  users=${USERS:-$([ "$scenario" = spend_frequency ] && echo 50000 || echo 100000)}
  dir=$here/data/$scenario$seed
  "$bin" simulate --quiet --users "$users" --channels "${CHANNELS:-8}" \
    --scenario "$scenario" --seed "$seed" --out-dir "$dir"
  "$bin" attribute --quiet --events "$dir/events.csv" --identities "$dir/identities.csv" \
    --censor-days 0 --model self_controlled --out "$dir/credit.csv"
  for shift in 0.3 0.5; do
    "$bin" budget --quiet --response fitted --model self_controlled --credit "$dir/credit.csv" \
      --events "$dir/events.csv" --identities "$dir/identities.csv" --spend "$dir/spend.csv" \
      --max-shift "$shift" --out "$dir/plan_$shift.csv"
    for f in on off; do
      extra=()
      [ $f = off ] && extra=(--no-frequency)
      "$bin" evaluate --quiet --truth "$dir/truth.csv" --credit "$dir/credit.csv" \
        --spend "$dir/spend.csv" --true-curves "$dir/curves.csv" --response fitted \
        --events "$dir/events.csv" --identities "$dir/identities.csv" --max-shift "$shift" \
        "${extra[@]}" --out "$dir/scores_${shift}_$f.csv"
    done
    python3 - "$dir" "$scenario" "$seed" "$shift" <<'PY'
import csv, sys
d, scenario, seed, shift = sys.argv[1:5]
cell = lambda f: f"{float(next(csv.DictReader(open(f'{d}/scores_{shift}_{f}.csv')))['gain_left_fitted']):.1%}"
shown = [f"{r['channel']} ({r['frequency']})" for r in csv.DictReader(open(f"{d}/plan_{shift}.csv"))
         if r["frequency"] not in ("", "none shown")]
print(f"| {scenario} | {seed} | ±{shift} | {cell('on')} | {cell('off')} | {', '.join(shown) or 'none'} |")
PY
  done
done
