import { readFileSync } from 'node:fs';
import { TrailingMeasures } from '@stream-smarts/contracts';
import { z } from 'zod';
import { dayStart, DAY_MS, stepEnd, type Event, type Grid } from './protocol.js';

/**
 * Real events in a history, which the benchmark scores as events rather than false alerts:
 * - **away**: a day whose energy is under 55% of the median day of the 35 days either side (runs
 *   merged across one normal day) — nobody home;
 * - **all-night load**: a night where a load of at least 1.5 kW above the house's usual night (the
 *   median 1-h floor of the nights around it) stayed on for two hours or more between 23:00 and
 *   07:00 (the 1-h floor that high for an hour) — on the UCI house a ~2.2 kW heater run all night,
 *   mostly on winter weekends: exactly what the product is for. Relative to the usual night, so a
 *   house whose storage heaters charge every winter night has none.
 *
 * The rules are fixed here once, not fitted to any detector, and their output for the fixture is
 * committed as bench/data/uci-household/truth.json with the evidence of each event, so a reader
 * can check every label; `evaluate --benchmark` applies the same rules to a user's history.
 */

const AWAY_SHARE = 0.55;
const ALL_NIGHT_W = 1500;

export interface LabelledEvent extends Event {
  start: string;
  end: string;
}

/** Each local day's energy, Wh; NaN for a day with under 90% of its steps read (a gap is not a day away). */
function localDayEnergies(g: Grid): Float64Array {
  const e = new Float64Array(g.days);
  const read = new Float64Array(g.days);
  const steps = new Float64Array(g.days);
  for (let i = 0; i < g.w.length; i++) {
    steps[g.day[i]!]!++;
    if (Number.isNaN(g.w[i]!)) continue;
    read[g.day[i]!]!++;
    e[g.day[i]!]! += (g.w[i]! * g.intervalMs) / 3_600_000;
  }
  return e.map((x, d) => (read[d]! >= 0.9 * steps[d]! ? (x * steps[d]!) / read[d]! : NaN));
}

export function findRealEvents(g: Grid): LabelledEvent[] {
  const out: LabelledEvent[] = [];
  const iso = (i: number) => new Date(stepEnd(g, i) - g.intervalMs).toISOString();
  const E = localDayEnergies(g);
  const low: number[] = [];
  // The last day may be partial; leave it out.
  for (let d = 0; d < g.days - 1; d++) {
    const nb: number[] = [];
    if (Number.isNaN(E[d]!)) continue;
    for (let e = Math.max(0, d - 35); e < Math.min(g.days - 1, d + 36); e++) if (e !== d && !Number.isNaN(E[e]!)) nb.push(E[e]!);
    if (nb.length < 10) continue;
    nb.sort((a, b) => a - b);
    const med = nb.length % 2 ? nb[nb.length >> 1]! : (nb[nb.length / 2 - 1]! + nb[nb.length / 2]!) / 2;
    if (E[d]! < AWAY_SHARE * med) low.push(d);
  }
  const runs: [number, number][] = [];
  for (const d of low) {
    const last = runs.at(-1);
    if (last && d - last[1] <= 2) last[1] = d;
    else runs.push([d, d]);
  }
  for (const [a, b] of runs) {
    const from = dayStart(g, a);
    const to = dayStart(g, b + 1);
    const kwh = Array.from({ length: b - a + 1 }, (_, k) => (E[a + k]! / 1000).toFixed(1));
    out.push({ scenario: 'real-away', name: 'real-away', kind: 'low', from, to, injected: false, start: iso(from), end: iso(to), evidence: `daily energy ${kwh.join(', ')} kWh (under ${AWAY_SHARE * 100}% of the median day around it)` });
  }
  // All-night loads: the 1-h floor at or above 1.5 kW for at least an hour within 23:00–07:00.
  const f1h = new Float64Array(g.w.length).fill(NaN);
  const m = new TrailingMeasures();
  for (let i = 0; i < g.w.length; i++) {
    if (Number.isNaN(g.w[i]!)) continue;
    const v = m.push(stepEnd(g, i), (g.w[i]! * g.intervalMs) / 3_600_000, g.intervalMs);
    if (v.floor_1h !== null) f1h[i] = v.floor_1h;
  }
  const perHour = Math.round(3_600_000 / g.intervalMs);
  // The house's usual night: the median 1-h floor of each night, and of the nights around it.
  const night = (d: number) => [dayStart(g, d) + 23 * perHour, dayStart(g, d + 1) + 7 * perHour] as const;
  const nightMedian = new Float64Array(g.days).fill(NaN);
  for (let d = 0; d < g.days - 1; d++) {
    const [a, b] = night(d);
    if (b > g.w.length) break;
    const xs: number[] = [];
    for (let i = a; i < b; i++) if (!Number.isNaN(f1h[i]!)) xs.push(f1h[i]!);
    if (xs.length * 2 >= b - a) nightMedian[d] = xs.sort((x, y) => x - y)[xs.length >> 1]!;
  }
  for (let d = 0; d < g.days - 1; d++) {
    const [a, b] = night(d);
    if (b > g.w.length) break;
    const around: number[] = [];
    for (let e = Math.max(0, d - 35); e < Math.min(g.days - 1, d + 36); e++) if (e !== d && !Number.isNaN(nightMedian[e]!)) around.push(nightMedian[e]!);
    if (around.length < 10) continue;
    const usual = around.sort((x, y) => x - y)[around.length >> 1]!;
    let n = 0;
    let peak = 0;
    for (let i = a; i < b; i++) {
      if (f1h[i]! >= usual + ALL_NIGHT_W) n++;
      if (f1h[i]! > peak) peak = f1h[i]!;
    }
    const minutes = (n * g.intervalMs) / 60_000;
    if (minutes >= 60) {
      out.push({ scenario: 'real-all-night-load', name: 'real-all-night-load', kind: 'high', from: a, to: b, injected: false, start: iso(a), end: iso(b), evidence: `a load ≥ ${ALL_NIGHT_W / 1000} kW above the usual night (${Math.round(usual)} W) on for ${Math.round(minutes) + 59} min between 23:00 and 07:00 (1-h floor up to ${Math.round(peak)} W)` });
    }
  }
  return out.sort((x, y) => x.from - y.from);
}

const truthFileSchema = z.object({
  about: z.string().optional(),
  timezone: z.string().optional(),
  files: z.record(z.string(), z.array(z.object({ name: z.string(), kind: z.enum(['high', 'low']), start: z.string(), end: z.string(), evidence: z.string() }))),
});

/** Reads labelled events of one history file from a truth file, as steps of its grid. */
export function readLabels(path: string, file: string, g: Grid): LabelledEvent[] {
  const parsed = truthFileSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
  if (!parsed.success) throw new Error(`${path} is not a benchmark truth file: ${parsed.error.issues[0]!.path.join('.')}: ${parsed.error.issues[0]!.message}`);
  const evs = parsed.data.files[file];
  if (!evs) throw new Error(`${path} has no labels for ${file} (it has ${Object.keys(parsed.data.files).join(', ')})`);
  const at = (iso: string) => Math.round((Date.parse(iso) + g.intervalMs - g.firstEnd) / g.intervalMs);
  return evs.map((e) => ({ ...e, scenario: e.name, from: at(e.start), to: at(e.end), injected: false }));
}

;
