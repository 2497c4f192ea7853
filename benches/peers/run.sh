#!/usr/bin/env bash
# Side-by-side benchmarks against peers. Usage: benches/peers/run.sh journeys
#   journeys  pathcredit journeys vs the same job in DuckDB SQL (PERSONS=1460000 → ~10M events)
#   markov    pathcredit's exact Markov vs ChannelAttribution's markov_model (CONFIGS=rows:channels:order,...)
#   shapley   pathcredit's Shapley models vs mta, do-attribution, shapley-attribution (CHANNELS=12,16,20)
#   logistic  pathcredit's logistic model vs scikit-learn on the same feature matrix (PERSONS=850000)
#   python    the Python package on 10M events as DataFrames vs the CLI on the CSV (PERSONS=1460000)
#   engines   pathcredit journeys vs its generated SQL on DuckDB and Spark local[2] (PERSONS=1460000)
# Installs what it needs into benches/peers/.venv; data go to benches/peers/data/.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cargo build --release --quiet --manifest-path "$root/Cargo.toml" --bin pathcredit --example csv_floor
bin=$root/target/release/pathcredit
# The parse floor: the same files read by the bare csv crate, nothing else.
floor=$root/target/release/examples/csv_floor
venv=$here/.venv
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
case "${1:-}" in
  journeys)
    "$venv/bin/pip" install --quiet duckdb==2.0.0
    data=$here/data/journeys-${PERSONS:-1460000}
    [ -f "$data/events.csv" ] || "$bin" generate-events --persons "${PERSONS:-1460000}" --seed 1 --out-dir "$data"
    "$venv/bin/python" "$here/journeys.py" --bin "$bin" --floor "$floor" --data "$data" --runs "${RUNS:-3}"
    ;;
  markov)
    # channelattribution compiles C++ on install and imports matplotlib without declaring it.
    "$venv/bin/pip" install --quiet channelattribution==2.2.5 matplotlib pandas
    "$venv/bin/python" "$here/markov.py" --bin "$bin" --floor "$floor" --data "$here/data/markov" --runs "${RUNS:-3}" \
      ${CONFIGS:+--configs "$CONFIGS"}
    ;;
  shapley)
    "$venv/bin/pip" install --quiet mta==0.0.9 do-attribution==0.0.2 shapley-attribution==2.1.0 pandas
    "$venv/bin/python" "$here/shapley.py" --bin "$bin" --data "$here/data/shapley" ${CHANNELS:+--channels "$CHANNELS"}
    ;;
  logistic)
    "$venv/bin/pip" install --quiet scikit-learn pandas
    data=$here/data/logistic-${PERSONS:-850000}
    if [ ! -f "$data/journeys.csv" ]; then
      "$bin" generate-events --persons "${PERSONS:-850000}" --channels 30 --seed 3 --out-dir "$data"
      "$bin" journeys --quiet --events "$data/events.csv" --identities "$data/identities.csv" \
        --censor-days none --journeys-out "$data/journeys.csv"
    fi
    "$venv/bin/python" "$here/logistic.py" --bin "$bin" --journeys "$data/journeys.csv" --out "$data"
    ;;
  python)
    "$venv/bin/pip" install --quiet -r "$root/python/requirements-test.txt"
    "$venv/bin/pip" install --quiet "$root/python"
    data=$here/data/journeys-${PERSONS:-1460000}
    [ -f "$data/events.csv" ] || "$bin" generate-events --persons "${PERSONS:-1460000}" --seed 1 --out-dir "$data"
    (cd "$here" && "$venv/bin/python" python_journeys.py --bin "$bin" --data "$data" --runs "${RUNS:-3}")
    ;;
  engines)
    "$venv/bin/pip" install --quiet -r "$root/tests/engines/requirements.txt" pandas
    data=$here/data/journeys-${PERSONS:-1460000}
    [ -f "$data/events.csv" ] || "$bin" generate-events --persons "${PERSONS:-1460000}" --seed 1 --out-dir "$data"
    (cd "$here" && "$venv/bin/python" engines.py --bin "$bin" --data "$data" --runs "${RUNS:-3}" \
      --spark-runs "${SPARK_RUNS:-1}")
    ;;
  *)
    echo "usage: $0 journeys|markov|shapley|logistic|python|engines" >&2
    exit 2
    ;;
esac
