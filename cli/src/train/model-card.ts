import { relative } from 'node:path';
import type { Envelope } from './envelope.js';
import type { History } from './history.js';

/** model-card.md: what a person needs to judge a model — data, coverage, weak cells, how to use it. */

export const THIN_CELL_ROWS = 10;
const DAY_SHORT = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

const fmt = (v: number) => (Math.round(v * 10) / 10).toFixed(1);
const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
/** A path as the user would type it from here, so a committed card holds no machine's home directory. */
const shown = (file: string) => {
  const r = relative(process.cwd(), file);
  return r.startsWith('..') || r === '' ? file : r;
};

export function renderModelCard(env: Envelope, history: Pick<History, 'files' | 'bad' | 'rejected' | 'partial'>, fitError?: number): string {
  const thin = env.cells.filter((c) => c.rows < THIN_CELL_ROWS);
  const lines: string[] = [];
  lines.push(`# Model ${env.modelId}`);
  lines.push('');
  lines.push(`Expected range of household power for each day of the week and hour of day, trained with ${env.algorithm} (H2O ${env.h2oVersion}) on ${env.trainedAt}.`);
  lines.push(`Measure: trailing-hour energy in **Wh/h** (average watts over the hour before a reading; carried as \`kwh\`). Day and hour are local to **${env.timezone}**.`);
  lines.push('');
  lines.push('| | |');
  lines.push('|---|---|');
  lines.push(`| training range | ${env.history.from} → ${env.history.to} |`);
  lines.push(`| rows used | ${env.history.rows} |`);
  lines.push(`| rows rejected | ${env.history.rejected}${history.partial > 0 ? ` (plus ${plural(history.partial, 'reading', 'readings')} skipped: trailing hour under half covered, at the start or after gaps)` : ''} |`);
  lines.push(`| quantiles | lower ${env.quantiles.lower}, upper ${env.quantiles.upper}${env.quantiles.lower === 0 && env.quantiles.upper === 1 ? ' (minimum and maximum seen, as in 2018)' : ''} |`);
  if (fitError !== undefined) lines.push(`| fit | the MOJOs reproduce every cell's quantiles within ${fitError < 0.01 ? '0.01' : fitError.toFixed(2)} Wh/h |`);
  lines.push(`| content hash | \`${env.contentHash}\` |`);
  lines.push(`| files | ${history.files.map((f) => `${shown(f.file)} (${f.format}, ${f.intervalS} s, ${f.rows} rows, ${f.rejected} rejected)`).join('; ')} |`);
  lines.push('');
  lines.push('Score of a reading: `(kwh − lower) / max(upper − lower, 1)`; above 1.0 is more power than the history ever showed for that hour, below 0 less.');
  lines.push('');
  lines.push('## Envelope by hour (the two-argument `ANOMOLY_POWER(hour, kwh)`)');
  lines.push('');
  lines.push('| hour | lower Wh/h | upper Wh/h |');
  lines.push('|---:|---:|---:|');
  for (const h of env.hours) lines.push(`| ${h.hour} | ${fmt(h.lower)} | ${fmt(h.upper)} |`);
  lines.push('');
  lines.push('## Rows per cell');
  lines.push('');
  lines.push(`Rows of history behind each day-and-hour cell. Cells marked \`!\` have fewer than ${THIN_CELL_ROWS} rows: their range is uncertain (an empty cell's range is borrowed from similar cells by the trees).`);
  lines.push('');
  lines.push(`| day | ${Array.from({ length: 24 }, (_, h) => String(h)).join(' | ')} |`);
  lines.push(`|---|${Array.from({ length: 24 }, () => '---:').join('|')}|`);
  for (let d = 1; d <= 7; d++) {
    const row = env.cells.filter((c) => c.day === d).map((c) => `${c.rows}${c.rows < THIN_CELL_ROWS ? ' !' : ''}`);
    lines.push(`| ${DAY_SHORT[d - 1]} | ${row.join(' | ')} |`);
  }
  lines.push('');
  lines.push('## Flagged cells');
  lines.push('');
  if (thin.length === 0) lines.push(`None: every cell has at least ${THIN_CELL_ROWS} rows.`);
  else {
    lines.push(`${thin.length} of 168 cells have fewer than ${THIN_CELL_ROWS} rows: ${thin.map((c) => `${DAY_SHORT[c.day - 1]} ${c.hour}:00 (${c.rows})`).join(', ')}.`);
    lines.push('Train on a longer history to firm them up.');
  }
  if (history.rejected > 0) {
    lines.push('');
    lines.push('## Rejected rows (first 10)');
    lines.push('');
    for (const b of history.bad.slice(0, 10)) lines.push(`- ${shown(b.file)}:${b.line}: ${b.reason}`);
  }
  lines.push('');
  lines.push('## Files');
  lines.push('');
  lines.push('- `lower.zip`, `upper.zip`: H2O MOJOs (features `day`, `hour` as categoricals; response `kwh`).');
  lines.push('- `envelope.json`: the table every consumer uses (contracts/MODEL-FORMAT.md).');
  lines.push('- `envelope.svg`: the expected range by hour with the history over it.');
  lines.push('');
  return lines.join('\n');
}
