#!/usr/bin/env bash
# Scores every model on simulated worlds whose true effects are known, one line a world:
# self_controlled's distance to the truth, the best rule-based model's, their ratio, and
# the channels self_controlled warned about.
# Usage: benches/accuracy/worlds.sh WORLD_DIR [WORLD_DIR ...]
#   each WORLD_DIR holds events.csv and truth.csv (channel,...,shapley_share,...), as
#   benches/accuracy/independent/gen.py or `pathcredit simulate` write them.
# Every model of the default set runs on the events with default settings and
# `--censor-days 0` (a simulation ends for everybody at once); work files go to
# WORLD_DIR/scored/. Prints a Markdown table.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cargo build --release --quiet --manifest-path "$root/Cargo.toml"
bin=$root/target/release/pathcredit
rules="first_touch last_touch last_non_direct linear linear_unique position_based time_decay"
echo "| world | self_controlled | best rule-based | ratio | markov | shapley | logistic | warned (self_controlled) |"
echo "|---|---|---|---|---|---|---|---|"
for dir in "$@"; do
  [ -f "$dir/events.csv" ] || continue
  out=$dir/scored
  mkdir -p "$out"
  "$bin" attribute --events "$dir/events.csv" --censor-days 0 --out "$out/credit.csv" 2> "$out/stderr.txt"
  "$bin" evaluate --quiet --truth "$dir/truth.csv" --credit "$out/credit.csv" --out "$out/scores.csv"
  warned=$(grep -o "self_controlled: WARNING: [^:]*\`[^\`]*\`\('s effect\)\?" "$out/stderr.txt" \
    | sed -e 's/.*WARNING: //' -e 's/exposure to \(.*\) follows.*/intent \1/' \
          -e 's/conversions of everybody vary.*exposure to \(.*\)/calendar \1/' \
          -e "s/\(.*\)'s effect/carryover \1/" -e 's/the 95% intervals.*/wide intervals/' \
          -e 's/credit beyond the.*/beyond lookback/' -e 's/^[0-9]*% of `\([^`]*\)`.*/steady `\1`/' \
    | tr '\n' ';' | sed 's/;$//' || true)
  awk -F, -v rules="$rules" -v world="$(basename "$dir")" -v warned="$warned" '
    BEGIN { n = split(rules, r, " "); for (i = 1; i <= n; i++) rule[r[i]] = 1; best = 9 }
    NR > 1 { tv[$1] = $2; if (($1 in rule) && $2 < best) { best = $2; who = $1 } }
    END {
      printf "| %s | %.3f | %.3f (%s) | %.2f | %.3f | %.3f | %.3f | %s |\n", world,
        tv["self_controlled"], best, who, tv["self_controlled"] / best, tv["markov"],
        tv["shapley"], tv["logistic"], (warned == "" ? "—" : warned)
    }' "$out/scores.csv"
done
