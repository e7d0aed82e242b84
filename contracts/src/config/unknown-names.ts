import { SETTINGS, SETTING_KEYS } from './settings.js';

/**
 * Names stream-smarts does not read, told rather than ignored: a `.env` key or a `STREAM_SMARTS_*`
 * environment variable that is no setting (a typo such as PUSHBULET_ACCESS_TOKEN) is warned
 * about with the nearest valid name, since the setting it was meant for silently keeps its default.
 */

/**
 * Names read outside the settings table: by the CLI itself (the download cache, the UDF jar) or
 * by docker-compose.yml from the same `.env` (its `${…}`; cli/test/bad-input-edges.test.ts checks
 * this list against the compose file).
 */
export const OTHER_KNOWN_NAMES = ['STREAM_SMARTS_ENV_FILE', 'STREAM_SMARTS_CACHE_DIR', 'STREAM_SMARTS_UDF_JAR', 'STREAM_SMARTS_UID', 'STREAM_SMARTS_GID', 'STREAM_SMARTS_RETRAIN_AT', 'CP_VERSION'] as const;

/** The test harness's own variables (testing/homeassistant/ensure.sh, pi-collector's long checks and kill points): a developer may export them. */
const HARNESS_NAMES = /^STREAM_SMARTS_(TEST_[A-Z0-9_]+|HA_PYTHON|HA_VENV|LONG_CHECKS)$/;

/** `.env` keys of the tools that share the file with us (docker compose's own). */
const FOREIGN_PREFIXES = /^(COMPOSE_|DOCKER_)/;

let names: string[] | undefined;

/** Every name stream-smarts reads from the environment or `.env`: each setting's variables, `<VAR>_FILE` of secrets, and OTHER_KNOWN_NAMES. */
export function knownNames(): string[] {
  if (!names) {
    const all = new Set<string>(OTHER_KNOWN_NAMES);
    for (const k of SETTING_KEYS) {
      const spec = SETTINGS[k];
      for (const e of spec.env) {
        all.add(e);
        if ('secret' in spec && spec.secret) all.add(`${e}_FILE`);
      }
    }
    names = [...all];
  }
  return names;
}

function distance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]!;
      prev[j] = Math.min(up + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length]!;
}

/** The valid name closest to `name` (edit distance, case-insensitive), if it is close enough to be the one meant. */
function nearestName(name: string): string | undefined {
  const up = name.toUpperCase();
  let best: { n: string; d: number } | undefined;
  for (const n of knownNames()) {
    const d = distance(up, n);
    if (!best || d < best.d) best = { n, d };
  }
  // A third of the name may differ: PUSHBULET_ACCESS_TOKEN (1), STREAM_SMARTS_LOGLEVEL (1), STREAM_SMARTS_TIME_ZONE (1).
  return best && best.d <= Math.max(2, Math.floor(name.length / 3)) ? best.n : undefined;
}

function advice(name: string): string {
  const near = nearestName(name);
  return near ? `did you mean ${near}?` : 'see `stream-smarts config --settings` for the names stream-smarts reads';
}

/** Warnings for unknown `STREAM_SMARTS_*` variables of the environment and unknown keys of the `.env` file. */
export function unknownNameWarnings(env: NodeJS.ProcessEnv, dotenvKeys: readonly string[], envFile: { path: string; text: string } | undefined): string[] {
  const known = new Set(knownNames());
  const out: string[] = [];
  for (const name of Object.keys(env).sort()) {
    if (!name.startsWith('STREAM_SMARTS_') || known.has(name) || HARNESS_NAMES.test(name)) continue;
    out.push(`environment variable ${name} is not a stream-smarts setting and is ignored — ${advice(name)}`);
  }
  if (envFile) {
    const lines = envFile.text.replace(/\r\n?/g, '\n').split('\n');
    for (const name of dotenvKeys) {
      if (known.has(name) || FOREIGN_PREFIXES.test(name)) continue;
      const at = lines.findIndex((l) => new RegExp(`^\\s*(?:export\\s+)?${name.replace(/[.]/g, '\\.')}\\s*[=:]`).test(l));
      out.push(`${envFile.path}${at >= 0 ? `:${at + 1}` : ''}: ${name} is not a stream-smarts setting and is ignored — ${advice(name)}`);
    }
  }
  return out;
}
