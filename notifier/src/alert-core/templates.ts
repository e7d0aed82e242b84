import type { Alert, Message } from './types.js';

/** Alert texts; placeholders in braces, see `render`. The defaults keep the 2018 notifier's words. */
export interface Templates {
  high: string;
  low: string;
  resolved: string;
}

export const DEFAULT_TEMPLATES: Templates = {
  high: '{seen}{away}. Please check!',
  low: '{seen}. Please check!',
  resolved: 'Power usage is back to normal (unusually {kind} since {since}).',
};

/** The 2018 notifier's words, which {seen} falls back to when a row carries no measures (a 2018 statement's row). */
export const WORDS_2018 = {
  high: 'Unusual power usage of {wh} Wh at {time}',
  low: 'Unusually low power usage of {wh} Wh at {time}',
};

/** What the readings say was seen: a load's size and since when, from the steps a reading carries. */
export interface SeenLoad {
  /** W: the step of the load (or, when its start is older than the steps reach, the power it has not dropped below). */
  watts: number;
  /** When it came on, as far as the steps tell (event time), or the episode's start. */
  since: number;
  /** Whether `watts` is the load itself (a step) or the house's lowest power with it. */
  step: boolean;
}

const STEP_AGES = [
  ['step_20m', 20],
  ['step_45m', 45],
  ['step_90m', 90],
] as const;
/** A step under this is no load worth naming. */
const NAMED_W = 300;

/**
 * The load an alert is about, from its reading's measures (contracts/MODEL-FORMAT.md): the steps
 * say how far the power of the last 20, 45 and 90 minutes stands above the hour before — the
 * longest of them still at least 60% of the largest tells how long the load has been on. A load
 * minutes old, before the steps have their windows, is the reading's own power above the 3-h floor;
 * one on for longer than the steps reach is described by the 3-h floor (the power it has not
 * dropped below) since the episode's start.
 */
export function seenLoad(alert: Pick<Alert, 'startedAt' | 'event' | 'onset'>): SeenLoad | null {
  const load = describe(alert);
  // The episode's first anomaly may have told an earlier start than this one can.
  return load && alert.onset !== undefined ? { ...load, since: Math.min(load.since, alert.onset) } : load;
}

function describe(alert: Pick<Alert, 'startedAt' | 'event'>): SeenLoad | null {
  const m = alert.event.measures;
  if (!m) return null;
  const at = alert.event.eventTs;
  let largest = 0;
  for (const [k] of STEP_AGES) largest = Math.max(largest, m[k] ?? 0);
  // A step names the load while it is most of what stays on; once the load is older than the steps
  // reach (or the house's own base is most of it), the floor says more.
  const base = m.floor_1h ?? m.floor_15m ?? 0;
  if (largest >= NAMED_W && largest >= 0.5 * base) {
    // The longest step still ≥ 60% of the largest: the load has been on at least that long (a
    // 20-min step: all of it; a 45- or 90-min one takes the 40th percentile, so 60% of it).
    let least = 0;
    for (const [k, a] of STEP_AGES) if ((m[k] ?? 0) >= 0.6 * largest) least = a === 20 ? a : 0.6 * a;
    return { watts: largest, since: Math.min(alert.startedAt, at - least * 60_000), step: true };
  }
  // Minutes old, before any step has its window: the reading's own power above the 3-h floor.
  const p = alert.event.power;
  const before = m.floor_3h ?? m.floor_1h;
  if (p !== undefined && before !== undefined && p - before >= NAMED_W && p - before >= 0.5 * p) {
    // A floor that has risen with it says the load has been on for at least the floor's window.
    const load = p - before;
    const least = m.floor_1h !== undefined && m.floor_3h !== undefined && m.floor_1h - m.floor_3h >= 0.6 * load ? 60 : m.floor_15m !== undefined && m.floor_15m - before >= 0.6 * load ? 15 : 0;
    return { watts: load, since: Math.min(alert.startedAt, at - least * 60_000), step: true };
  }
  const floor = m.floor_3h ?? m.floor_1h ?? m.floor_15m;
  if (floor !== undefined && floor >= NAMED_W) return { watts: floor, since: alert.startedAt, step: false };
  return null;
}

