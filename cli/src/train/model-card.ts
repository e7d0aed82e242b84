import { relative } from 'node:path';
import { HIGH_MEASURES, isNotUsed, MEASURE_LABELS, type HighMeasure, type ModelFile } from '@stream-smarts/contracts';
import { hhmm } from './day-grid.js';
import type { Fitted } from './fit.js';
import type { History } from './history.js';
import type { HoldoutResult } from './holdout.js';

/** model-card.md: what a person needs to judge a model — its data, what it learned, what it would have sent. */

const fmt = (v: number) => (isNotUsed(v) ? 'not used' : String(Math.round(v)));
/** A path as the user would type it from here, so a committed card holds no machine's home directory. */
const shown = (file: string) => {
  const r = relative(process.cwd(), file);
  return r.startsWith('..') || r === '' ? file : r;
};

/** The sentence the issue asks for, also printed by `train`. */
export function expectSentence(h: HoldoutResult | undefined): string {
  if (!h) return 'The history was too short to hold back weeks for a replay, so there is no estimate of how often this model alerts.';
  const weeks = h.weeks === 1 ? 'week' : `${h.weeks} weeks`;
  return `On your last ${weeks} this model would have alerted ${h.alerts} time${h.alerts === 1 ? '' : 's'} (high ${h.high}, low ${h.low}).`;
}

const mins = (m: number | null) => (m === null ? '—' : m < 120 ? `${Math.round(m)} min` : `${(m / 60).toFixed(1)} h`);

/** How soon a 2 kW load left on was seen on the held-back days, one sentence. */
export function loadSentence(h: HoldoutResult | undefined): string {
  if (!h || h.loads.every((l) => l.tried === 0)) return '';
  const part = (l: HoldoutResult['loads'][number]) =>
    l.tried === 0 ? `at ${l.at} not tried` : l.found === 0 ? `at ${l.at} not within 12 h (${l.tried} days)` : `at ${l.at} after ${mins(l.medianMinutes)} (latest ${mins(l.maxMinutes)}; ${l.found} of ${l.tried} days)`;
  return `A 2 kW load switched on and left on would have been alerted ${h.loads.map(part).join(', ')}.`;
}

const measureName = (m: HighMeasure | 'mean_24h') => MEASURE_LABELS[m];

/** What the card says about the data a model came from: history files (train) or a Kafka topic (retrain). */
export interface CardHistory {
  files: { file: string; format: string; intervalS: number; rows: number; rejected: number }[];
  bad: Pick<History['bad'][number], 'file' | 'line' | 'reason'>[];
  rejected: number;
}

interface CalibrationRecord {
  budgetPerWeek?: number;
  marginHigh?: Partial<Record<HighMeasure, number[]>>;
  marginLow?: number;
  weeks?: number;
  high?: number;
  low?: number;
  independent?: number;
}

