import type { Delivered } from '@stream-smarts/notifier';
import { isNotUsed, MEASURE_NAMES } from '@stream-smarts/contracts';
import { measureLabel, type ScoredReading } from './score.js';

export interface RunSummary {
  readings: number;
  anomalies: number;
  alerts: number;
  fires: number;
  /** Minutes of event time from the story's anomaly start (e.g. heater on) to the first alert; null without one. */
  minutesToFirstAlert: number | null;
  firstAlertAt: number | null;
  wallMs: number;
  /** Each (alert, sink) the sink never accepted (dead-lettered), with why: a run with any ends non-zero. */
  undelivered: { sink: string; alert: string; detail: string }[];
}

export interface ViewOptions {
  json: boolean;
  timezone: string;
  /** Minutes of event time between status lines (text mode). */
  everyMin: number;
  out: (line: string) => void;
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

/**
 * What `run` prints. Text: a status line every `everyMin` minutes of event time and whenever a
 * reading turns anomalous or back to normal (so a minute-by-minute day stays a screenful), the
 * alerts, and one summary line. JSON: one object per reading, alert and the summary, for scripts.
 */
export class LiveView {
  private lastKind: string | null = null;
  private readonly clock: Intl.DateTimeFormat;
  private readonly dated: Intl.DateTimeFormat;
  /** Event time of the first reading; once a run spans more than a day, times carry their date. */
  private firstTs: number | undefined;
  private withDates = false;
  /** Event time of the latest reading, to stamp the console sink's lines with it. */
  lastTs = 0;
  /** Whether alerts are already printed by the console sink (text mode), so the view need not. */
  consolePrintsAlerts = false;

