#!/usr/bin/env bash
# `make bench ONLY=memory`: peak RSS and wall time of `run --source replay`, `evaluate`, `plot`
# and train's reading stage on a ~200 MB history (BENCH_MEMORY_MB), for this code and for the
# code before the one history reader (BENCH_MEMORY_BASE, default the commit this work started
# from), built in a temporary copy. Target: under 300 MB RSS each. Prints figures; asserts nothing.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
MB=${BENCH_MEMORY_MB:-200}
BASE=${BENCH_MEMORY_BASE:-30f9a27}
TZ_MODEL=Australia/Sydney
work=$(mktemp -d "${TMPDIR:-/tmp}/ss-bench-memory-XXXXXX")
trap 'rm -rf "$work"' EXIT

echo "history: one simulated 364-day year (1-minute readings, labelled scenarios), repeated to ~${MB} MB"
node cli/dist/main.js simulate --timezone "$TZ_MODEL" --start 2024-01-01 --days 364 --seed 7 --out "$work/year.csv" --truth "$work/year-truth.json" --log-level warn >/dev/null
node bench/memory/make-history.mjs "$work/year.csv" "$work/year-truth.json" "$work/history.csv" "$work/truth.json" "$MB"
ls -l "$work/history.csv" | awk '{printf "history.csv: %.0f MB\n", $5/1e6}'

# The code before: its sources at $BASE, built against a hard-linked copy of our node_modules.
old="$work/old"
mkdir -p "$old"
git archive "$BASE" | tar -x -C "$old"
cp -al node_modules "$old/node_modules"
for p in contracts pi-collector notifier cli; do rm -f "$old/node_modules/@stream-smarts/$p"; ln -s "$old/$p" "$old/node_modules/@stream-smarts/$p"; done
(cd "$old" && npx tsc -b >/dev/null)

measure() { # label root command...
  local label=$1 root=$2; shift 2
  local rss="$work/rss" t0 t1 rc=0
  rm -f "$rss"
  t0=$(date +%s.%N)
  (cd "$root" && BENCH_MAX_RSS_FILE="$rss" TZ=UTC node --import "$ROOT/bench/memory/max-rss.mjs" -- "$@" >/dev/null 2>"$work/stderr") || rc=$?
  t1=$(date +%s.%N)
  printf '  %-34s %8.0f MB RSS %8.1f s%s\n' "$label" "$(echo "$(cat "$rss" 2>/dev/null || echo 0) / 1024" | bc -l)" "$(echo "$t1 - $t0" | bc -l)" "$([ $rc = 0 ] || echo "  (exit $rc: $(head -c 200 "$work/stderr" | tr '\n' ' '))")"
}

for root in "$ROOT" "$old"; do
  name=$([ "$root" = "$ROOT" ] && echo "this code" || echo "before ($BASE)")
  echo "$name:"
  measure "run --source replay" "$root" cli/dist/main.js run --source replay --replay "$work/history.csv" --json --log-level warn
  measure "evaluate --history" "$root" cli/dist/main.js evaluate --history "$work/history.csv" --truth "$work/truth.json" --json --log-level warn
  measure "plot range timeline" "$root" cli/dist/main.js plot range timeline --history "$work/history.csv" --format svg --out "$work/plots" --log-level warn
  measure "train: reading the history" "$root" "$ROOT/bench/memory/train-read.mjs" "$root" "$work/history.csv" "$TZ_MODEL"
done
echo "target: every command of this code under 300 MB RSS"
