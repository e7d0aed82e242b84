#!/usr/bin/env node
// Pulses per second the collector handles, and CPU time per pulse, on this machine.
//   npx tsc -b && node pi-collector/bench/pulses.mjs [pulses]
// Three paths: (1) the interval accumulator alone, (2) a gpiomon output line parsed, debounced and
// counted (the live GPIO path, minus the pipe), (3) the whole collector replaying a pulse file
// with spool and checkpoints on disk (no Kafka). A meter at 1000 imp/kWh and 20 kW blinks ~6/s.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '@stream-smarts/contracts';
import { IntervalAccumulator, parseGpiomonLine, runCollector, ReplaySource } from '../dist/index.js';

const N = Number(process.argv[2] ?? 1_000_000);
const t0 = Date.UTC(2026, 0, 1);
const gapMs = 700; // ~5 kW at 1000 imp/kWh
const WORST_CASE_PULSES_PER_S = (24 * 10_000) / 3600;

function measure(label, n, fn) {
  const cpu0 = process.cpuUsage();
  const w0 = performance.now();
  return Promise.resolve(fn()).then(() => {
    const wall = (performance.now() - w0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const cpuUs = (cpu.user + cpu.system) / n;
    const rate = n / wall;
    // The alternative to compare with is the busiest meter the collector must keep up with: a
    // 100 A, 240 V supply flat out (24 kW) on a 10,000 imp/kWh meter blinks 67 times a second.
    const headroom = rate / WORST_CASE_PULSES_PER_S;
    process.stdout.write(
      `${label.padEnd(44)} ${Math.round(rate).toLocaleString('en').padStart(12)} pulses/s   ${cpuUs.toFixed(3)} µs CPU/pulse   ${Math.round(headroom).toLocaleString('en')}× the busiest meter\n`,
    );
  });
}

let readings = 0;
const acc = new IntervalAccumulator({ meterId: 'bench', intervalS: 60, whPerPulse: 1, timezone: 'Australia/Sydney' }, () => readings++);
await measure('accumulator (pulse -> interval readings)', N, () => {
  for (let i = 0; i < N; i++) acc.pulse(t0 + i * gapMs);
});

const lines = Array.from({ length: 1000 }, (_, i) => `${(t0 + i * gapMs) / 1000}.000000000\tfalling\t"GPIO17"`);
const acc2 = new IntervalAccumulator({ meterId: 'bench', intervalS: 60, whPerPulse: 1, timezone: 'Australia/Sydney' }, () => undefined);
await measure('gpiomon v2 line -> parse -> debounce -> count', N, () => {
  let last = -Infinity;
  for (let i = 0; i < N; i++) {
    const t = parseGpiomonLine(lines[i % 1000], 2, t0 + i * gapMs) ?? 0;
    const tt = t0 + i * gapMs; // keep time moving forward whatever the sample line says
    if (tt - last < 20) continue;
    last = tt;
    void t;
    acc2.pulse(tt);
  }
});

const dir = mkdtempSync(join(tmpdir(), 'pi-collector-bench-'));
const M = Math.min(N, 300_000);
const file = join(dir, 'bench.pulses');
writeFileSync(file, Array.from({ length: M }, (_, i) => String(t0 + i * gapMs)).join('\n') + '\n');
await measure('collector: replay file -> spool + checkpoints', M, () =>
  runCollector(
    {
      meterId: 'bench', intervalS: 60, impulsesPerKwh: 1000, timezone: 'Australia/Sydney', stateDir: join(dir, 'state'),
      spoolMaxReadings: 1_000_000, checkpointMs: 1000, log: createLogger({ level: 'silent' }),
      source: new ReplaySource({ path: file, speed: Infinity, whPerPulse: 1, intervalS: 60 }),
    },
    new AbortController().signal,
  ),
);
rmSync(dir, { recursive: true, force: true });
process.stdout.write(`(${readings.toLocaleString('en')} readings from ${N.toLocaleString('en')} pulses; rss ${Math.round(process.memoryUsage().rss / 1e6)} MB)\n`);
