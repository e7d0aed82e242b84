#!/usr/bin/env bash
# Makes sure the real Mosquitto broker (Debian package `mosquitto`) is here for the MQTT tests, as
# testing/kafka resolves Kafka for the Kafka tests: found on PATH or in /usr/sbin, else installed
# with apt-get when this runs as root (CI, a fresh Debian machine), else a loud failure with the fix.
set -euo pipefail
find_broker() { command -v mosquitto 2>/dev/null || { [ -x /usr/sbin/mosquitto ] && echo /usr/sbin/mosquitto; } || true; }
found=$(find_broker)
if [ -z "$found" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "[mosquitto] not installed; installing the Debian package for the MQTT tests" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq mosquitto >/dev/null
    found=$(find_broker)
  fi
fi
if [ -z "$found" ]; then
  echo "[mosquitto] the MQTT tests need the Mosquitto broker: sudo apt-get install mosquitto (Debian/Ubuntu) or brew install mosquitto (macOS)" >&2
  exit 1
fi
echo "[mosquitto] $("$found" -h 2>&1 | head -1) at $found"