const kw = (w: number) => `${(w / 1000).toFixed(1)} kW`;
const duration = (ms: number) => {
  const min = Math.max(1, Math.round(ms / 60_000));
  return min < 100 ? `${min} min` : `${(min / 60).toFixed(1)} h`;
};

const TITLES: Record<Alert['type'], string> = {
  fire: 'Power alert',
  repeat: 'Power alert (still going)',
  resolve: 'Power back to normal',
  test: 'stream-smarts test alert',
};

/** Formatters are costly to build (half a millisecond each): one per zone, kept. */
const clocks = new Map<string, Intl.DateTimeFormat>();

function clock(ms: number, timeZone: string): string {
  let f = clocks.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', { timeZone, hour: 'numeric', minute: '2-digit', hourCycle: 'h23' });
    clocks.set(timeZone, f);
  }
  return f.format(ms);
}

/** What nobody-home adds to a high-usage alert, at {away} or, when the template has no {away}, at its end. */
export const AWAY_NOTE = ' while nobody is home';

/**
 * Fills {seen} {wh} {kwh} {time} {hour} {meter} {kind} {fn} {count} {since} {away}; an unknown
 * placeholder stays as written. `away`: nobody is home (away mode), said in the text. {seen} says
 * what was seen — "About 2.0 kW has been on since 21:58 (45 min); this house doesn't do that at
 * this time", or for low usage how much the last 24 hours used — and falls back to the 2018 words
 * for a row that carries no measures.
 */
export function render(alert: Alert, templates: Templates, timeZone: string, ctx: { away?: boolean } = {}): Message {
  const e = alert.event;
  const values: Record<string, string> = {
    // KWH carries watt-hours per hour (contracts/MODEL-FORMAT.md; named kwh for the 2018
    // statements): {wh} is that number, {kwh} the same energy in kWh.
    wh: String(Math.round(e.kwh)),
    kwh: String(Math.round(e.kwh) / 1000),
    // HOUR is the reading's local hour, as the 2018 message said it: "at 4:00".
    time: `${e.hour}:00`,
    hour: String(e.hour),
    meter: alert.meterId,
    kind: alert.kind,
    fn: e.fn.toFixed(2),
    count: String(alert.count),
    since: clock(alert.startedAt, timeZone),
    away: ctx.away ? AWAY_NOTE : '',
  };
  values.seen = seenText(alert, timeZone, values);
  const template = alert.type === 'resolve' ? templates.resolved : alert.kind === 'high' ? templates.high : templates.low;
  let body = template.replace(/\{(\w+)\}/g, (m, name: string) => values[name] ?? m);
  if (ctx.away && !template.includes('{away}')) body += ` (${AWAY_NOTE.trim()})`;
  return { title: TITLES[alert.type], body };
}

function seenText(alert: Alert, timeZone: string, values: Record<string, string>): string {
  const fill = (t: string) => t.replace(/\{(\w+)\}/g, (m, name: string) => values[name] ?? m);
  if (alert.kind === 'low') {
    const mean = alert.event.measures?.mean_24h;
    return mean === undefined ? fill(WORDS_2018.low) : `This house has used ${((mean * 24) / 1000).toFixed(1)} kWh in the last 24 hours, far less than it usually does`;
  }
  const load = seenLoad(alert);
  if (!load) return alert.event.measures ? `Power use has been unusually high since ${clock(alert.startedAt, timeZone)}` : fill(WORDS_2018.high);
  const on = `since ${clock(load.since, timeZone)} (${duration(alert.event.eventTs - load.since)})`;
  return load.step ? `About ${kw(load.watts)} has been on ${on}; this house doesn't do that at this time` : `The power has not dropped below ${kw(load.watts)} ${on}; this house doesn't do that at this time`;
}
