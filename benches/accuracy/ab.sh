#!/usr/bin/env bash
# One setting of the self_controlled model against another, on the same worlds: the
# distance of channel shares to the truth under each, one line a world.
# Usage: benches/accuracy/ab.sh "A FLAGS" "B FLAGS" [SEED ...]       our scenarios (7 8)
#        benches/accuracy/ab.sh "A FLAGS" "B FLAGS" --worlds DIR [DIR ...]  worlds on disk
# e.g.   benches/accuracy/ab.sh "--hazard-time-of-day clock" "" 7 8
# Our scenarios are simulated and fitted as benches/accuracy/run.sh's plain
# `self_controlled` (USERS, default 200,000 people, 8 channels, no lift tests), so an empty
# flag string reproduces its column; worlds on disk need events.csv and truth.csv
# (identities.csv used when there is one). Work files go to benches/accuracy/data/ab/ or
# DIR/ab/.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cargo build --release --quiet --manifest-path "$root/Cargo.toml"
bin=$root/target/release/pathcredit
# shellcheck source=benches/accuracy/scenarios.sh
. "$here/scenarios.sh"
a_flags=$1 b_flags=$2
shift 2

# Args: LABEL DIR [build flags...]
score() {
  local label=$1 dir=$2
  shift 2
  local out=$dir/ab line="| $label" ids=()
  mkdir -p "$out"
  [ -f "$dir/identities.csv" ] && ids=(--identities "$dir/identities.csv")
  for side in a b; do
    local flags=$a_flags
    [ $side = b ] && flags=$b_flags
    # shellcheck disable=SC2086 # the flags are words
    "$bin" attribute --quiet --events "$dir/events.csv" "${ids[@]}" --censor-days 0 "$@" \
      --model self_controlled $flags --out "$out/credit_$side.csv" 2> "$out/stderr_$side.txt"
    "$bin" evaluate --quiet --truth "$dir/truth.csv" --credit "$out/credit_$side.csv" \
      --out "$out/scores_$side.csv"
    line+=" | $(awk -F, 'NR == 2 { printf "%.3f", $2 }' "$out/scores_$side.csv")"
  done
  echo "$line |"
}

echo "| world | A: ${a_flags:-defaults} | B: ${b_flags:-defaults} |"
echo "|---|---|---|"
score_each_world "$here/data/ab" "$@"
