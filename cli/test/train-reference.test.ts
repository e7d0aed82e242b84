import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { dayHourOfReading, loadModel, type ModelFile } from '@stream-smarts/contracts';
import { mulberry32 } from '@stream-smarts/pi-collector';
import { startH2O, type RunningH2O } from '../../testing/h2o/server.js';
import { register } from '../src/commands/train.js';
import { reportError } from '../src/report-error.js';
import { findUdfJar } from '../src/train/envelope.js';
import { train, type TrainResult } from '../src/train/run.js';

// The 2018 original's August envelope (Wh in each clock hour, min and max over the month), typed
// in as facts from the project's reference notes.
const MIN = [110, 112, 109, 114, 108, 110, 111, 108, 107, 111, 106, 107, 108, 108, 109, 108, 108, 108, 114, 109, 108, 110, 107, 112];
const MAX = [464, 346, 390, 361, 363, 348, 1954, 2689, 2607, 2120, 2032, 2272, 1639, 1333, 1555, 1458, 2371, 2716, 3296, 3380, 3745, 3381, 2463, 566];
const TZ = 'Australia/Sydney';
const H = 3_600_000;

/**
 * 90 days of hourly readings in Sydney (June–August 2018, no DST change) whose per-hour minima and
 * maxima are exactly the reference figures: each hour's extremes are placed on two different days,
 * every other reading lies strictly between them.
 */
function referenceHistory(): string {
  const rnd = mulberry32(2018);
  const start = Date.parse('2018-06-01T00:00:00+10:00');
  const lines = ['timestamp,wh'];
  for (let i = 1; i <= 90 * 24; i++) {
    const end = start + i * H;
    const { hour } = dayHourOfReading(end, TZ);
    const dayIndex = Math.floor((i - 1) / 24);
    let wh = MIN[hour]! + (MAX[hour]! - MIN[hour]!) * (0.05 + 0.9 * rnd());
    if (dayIndex === 10 + (hour % 7)) wh = MIN[hour]!;
    if (dayIndex === 40 + (hour % 11)) wh = MAX[hour]!;
    // Local time with its offset, as a household export would write it.
    const local = new Date(end + 10 * H).toISOString().replace('.000Z', '+10:00');
    lines.push(`${local},${wh.toFixed(3)}`);
  }
  return lines.join('\n') + '\n';
}

let h2o: RunningH2O;
const work = mkdtempSync(join(tmpdir(), 'train-reference-'));
const historyFile = join(work, 'reference.csv');

let udfJar: string;

/** The UDF jar, copied once: udf-java/target is rebuilt by its own work, and a test must not see it half-written. */
async function snapshotUdfJar(): Promise<string> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      const jar = findUdfJar();
      const copy = join(work, 'stream-smarts-udf.jar');
      copyFileSync(jar, copy);
      execFileSync('java', ['-jar', copy, 'version'], { stdio: 'ignore' });
      return copy;
    } catch (e) {
      if (Date.now() > deadline) throw e;
      await new Promise((r) => setTimeout(r, 2000));
    }
  }
}

beforeAll(async () => {
  writeFileSync(historyFile, referenceHistory());
  udfJar = await snapshotUdfJar();
  process.env.STREAM_SMARTS_UDF_JAR = udfJar;
  h2o = await startH2O();
  process.stdout.write(`[h2o] H2O ${h2o.version} on ${h2o.url}; ready in ${(h2o.startupMs / 1000).toFixed(1)} s\n`);
}, 180_000);

afterAll(async () => {
  delete process.env.STREAM_SMARTS_UDF_JAR;
  await h2o?.stop();
  rmSync(work, { recursive: true, force: true });
});

