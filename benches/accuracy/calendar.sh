#!/usr/bin/env bash
# The self_controlled model with its calendar baseline tested only (`--hazard-calendar
# warn`) against fitted where the test rejects a constant baseline (`auto`): distance of
# channel shares to the truth, the test, run time and peak memory, and the channels the
# calendar warning names. One line a world.
# Usage: benches/accuracy/calendar.sh SEED [SEED ...]        our simulator's scenarios
#        benches/accuracy/calendar.sh --worlds DIR [DIR ...]  worlds on disk (events.csv,
#                                                             truth.csv; identities.csv
#                                                             when there is one)
# Our scenarios are simulated as benches/accuracy/run.sh simulates them (USERS, default
# 200,000 people, 8 channels) and fitted as its plain `self_controlled` (no lift tests),
# so the `warn` column is run.sh's self_controlled column. Needs python3; work files go to
# benches/accuracy/data/calendar/ (our scenarios) or DIR/calendar/.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cargo build --release --quiet --manifest-path "$root/Cargo.toml"
bin=$root/target/release/pathcredit
# shellcheck source=benches/accuracy/scenarios.sh
. "$here/scenarios.sh"

# Fits one world both ways and prints its line. Args: LABEL DIR [build flags...]
score() {
  local label=$1 dir=$2
  shift 2
  local out=$dir/calendar line=$label ids=()
  mkdir -p "$out"
  [ -f "$dir/identities.csv" ] && ids=(--identities "$dir/identities.csv")
  for how in warn auto; do
    /usr/bin/time -f "%e %M" -o "$out/time_$how" "$bin" attribute --quiet --events "$dir/events.csv" \
      "${ids[@]}" --censor-days 0 "$@" --model self_controlled --hazard-calendar "$how" \
      --details "$out/details_$how.json" --out "$out/credit_$how.csv" 2> "$out/stderr_$how.txt"
    "$bin" evaluate --quiet --truth "$dir/truth.csv" --credit "$out/credit_$how.csv" \
      --out "$out/scores_$how.csv"
    line+=$(python3 - "$out" "$how" <<'PY'
import csv, json, re, sys
out, how = sys.argv[1:3]
tv = float(next(csv.DictReader(open(f"{out}/scores_{how}.csv")))["total_variation"])
seconds, kib = open(f"{out}/time_{how}").read().split()

def find(o):
    if isinstance(o, dict):
        if "calendar_test" in o:
            return o["calendar_test"]
        o = list(o.values())
    if isinstance(o, list):
        for v in o:
            r = find(v)
            if r is not None:
                return r
    return None

t = find(json.load(open(f"{out}/details_{how}.json")))
test = "—" if not t else f"χ² {t['statistic']:.1f} on {t['df']}, p {t['p_value']:.1e}"
named = re.findall(r"exposure to (.*?) is bunched", open(f"{out}/stderr_{how}.txt").read())
warned = re.findall(r"`([^`]+)` \(share", named[0]) if named else []
print(f" | {tv:.3f} | {float(seconds):.1f} s, {int(kib) // 1024} MiB", end="")
if how == "auto":
    applied = "fitted" if t and t["applied"] else "not fitted"
    print(f" | {test} ({applied})", end="")
else:
    print(f" | {', '.join(warned) or '—'}", end="")
PY
)
  done
  echo "$line |"
}

echo "| world | warn: distance | time, memory | calendar warning names | auto: distance | time, memory | test |"
echo "|---|---|---|---|---|---|---|"
score_each_world "$here/data/calendar" "$@"
