#!/usr/bin/env bash
# Runs a command and ends it when the process that started it goes away, even by SIGKILL or
# Ctrl-C, so no test server outlives its test run.
# usage: run-supervised.sh WATCH_PID command args...
set -u
watch=$1
shift
"$@" &
child=$!
stop_child() {
  kill -TERM "$child" 2>/dev/null
  for _ in $(seq 1 40); do kill -0 "$child" 2>/dev/null || break; sleep 0.25; done
  kill -KILL "$child" 2>/dev/null
  wait "$child" 2>/dev/null
}
trap 'stop_child; exit 143' TERM INT HUP
while kill -0 "$watch" 2>/dev/null && kill -0 "$child" 2>/dev/null; do
  sleep 0.5
done
if kill -0 "$child" 2>/dev/null; then stop_child; exit 0; fi
wait "$child"
