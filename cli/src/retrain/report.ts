import { renderTable } from '../table.js';
import { fmtMin, type ModelFigures } from './compare.js';
import type { RetrainResult } from './run.js';

/** What `retrain` prints: what it read, both models' figures side by side, and what it did. */

const n = (x: number) => x.toLocaleString('en-US');

function falseCell(f: ModelFigures): string {
  return `${f.falseAlerts}${f.falseAlerts > 0 ? ` (high ${f.falseHigh}, low ${f.falseLow})` : ''}`;
}

function foundCell(t: ModelFigures['heater'] | ModelFigures['away'], noun: string): string {
  const of = t.trials.length;
  if (of === 0) return 'no trial';
  const found = of === 1 ? (t.found ? 'found' : 'not found') : `${t.found}/${of} ${noun}`;
  return t.medianMinutes === null ? found : `${found}, ${of === 1 ? 'after' : 'median'} ${fmtMin(t.medianMinutes)}`;
}

export function renderRetrain(r: RetrainResult, deploy?: { steps: { title: string; result: string }[] } | { planned: string }): string {
  const L: string[] = [];
  const rd = r.read;
  const others = Object.values(rd.otherMeters).reduce((a, b) => a + b, 0);
  L.push(
    `Read ${n(rd.readings)} readings of meter ${rd.meterId} from ${rd.topic}, ${rd.from!.slice(0, 16).replace('T', ' ')} → ${rd.to!.slice(0, 16).replace('T', ' ')} UTC (${rd.days} days in ${r.timezone}` +
      `${rd.versions.v1 > 0 ? `; ${n(rd.versions.v1)} version-1 records` : ''}${others > 0 ? `; ${n(others)} records of other meters skipped` : ''}${rd.skipped > 0 ? `; ${n(rd.skipped)} unusable records skipped` : ''}).`,
  );
  const hb = r.heldBack;
  L.push(`Candidate trained on ${r.candidate.trainedOn.days} days ${r.candidate.trainedOn.from} → ${r.candidate.trainedOn.to} (${r.method.source === 'current model' ? "the current model's band parameters" : 'the default band parameters'}), compared with the current model on the held-back ${hb.weeks === 1 ? 'week' : `${hb.weeks} weeks`} ${hb.from.slice(0, 16).replace('T', ' ')} → ${hb.to.slice(0, 16).replace('T', ' ')} UTC:`);
  L.push('');
  const c = r.candidate.figures!;
  const k = r.current?.figures ?? null;
  const rows: string[][] = [
    ['false alerts on the days as they were', falseCell(c), k ? falseCell(k) : '—'],
    ['2 kW heater left on 02:00–07:00, one night at a time', foundCell(c.heater, 'nights'), k ? foundCell(k.heater, 'nights') : '—'],
    ['a week away (its lowest-use day repeated)', foundCell(c.away, 'weeks'), k ? foundCell(k.away, 'weeks') : '—'],
  ];
  L.push(renderTable(['', 'candidate', r.current ? `current ${r.current.modelId} (${r.current.contentHash.slice(0, 12)}…)` : 'current (none)'], rows));
  L.push('');
  if (r.verdict) L.push(`Rule: ${r.verdict.rule}.`);
  const d = r.decision;
  if (d.dryRun) {
    L.push(`Dry run: would ${d.ship ? `ship the candidate — ${d.why} — as models/<new id>, retrained on the last ${r.shipTrainDays} days, and point models/current at it` : `keep the current model — ${d.why}`}. Nothing was written.`);
    if (d.ship && deploy && 'planned' in deploy) L.push(`Would then deploy it: ${deploy.planned}.`);
    return L.join('\n');
  }
  if (r.shipped) {
    L.push(`Shipped: ${d.why}.`);
    L.push(`Wrote ${r.shipped.dir}/{bands.zip,envelope.json,model-card.md,envelope.svg} (trained on ${r.shipped.history?.days} days, content hash ${r.shipped.contentHash.slice(0, 12)}…); ${r.shipped.current} → ${r.shipped.modelId}.`);
  } else {
    L.push(`Kept the current model: ${d.why}. models/current is unchanged (--force ships the candidate anyway).`);
  }
  if (deploy && 'steps' in deploy) for (const s of deploy.steps) L.push(`  deploy: ${s.title}: ${s.result}`);
  L.push(`${((r.timings.totalMs) / 1000).toFixed(1)} s (reading ${(r.timings.readMs / 1000).toFixed(1)} s, training ${(r.timings.trainMs / 1000).toFixed(1)} s on ${r.h2o?.local ? 'a local H2O' : r.h2o?.url}).`);
  return L.join('\n');
}
