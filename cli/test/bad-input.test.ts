import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, CLEAN_ENV, CWD, cli } from './run-cli.js';

/**
 * Every bad input of issue 15's "Why" list, through the built CLI as a user runs it: each gets a
 * clear message naming what was wrong and where, its exit code, no stack, and nothing lost or
 * half-written. One table; each row says what it feeds and what must come out.
 */
const dir = mkdtempSync(join(tmpdir(), 'ss-bad-input-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const MIN = 60_000;
/** The default model is Australia/Sydney's: +10:00 in July. */
const T0 = Date.parse('2026-07-15T00:00:00+10:00');
const syd = (t: number) => `${new Date(t + 10 * 3_600_000).toISOString().slice(0, 19)}+10:00`;

/** CSV `timestamp,wh` of 1-minute readings from T0; `wh(i)` may return a string (written as is) or null (row left out). */
function history(minutes: number, wh: (i: number) => number | string | null = () => 3): string {
  const lines = ['timestamp,wh'];
  for (let i = 1; i <= minutes; i++) {
    const v = wh(i);
    if (v !== null) lines.push(`${syd(T0 + i * MIN)},${v}`);
  }
  return lines.join('\n') + '\n';
}

function put(name: string, data: string | Buffer): string {
  const f = join(dir, name);
  writeFileSync(f, data);
  return f;
}

const truth = put('truth.json', '[]');
/** Files a command leaves in a directory beyond the given ones (temporary names included). */
const leftovers = (d: string, expected: string[]) => readdirSync(d).filter((f) => !expected.includes(f));

interface Case {
  name: string;
  args: () => string[];
  env?: Record<string, string>;
  code: number;
  stderr?: RegExp[];
  /** Output that must not appear anywhere (e.g. raw bytes of a binary file). */
  notInOutput?: RegExp[];
  check?: (r: { stdout: string; stderr: string }) => void;
}

const absurd = () => put('absurd.csv', history(180, (i) => (i === 90 ? '1e12' : 3)));
const week = 7 * 24 * 60;

const CASES: Case[] = [
  {
    name: 'one absurd row (1e12 Wh) in a replay: skipped as a bad row with file:line, the run finishes',
    args: () => ['run', '--source', 'replay', '--replay', absurd(), '--json'],
    code: 0,
    stderr: [/skipped 1 of 180 history rows \(1 unusable\); first: .*absurd\.csv:91: wh 1\.00e\+12 in 60 s is 6\.00e\+10 kW on average, more than the 100 kW a household supply can deliver/],
    check: (r) => {
      const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string; kwh?: number });
      expect(lines.at(-1)!.type).toBe('summary');
      for (const l of lines) if (l.type === 'reading') expect(l.kwh!).toBeLessThan(1000);
    },
  },
  {
    name: 'the same absurd row in evaluate: skipped the same way',
    args: () => ['evaluate', '--history', absurd(), '--truth', truth, '--json'],
    code: 0,
    stderr: [/skipped 1 of 180 history rows .*absurd\.csv:91: wh 1\.00e\+12/],
    // The skipped minute is a gap: scoring restarts an hour after it (30 readings before, 29 after).
    check: (r) => expect(JSON.parse(r.stdout).readings).toBe(59),
  },
  {
    name: 'a lower physical bound: a negative reading is a bad row too',
    args: () => ['run', '--source', 'replay', '--replay', put('negative.csv', history(180, (i) => (i === 100 ? -4 : 3))), '--json'],
    code: 0,
    stderr: [/negative\.csv:101: wh -4 is negative/],
  },
  {
    name: 'the physical bound is a setting',
    args: () => ['run', '--source', 'replay', '--replay', put('heavy.csv', history(180, (i) => (i === 100 ? 200 : 3))), '--json'],
    env: { STREAM_SMARTS_MAX_POWER_KW: '10' },
    code: 0,
    stderr: [/heavy\.csv:101: wh 200 in 60 s is 12 kW on average, more than the 10 kW/],
  },
  {
    name: 'a gzipped history replays (run)',
    args: () => ['run', '--source', 'replay', '--replay', put('small.csv.gz', gzipSync(history(120))), '--json'],
    code: 0,
    check: (r) => expect(r.stdout.trim().split('\n').filter((l) => l.includes('"reading"'))).toHaveLength(60),
  },
  {
    name: 'a duplicate timestamp in a replay is reported, not silently dropped',
    args: () => {
      const lines = history(180).split('\n');
      lines.splice(50, 0, lines[49]!);
      return ['run', '--source', 'replay', '--replay', put('dup.csv', lines.join('\n')), '--json'];
    },
    code: 0,
    stderr: [/skipped 1 of 181 history rows \(1 duplicate\); first: .*dup\.csv:51: duplicate timestamp .* \(also line 50\); the first is kept/],
  },
  {
    name: 'rows out of time order are reported as such',
    args: () => {
      const lines = history(180).split('\n');
      [lines[60], lines[61]] = [lines[61]!, lines[60]!];
      return ['run', '--source', 'replay', '--replay', put('order.csv', lines.join('\n')), '--json'];
    },
    code: 0,
    stderr: [/order\.csv:62: .* is before line 61's .*: rows must be in time order/],
  },
  ...(['run', 'evaluate', 'plot', 'train'] as const).map(
    (cmd): Case => ({
      name: `an empty history: ${cmd} stops with the same message and exit 1`,
      args: () => {
        const f = put('empty.csv', '');
        return cmd === 'run' ? ['run', '--source', 'replay', '--replay', f] : cmd === 'evaluate' ? ['evaluate', '--history', f, '--truth', truth] : cmd === 'plot' ? ['plot', 'range', '--history', f, '--out', join(dir, 'plots-empty')] : ['train', '--history', f, '--out', join(dir, 'model-empty')];
      },
      code: 1,
      stderr: [new RegExp(`^stream-smarts ${cmd}: history file .*empty\\.csv holds no readings \\(it is empty\\) — fix: pass CSV`)],
      check: () => {
        expect(existsSync(join(dir, 'model-empty', 'envelope.json'))).toBe(false);
        if (existsSync(join(dir, 'plots-empty'))) expect(readdirSync(join(dir, 'plots-empty'))).toEqual([]);
      },
    }),
  ),
  ...(['run', 'plot', 'train'] as const).map(
    (cmd): Case => ({
      name: `binary content: ${cmd} says so in one line and echoes none of it`,
      args: () => {
        const bytes = Buffer.alloc(4096);
        for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7919) % 256;
        const f = put('noise.csv', bytes);
        return cmd === 'run' ? ['run', '--source', 'replay', '--replay', f] : cmd === 'plot' ? ['plot', 'range', '--history', f, '--out', join(dir, 'plots-bin')] : ['train', '--history', f];
      },
      code: 1,
      stderr: [new RegExp(`^stream-smarts ${cmd}: history file .*noise\\.csv is not text: it holds (a NUL byte|bytes that are not UTF-8) .*\\(binary data\\?\\)`)],
      // eslint-disable-next-line no-control-regex
      notInOutput: [/[\u0000-\u0008\u000e-\u001a\u0080-\u009f]/],
      check: (r) => expect(r.stderr.trim().split('\n')).toHaveLength(1),
    }),
  ),
  {
    name: 'a gzip that does not decompress: one line saying so',
    args: () => ['run', '--source', 'replay', '--replay', put('cut.csv.gz', gzipSync(history(600)).subarray(0, 200))],
    code: 1,
    stderr: [/^stream-smarts run: history file .*cut\.csv\.gz looks gzipped but does not decompress: unexpected end of file — fix: check the file is a complete \.gz/],
  },
  {
    name: 'quoted CSV fields are read as the values inside the quotes',
    args: () => ['run', '--source', 'replay', '--replay', put('quoted.csv', history(120).replace(/^(.+),(\d+)$/gm, '"$1","$2"').replace('"timestamp","wh"', 'timestamp,wh')), '--json'],
    code: 0,
    check: (r) => {
      expect(r.stderr).not.toMatch(/skipped/);
      expect(r.stdout.trim().split('\n').filter((l) => l.includes('"reading"'))).toHaveLength(60);
    },
  },
  {
    name: 'a week-long gap stays a gap: no made-up readings, nothing scored for the hour after it, a warning with its span',
    args: () => ['run', '--source', 'replay', '--replay', put('gap.csv', history(week + 24 * 60, (i) => (i > 12 * 60 && i <= 12 * 60 + week ? null : 3))), '--json'],
    code: 0,
    stderr: [/1 gap in the history, 7\.0 days in all \(no readings made up for them; each restarts the trailing hour\): 2026-07-15T02:00:00\.000Z to 2026-07-22T02:00:00\.000Z/],
    check: (r) => {
      const ts = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string; ts?: number }).filter((l) => l.type === 'reading').map((l) => l.ts!);
      const gapFrom = T0 + 12 * 60 * MIN;
      const gapTo = gapFrom + week * MIN;
      expect(ts.filter((t) => t > gapFrom && t <= gapTo + 60 * MIN)).toEqual([]);
      // 12 h before the gap and 12 h after it, each less its first hour.
      expect(ts).toHaveLength(2 * (12 * 60 - 60));
    },
  },
  {
    name: 'offsets that disagree with the zone in use: a warning naming both',
    args: () => ['run', '--source', 'replay', '--replay', put('london.csv', history(120).replace(/\+10:00/g, '+01:00')), '--json'],
    code: 0,
    stderr: [/london\.csv: the timestamps' UTC offset \(\+01:00 at line 2\) is not Australia\/Sydney's \(\+10:00 then\) in 120 of 120 rows/],
  },
  {
    name: 'more bad rows than the threshold: give up, naming the first rows and the fix',
    args: () => ['evaluate', '--history', put('junk.csv', history(200, (i) => (i % 10 === 0 ? 'n/a' : 3))), '--truth', truth],
    code: 1,
    stderr: [/^stream-smarts evaluate: 20 of 200 history rows are bad \(10\.00%, more than the 1% allowed\): 20 unusable\n {2}.*junk\.csv:11: wh "n\/a" is not a number/, /— fix: fix or remove those rows, or raise --max-bad-share \(STREAM_SMARTS_MAX_BAD_SHARE\)/],
  },
  {
    name: '.env garbage lines are reported with their line number (exit 2)',
    args: () => ['--env-file', put('garbage.env', 'STREAM_SMARTS_LOG_LEVEL=warn\nthis is not a setting\nPASSWORD oops=hunter2\n'), 'config'],
    code: 2,
    stderr: [/invalid configuration: .*garbage\.env:2: not a setting: "this is not a setting"/, /garbage\.env:3: not a setting: "PASSWORD oops=…" \(a value after = is not shown\)/],
    notInOutput: [/hunter2/],
  },
  {
    name: 'run needs no Kafka: a bad KAFKA_BOOTSTRAP_SERVERS does not stop it',
    args: () => ['run', '--source', 'replay', '--replay', put('ok.csv', history(90)), '--json'],
    env: { KAFKA_BOOTSTRAP_SERVERS: 'notahost:xyz', SCHEMA_REGISTRY_URL: 'not a url' },
    code: 0,
  },
  {
    name: "an unknown option of a command is a usage error: exit 2, as the README says",
    args: () => ['run', '--bogus'],
    code: 2,
    stderr: [/unknown option '--bogus'/],
  },
  {
    name: 'a missing --truth file: one line naming it, exit 1',
    args: () => ['evaluate', '--history', put('ok2.csv', history(90)), '--truth', join(dir, 'nope.json')],
    code: 1,
    stderr: [/^stream-smarts evaluate: ground-truth file .*nope\.json does not exist$/],
  },
];

