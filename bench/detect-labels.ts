/**
 * Writes truth.json beside each real household of the detection benchmark
 * (bench/data/uci-household/, bench/data/refit-house2/): the real events of its files, found once
 * by the fixed rules of cli/src/evaluate/benchmark/labels.ts (days away, all-night loads), each with
 * its evidence. Committed, so a reader can check every label and the benchmark reads the same ones.
 *
 *   TS_NODE_TRANSPILE_ONLY=1 TS_NODE_PROJECT=tsconfig.base.json node --loader ts-node/esm bench/detect-labels.ts
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BENCH_HOUSEHOLDS } from '../cli/src/evaluate/benchmark/households.js';
import type { LabelledEvent } from '../cli/src/evaluate/benchmark/labels.js';
import { loadHistory } from '../cli/src/evaluate/benchmark/load.js';

const about =
  'Real events in the benchmark fixture, scored as events (detections), not as false alerts. Found by the fixed rules of cli/src/evaluate/benchmark/labels.ts, never fitted to a detector: real-away = a day (at least 90% read) under 55% of the median day of the 35 days either side (runs merged across one normal day); real-all-night-load = a load of at least 1.5 kW above the usual night (the median 1-h floor of the nights around it) on for two hours or more between 23:00 and 07:00. Times are UTC; start is the start of the first interval, end the end of the last. Regenerate with bench/detect-labels.ts.';
for (const h of BENCH_HOUSEHOLDS.filter((x) => x.kind === 'real')) {
  const files: Record<string, { name: string; kind: string; start: string; end: string; evidence: string }[]> = {};
  for (const f of h.files) {
    const hist = await loadHistory(join(h.dir, f), h.timezone);
    files[f] = hist.labelled.map((e) => ({ name: e.name, kind: e.kind, start: (e as LabelledEvent).start, end: (e as LabelledEvent).end, evidence: e.evidence ?? '' }));
    console.log(`${h.household} ${f}: ${files[f]!.filter((e) => e.name === 'real-away').length} away, ${files[f]!.filter((e) => e.name === 'real-all-night-load').length} all-night loads`);
  }
  writeFileSync(join(h.dir, 'truth.json'), JSON.stringify({ about, timezone: h.timezone, files }, null, 1) + '\n');
}
