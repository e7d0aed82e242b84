import { CommandError } from '../command-error.js';
import { wallClockToInstant, NOT_USED_W, type HistoryReadOptions } from '@stream-smarts/contracts';
import { CHART_MEASURES, renderBandsChart } from './bands-chart.js';
import { readAlerts, readModel, readPlotHistory, readTruth, type HistoryRow, type Model, type PlotHistory } from './inputs.js';
const DAY_NAMES = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
import { renderScoreChart } from './score-chart.js';
import { localParts } from './time-axis.js';
import { renderTimelineChart } from './timeline-chart.js';

/** The figures `stream-smarts plot` draws, from parsed flags to SVG text. */

export const FIGURES = ['range', 'score', 'timeline'] as const;
export type Figure = (typeof FIGURES)[number];

export interface FigureOptions {
  model: string;
  history?: string;
  alerts?: string;
  truth?: string;
  days: number;
  day: 'all' | 'each' | number;
  from?: string;
  to?: string;
  title?: string;
  /** How the history is read (bounds, bad-row share, progress, signal). */
  read?: Pick<HistoryReadOptions, 'maxPowerKw' | 'maxBadShare' | 'onProgress' | 'signal'>;
  /** Warnings of the history reader (skipped rows, gaps, zone). */
  warn?: (line: string) => void;
}

export function parseFigures(names: readonly string[]): Figure[] {
  if (names.length === 0) throw new CommandError(`name a figure: ${FIGURES.join(', ')}`);
  for (const n of names) if (!(FIGURES as readonly string[]).includes(n)) throw new CommandError(`unknown figure ${JSON.stringify(n)}; expected ${FIGURES.join(', ')}`);
  return [...new Set(names)] as Figure[];
}

/** `--day`: all, each, 1-7 (ISO, Monday = 1) or a weekday name. */
export function parseDay(raw: string): 'all' | 'each' | number {
  const s = raw.trim().toLowerCase();
  if (s === 'all' || s === 'each') return s;
  if (/^[1-7]$/.test(s)) return Number(s);
  const i = DAY_NAMES.findIndex((d) => s.length >= 3 && d.toLowerCase().startsWith(s));
  if (i >= 0) return i + 1;
  throw new CommandError(`--day ${JSON.stringify(raw)} is not all, each, 1-7 (Monday = 1) or a weekday name`);
}

/** A date (local midnight in the model's zone) or an ISO-8601 time with offset. */
function parseInstant(flag: string, raw: string, timezone: string): number {
  const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(raw.trim());
  if (d) return wallClockToInstant(timezone, Number(d[1]), Number(d[2]), Number(d[3]));
  const t = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(raw.trim()) && /(Z|[+-]\d{2}:?\d{2})$/i.test(raw.trim()) ? Date.parse(raw.trim()) : NaN;
  if (!Number.isFinite(t)) throw new CommandError(`${flag} ${JSON.stringify(raw)} is not a date (2026-06-01) or an ISO-8601 time with offset`);
  return t;
}

const fmtDate = (t: number, tz: string) => {
  const p = localParts(t, tz);
  return `${p.y}-${String(p.m).padStart(2, '0')}-${String(p.d).padStart(2, '0')}`;
};

function modelLine(m: Model): string {
  const f = m.file;
  return `model ${f.modelId} (${f.history?.days ?? '?'} days of history, ${f.timezone})`;
}

/** Local midnight at or before t. */
function midnightBefore(t: number, tz: string): number {
  const p = localParts(t, tz);
  return wallClockToInstant(tz, p.y, p.m, p.d);
}

/** The last `days` local days of readings, counted back from the day of the last reading. */
function lastDays<T extends { endMs: number }>(rows: readonly T[], days: number, timezone: string): T[] {
  if (rows.length === 0) return [];
  const p = localParts(rows[rows.length - 1]!.endMs - 1, timezone);
  const from = wallClockToInstant(timezone, p.y, p.m, p.d - (days - 1));
  return rows.filter((r) => r.endMs > from);
}