describe('bad input, table-driven: the message, the exit code, no stack, nothing half-written', () => {
  for (const c of CASES) {
    it(c.name, async () => {
      const r = await cli(c.args(), c.env ?? {}, { timeout: 60_000 });
      expect(r.exitCode, r.stderr).toBe(c.code);
      for (const re of c.stderr ?? []) expect(r.stderr).toMatch(re);
      for (const re of c.notInOutput ?? []) expect(r.stdout + r.stderr).not.toMatch(re);
      // A stack only with --log-level debug.
      expect(r.stderr).not.toMatch(/^\s+at .*\(.*:\d+:\d+\)$/m);
      // --json output always parses, whatever went wrong (warnings go to stderr).
      if (c.args().includes('--json') && r.stdout.trim() !== '') for (const l of r.stdout.trim().split('\n')) expect(() => JSON.parse(l)).not.toThrow();
      c.check?.(r);
    });
  }

  it('--env-file with a missing file: the CLI says so, not Node (exit 2), when run as the installed command', async () => {
    // The bin's shebang is what users run; parse it as the kernel would (env -S node -- main.js).
    const shebang = readFileSync(BIN, 'utf8').split('\n')[0]!;
    expect(shebang).toBe('#!/usr/bin/env -S node --');
    const r = await execa('/usr/bin/env', ['-S', 'node --', BIN, '--env-file', join(dir, 'missing.env'), 'config'], { cwd: CWD, env: CLEAN_ENV, extendEnv: false, reject: false });
    expect(r.exitCode).toBe(2);
    expect(String(r.stderr).trim()).toBe(`stream-smarts: invalid configuration: env file ${join(dir, 'missing.env')} does not exist (given with --env-file); create it or drop the flag`);
  });

  it('--log-level debug adds the stack of an unexpected error, and only then', async () => {
    const f = put('bad-truth.json', '{"scenarios": 5}');
    const plain = await cli(['evaluate', '--history', put('ok3.csv', history(90)), '--truth', f]);
    expect(plain.exitCode).toBe(1);
    expect(plain.stderr.trim().split('\n')).toHaveLength(1);
    const debug = await cli(['--log-level', 'debug', 'evaluate', '--history', join(dir, 'ok3.csv'), '--truth', f]);
    expect(debug.exitCode).toBe(1);
    expect(debug.stderr).toMatch(/^\s+at /m);
  });

  it('--alerts-out appends: a second run keeps the first run\'s alerts', async () => {
    const out = join(dir, 'alerts.jsonl');
    const a = await cli(['run', '--speed', 'max', '--alerts-out', out, '--json'], {}, { timeout: 60_000 });
    expect(a.exitCode, a.stderr).toBe(0);
    const first = readFileSync(out, 'utf8').trim().split('\n');
    expect(first.length).toBeGreaterThan(0);
    const b = await cli(['run', '--speed', 'max', '--alerts-out', out, '--json'], {}, { timeout: 60_000 });
    expect(b.exitCode, b.stderr).toBe(0);
    const both = readFileSync(out, 'utf8').trim().split('\n');
    expect(both).toHaveLength(2 * first.length);
    for (const l of both) expect(JSON.parse(l)).toHaveProperty('type');
  });
});

