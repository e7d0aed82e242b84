#!/usr/bin/env bash
# `make bench`: every benchmark of the project, one after another, each printing its figures and
# the ratio against the alternative it is compared with in the same run. Nothing is asserted.
# Needs `make setup` (built TypeScript) and Java 17 + Maven; H2O and Kafka are started as needed.
set -euo pipefail
cd "$(dirname "$0")/.."

ts() { TS_NODE_TRANSPILE_ONLY=1 TS_NODE_PROJECT=tsconfig.base.json node --no-warnings --loader ts-node/esm "$@"; }
section() { printf '\n=== %s ===\n' "$1"; }

only="${1:-all}"
want() { [ "$only" = all ] || [ "$only" = "$1" ]; }

if want udf; then
  section "ANOMOLY_POWER UDF (JMH): this UDF vs genmodel wrappers held in fields vs built per call"
  udf-java/scripts/bench.sh
fi

if want collector; then
  section "pi-collector: pulses per second and CPU time per pulse"
  node pi-collector/bench/pulses.mjs
fi

if want notifier; then
  section "notifier: messages per second from a real Kafka broker, and Kafka timestamp → sink request latency"
  ts notifier/bench/bench.ts
fi

if want train; then
  section "stream-smarts train: 90 days of 1-minute readings (129,600 rows): its own local H2O vs one already running"
  mvn -B -q -f udf-java package -DskipTests
  ts bench/train.ts
fi

if want detect; then
  section "detection over every household (two real, five generated): stream-smarts (bands@3) vs the 2018 method vs bands@2, trained once and retrained weekly, per household and the worst; the ablation"
  mvn -B -q -f udf-java package -DskipTests
  ts bench/detect.ts
fi

if want pipeline && [ -f bench/pipeline.ts ]; then
  section "stream-smarts run: readings per second through the in-process pipeline, reading → sink p99"
  ts bench/pipeline.ts
fi

if want memory; then
  section "memory: peak RSS and time on a ~200 MB history (run --source replay, evaluate, plot, train's reading), this code vs before the one history reader"
  bench/memory/bench.sh
fi
