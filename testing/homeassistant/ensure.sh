#!/usr/bin/env bash
# Makes sure a real Home Assistant is here for the restart/freeze tests (make test-ha): Home
# Assistant 2024.3.3 from PyPI — the last release that runs on Python 3.11 (2024.4 requires 3.12;
# homeassistant/const.py REQUIRED_PYTHON_VER = (3, 11, 0) in 2024.3) — in a venv in the user's
# cache. Idempotent: a venv whose `hass --version` says 2024.3.3 and whose component requirements
# were installed (the stamp) is left as is. Loud failure otherwise. Prints the venv's bin dir last.
set -euo pipefail
HA_VERSION=2024.3.3
CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/stream-smarts"
VENV="${STREAM_SMARTS_HA_VENV:-$CACHE/homeassistant-venv}"
STAMP="$VENV/.stream-smarts-ready-$HA_VERSION"
log() { echo "[homeassistant] $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

if [ -f "$STAMP" ] && [ -x "$VENV/bin/hass" ] && [ "$("$VENV/bin/hass" --version 2>/dev/null)" = "$HA_VERSION" ]; then
  echo "$VENV/bin"
  exit 0
fi

PY="${STREAM_SMARTS_HA_PYTHON:-}"
if [ -z "$PY" ]; then
  for c in python3.11 python3; do
    if command -v "$c" >/dev/null && "$c" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else 1)' 2>/dev/null; then PY=$(command -v "$c"); break; fi
  done
fi
[ -n "$PY" ] || die "Home Assistant $HA_VERSION needs Python 3.11 (python3.11 not found; set STREAM_SMARTS_HA_PYTHON)"
start=$(date +%s)
log "installing Home Assistant $HA_VERSION into $VENV with $PY (takes a few minutes once)"
rm -rf "$VENV"
"$PY" -m venv "$VENV" || die "python -m venv failed (Debian: apt-get install python3.11-venv)"
"$VENV/bin/pip" install --quiet --upgrade pip wheel >&2 || die "pip upgrade failed (is PyPI reachable?)"
"$VENV/bin/pip" install --quiet "homeassistant==$HA_VERSION" >&2 || die "pip install homeassistant==$HA_VERSION failed"
# The components the tests load install their own requirements at first start (homeassistant/
# requirements.py); install them now so the tests run offline with --skip-pip, and pin what
# breaks (see requirements.txt next to this script).
"$VENV/bin/pip" install --quiet -r "$(dirname "$0")/requirements.txt" >&2 || die "pip install of the components' requirements failed"
[ "$("$VENV/bin/hass" --version)" = "$HA_VERSION" ] || die "hass --version is not $HA_VERSION"
touch "$STAMP"
log "installed in $(( $(date +%s) - start )) s"
echo "$VENV/bin"
