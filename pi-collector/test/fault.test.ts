import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, openSync, closeSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger, RAW_POWER_TOPIC, type Reading } from '@stream-smarts/contracts';
import { restartBroker, startBroker, type RunningBroker } from '../../testing/kafka/broker.js';
import { runCollector } from '../src/collector.js';
import { ReplaySource } from '../src/replay.js';
import { createHousehold } from '../src/simulator.js';
import { readHotState } from '../src/state.js';
import { startSchemaRegistryDouble, type SchemaRegistryDouble } from './support/schema-registry-double.js';
import { consumeMeter } from './support/consume.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const MAIN = resolve(HERE, '../dist/main.js');
const PULSES = 100_000;
const METER = 'fault-meter';

/**
 * The collector as a real process (node pi-collector/dist/main.js) replaying 100,000 pulses at a
 * few thousand times real speed into its own Kafka broker, killed with SIGKILL three times, with
 * the broker stopped for part of the run and restarted on the same address with its data. What ends up in raw_power
 * must carry exactly the 100,000 pulses, each interval once, none missing, each reading equal to
 * what a collector never killed emits.
 */
describe('exactly-once readings across SIGKILLs and a broker outage', () => {
  const work = mkdtempSync(join(tmpdir(), 'pi-collector-fault-'));
  let broker: RunningBroker | undefined;
  let restarted: { stop: () => Promise<void> } | undefined;
  let sr: SchemaRegistryDouble | undefined;
  let child: ChildProcess | undefined;
  afterAll(async () => {
    child?.kill('SIGKILL');
    await restarted?.stop();
    await broker?.stop();
    await sr?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('the energy consumed from raw_power equals the pulses, and no reading is duplicated or missing', async () => {
    if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: build first with "npx tsc -b"`);
    // 100,000 pulses of the simulated household (about a week of a real meter).
    const start = Date.UTC(2026, 6, 1);
    const all = createHousehold({ timezone: 'Australia/Sydney', seed: 9 }).pulses(start, start + 20 * 86_400_000, 1000);
    const pulses = all.subarray(0, PULSES);
    expect(pulses.length).toBe(PULSES);
    const file = join(work, 'meter.pulses');
    writeFileSync(file, Array.from(pulses, (t) => String(t)).join('\n') + '\n');
    const span = pulses[PULSES - 1]! - pulses[0]!;
    const speed = Math.round(span / 30_000); // about 30 s of wall time: room for the broker's restart

    const brokerDir = join(work, 'broker');
    mkdirSync(brokerDir);
    broker = await startBroker({ workDir: brokerDir });
    sr = await startSchemaRegistryDouble();
    const stateDir = join(work, 'state');
    const logFile = join(work, 'collector.log');

    let exited: Promise<number | null> = Promise.resolve(null);
    const launch = (bootstrap: string) => {
      const fd = openSync(logFile, 'a');
      child = spawn(
        process.execPath,
        [MAIN, '--source', 'replay', '--replay', file, '--speed', String(speed), '--meter-id', METER, '--state-dir', stateDir,
          '--interval', '60', '--checkpoint', '1', '--timezone', 'Australia/Sydney', '--bootstrap-servers', bootstrap,
          '--schema-registry-url', sr!.url, '--log-level', 'info'],
        { cwd: work, stdio: ['ignore', fd, fd], env: { PATH: process.env.PATH ?? '' } },
      );
      closeSync(fd);
      const c = child;
      exited = new Promise((r) => c.once('exit', (code) => r(code)));
    };
    // How far the checkpointed replay cursor (the line of the pulses file reached) has got.
    const progress = () => {
      const cursor = readHotState(stateDir)?.cursor; // undefined: not written yet, or a slot mid-write
      return cursor ? (JSON.parse(cursor) as { l: number }).l / PULSES : 0;
    };
    const until = async (fraction: number) => {
      while (progress() < fraction) {
        if (child?.exitCode !== null) throw new Error(`the collector exited early (${child?.exitCode}); log:\n${readFileSync(logFile, 'utf8').slice(-3000)}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    const kill = async () => {
      // Each kill must hit a running collector, or the test would silently test less.
      if (child!.exitCode !== null) throw new Error(`the collector had already exited (${child!.exitCode}) before its SIGKILL; log:\n${readFileSync(logFile, 'utf8').slice(-2000)}`);
      child!.kill('SIGKILL');
      await exited;
    };

    launch(broker.bootstrap);
    await until(0.15);
    await kill(); // 1: mid-run, broker up
    launch(broker.bootstrap);
    await until(0.3);
    await broker.stop(); // the outage: readings spool to disk
    await until(0.45);
    await kill(); // 2: during the outage
    launch(broker.bootstrap); // restarted while the broker is still down: spools, retries, does not exit
    await until(0.5);
    restarted = await restartBroker(brokerDir, broker.bootstrap); // back: same data, same address
    // The collector started during the outage reconnects by itself and drains its spool.
    while (!/Kafka reachable again; draining the spool/.test(readFileSync(logFile, 'utf8'))) {
      if (child?.exitCode !== null) throw new Error(`the collector exited early; log:\n${readFileSync(logFile, 'utf8').slice(-3000)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    await kill(); // 3: broker back
    launch(broker.bootstrap);
    const code = await exited;
    const log = readFileSync(logFile, 'utf8');
    expect(code, `collector log:\n${log.slice(-3000)}`).toBe(0);
    expect(log).toMatch(/Kafka unreachable; spooling readings to disk/);
    expect(log).toMatch(/Kafka reachable again; draining the spool/);

    // Every interval from the first pulse's to the last pulse's, once.
    const first = Math.ceil(pulses[0]! / 60_000) * 60_000;
    const last = Math.ceil(pulses[PULSES - 1]! / 60_000) * 60_000;
    const expected = (last - first) / 60_000 + 1;
    const got = await consumeMeter(broker.bootstrap, RAW_POWER_TOPIC, METER, (g) => g.length >= expected, 60_000);
    await new Promise((r) => setTimeout(r, 0));
    const ts = got.map((g) => g.reading.ts);
    expect(new Set(ts).size).toBe(got.length); // no duplicate reading
    expect(got.length).toBe(expected);
    expect(got.reduce((s, g) => s + g.reading.pulses, 0)).toBe(PULSES);
    expect(got.reduce((s, g) => s + g.reading.wh, 0)).toBe(PULSES); // 1000 imp/kWh: 1 Wh a pulse
    for (let i = 1; i < got.length; i++) expect(ts[i]! - ts[i - 1]!).toBe(60_000); // in order, no gap
    // And each reading whole: the measures (trailing hour, floors, 24-h mean) rebuilt after every
    // kill from the hot state, the recent log and the spool are those of a run never killed.
    const reference: Reading[] = [];
    await runCollector(
      { meterId: METER, intervalS: 60, impulsesPerKwh: 1000, timezone: 'Australia/Sydney', stateDir: join(work, 'reference'), spoolMaxReadings: 100_000,
        checkpointMs: 1000, source: new ReplaySource({ path: file, speed: Infinity, whPerPulse: 1, intervalS: 60 }), log: createLogger({ level: 'silent' }),
        onReading: (r) => reference.push(r) },
      new AbortController().signal,
    );
    expect(got.map((g) => g.reading)).toEqual(reference);
    process.stdout.write(`[fault] ${PULSES} pulses at ${speed}x, 3 SIGKILLs, broker outage: ${got.length} readings, ${PULSES} Wh, no duplicates\n`);
  }, 120_000);
});