  constructor(private readonly o: ViewOptions) {
    this.clock = new Intl.DateTimeFormat('en-GB', { timeZone: o.timezone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    this.dated = new Intl.DateTimeFormat('en-CA', { timeZone: o.timezone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  }

  time(ts: number): string {
    if (!this.withDates) return this.clock.format(ts);
    const p = Object.fromEntries(this.dated.formatToParts(ts).map((x) => [x.type, x.value]));
    return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
  }

  private get pad(): number {
    return this.withDates ? 17 : 6;
  }

  header(text: string): void {
    if (!this.o.json) this.o.out(`${text}\n${'time'.padEnd(6)}${'Wh/h'.padStart(7)}  ${'measure'.padEnd(13)}${'value'.padStart(6)}  ${'normal'.padStart(12)}  ${'score'.padStart(6)}`);
  }

  reading(s: ScoredReading): void {
    const r = s.reading;
    this.lastTs = r.ts;
    this.firstTs ??= r.ts;
    if (!this.withDates && r.ts - this.firstTs > 86_400_000) {
      this.withDates = true;
      if (!this.o.json) this.o.out(`${'date time'.padEnd(this.pad)}${'Wh/h'.padStart(7)}  ${'measure'.padEnd(13)}${'value'.padStart(6)}  ${'normal'.padStart(12)}  ${'score'.padStart(6)}   (the run now spans more than a day)`);
    }
    if (this.o.json) {
      this.o.out(JSON.stringify({ type: 'reading', ts: r.ts, time: new Date(r.ts).toISOString(), meter_id: r.meter_id, day: r.day, hour: r.hour, minute: r.minute ?? null, kwh: r.kwh, wh: r.wh, ...Object.fromEntries(MEASURE_NAMES.map((m) => [m, r[m] ?? null])), measure: s.measure, value: Number.isFinite(s.value) ? s.value : null, lower: s.lower, upper: s.upper, score: s.fn, kind: s.kind }));
      return;
    }
    // A 'hold' reading is not an anomaly: it only keeps an alerted episode open.
    const kind = s.kind === 'hold' ? null : s.kind;
    const turned = kind !== this.lastKind;
    this.lastKind = kind;
    if (!turned && r.ts % (this.o.everyMin * 60_000) !== 0) return;
    const score = s.fn === null ? '—' : s.fn.toFixed(2);
    const mark = kind === 'high' ? '  HIGH' : kind === 'low' ? '  LOW' : turned ? '  normal again' : '';
    // The band of the measure that decided the score: a floor's usual level to its upper band, or the 24-h mean's lower band to its usual level.
    const normal = s.fn === null ? 'filling' : isNotUsed(s.upper) ? `≥ ${fmt(s.lower)}` : `${fmt(s.lower)}–${fmt(s.upper)}`;
    const value = Number.isFinite(s.value) ? fmt(s.value) : '—';
    this.o.out(`${this.time(r.ts).padEnd(this.pad)}${fmt(r.kwh).padStart(7)}  ${(s.fn === null ? '—' : measureLabel(s.measure)).padEnd(13)}${value.padStart(6)}  ${normal.padStart(12)}  ${score.padStart(6)}${mark}`);
  }

  /**
   * One alert as the sinks reported it: "ALERT to" names only the sinks that accepted it; the
   * others get a line of their own saying what happened (failed and why, silenced, held, quiet hours).
   */
  delivered(d: Delivered): void {
    const { alert: a, message, reports } = d;
    const accepted = reports.filter((r) => r.outcome === 'accepted' || r.outcome === 'already-delivered').map((r) => r.sink);
    if (this.o.json) {
      this.o.out(JSON.stringify({ type: 'alert', alert: a, message, sinks: accepted, reports, ...(d.silencedBy ? { silencedBy: d.silencedBy } : {}), ...(d.held ? { held: true } : {}) }));
      return;
    }
    const t = this.time(a.at).padEnd(this.pad);
    if (d.silencedBy) {
      this.o.out(`${t}SILENCED (${d.silencedBy.id.slice(0, 8)} "${d.silencedBy.comment}"), not delivered: ${message.title}: ${message.body}`);
      return;
    }
    if (d.held) {
      this.o.out(`${t}HELD (${reports[0]?.detail ?? 'nobody is home'}), not delivered: ${message.title}: ${message.body}`);
      return;
    }
    const others = reports.filter((r) => r.outcome !== 'accepted' && r.outcome !== 'already-delivered');
    // The console sink has printed the alert itself; say where else it went.
    const shown = this.consolePrintsAlerts ? accepted.filter((s) => s !== 'console') : accepted;
    if (shown.length > 0) this.o.out(`${t}ALERT to ${shown.join(', ')}: ${message.title}: ${message.body}`);
    for (const r of others) {
      const what = r.outcome === 'dead-lettered' ? `NOT DELIVERED to ${r.sink} after ${r.attempts} attempt${r.attempts === 1 ? '' : 's'}` : `${r.outcome.toUpperCase()} at ${r.sink}`;
      this.o.out(`${t}${what}: ${r.detail}${accepted.length === 0 ? ` (${message.title}: ${message.body})` : ''}`);
    }
  }

  /** A problem found before the first reading (a missing Home Assistant entity), in text mode. */
  problem(text: string): void {
    if (this.o.json) this.o.out(JSON.stringify({ type: 'problem', problem: text }));
    else this.o.out(`!!    ${text}`);
  }

  /** Prefixes the console sink's lines with the event time, so a fast simulated day reads right. */
  consoleLine(line: string): string {
    return `${this.time(this.lastTs).padEnd(this.pad)}>>> ${line}`;
  }

  summary(s: RunSummary, story?: { anomalyStart: number; label: string }): void {
    if (this.o.json) {
      this.o.out(JSON.stringify({ type: 'summary', ...s }));
      return;
    }
    const first =
      story === undefined
        ? ''
        : s.firstAlertAt === null
          ? `; ${story.label} ${this.time(story.anomalyStart)}, no alert`
          : `; ${story.label} ${this.time(story.anomalyStart)} → first alert ${this.time(s.firstAlertAt)} (${s.minutesToFirstAlert} min)`;
    this.o.out(`summary: ${fmt(s.readings)} readings, ${fmt(s.anomalies)} anomalies, ${s.alerts} alerts (${s.fires} new)${first}; wall time ${(s.wallMs / 1000).toFixed(1)} s`);
    if (s.undelivered.length > 0) {
      const bySink = new Map<string, { n: number; detail: string }>();
      for (const u of s.undelivered) bySink.set(u.sink, { n: (bySink.get(u.sink)?.n ?? 0) + 1, detail: u.detail });
      for (const [sink, { n, detail }] of bySink) this.o.out(`undelivered: ${n} alert${n === 1 ? '' : 's'} never reached ${sink}: ${detail}`);
    }
  }
}