/**
 * Starts a command, waits until `ready` says it is under way (a loaded machine may take seconds
 * just to start node), sends `sig`, and returns how long it took to exit after the signal.
 */
async function signalled(args: string[], sig: 'SIGINT' | 'SIGTERM', ready: (out: { stdout: string; stderr: string }) => boolean) {
  const p = execa('node', [BIN, ...args], { cwd: CWD, env: CLEAN_ENV, extendEnv: false, reject: false, buffer: true });
  const seen = { stdout: '', stderr: '' };
  p.stdout!.on('data', (d: Buffer) => (seen.stdout += d.toString()));
  p.stderr!.on('data', (d: Buffer) => (seen.stderr += d.toString()));
  const deadline = Date.now() + 60_000;
  while (!ready(seen) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  // Past the point where it showed life; a little more so the work is well under way.
  await new Promise((r) => setTimeout(r, 300));
  const sent = Date.now();
  p.kill(sig);
  const r = await p;
  return { exitCode: r.exitCode, signal: r.signal, stdout: String(r.stdout), stderr: String(r.stderr), stopMs: Date.now() - sent };
}

describe('signals and atomic outputs', () => {
  it('simulate stopped by SIGTERM mid-way exits within a second and leaves the previous file whole, no temporary file', async () => {
    const d = join(dir, 'sim');
    mkdirSync(d);
    const out = join(d, 'history.csv');
    writeFileSync(out, 'timestamp,wh\nthe previous file\n');
    const r = await signalled(['simulate', '--timezone', 'UTC', '--days', '3000', '--out', out, '--log-level', 'warn'], 'SIGTERM', () => readdirSync(d).some((f) => f.includes('.tmp-')));
    expect(r.exitCode, r.stderr).toBe(143);
    expect(r.stopMs).toBeLessThan(1500);
    expect(r.stderr).toMatch(/stream-smarts simulate: stopped by SIGTERM; .*history\.csv not written/);
    expect(readFileSync(out, 'utf8')).toBe('timestamp,wh\nthe previous file\n');
    expect(leftovers(d, ['history.csv'])).toEqual([]);
  });

  it('evaluate stopped by SIGINT exits within a second, printing no report', async () => {
    const r = await signalled(['--log-level', 'debug', 'evaluate', '--days', '3000', '--json'], 'SIGINT', (o) => o.stderr.includes('evaluating'));
    expect(r.exitCode, r.stderr).toBe(130);
    expect(r.stopMs).toBeLessThan(1500);
    expect(r.stdout).toBe('');
  });

  it('run replaying a long history stops within a second of SIGINT, with its summary (exit 0)', async () => {
    const f = put('long.csv', history(60 * 24 * 60));
    const r = await signalled(['run', '--source', 'replay', '--replay', f, '--json'], 'SIGINT', (o) => o.stdout.includes('"reading"'));
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stopMs).toBeLessThan(1500);
    const last = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { type: string; readings: number };
    expect(last.type).toBe('summary');
    expect(last.readings).toBeLessThan(60 * 24 * 60 - 60);
  });

  it('plot that fails on its history leaves the previous figure as it was', async () => {
    const d = join(dir, 'plots-keep');
    mkdirSync(d);
    writeFileSync(join(d, 'range.svg'), '<svg>previous</svg>');
    const r = await cli(['plot', 'range', '--history', put('bad-plot.csv', 'time,energy\n1,2\n'), '--format', 'svg', '--out', d]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/bad-plot\.csv:1: expected a CSV header naming columns timestamp and wh/);
    expect(readFileSync(join(d, 'range.svg'), 'utf8')).toBe('<svg>previous</svg>');
    expect(leftovers(d, ['range.svg'])).toEqual([]);
  });
});