export async function renderFigure(fig: Figure, o: FigureOptions, cache: { model?: Model; history?: PlotHistory } = {}): Promise<string> {
  const model = (cache.model ??= readModel(o.model));
  const tz = model.file.timezone;
  const wFrom = o.from ? parseInstant('--from', o.from, tz) : -Infinity;
  const wTo = o.to ? parseInstant('--to', o.to, tz) : Infinity;
  // One streaming pass gathers what every figure needs: the last days for range, a reduced timeline.
  const hist = o.history ? (cache.history ??= await readPlotHistory(o.history, tz, { days: o.days, from: wFrom, to: wTo, model }, o.read, o.warn)) : undefined;
  const nRows = hist?.count ?? 0;
  if (o.day !== 'all' && fig !== 'timeline' && model.dayTypes === 1) throw new CommandError(`--day ${o.day}: this model has one profile for every day of the week; leave --day out`);
  if (fig === 'range') {
    // --from/--to cut the history first, so "the last N days" can end on any day (e.g. this morning).
    const recent = hist ? lastDays(hist.recent, o.days, tz) : [];
    const shown = recent.length > 0 ? ` · readings ${fmtDate(recent[0]!.endMs - 1, tz)} to ${fmtDate(recent[recent.length - 1]!.endMs - 1, tz)}` : '';
    const keys = [...CHART_MEASURES.map(([m]) => m), 'mean_24h'] as const;
    const pts = Object.fromEntries(keys.map((k) => [k, [] as { x: number; y: number }[]])) as Record<(typeof keys)[number], { x: number; y: number }[]>;
    for (const r of recent) for (const k of keys) if (r[k] !== null) pts[k].push({ x: r.minute / 60, y: r[k] });
    return renderBandsChart({
      tables: model.file,
      points: pts,
      ...(o.title ? { title: o.title } : {}),
      subtitle: `Bands of ${modelLine(model)}${shown}`,
    });
  }
  if (fig === 'score') {
    const b = model.file.bands.high.floor_1h;
    const band = Array.from({ length: 144 }, (_, k) => ({ hour: k / 6, until: (k + 1) / 6, lower: b.ref[0]![k * 10 + 5]!, upper: Math.min(b.upper[0]![k * 10 + 5]!, NOT_USED_W) }));
    return renderScoreChart({ band, ...(o.title ? { title: o.title } : {}) });
  }
  if (!o.history && !o.alerts) throw new CommandError('the timeline figure needs --history FILE (readings) or --alerts FILE (a run\'s alerts), or both');
  const alerts = o.alerts ? await readAlerts(o.alerts) : [];
  const truth = o.truth ? await readTruth(o.truth) : [];
  let lo = nRows > 0 ? hist!.first : Infinity;
  let hi = nRows > 0 ? hist!.last : -Infinity;
  for (const a of alerts) for (const t of [a.at, a.eventTs ?? a.at]) (lo = Math.min(lo, t), (hi = Math.max(hi, t)));
  if (!(hi >= lo)) throw new CommandError(`nothing to plot: ${o.alerts ? `--alerts ${o.alerts} holds no alerts` : 'no readings'}`, 1);
  // Alerts alone are instants: give them some context either side. Long spans start and end on
  // local midnights so the date ticks include both ends.
  if (nRows === 0) (lo -= 3 * 3_600_000, (hi += 3 * 3_600_000));
  if (hi - lo > 2 * 86_400_000) {
    lo = midnightBefore(lo, tz);
    const m = midnightBefore(hi - 1, tz);
    const p = localParts(m, tz);
    hi = wallClockToInstant(tz, p.y, p.m, p.d + 1);
  }
  const from = o.from ? parseInstant('--from', o.from, tz) : lo;
  const to = o.to ? parseInstant('--to', o.to, tz) : hi;
  if (!(to > from)) throw new CommandError(`--from/--to: the window ${new Date(from).toISOString()} to ${new Date(to).toISOString()} is empty`);
  const what = [o.history ? `readings: ${o.history.split('/').pop()}` : '', o.alerts ? `alerts: ${o.alerts.split('/').pop()}` : ''].filter(Boolean).join(' · ');
  return renderTimelineChart({
    model,
    timezone: tz,
    from,
    to,
    rows: hist ? hist.timeline : [],
    alerts,
    truth,
    ...(o.title ? { title: o.title } : {}),
    subtitle: `${what} · ${modelLine(model)}`,
  });
}
