import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_MARKER } from '../../testing/h2o/server.js';
import { stopAllLocalH2O } from '../src/h2o/local-server.js';
import { freePort } from '../src/h2o/supervise.js';
import { TrainError } from '../src/train/errors.js';
import { train } from '../src/train/run.js';
import { CLEAN_ENV } from './run-cli.js';

/**
 * `train` on a fresh clone with Java and no Docker, nothing started by hand: the real CLI
 * (cli/dist/main.js), no H2O URL configured, no UDF jar built. The "clone" is a copy of what a
 * clone has after `npm ci && tsc -b` — the compiled CLI, udf-java's sources without target/, the
 * models — with node_modules linked, so the build writes into the copy and never races the other
 * tests that rebuild udf-java/target. Every local H2O these runs start carries the test marker (via
 * the h2o.javaOptions setting) so `make test`'s leftover check sees any that survive.
 */

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'train-local-h2o-'));
const clone = join(work, 'clone');
const bin = join(work, 'bin');
const cwd = join(work, 'cwd');
const HISTORY = join(clone, 'models', 'sample-history.csv.gz');

function makeClone(): void {
  mkdirSync(join(clone, 'cli'), { recursive: true });
  cpSync(join(REPO, 'cli', 'dist'), join(clone, 'cli', 'dist'), { recursive: true });
  cpSync(join(REPO, 'cli', 'package.json'), join(clone, 'cli', 'package.json'));
  cpSync(join(REPO, 'udf-java'), join(clone, 'udf-java'), { recursive: true, filter: (src) => !src.startsWith(join(REPO, 'udf-java', 'target')) });
  cpSync(join(REPO, 'models'), join(clone, 'models'), { recursive: true, verbatimSymlinks: true });
  symlinkSync(join(REPO, 'node_modules'), join(clone, 'node_modules'));
  // No Docker: a `docker` first on PATH that is not there, as on a machine without it.
  mkdirSync(bin);
  writeFileSync(join(bin, 'docker'), '#!/bin/sh\necho "docker: command not found" >&2\nexit 127\n');
  chmodSync(join(bin, 'docker'), 0o755);
  mkdirSync(cwd);
}

const ENV: Record<string, string> = {
  ...CLEAN_ENV,
  PATH: `${bin}:${process.env['PATH'] ?? ''}`,
  STREAM_SMARTS_H2O_JAVA_OPTS: `-Xmx1g ${TEST_MARKER}`,
  // The H2O jar stays in the user cache (a harness may point it elsewhere).
  ...(process.env['STREAM_SMARTS_CACHE_DIR'] ? { STREAM_SMARTS_CACHE_DIR: process.env['STREAM_SMARTS_CACHE_DIR'] } : {}),
};

interface LogLine {
  msg: string;
  [k: string]: unknown;
}

