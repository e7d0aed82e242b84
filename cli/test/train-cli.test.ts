import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { freePort } from '../../testing/support/process.js';
import { register } from '../src/commands/train.js';
import { reportError } from '../src/report-error.js';
import { H2OUnreachable } from '../src/train/h2o-client.js';
import { h2oUnreachableError } from '../src/train/h2o-help.js';
import { TrainError } from '../src/train/errors.js';
import { train } from '../src/train/run.js';

const work = mkdtempSync(join(tmpdir(), 'train-cli-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function hourly(days: number): string {
  const t0 = Date.parse('2026-01-05T00:00:00Z');
  const lines = ['timestamp,wh'];
  for (let i = 1; i <= days * 24; i++) lines.push(`${new Date(t0 + i * 3_600_000).toISOString()},${100 + (i % 24) * 10}`);
  return lines.join('\n') + '\n';
}

/** Runs `stream-smarts [globals] train ARGS` in-process; returns exit code and what went to stderr. */
async function runTrain(globals: string[], args: string[]): Promise<{ code: number; stderr: string; stdout: string }> {
  const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  try {
    const program = new Command().exitOverride().option('--json').option('--h2o-url <url>').option('--timezone <zone>').option('--log-level <level>');
    register(program);
    process.exitCode = 0;
    const argv = ['node', 'stream-smarts', '--log-level', 'silent', ...globals, 'train', ...args];
    // Errors go through the CLI's one reporter, as main.ts does.
    await program.parseAsync(argv).catch((e: unknown) => (process.exitCode = reportError(e, 'train', argv)));
    return { code: Number(process.exitCode ?? 0), stderr: err.mock.calls.map((c) => String(c[0])).join(''), stdout: out.mock.calls.map((c) => String(c[0])).join('') };
  } finally {
    process.exitCode = 0;
    err.mockRestore();
    out.mockRestore();
  }
}

describe('train command errors: one line saying what and how to fix, non-zero exit', () => {
  const twoWeeks = join(work, 'two-weeks.csv');
  writeFileSync(twoWeeks, hourly(14));

  it('when no H2O answers at the H2O URL given', async () => {
    const port = await freePort();
    const r = await runTrain(['--h2o-url', `http://127.0.0.1:${port}`, '--timezone', 'UTC'], ['--history', twoWeeks, '--out', join(work, 'm1')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^stream-smarts train: no H2O answers at http://127.0.0.1:${port} \\(ECONNREFUSED\\), the H2O URL given by flag --h2o-url — fix: start H2O 3\\.46\\.0\\.11 there`));
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('names the Docker command when a Docker engine is there, and always that without the URL train starts its own', () => {
    const e = new H2OUnreachable('http://localhost:54321', 'ECONNREFUSED');
    const flag = { kind: 'flag', name: 'h2o-url' } as const;
    expect(h2oUnreachableError(e, true, flag).fix).toContain('docker run -d --name h2o -p 54321:54321 h2oai/h2o-open-source-k8s:3.46.0.11');
    expect(h2oUnreachableError(e, true, flag).fix).toContain('docker compose --profile train up -d h2o');
    const noDocker = h2oUnreachableError(e, false, flag).fix;
    expect(noDocker).not.toContain('docker');
    expect(noDocker).toBe('start H2O 3.46.0.11 there and retry; or drop --h2o-url and train starts a local H2O 3.46.0.11 itself (needs Java 17)');
    expect(h2oUnreachableError(e, false, { kind: 'env', name: 'H2O_URL' }).message).toBe('no H2O answers at http://localhost:54321 (ECONNREFUSED), the H2O URL given by environment variable H2O_URL');
  });

  it('when the history is shorter than a week', async () => {
    const short = join(work, 'short.csv');
    writeFileSync(short, hourly(3));
    const r = await runTrain(['--timezone', 'UTC'], ['--history', short]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^stream-smarts train: the history covers only 3\.0 days; training needs at least 7 days .* — fix: pass a longer history/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('when the time zone does not exist', async () => {
    // From the command line the configuration loader refuses it (the reporter prints it, exit 2) …
    const r = await runTrain(['--timezone', 'Mars/Olympus_Mons'], ['--history', twoWeeks]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^stream-smarts: invalid configuration: timezone = "Mars\/Olympus_Mons" from flag --timezone: expected an IANA time zone name/);
    // … and train() itself, for callers that bypass the loader.
    const e = await train({ history: [twoWeeks], timezone: 'Mars/Olympus_Mons', h2oUrl: 'http://127.0.0.1:9' }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(TrainError);
    expect((e as TrainError).message).toBe('time zone "Mars/Olympus_Mons" does not exist');
    expect((e as TrainError).exitCode).toBe(2);
  });

  it('when a history file is missing, or --days / --alert-budget is not a number it can use', async () => {
    const missing = await runTrain(['--timezone', 'UTC'], ['--history', join(work, 'nope.csv')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/history file .*nope\.csv does not exist — fix: pass CSV/);
    const q = await runTrain(['--timezone', 'UTC'], ['--history', twoWeeks, '--days', '1.5']);
    expect(q.code).toBe(2);
    expect(q.stderr).toMatch(/--days "1\.5" is not a whole number of at least 7/);
    const w = await runTrain(['--timezone', 'UTC'], ['--history', twoWeeks, '--alert-budget', 'lots']);
    expect(w.code).toBe(2);
    expect(w.stderr).toMatch(/--alert-budget "lots" is not a number of false alerts a week above 0 \(and at most 50\) — fix: give e\.g\. --alert-budget 0\.25 or --alert-budget 1\/4w/);
    const z = await runTrain(['--timezone', 'UTC'], ['--history', twoWeeks, '--alert-budget', '0']);
    expect(z.code).toBe(2);
  });
});
