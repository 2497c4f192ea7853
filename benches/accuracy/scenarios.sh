# Sourced by the accuracy scripts: our simulator's scenarios and how each is simulated.
# After `simulate_scenario NAME SEED DIR` (with $bin set), DIR holds the world and
# `build_flags` the journey flags its events need (accounts for `b2b`).
# USERS (default 200000) and CHANNELS (8) may be set in the environment.

# Every scenario, in the order the tables list them.
# shellcheck disable=SC2034 # used by the scripts that source this file
ACCURACY_SCENARIOS=(direct upstream targeting placebo b2b drift retargeting multiplicative \
  absolute next_day carryover in_market placebo_in_market repeat)

# Simulates scenario NAME with SEED into DIR (`multiplicative` is `targeting` with a
# log-linear hazard), with holdout experiments on paid_search and email.
simulate_scenario() {
  local name=$1 seed=$2 dir=$3 scenario=$1
  local sim_flags=()
  build_flags=()
  if [ "$name" = multiplicative ]; then
    scenario=targeting
    sim_flags=(--hazard multiplicative)
  fi
  if [ "$name" = b2b ]; then
    build_flags=(--journey-level account)
  fi
  "$bin" simulate --quiet --users "${USERS:-200000}" --channels "${CHANNELS:-8}" --scenario "$scenario" \
    --seed "$seed" --experiments paid_search,email "${sim_flags[@]}" --out-dir "$dir"
}

# Calls `score LABEL DIR [build flags...]`, which the sourcing script defines, on each
# world: after `--worlds`, every DIR that holds events.csv; otherwise our scenarios,
# simulated for each SEED given (default 7 and 8) into WORK/NAME, their events removed
# once scored. Args: WORK [--worlds DIR ... | SEED ...]
score_each_world() {
  local work=$1 seed name dir
  shift
  if [ "${1:-}" = --worlds ]; then
    shift
    for dir in "$@"; do
      [ -f "$dir/events.csv" ] || continue
      score "$(basename "$dir")" "$dir"
    done
    return 0
  fi
  local seeds=("$@")
  [ ${#seeds[@]} -gt 0 ] || seeds=(7 8)
  for seed in "${seeds[@]}"; do
    for name in "${ACCURACY_SCENARIOS[@]}"; do
      dir=$work/$name
      rm -rf "$dir"
      simulate_scenario "$name" "$seed" "$dir"
      score "$name (seed $seed)" "$dir" "${build_flags[@]}"
      rm -f "$dir/events.csv"
    done
  done
}
