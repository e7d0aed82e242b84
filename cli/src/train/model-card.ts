import { relative } from 'node:path';
import { isNotUsed, type ModelFile } from '@stream-smarts/contracts';
import { hhmm } from './band-stats.js';
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

/** What the card says about the data a model came from: history files (train) or a Kafka topic (retrain). */
export interface CardHistory {
  files: { file: string; format: string; intervalS: number; rows: number; rejected: number }[];
  bad: Pick<History['bad'][number], 'file' | 'line' | 'reason'>[];
  rejected: number;
}

export function renderModelCard(m: ModelFile, history: CardHistory, fitted: Fitted, holdout?: HoldoutResult): string {
  const L: string[] = [];
  const b = m.bands;
  L.push(`# Model ${m.modelId}`);
  L.push('');
  L.push(`What this house does at each time of day, and where the model alerts (contracts/MODEL-FORMAT.md, \`${m.format}\`). Trained with ${m.algorithm} (H2O ${m.h2oVersion}) on ${m.trainedAt}; times are local to **${m.timezone}**.`);
  L.push('');
  L.push('## What to expect');
  L.push('');
  L.push(expectSentence(holdout));
  if (holdout) {
    L.push(`(The same training, without the held-back ${holdout.weeks} weeks ${holdout.from.slice(0, 10)} → ${holdout.to.slice(0, 10)}, replayed through the alert rules in force: ${holdout.notifications} message${holdout.notifications === 1 ? '' : 's'} in all, reminders and "back to normal" included.)`);
    if (holdout.times.length > 0) {
      L.push('');
      for (const t of holdout.times.slice(0, 20)) L.push(`- ${t.at.slice(0, 16).replace('T', ' ')} UTC: ${t.kind === 'high' ? 'a load stayed on longer or higher than usual' : 'much less power than usual over a day'}`);
      L.push('');
      L.push('If these were things you meant to do, the bands are right and you can silence them when they happen (`stream-smarts silence add`); if they were not, they are what the model is for.');
    }
  }
  L.push('');
  L.push('| | |');
  L.push('|---|---|');
  L.push(`| trained on | ${m.history?.days} days, ${m.history?.from} → ${m.history?.to}, ${m.history?.rows} readings |`);
  L.push(`| rows rejected | ${history.rejected} |`);
  L.push(`| incidents left out | ${fitted.stats.incidents.length === 0 ? 'none' : `${fitted.stats.incidents.length} (a load ≥ ${fitted.stats.method.leftOnW} W above usual held for 3 h: never learned as normal)`} |`);
  L.push(`| season | ${fitted.stats.season > 1 ? `the last ${fitted.stats.method.season.days} days run ${((fitted.stats.season - 1) * 100).toFixed(0)}% above the history: the 1-h and 3-h bands are raised by as much` : 'no rise: bands as learned'} |`);
  L.push(`| fit | the MOJO reproduces every band statistic within ${fitted.fitMaxAbsWh < 0.01 ? '0.01' : fitted.fitMaxAbsWh.toFixed(2)} Wh/h |`);
  L.push(`| content hash | \`${m.contentHash}\` (\`ANOMOLY_POWER_MODEL()\` returns it in ksqlDB) |`);
  L.push(`| files | ${history.files.map((f) => `${shown(f.file)} (${f.format}, ${f.intervalS} s, ${f.rows} rows, ${f.rejected} rejected)`).join('; ')} |`);
  L.push('');
  L.push('## The bands, every two hours');
  L.push('');
  L.push('A reading is anomalously **high** when the lowest power of the last 15 min, 1 h or 3 h stands above its upper band (a load has stayed on longer or higher than this house ever does then), **low** when the mean power of the last 24 h falls below its lower band. Wh/h is average watts.');
  L.push('');
  L.push('| time | 15-min floor usual / upper | 1-h floor usual / upper | 3-h floor usual / upper | 24-h mean usual / lower |');
  L.push('|---|---:|---:|---:|---:|');
  for (let m0 = 0; m0 < 1440; m0 += 120) {
    const at = m0 + 5;
    L.push(`| ${hhmm(m0)} | ${fmt(b.floor_15m.ref[at]!)} / ${fmt(b.floor_15m.upper[at]!)} | ${fmt(b.floor_1h.ref[at]!)} / ${fmt(b.floor_1h.upper[at]!)} | ${fmt(b.floor_3h.ref[at]!)} / ${fmt(b.floor_3h.upper[at]!)} | ${fmt(b.mean_24h.ref[at]!)} / ${fmt(b.mean_24h.lower[at]!)} |`);
  }
  L.push('');
  L.push('"not used": at that time of day this house already runs loads that leave no room to see a left-on one on that horizon; the longer horizons still watch.');
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
