/**
 * Benchmark of `stream-smarts run`'s pipeline: readings per second through the whole in-process
 * path on one core (score with models/current's envelope → notifier alert core → delivery → sink),
 * and the time from a reading entering the pipeline to the sink's send() for the readings that
 * alert. Target: ≥ 200,000 readings/s. Nothing is asserted — it is a measurement.
 *
 *   npx tsc -b && TS_NODE_TRANSPILE_ONLY=1 TS_NODE_PROJECT=tsconfig.base.json node --loader ts-node/esm bench/pipeline.ts [days]
 *
 * The comparison, in the same run on the same readings: the Kafka mode's hops without a broker —
 * each reading JSON-encoded and decoded (raw_power in, as a consumer would), scored, each anomaly
 * encoded as the ANOMOLY_POWER JSON row and handed to the notifier Pipeline's Kafka entry
 * (`handle`: zod parse and offset bookkeeping) — twice: (1) with the notifier's state file, written
 * after every message as the Kafka notifier must (its offsets and episodes survive a crash), and
 * (2) in memory, to show how much of the difference is serialisation alone. No broker and no
 * network: a lower bound on the Kafka mode's cost (the notifier bench measures a real broker:
 * notifier/bench/bench.ts). `run` keeps episodes in memory for the simulator and replay, and in
 * notifier.stateDir for GPIO (a reading a minute: the file write is then irrelevant).
 *
 * Input: [days, default 180] of one-minute readings of the simulated household with a scenario every few days
 * (so alert episodes fire, remind and resolve), generated before timing starts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { wallClockToInstant, createLogger, loadConfig, type Reading } from '../contracts/src/index.js';
import { anomalyRow } from '../contracts/src/anomaly-event.js';
import type { Alert, Message, Sink, SinkResult } from '../notifier/src/index.js';
import { createHousehold, planScenarios, simulateReadings } from '../pi-collector/src/index.js';
import { createAlertStage } from '../cli/src/run/alert-stage.js';
import { openModel } from '../cli/src/run/model.js';
import { ReadingPipeline } from '../cli/src/run/pipeline.js';
import { anomalyEventOf, scoreReading } from '../cli/src/run/score.js';

const DAYS = Number(process.argv[2] ?? 180);
const { model, dir } = openModel(undefined);
const timezone = model.file.timezone;
const log = createLogger({ level: 'silent' });
const loaded = loadConfig({ env: {} });

/** Records when send() is called, relative to when the current reading entered the pipeline. */
class TimingSink implements Sink {
  readonly name = 'timing';
  readonly latenciesMs: number[] = [];
  readingStart = 0;
  async send(_a: Alert, _m: Message): Promise<SinkResult> {
    this.latenciesMs.push(performance.now() - this.readingStart);
    return { outcome: 'accepted', detail: 'timed' };
  }
}

const pct = (xs: number[], p: number) => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};
const us = (ms: number) => `${(ms * 1000).toFixed(1)} µs`;

const t0 = performance.now();
const start = wallClockToInstant(timezone, 2026, 8, 3);
const end = start + DAYS * 86_400_000;
const truth = planScenarios({ start, days: DAYS, timezone, seed: 11 });
const readings: Reading[] = simulateReadings({ household: createHousehold({ timezone, seed: 11, anomalies: truth }), start, end, timezone, meterId: 'home' });
process.stdout.write(`input: ${readings.length.toLocaleString('en-US')} one-minute readings (${DAYS} days, ${truth.length} scenarios), model ${model.file.modelId} (${dir}), generated in ${((performance.now() - t0) / 1000).toFixed(1)} s (not counted)\n`);

async function inProcess(): Promise<{ perS: number; alerts: number; anomalies: number; lat: number[]; wallMs: number }> {
  const sink = new TimingSink();
  const stage = createAlertStage({ loaded, log, sinks: [sink], timezone });
  const pipeline = new ReadingPipeline(model, stage.pipeline);
  const t = performance.now();
  for (const r of readings) {
    sink.readingStart = performance.now();
    await pipeline.process(r);
  }
  const wallMs = performance.now() - t;
  await stage.close();
  return { perS: readings.length / (wallMs / 1000), alerts: pipeline.counts.alerts, anomalies: pipeline.counts.anomalies, lat: sink.latenciesMs, wallMs };
}

async function jsonHops(withStateFile: boolean): Promise<{ perS: number; alerts: number; anomalies: number; lat: number[]; wallMs: number }> {
  const sink = new TimingSink();
  const stateDir = withStateFile ? mkdtempSync(join(tmpdir(), 'bench-pipeline-')) : undefined;
  const stage = createAlertStage({ loaded, log, sinks: [sink], timezone, ...(stateDir ? { stateDir } : {}) });
  let anomalies = 0;
  let offset = 0;
  const t = performance.now();
  for (const r of readings) {
    sink.readingStart = performance.now();
    // raw_power: produced as bytes, consumed and decoded.
    const got = JSON.parse(Buffer.from(JSON.stringify(r)).toString('utf8')) as Reading;
    const s = scoreReading(model, got);
    if (s.kind === null) continue;
    anomalies++;
    // ANOMOLY_POWER: the row ksqlDB writes, consumed by the notifier through its Kafka entry point.
    const value = Buffer.from(JSON.stringify(anomalyRow(anomalyEventOf(s))));
    await stage.pipeline.handle({ topic: 'ANOMOLY_POWER', partition: 0, offset: String(offset++), value });
  }
  const wallMs = performance.now() - t;
  await stage.close();
  if (stateDir) rmSync(stateDir, { recursive: true, force: true });
  return { perS: readings.length / (wallMs / 1000), alerts: sink.latenciesMs.length, anomalies, lat: sink.latenciesMs, wallMs };
}

// A warm-up pass (JIT) of the CPU-bound paths, then the measured passes.
await inProcess();
await jsonHops(false);
const a = await inProcess();
const c = await jsonHops(false);
const b = await jsonHops(true);
const line = (name: string, r: Awaited<ReturnType<typeof inProcess>>) =>
  `${name}: ${Math.round(r.perS).toLocaleString('en-US')} readings/s (${(r.wallMs / 1000).toFixed(2)} s; ${r.anomalies.toLocaleString('en-US')} anomalies, ${r.alerts} alerts); reading → sink send p50 ${us(pct(r.lat, 50))}, p99 ${us(pct(r.lat, 99))}, max ${us(Math.max(...r.lat))}`;
process.stdout.write(`${line('in-process pipeline (run)       ', a)}\n`);
process.stdout.write(`${line('JSON hops + notifier state file ', b)}\n`);
process.stdout.write(`${line('JSON hops, state in memory      ', c)}\n`);
process.stdout.write(`ratio: in-process ${(a.perS / b.perS).toFixed(1)}× the readings/s of the Kafka-mode stand-in (${(a.perS / c.perS).toFixed(2)}× of serialisation alone); target ≥ 200,000 readings/s: ${a.perS >= 200_000 ? 'met' : 'NOT met'}\n`);
