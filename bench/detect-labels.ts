/**
 * Writes bench/data/uci-household/truth.json: the real events of the fixture, found once by the
 * fixed rules of cli/src/evaluate/benchmark/labels.ts (days away, all-night loads), each with its
 * evidence. Committed, so a reader can check every label and the benchmark reads the same ones.
 *
 *   TS_NODE_TRANSPILE_ONLY=1 TS_NODE_PROJECT=tsconfig.base.json node --loader ts-node/esm bench/detect-labels.ts
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LabelledEvent } from '../cli/src/evaluate/benchmark/labels.js';
import { FIXTURE_DIR, FIXTURE_FILES, FIXTURE_TIMEZONE, loadHistory } from '../cli/src/evaluate/benchmark/load.js';

const files: Record<string, { name: string; kind: string; start: string; end: string; evidence: string }[]> = {};
for (const f of FIXTURE_FILES) {
  const h = await loadHistory(join(FIXTURE_DIR, f), FIXTURE_TIMEZONE);
  files[f] = h.labelled.map((e) => ({ name: e.name, kind: e.kind, start: (e as LabelledEvent).start, end: (e as LabelledEvent).end, evidence: e.evidence ?? '' }));
  console.log(`${f}: ${files[f]!.length} events`);
}
const about =
  'Real events in the benchmark fixture, scored as events (detections), not as false alerts. Found by the fixed rules of cli/src/evaluate/benchmark/labels.ts, never fitted to a detector: real-away = a day under 55% of the median day of the 35 days either side (runs merged across one normal day); real-all-night-load = a load of at least 1.5 kW on for two hours or more between 23:00 and 07:00. Times are UTC; start is the start of the first interval, end the end of the last. Regenerate with bench/detect-labels.ts.';
writeFileSync(join(FIXTURE_DIR, 'truth.json'), JSON.stringify({ about, timezone: FIXTURE_TIMEZONE, files }, null, 1) + '\n');
