#!/usr/bin/env bash
# Usage: bash run.sh OUT_ROOT SEED [WORLD ...]
# Generates each world (PEOPLE people, default 100000) into OUT_ROOT/WORLD_sSEED, runs the black-box
# pathcredit attribute + evaluate on it and prints a Markdown table of the scores.
# PYTHON names a Python with numpy (default python3); PATHCREDIT_BIN the binary (default:
# this checkout's release build, built first).
set -u
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PY=${PYTHON:-python3}
if [ -z "${PATHCREDIT_BIN:-}" ]; then
  cargo build --release --quiet --manifest-path "$HERE/../../../Cargo.toml" || exit 1
fi
BIN=${PATHCREDIT_BIN:-$HERE/../../../target/release/pathcredit}
PEOPLE=${PEOPLE:-100000}
# Extra evaluate flags, e.g. EVALUATE_FLAGS=--move-at-risk (plans that move channels whose credit
# the model's own warnings doubt, as they did before those warnings reached the plan).
EVALUATE_FLAGS=${EVALUATE_FLAGS:-}
if [ $# -lt 2 ]; then echo "usage: bash run.sh OUT_ROOT SEED [WORLD ...]" >&2; exit 2; fi
OUT_ROOT=$1; SEED=$2; shift 2
WORLDS=("$@")
[ ${#WORLDS[@]} -eq 0 ] && WORLDS=(steady seasonal lagged mixed_quality)
mkdir -p "$OUT_ROOT"
DIRS=()
for W in "${WORLDS[@]}"; do
  D="$OUT_ROOT/${W}_s$SEED"
  mkdir -p "$D"
  t0=$(date +%s)
  if ! "$PY" "$HERE/gen_spend.py" --world "$W" --seed "$SEED" --people "$PEOPLE" --out "$D" 2> "$D/gen_stderr.txt"; then
    echo "ERROR generating $W:"; tail -5 "$D/gen_stderr.txt"; continue
  fi
  t1=$(date +%s)
  echo "generated $W in $((t1 - t0)) s: $(tail -1 "$D/gen_stderr.txt")" >&2
  if ! "$BIN" attribute --quiet --events "$D/events.csv" --identities "$D/identities.csv" --censor-days 0 \
      --model self_controlled,markov,last_touch --details "$D/details.json" --out "$D/credit.csv" \
      2> "$D/attribute_stderr.txt"; then
    echo "ERROR attribute $W:"; tail -5 "$D/attribute_stderr.txt"; continue
  fi
  ok=1
  for shift in 0.3 0.5; do
    if ! "$BIN" evaluate --quiet --truth "$D/truth.csv" --credit "$D/credit.csv" --spend "$D/spend.csv" \
        --true-curves "$D/curves.csv" --response fitted --events "$D/events.csv" --identities "$D/identities.csv" \
        --details "$D/details.json" $EVALUATE_FLAGS --max-shift $shift --out "$D/scores_$shift.csv" 2> "$D/evaluate_stderr_$shift.txt"; then
      echo "ERROR evaluate $W shift $shift:"; tail -5 "$D/evaluate_stderr_$shift.txt"; ok=0
    fi
  done
  [ $ok -eq 1 ] && DIRS+=("$W|$D")
done

"$PY" - "$SEED" "${DIRS[@]}" <<'EOF'
import csv, sys, os
seed = sys.argv[1]
def load(p):
    if not os.path.exists(p):
        return {}
    with open(p) as f:
        return {r["model"]: r for r in csv.DictReader(f)}
def col(r, *names):
    for n in names:
        if r and n in r and r[n] != "":
            return r[n]
    return ""
print()
print("| world | seed | model | total_variation | gain_left_fitted ±30% | gain_left_assumed ±30% | gain_left_fitted ±50% | gain_left_assumed ±50% |")
print("|---|---|---|---|---|---|---|---|")
warn = []
for item in sys.argv[2:]:
    w, d = item.split("|", 1)
    s3, s5 = load(os.path.join(d, "scores_0.3.csv")), load(os.path.join(d, "scores_0.5.csv"))
    for m in list(dict.fromkeys(list(s3) + list(s5))):
        a, b = s3.get(m, {}), s5.get(m, {})
        tv = col(a, "total_variation", "tv", "total_variation_distance") or col(b, "total_variation")
        print(f"| {w} | {seed} | {m} | {tv} | {col(a, 'gain_left_fitted')} | {col(a, 'gain_left_assumed')} | "
              f"{col(b, 'gain_left_fitted')} | {col(b, 'gain_left_assumed')} |")
    p = os.path.join(d, "details.json")
    if os.path.exists(p):
        import json
        risks = json.load(open(p)).get("self_controlled", {}).get("credit_risks", [])
        if risks:
            warn.append(f"{w}: self_controlled credit at risk (the plans do not move these that way): " + ", ".join(
                f"{r['channel']} too {r['direction']} ({r['reason']})" for r in risks))
    p = os.path.join(d, "attribute_stderr.txt")
    if os.path.exists(p):
        for line in open(p, errors="replace"):
            if "WARNING" in line:
                line = line.strip()
                warn.append(f"{w}: {line[:220]}{'…' if len(line) > 220 else ''}")
if warn:
    print()
    print("Warnings from attribute:")
    for x in warn:
        print("- " + x)
EOF
