#!/usr/bin/env bash
# After the tests: no test server (Kafka broker, H2O) may still be running.
set -euo pipefail
left=$(pgrep -af -- '-Dstream-smarts.test-' || true)
if [ -n "$left" ]; then
  echo "test servers still running after the tests:" >&2
  echo "$left" >&2
  exit 1
fi
echo "no test server left running"