describe('train against a real H2O on a history shaped like the 2018 reference', () => {
  let result: TrainResult;
  let m: ModelFile;

  beforeAll(async () => {
    result = await train({ history: [historyFile], modelsDir: join(work, 'models'), timezone: TZ, h2oUrl: h2o.url, now: new Date('2026-11-23T19:30:00Z'), udfJar });
    m = result.model;
  }, 180_000);

  it('keeps the 2018 envelope: each hour within 0.5 Wh/h of the reference minima and maxima', () => {
    expect(m.hours).toHaveLength(24);
    for (const h of m.hours) {
      expect(Math.abs(h.lower - MIN[h.hour]!), `hour ${h.hour} lower ${h.lower}`).toBeLessThan(0.5);
      expect(Math.abs(h.upper - MAX[h.hour]!), `hour ${h.hour} upper ${h.upper}`).toBeLessThan(0.5);
    }
  });

  it('scores the 2018 forms like the original: hour 4 & 1500 → 5.4588, hour 9 & 1500 → 0.6914, in TypeScript and in the UDF jar', () => {
    const model = loadModel(result.dir);
    expect(Math.abs(model.scoreHour(4, 1500)! - 5.4588)).toBeLessThan(1e-3);
    expect(Math.abs(model.scoreHour(9, 1500)! - 0.6914)).toBeLessThan(1e-3);
    const jar = (hour: number) => Number(execFileSync('java', ['-jar', udfJar, 'score', '--model', result.dir, '--hour', String(hour), '--kwh', '1500'], { encoding: 'utf8' }).trim());
    expect(jar(4)).toBe(model.scoreHour(4, 1500));
    expect(jar(9)).toBe(model.scoreHour(9, 1500));
  });

  it('the MOJO reproduces every band statistic within 0.5 Wh/h, and the jar scores the new form as TypeScript does', () => {
    expect(result.fitted.fitMaxAbsWh).toBeLessThan(0.5);
    const model = loadModel(result.dir);
    const at = model.at(4 * 60 + 30, 3);
    const heater = at.floor_1h.upper + 500;
    const step = at.step_20m.upper + 500;
    const ts = model.score({ day: 3, minute: 270, floor_15m: heater, floor_1h: heater, floor_3h: heater, step_20m: step, step_45m: 0, step_90m: 0, activity_3h: 0, mean_24h: at.mean_24h.ref });
    const js = Number(execFileSync('java', ['-jar', udfJar, 'score', '--model', result.dir, '--day', '3', '--minute', '270', '--floor-15m', String(heater), '--floor-1h', String(heater), '--floor-3h', String(heater), '--step-20m', String(step), '--step-45m', '0', '--step-90m', '0', '--activity-3h', '0', '--mean-24h', String(at.mean_24h.ref)], { encoding: 'utf8' }).trim());
    expect(ts).toBeGreaterThan(1);
    expect(js).toBe(ts);
    // The five-argument form of bands@2's statements too.
    const v2 = Number(execFileSync('java', ['-jar', udfJar, 'score', '--model', result.dir, '--minute', '270', '--floor-15m', String(heater), '--floor-1h', String(heater), '--floor-3h', String(heater), '--mean-24h', String(at.mean_24h.ref)], { encoding: 'utf8' }).trim());
    expect(v2).toBe(model.scoreV2(270, heater, heater, heater, at.mean_24h.ref));
  });

  it('writes the model directory of the contract and points current at it', () => {
    for (const f of ['bands.zip', 'envelope.json', 'model-card.md', 'envelope.svg']) expect(existsSync(join(result.dir, f)), f).toBe(true);
    const onDisk = JSON.parse(readFileSync(join(result.dir, 'envelope.json'), 'utf8')) as ModelFile;
    expect(onDisk).toMatchObject({
      format: 'stream-smarts/bands@3',
      modelId: '2026-11-23T193000Z',
      timezone: TZ,
      unit: 'Wh/h',
      h2oVersion: '3.46.0.11',
      trainedAt: '2026-11-23T19:30:00Z',
      history: { from: '2018-05-31T15:00:00.000Z', rows: 2160, rejected: 0, days: 90 },
    });
    const schema = JSON.parse(readFileSync(new URL('../../contracts/schemas/bands.schema.json', import.meta.url), 'utf8')) as object;
    const validate = new Ajv2020({ allErrors: true }).compile(schema);
    expect(validate(onDisk), JSON.stringify(validate.errors)).toBe(true);
    expect(onDisk.contentHash).toBe(createHash('sha256').update(readFileSync(join(result.dir, 'bands.zip'))).digest('hex'));
    expect(readlinkSync(join(work, 'models', 'current'))).toBe('2026-11-23T193000Z');
    // A real H2O MOJO: a zip whose model.ini names the GBM and its distribution.
    const ini = execFileSync('unzip', ['-p', join(result.dir, 'bands.zip'), 'model.ini'], { encoding: 'utf8' });
    expect(ini).toMatch(/algorithm = Gradient Boosting Machine/);
    expect(ini).toMatch(/distribution = gaussian/);
  });

  it('writes a model card that says what to expect, and a labelled plot', () => {
    const card = readFileSync(join(result.dir, 'model-card.md'), 'utf8');
    expect(card).toMatch(/On your last 4 weeks this model would have alerted \d+ times? \(high \d+, low \d+\)\./);
    expect(result.holdout).toBeDefined();
    expect(card).toContain(`${result.holdout!.alerts} time`);
    expect(card).toContain('| trained on | 90 days');
    expect(card).toContain(m.contentHash);
    const svg = readFileSync(join(result.dir, 'envelope.svg'), 'utf8');
    expect(svg).toMatch(/^<svg /);
    for (const s of ['Wh/h', 'time of day (h)', 'Lowest power over 1 h', '24-h mean']) expect(svg).toContain(s);
  });

  it('the train command prints the model as JSON and a one-line error for a second run into the same --out', async () => {
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const run = async (...args: string[]) => {
      const program = new Command().exitOverride().option('--json').option('--h2o-url <url>').option('--timezone <zone>').option('--log-level <level>');
      register(program);
      process.exitCode = 0;
      const argv = ['node', 'stream-smarts', '--json', '--log-level', 'silent', '--h2o-url', h2o.url, '--timezone', TZ, 'train', ...args];
      // Errors go through the CLI's one reporter, as main.ts does.
      await program.parseAsync(argv).catch((e: unknown) => (process.exitCode = reportError(e, 'train', argv)));
      const code = process.exitCode;
      process.exitCode = 0;
      return code;
    };
    try {
      const dir = join(work, 'cli-model');
      expect(await run('--history', historyFile, '--out', dir, '--no-current', '--holdout-weeks', '0')).toBe(0);
      const printed = JSON.parse(out.mock.calls.map((c) => String(c[0])).join('')) as { dir: string; contentHash: string; holdout: unknown };
      expect(printed.dir).toBe(dir);
      expect(printed.contentHash).toMatch(/^[0-9a-f]{64}$/);
      expect(printed.holdout).toBeNull();
      expect(await run('--history', historyFile, '--out', dir)).toBe(1);
      const msg = err.mock.calls.map((c) => String(c[0])).join('');
      expect(msg).toMatch(/^stream-smarts train: --out .* already holds a model .* — fix: /);
      expect(msg.trim().split('\n')).toHaveLength(1);
    } finally {
      out.mockRestore();
      err.mockRestore();
    }
  }, 120_000);
});
