import type { Alert, Message } from './types.js';

/** Alert texts; placeholders in braces, see `render`. The defaults keep the 2018 notifier's words. */
export interface Templates {
  high: string;
  low: string;
  resolved: string;
}

export const DEFAULT_TEMPLATES: Templates = {
  high: 'Unusual power usage of {wh} Wh at {time}{away}. Please check!',
  low: 'Unusually low power usage of {wh} Wh at {time}. Please check!',
  resolved: 'Power usage is back to normal (unusually {kind} since {since}).',
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
 * Fills {wh} {kwh} {time} {hour} {meter} {kind} {fn} {count} {since} {away}; an unknown placeholder
 * stays as written. `away`: nobody is home (away mode), said in the text.
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
  const template = alert.type === 'resolve' ? templates.resolved : alert.kind === 'high' ? templates.high : templates.low;
  let body = template.replace(/\{(\w+)\}/g, (m, name: string) => values[name] ?? m);
  if (ctx.away && !template.includes('{away}')) body += ` (${AWAY_NOTE.trim()})`;
  return { title: TITLES[alert.type], body };
}
