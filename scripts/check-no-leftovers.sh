#!/usr/bin/env bash
# After the tests: no test server (Kafka broker, H2O, Mosquitto) that this run started may still be
# running. `make test` passes its run id (`<start epoch>-<random>`, exported to the tests as
# TESTRUN_STREAM_SMARTS). A server counts when its environment carries this id, or carries no id
# and started after this run did (a test that scrubs the environment); a server of another
# checkout's run going on meanwhile does not. Without an id, every test server counts.
set -euo pipefail
run=${1:-}
since=${run%%-*}
now=$(date +%s)
left=""
for pid in $(pgrep -f -- '-Dstream-smarts.test-' || true); do
  if [ -n "$run" ]; then
    id=$(tr '\0' '\n' < "/proc/$pid/environ" 2>/dev/null | sed -n 's/^TESTRUN_STREAM_SMARTS=//p' || true)
    if [ -n "$id" ]; then
      [ "$id" = "$run" ] || continue
    else
      age=$(ps -o etimes= -p "$pid" 2>/dev/null | tr -d ' ' || true)
      [ -n "$age" ] && [ $((now - age)) -ge "$since" ] || continue
    fi
  fi
  left+="$(ps -o pid=,args= -p "$pid" 2>/dev/null || true)"$'\n'
done
if [ -n "${left//[$'\n ']/}" ]; then
  echo "test servers still running after the tests:" >&2
  printf '%s' "$left" >&2
  exit 1
fi
echo "no test server left running"
