#!/usr/bin/env bash
# Usage: run_all.sh OUTROOT SEED PEOPLE   -> OUTROOT/WORLD/{events,truth,spend}.csv, world.json
set -euo pipefail
OUTROOT=${1:?outroot}; SEED=${2:-1}; PEOPLE=${3:-100000}
HERE=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$OUTROOT"
: > "$OUTROOT/timings.txt"
for W in additive_random targeted_intent in_market_ramp long_carryover placebo_in_market \
         retarget_visits multiplicative_synergy repeat_conversions; do
  t0=$(date +%s.%N)
  python3 "$HERE/gen.py" --world "$W" --seed "$SEED" --people "$PEOPLE" --out "$OUTROOT/$W"
  t1=$(date +%s.%N)
  printf "%s %.1f s\n" "$W" "$(echo "$t1 - $t0" | bc)" | tee -a "$OUTROOT/timings.txt"
done