export function renderModelCard(m: ModelFile, history: CardHistory, fitted: Fitted, holdout?: HoldoutResult): string {
  const L: string[] = [];
  const b = m.bands;
  const cal = (m.calibration ?? {}) as CalibrationRecord;
  L.push(`# Model ${m.modelId}`);
  L.push('');
  L.push(`What this house does at each time of day, and where the model alerts (contracts/MODEL-FORMAT.md, \`${m.format}\`). Trained with ${m.algorithm} (H2O ${m.h2oVersion}) on ${m.trainedAt}; times are local to **${m.timezone}**.`);
  L.push('');
  L.push('## What to expect');
  L.push('');
  if (cal.budgetPerWeek !== undefined) {
    const per = cal.budgetPerWeek > 0 ? Math.round(1 / cal.budgetPerWeek) : Infinity;
    L.push(`**Calibrated to your alert budget**: at most one false alert in ${per} week${per === 1 ? '' : 's'} of each kind (\`train --alert-budget\`). On ${cal.weeks?.toFixed(1)} weeks of your history, each part scored by a model of the rest, these bands would have alerted ${cal.high} time${cal.high === 1 ? '' : 's'} high and ${cal.low} low.`);
    L.push('');
  }
  L.push(expectSentence(holdout));
  const loads = loadSentence(holdout);
  if (loads) L.push(loads);
  if (holdout) {
    L.push(`(The same training, without the held-back ${holdout.weeks} weeks ${holdout.from.slice(0, 10)} → ${holdout.to.slice(0, 10)}, replayed through the alert rules in force: ${holdout.notifications} message${holdout.notifications === 1 ? '' : 's'} in all, reminders and "back to normal" included; the 2 kW load added to those days' own readings, one day at a time.)`);
    if (holdout.times.length > 0) {
      L.push('');
      for (const t of holdout.times.slice(0, 20)) L.push(`- ${t.at.slice(0, 16).replace('T', ' ')} UTC: ${t.kind === 'high' ? 'a load stayed on longer or higher than usual' : 'much less power than usual over a day'}`);
      L.push('');
      L.push('If these were things you meant to do, the bands are right and you can silence them when they happen (`stream-smarts silence add`); if they were not, they are what the model is for. A larger budget (`--alert-budget 1`: one a week) finds a load left on sooner, at the price of more alerts.');
    }
  }
  L.push('');
  L.push('| | |');
  L.push('|---|---|');
  L.push(`| trained on | ${m.history?.days} days, ${m.history?.from} → ${m.history?.to}, ${m.history?.rows} readings |`);
  if (m.resolution) L.push(`| meter | ${m.resolution.impulsesPerKwh} impulses/kWh, ${m.resolution.intervalS}-s readings: one pulse in one reading is ${Math.round(3_600_000 / m.resolution.impulsesPerKwh / m.resolution.intervalS)} W, and no band is narrower than ${fitted.stats.method.minMarginPulses} pulses |`);
  L.push(`| rows rejected | ${history.rejected} |`);
  L.push(`| incidents left out | ${fitted.stats.incidents.length === 0 ? 'none' : `${fitted.stats.incidents.length} (a load ≥ ${fitted.stats.method.leftOnW} W above what the house normally reaches then, on for 2 h or more: never learned as normal)`} |`);
  L.push(`| fit | the MOJO reproduces every band statistic within ${fitted.fitMaxAbsWh < 0.01 ? '0.01' : fitted.fitMaxAbsWh.toFixed(2)} Wh/h |`);
  L.push(`| content hash | \`${m.contentHash}\` (\`ANOMOLY_POWER_MODEL()\` returns it in ksqlDB) |`);
  L.push(`| files | ${history.files.map((f) => `${shown(f.file)} (${f.format}, ${f.intervalS} s, ${f.rows} rows, ${f.rejected} rejected)`).join('; ')} |`);
  if (cal.marginHigh) {
    L.push('');
    L.push('## The margins chosen for this house');
    L.push('');
    L.push(`Each measure's alert edge stands above how high this house normally reaches at that time (the ${fitted.stats.method.q} quantile of its days) by a margin chosen on your own history: a share of that level (plus ${fitted.stats.method.relScaleW} W), per quarter of the day. ${cal.independent !== undefined ? `${cal.independent.toFixed(0)} of the ${HIGH_MEASURES.length * fitted.stats.method.blocks} measure-and-quarter pairs acted as independent tests on the held-back days, and share the budget.` : ''}`);
    L.push('');
    L.push('| measure | 00–06 | 06–12 | 12–18 | 18–24 |');
    L.push('|---|---:|---:|---:|---:|');
    for (const c of HIGH_MEASURES) {
      const k = cal.marginHigh[c];
      if (k) L.push(`| ${measureName(c)} | ${k.map((x) => `× ${x.toFixed(2)}`).join(' | ')} |`);
    }
    if (cal.marginLow !== undefined) L.push(`| 24-h mean | ${(cal.marginLow * 100).toFixed(0)}% below its usual low, all day | | | |`);
  }
  L.push('');
  L.push('## The bands, every two hours' + (b.dayTypes === 2 ? ' (weekdays)' : ''));
  L.push('');
  L.push('A reading is anomalously **high** when a measure of a load that stayed on — the lowest power of the last 15 min, 1 h or 3 h, how far the last 20, 45 or 90 min stand above the hour before them, the power of loads that came and went over 3 h — stands above its upper band; **low** when the mean power of the last 24 h falls below its lower band. Wh/h is average watts; each cell is usual / upper.');
  L.push('');
  L.push(`| time | ${HIGH_MEASURES.map(measureName).join(' | ')} | 24-h mean usual / lower |`);
  L.push(`|---|${HIGH_MEASURES.map(() => '---:').join('|')}|---:|`);
  for (let m0 = 0; m0 < 1440; m0 += 120) {
    const at = m0 + 5;
    L.push(`| ${hhmm(m0)} | ${HIGH_MEASURES.map((c) => `${fmt(b.high[c].ref[0]![at]!)} / ${fmt(b.high[c].upper[0]![at]!)}`).join(' | ')} | ${fmt(b.mean_24h.ref[0]![at]!)} / ${fmt(b.mean_24h.lower[0]![at]!)} |`);
  }
  L.push('');
  L.push('"not used": the history gives that measure no value at that time of day; the others still watch.');
  if (history.rejected > 0) {
    L.push('');
    L.push(`## Rejected rows (${history.rejected}; the first ${Math.min(10, history.bad.length)})`);
    L.push('');
    for (const r of history.bad.slice(0, 10)) L.push(`- ${shown(r.file)}:${r.line}: ${r.reason}`);
  }
  L.push('');
  L.push('## Files');
  L.push('');
  L.push('- `bands.zip`: the H2O MOJO (features `band` categorical and `minute` numeric; response `log_w`).');
  L.push('- `envelope.json`: the tables every consumer uses, computed from it by the UDF jar.');
  L.push('- `envelope.svg`: the bands by time of day with the history over them.');
  L.push('');
  return L.join('\n');
}
