import { localYmd, zoneOffsetMin, wallClockToInstant, isValidTimeZone } from '@stream-smarts/contracts';
import { SCENARIO_KINDS, type ScenarioKind } from '@stream-smarts/pi-collector';
import { CommandError } from '../command-error.js';

/** What `stream-smarts simulate` makes, parsed and checked from its flags. */
export interface SimulateOptions {
  format: 'csv' | 'jsonl' | 'kafka';
  /** File to write (csv/jsonl); undefined: stdout. A name ending .gz is gzipped. */
  out?: string;
  truth?: string;
  seed: number;
  days: number;
  /** Leading days without injected anomalies (a training part). */
  cleanDays: number;
  intervalS: number;
  impulsesPerKwh: number;
  start: number;
  timezone: string;
  meterId: string;
  kinds: ScenarioKind[];
}

export interface SimulateFlags {
  /** csv, jsonl or kafka; without it, from the --out file name (.jsonl, .jsonl.gz), else csv. */
  format?: string;
  out?: string;
  truth?: string;
  seed: string;
  days: string;
  cleanDays: string;
  start?: string;
  scenarios: string;
}

function wholeNumber(flag: string, raw: string, min: number, max: number): number {
  const v = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || v < min || v > max) throw new CommandError(`${flag} ${JSON.stringify(raw)} is not a whole number from ${min} to ${max}`);
  return v;
}

/** `none`, or a comma-separated list of the simulator's scenario kinds. */
function parseScenarios(raw: string): ScenarioKind[] {
  const s = raw.trim().toLowerCase();
  if (s === 'none' || s === '') return [];
  if (s === 'all') return [...SCENARIO_KINDS];
  const kinds = s.split(',').map((k) => k.trim());
  for (const k of kinds) {
    if (!(SCENARIO_KINDS as readonly string[]).includes(k)) throw new CommandError(`--scenarios: unknown kind ${JSON.stringify(k)}; expected none, all, or a list of ${SCENARIO_KINDS.join(', ')}`);
  }
  return [...new Set(kinds)] as ScenarioKind[];
}

/**
 * `--start`: a date (local midnight in the household's zone) or an ISO-8601 instant with offset on
 * an interval boundary. Default: local midnight `days` days before today's, so the history ends today.
 */
function parseStart(raw: string | undefined, timezone: string, days: number, intervalS: number, now = Date.now()): number {
  const ymd = (y: number, m: number, d: number) => wallClockToInstant(timezone, y, m, d);
  if (raw === undefined) {
    const { y, m, d } = localYmd(now, timezone);
    const back = new Date(Date.UTC(y, m - 1, d - days));
    return ymd(back.getUTCFullYear(), back.getUTCMonth() + 1, back.getUTCDate());
  }
  const date = /^(\d{4})-(\d{2})-(\d{2})$/.exec(raw.trim());
  if (date) return ymd(Number(date[1]), Number(date[2]), Number(date[3]));
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i.test(raw.trim())) {
    throw new CommandError(`--start ${JSON.stringify(raw)} is not a date (2026-06-01, local midnight) or an ISO-8601 time with offset (2026-06-01T06:00:00+10:00)`);
  }
  const t = Date.parse(raw.trim());
  if (!Number.isFinite(t)) throw new CommandError(`--start ${JSON.stringify(raw)} is not a valid time`);
  if (t % (intervalS * 1000) !== 0) throw new CommandError(`--start ${raw} is not on a ${intervalS} s interval boundary (readings are aligned to the clock)`);
  return t;
}

export function parseSimulateOptions(f: SimulateFlags, settings: { timezone: string; meterId: string; intervalS: number; impulsesPerKwh: number }, now?: number): SimulateOptions {
  const format = (f.format ?? (f.out && /\.jsonl?(\.gz)?$/i.test(f.out) ? 'jsonl' : 'csv')).trim().toLowerCase();
  if (format !== 'csv' && format !== 'jsonl' && format !== 'kafka') throw new CommandError(`--format ${JSON.stringify(f.format)} is not one of csv, jsonl, kafka`);
  if (format === 'kafka' && f.out) throw new CommandError('--out is for csv and jsonl; --format kafka produces to the raw_power topic');
  if (!isValidTimeZone(settings.timezone)) throw new CommandError(`--timezone ${JSON.stringify(settings.timezone)} is not an IANA time zone (e.g. Australia/Sydney)`);
  const days = wholeNumber('--days', f.days, 1, 3660);
  const cleanDays = wholeNumber('--clean-days', f.cleanDays, 0, days);
  const seed = wholeNumber('--seed', f.seed, 0, 2 ** 32 - 1);
  return {
    format,
    ...(f.out && f.out !== '-' ? { out: f.out } : {}),
    ...(f.truth ? { truth: f.truth } : {}),
    seed,
    days,
    cleanDays,
    intervalS: settings.intervalS,
    impulsesPerKwh: settings.impulsesPerKwh,
    start: parseStart(f.start, settings.timezone, days, settings.intervalS, now),
    timezone: settings.timezone,
    meterId: settings.meterId,
    kinds: parseScenarios(f.scenarios),
  };
}

/** The end of the history: the same local wall-clock time `days` days after `start` (23- and 25-hour days included). */
export function endOf(start: number, days: number, timezone: string): number {
  const local = new Date(start + zoneOffsetMin(start, timezone) * 60_000);
  return wallClockToInstant(timezone, local.getUTCFullYear(), local.getUTCMonth() + 1, local.getUTCDate() + days, local.getUTCHours(), local.getUTCMinutes());
}
