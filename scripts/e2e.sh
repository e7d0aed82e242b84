#!/usr/bin/env bash
# make e2e: the user's main path on a machine with Docker, start to finish, against the real
# Confluent images (docker-compose.yml) — not the ksqlDB double the unit tests use:
#   1. docker compose up -d --wait        every service healthy (the images' own `ub` checks)
#   2. stream-smarts deploy               topic, schema, UDF jar, restart, verify, ksql/, queries
#   3. the 2018 post's reading, 1500 Wh at 4 am, through the collector's replay source
#   4. it comes out on ANOMOLY_POWER with the score the UDF gives (stream-smarts watch --json)
#   5. the notifier's console sink printed the alert
#   6. ten more anomalous readings make a SUSTAINED_ANOMALIES row
#   7. docker compose down -v             (always, also on failure; E2E_KEEP=1 keeps the stack)
# It needs Docker with Compose v2, Node.js 20 and the built CLI (make setup), and a Java 17 + Maven
# or Docker's Maven image for the jar. Exit status 0 only when every check holds.
# E2E_WORKDIR runs it beside another docker-compose.yml (its tests do, with the Docker double).
# The Confluent Platform version is the one setting CP_VERSION (make e2e CP_VERSION=8.3.1, the
# environment or .env), else docker-compose.yml's default: compose tags the images with it and
# deploy's Docker build of the UDF compiles against the same ksqlDB API (cli/src/udf/confluent-version.ts).
# It is left for both to resolve, never re-set here, so a CP_VERSION in .env is not overridden.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "${E2E_WORKDIR:-$ROOT}"

E2E_DOCKER=${E2E_DOCKER:-docker}
CLI=(node "$ROOT/cli/dist/main.js")
METER=${E2E_METER:-e2e}
WAIT_S=${E2E_WAIT_S:-180}
WORK=$(mktemp -d)
export STREAM_SMARTS_TIMEZONE=UTC STREAM_SMARTS_LOG_LEVEL=${STREAM_SMARTS_LOG_LEVEL:-warn}

say() { printf '\n== %s\n' "$*" >&2; }
fail() { printf 'e2e: FAILED: %s\n' "$*" >&2; exit 1; }

cleanup() {
  local code=$?
  if [[ $code -ne 0 ]]; then
    say "logs (the failure is above)"
    "$E2E_DOCKER" compose ps >&2 || true
    "$E2E_DOCKER" compose logs --tail 80 ksqldb-server notifier >&2 || true
  fi
  if [[ -z "${E2E_KEEP:-}" ]]; then
    say "docker compose down -v"
    "$E2E_DOCKER" compose down -v >&2 || true
  fi
  rm -rf "$WORK"
  exit $code
}

"$E2E_DOCKER" compose version >/dev/null 2>&1 || { echo "e2e: needs Docker with the Compose v2 plugin (\`docker compose version\` failed); install it, or run make test, which needs neither" >&2; exit 2; }
[[ -f "$ROOT/cli/dist/main.js" ]] || { echo "e2e: cli/dist/main.js is missing: run make setup first" >&2; exit 2; }
trap cleanup EXIT

CP=$(node --input-type=module -e "const { confluentVersion } = await import(process.argv[1]); const c = confluentVersion(); console.log(c.version + ' (' + c.source + ')')" "$ROOT/cli/dist/udf/confluent-version.js")
say "Confluent Platform $CP"

say "docker compose up -d --wait"
"$E2E_DOCKER" compose up -d --wait --build

MODEL=${E2E_MODEL:-$ROOT/models/current}

say "stream-smarts deploy"
"${CLI[@]}" deploy --model "$MODEL" --health-timeout 300

# The notifier subscribed before deploy made ANOMOLY_POWER; a fresh start consumes it from now on.
"$E2E_DOCKER" compose restart notifier >&2
for _ in $(seq 60); do "$E2E_DOCKER" compose logs notifier 2>/dev/null | grep -q 'notifier consuming anomalies' && break; sleep 2; done

# The reading: the most recent 04:01 UTC in the past (Kafka refuses records an hour or more
# ahead of its clock), after an hour of 25 Wh a minute, so the trailing hour at 04:01 is 1500 Wh
# and the reading belongs to hour 4 (contracts/MODEL-FORMAT.md: the hour holding the end - 1 ms).
T=$(node -e 'const d=new Date(); d.setUTCHours(4,1,0,0); if (d.getTime() > Date.now()) d.setUTCDate(d.getUTCDate()-1); console.log(d.getTime())')
node "$ROOT/scripts/e2e-readings.mjs" "$T" 60 25 > "$WORK/post.csv"
EXPECTED=$(node "$ROOT/scripts/e2e-score.mjs" "$MODEL" "$T" 1500)

say "collect: the 2018 post's reading, 1500 Wh at 4 am ($(node -e "console.log(new Date($T).toISOString())"))"
"${CLI[@]}" collect --source replay --replay "$WORK/post.csv" --meter-id "$METER" --state-dir "$WORK/state" --interval 60

say "watch: it comes out on ANOMOLY_POWER with the UDF's score ($EXPECTED)"
timeout "$WAIT_S" "${CLI[@]}" --json watch --from-beginning --where "METER_KEY = '$METER' AND HOUR = 4 AND KWH = 1500" --limit 1 > "$WORK/anomaly.json" \
  || fail "no ANOMOLY_POWER row for meter $METER at hour 4 with KWH 1500 within $WAIT_S s"
cat "$WORK/anomaly.json" >&2
node -e '
  const row = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n")[0]);
  const want = Number(process.argv[2]);
  if (row.KIND !== "high") { console.error(`KIND is ${row.KIND}, expected high`); process.exit(1); }
  if (!(Math.abs(row.FN - want) <= 1e-9 * Math.max(1, Math.abs(want)))) { console.error(`FN ${row.FN}, the UDF gives ${want}`); process.exit(1); }
' "$WORK/anomaly.json" "$EXPECTED" || fail "the anomaly does not carry the UDF's score"

say "notifier: the console sink printed the alert"
for _ in $(seq "$((WAIT_S / 2))"); do "$E2E_DOCKER" compose logs notifier 2>/dev/null | grep -q "Power alert \[$METER\]" && break; sleep 2; done
"$E2E_DOCKER" compose logs notifier | grep "Power alert \[$METER\]" >&2 || fail "the notifier printed no alert for meter $METER"

say "ten more anomalous readings: a SUSTAINED_ANOMALIES row"
# Appended to the same file and replayed with the same state: the replay resumes where it ended,
# with the trailing hour it had (pi-collector's checkpoint), so these stay at 1500 Wh/h.
node "$ROOT/scripts/e2e-readings.mjs" "$((T + 600000))" 10 25 | tail -n +2 >> "$WORK/post.csv"
"${CLI[@]}" collect --source replay --replay "$WORK/post.csv" --meter-id "$METER" --state-dir "$WORK/state" --interval 60
timeout "$WAIT_S" "${CLI[@]}" --json watch --stream SUSTAINED_ANOMALIES --from-beginning --where "METER_KEY = '$METER' AND KIND = 'high' AND ANOMALIES >= 10" --limit 1 > "$WORK/sustained.json" \
  || fail "no SUSTAINED_ANOMALIES row with 10 or more anomalies for meter $METER within $WAIT_S s"
cat "$WORK/sustained.json" >&2

say "e2e: every check passed"