/** Starts the cloned CLI; collects stdout, stderr and the JSON log lines (stderr is not a terminal). */
function startTrain(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [join(clone, 'cli', 'dist', 'main.js'), 'train', ...args], { cwd, env: { ...ENV, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const out = { stdout: '', stderr: '', logs: [] as LogLine[] };
  let partial = '';
  child.stdout!.on('data', (d: Buffer) => (out.stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => {
    out.stderr += d.toString();
    partial += d.toString();
    const lines = partial.split('\n');
    partial = lines.pop()!;
    for (const l of lines) {
      try {
        out.logs.push(JSON.parse(l) as LogLine);
      } catch {
        // Not a log line (the one-line error, say).
      }
    }
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return { child, out, exited };
}

async function waitFor<T>(what: string, f: () => T | undefined | Promise<T | undefined>, timeoutMs: number, out?: { stderr: string }): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${out ? `; stderr so far:\n${out.stderr.slice(-3000)}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Processes whose command line contains `text` (the H2O cloud name is on java's). */
function processesWith(text: string): string[] {
  const r = spawnSync('pgrep', ['-af', '--', text], { encoding: 'utf8' });
  return r.stdout.split('\n').filter((l) => l.trim() && !l.includes('pgrep'));
}

/** Running, not a zombie: an orphan whose parent was SIGKILLed waits for the container's init to reap it. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

const started = (logs: LogLine[]) => logs.find((l) => l.msg.startsWith('started a local H2O')) as (LogLine & { url: string; cloud: string; pid: number }) | undefined;

let running: ChildProcess[] = [];
beforeAll(() => makeClone());
afterAll(async () => {
  for (const c of running) c.kill('SIGKILL');
  await stopAllLocalH2O();
  rmSync(work, { recursive: true, force: true });
});

describe('train on a fresh clone with Java and no Docker: nothing started by hand', () => {
  it('builds the UDF jar, starts a local H2O, trains, writes the model and stops the H2O', async () => {
    const jar = join(clone, 'udf-java', 'target', 'stream-smarts-udf.jar');
    expect(existsSync(jar)).toBe(false);
    // --verbose: the debug lines too (the local H2O's stop is one), as JSON since stderr is a pipe.
    const t = startTrain(['--verbose', '--history', HISTORY, '--timezone', 'Australia/Sydney']);
    running.push(t.child);
    const { code } = await t.exited;
    expect(code, t.out.stderr.slice(-3000)).toBe(0);

    // The jar was built by the `build` code path (local Maven, the clone's own udf-java) …
    const build = t.out.logs.find((l) => l.msg.startsWith('the UDF jar is not built: building it with local Maven'));
    expect(build?.['command']).toBe(`mvn -B -q -f ${clone}/udf-java/pom.xml package -DskipTests -Dmodel.dir=${clone}/models/default`);
    expect(existsSync(jar)).toBe(true);
    // … the default H2O URL had no H2O, so a local one was started on 127.0.0.1 and stopped after training.
    expect(t.out.logs.some((l) => l.msg === 'no H2O answers at http://localhost:54321 (the default): starting a local one'), 'something answers at localhost:54321 on this machine').toBe(true);
    const s = started(t.out.logs)!;
    expect(s.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(t.out.logs.some((l) => l.msg === `stopped the local H2O at ${s.url}`)).toBe(true);
    expect(processesWith(s.cloud)).toEqual([]);
    expect(alive(s.pid)).toBe(false);

    // The model: in the working directory's models/, with current pointing at it.
    const models = readdirSync(join(cwd, 'models')).filter((d) => d !== 'current');
    expect(models).toHaveLength(1);
    for (const f of ['bands.zip', 'envelope.json', 'model-card.md', 'envelope.svg']) expect(existsSync(join(cwd, 'models', models[0]!, f))).toBe(true);
    expect(t.out.stdout).toMatch(/Trained model \S+ on 90 days \(\d+ readings, 0 rows rejected\)/);
    expect(t.out.stdout).toMatch(/On your last 4 weeks this model would have alerted \d+ times?/);
    expect(t.out.stdout).toMatch(/a local H2O 3\.46\.0\.11, started in \d+\.\d s and stopped/);
  }, 300_000);

  it('on a terminal (a pseudo-terminal, util-linux `script`), a normal run prints at most 10 lines: one an event, no fields', () => {
    // The jar is built by the test above, so this is a normal run: history read, H2O started, model written.
    const models = join(work, 'tty-models');
    const argv = [process.execPath, join(clone, 'cli', 'dist', 'main.js'), 'train', '--history', HISTORY, '--timezone', 'Australia/Sydney', '--models-dir', models];
    const quoted = argv.map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ');
    const r = spawnSync('script', ['-qefc', quoted, '/dev/null'], { cwd, env: { ...ENV, TERM: 'xterm' }, encoding: 'utf8', timeout: 240_000 });
    expect(r.status, r.stdout.slice(-3000)).toBe(0);
    // What a person sees: a cursor back to column 1 (CSI n G, or a restored position, ESC 8) is a
    // carriage return, so a progress bar's redraws and the log line that replaces it are one line.
    // A pseudo-terminal ends each line with CRLF (onlcr), which is a newline, not a redraw.
    const seen = r.stdout
      .replace(/\r\n/g, '\n')
      .replace(/\x1b\[[0-9;]*G|\x1b8/g, '\r')
      .replace(/\x1b\[[0-9;?]*[A-Za-z]|\x1b[78]/g, '')
      .split('\n')
      .map((l) => l.split('\r').pop()!.trim())
      .filter(Boolean);
    expect(seen.length, seen.join('\n')).toBeLessThanOrEqual(10);
    expect(seen.some((l) => /INFO: started a local H2O 3\.46\.0\.11 at http:\/\/127\.0\.0\.1:\d+ in \d+\.\d s/.test(l)), seen.join('\n')).toBe(true);
    expect(seen.some((l) => /^Trained model \S+ on 90 days/.test(l)), seen.join('\n')).toBe(true);
    // No field blocks (pino-pretty's "    key: value" lines).
    expect(seen.join('\n')).not.toMatch(/startupMs|fitMaxAbsWh|"intervalS"/);
    expect(existsSync(join(models, 'current', 'envelope.json'))).toBe(true);
  }, 300_000);

  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)('%s during training stops the local H2O: no java process left, no model written', async (signal, status) => {
    const out = join(work, `interrupted-${signal}`);
    const t = startTrain(['--history', HISTORY, '--timezone', 'Australia/Sydney', '--out', out]);
    running.push(t.child);
    const s = await waitFor('the local H2O to start', () => started(t.out.logs), 120_000, t.out);
    // Interrupt while H2O is building a model, not before or after.
    await waitFor(
      'a GBM job running on the local H2O',
      async () => {
        try {
          const jobs = (await (await fetch(`${s.url}/3/Jobs`)).json()) as { jobs: { status: string; description: string }[] };
          return jobs.jobs.some((j) => j.status === 'RUNNING' && /gbm/i.test(j.description)) ? true : undefined;
        } catch {
          return undefined;
        }
      },
      60_000,
      t.out,
    );
    // The JVM runs with the h2o.javaOptions setting (heap and marker), on 127.0.0.1 only.
    const java = processesWith(s.cloud).find((l) => / -jar /.test(l) && !l.includes('stream-smarts-watchdog'));
    expect(java).toContain(' -Xmx1g ');
    expect(java).toContain(` ${TEST_MARKER} `);
    expect(java).toContain(' -ip 127.0.0.1 ');
    t.child.kill(signal);
    const { code } = await t.exited;
    expect(code).toBe(status);
    expect(t.out.stderr).toContain(`stream-smarts train: interrupted by ${signal}; stopped the local H2O; no model written`);
    expect(processesWith(s.cloud)).toEqual([]);
    expect(alive(s.pid)).toBe(false);
    expect(existsSync(join(out, 'envelope.json'))).toBe(false);
  }, 180_000);

  it('SIGKILL, which no handler sees: the watchdog stops the local H2O within seconds', async () => {
    const t = startTrain(['--history', HISTORY, '--timezone', 'Australia/Sydney', '--out', join(work, 'killed')]);
    running.push(t.child);
    const s = await waitFor('the local H2O to start', () => started(t.out.logs), 120_000, t.out);
    t.child.kill('SIGKILL');
    await t.exited;
    const t0 = Date.now();
    await waitFor('the orphaned H2O to be stopped', () => (processesWith(s.cloud).length === 0 ? true : undefined), 20_000);
    expect(Date.now() - t0).toBeLessThan(15_000);
    expect(alive(s.pid)).toBe(false);
  }, 180_000);
});

describe('train throws after starting a local H2O', () => {
  it('stops it all the same', async () => {
    // A jar that is no jar: the GBM trains on the local H2O, then reading its MOJO fails.
    const port = await freePort();
    const history = join(work, 'two-weeks.csv');
    const t0 = Date.parse('2026-01-05T00:00:00Z');
    const lines = ['timestamp,wh'];
    for (let i = 1; i <= 14 * 24; i++) lines.push(`${new Date(t0 + i * 3_600_000).toISOString()},${100 + (i % 24) * 10}`);
    writeFileSync(history, lines.join('\n') + '\n');
    const jarStandIn = join(work, 'not-a-jar.jar');
    writeFileSync(jarStandIn, 'not a jar: reading the MOJO with it fails after training');
    const e = await train({
      history: [history],
      out: join(work, 'throws'),
      timezone: 'UTC',
      h2oUrl: `http://127.0.0.1:${port}`,
      h2oUrlSource: { kind: 'default' },
      startLocalH2O: true,
      h2oJavaOptions: ['-Xmx1g', TEST_MARKER],
      udfJar: jarStandIn,
    }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(TrainError);
    expect((e as TrainError).message).toMatch(/the UDF jar could not read the MOJO/);
    // Nothing of ours is left: not in this process's registry, not on the machine.
    expect(await stopAllLocalH2O()).toBe(0);
    expect(processesWith(`stream-smarts-${process.pid}-`)).toEqual([]);
  }, 180_000);
});
