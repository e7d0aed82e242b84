import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { BIN, CLEAN_ENV, CWD, cli } from './run-cli.js';

/**
 * A history given as a pipe or a FIFO — `zcat h.csv.gz | … --history /dev/stdin`, `<(…)`,
 * `mkfifo` — is read as a stream, once (issue 24: they were refused with a raw ESPIPE, and a FIFO
 * with no writer hung past Ctrl-C and SIGTERM because open(2) blocked a libuv thread).
 */
const SAMPLE = fileURLToPath(new URL('../../models/sample-history.csv.gz', import.meta.url));
// Three weeks of the sample (one-minute rows): enough for plot range's 7 days.
const CSV = gunzipSync(readFileSync(SAMPLE)).toString('utf8').split('\n').slice(0, 30_000).join('\n') + '\n';

const work = () => mkdtempSync(join(tmpdir(), 'pipes-'));
const plotArgs = (history: string, out: string) => ['plot', 'range', '--history', history, '--out', out, '--format', 'svg', '--timezone', 'Australia/Sydney'];

describe('a history from a pipe or a FIFO', () => {
  it('reads /dev/stdin from a pipe, plain and gzipped, as it reads the file', async () => {
    for (const input of [Buffer.from(CSV), gzipSync(CSV)]) {
      const out = work();
      const r = await execa('node', [BIN, ...plotArgs('/dev/stdin', out)], { cwd: CWD, env: CLEAN_ENV, extendEnv: false, reject: false, input, timeout: 60_000 });
      expect(r.exitCode, r.stderr).toBe(0);
      expect(readFileSync(join(out, 'range.svg'), 'utf8')).toMatch(/^<svg/);
    }
    // A shell's pipe (a FIFO, where Node's child_process gives a socket), and a process substitution.
    for (const [history, pre] of [['/dev/stdin', 'cat "$0" |'], ['<(cat "$0")', '']] as const) {
      const out = work();
      const src = join(out, 'h.csv');
      writeFileSync(src, CSV);
      const cmd = `${pre} node '${BIN}' ${plotArgs('HISTORY', out).map((a) => (a === 'HISTORY' ? history : `'${a}'`)).join(' ')}`;
      const r = await execa('bash', ['-c', cmd, src], { cwd: CWD, env: CLEAN_ENV, extendEnv: false, reject: false, timeout: 60_000 });
      expect(r.exitCode, `${cmd}\n${r.stderr}`).toBe(0);
      expect(readFileSync(join(out, 'range.svg'), 'utf8')).toMatch(/^<svg/);
    }
    // The same figure as from the file.
    const a = work();
    const b = work();
    const file = join(a, 'h.csv');
    writeFileSync(file, CSV);
    expect((await cli(plotArgs(file, a))).exitCode).toBe(0);
    const r = await execa('node', [BIN, ...plotArgs('/dev/stdin', b)], { cwd: CWD, env: CLEAN_ENV, extendEnv: false, reject: false, input: CSV, timeout: 60_000 });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(readFileSync(join(b, 'range.svg'), 'utf8')).toBe(readFileSync(join(a, 'range.svg'), 'utf8'));
  }, 120_000);

  it('waits for a FIFO\'s writer, then reads it', async () => {
    const dir = work();
    const fifo = join(dir, 'history.fifo');
    execFileSync('mkfifo', [fifo]);
    const child = execa('node', [BIN, ...plotArgs(fifo, dir)], { cwd: CWD, env: CLEAN_ENV, extendEnv: false, reject: false, timeout: 60_000 });
    await new Promise((r) => setTimeout(r, 1500));
    expect(child.exitCode).toBeNull();
    // Opening the FIFO for writing blocks until the reader has it open: the command is waiting on it.
    writeFileSync(fifo, CSV);
    const r = await child;
    expect(r.exitCode, r.stderr).toBe(0);
    expect(existsSync(join(dir, 'range.svg'))).toBe(true);
  }, 90_000);

  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)('a FIFO that no one writes: %s ends the wait at once (exit %i)', async (signal, code) => {
    const dir = work();
    const fifo = join(dir, 'history.fifo');
    execFileSync('mkfifo', [fifo]);
    const child = spawn('node', [BIN, ...plotArgs(fifo, dir)], { cwd: CWD, env: CLEAN_ENV, stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    await new Promise((r) => setTimeout(r, 1500));
    const t = Date.now();
    child.kill(signal);
    const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    const c = await exited;
    clearTimeout(killer);
    expect(c).toBe(code);
    expect(Date.now() - t).toBeLessThan(5000);
  }, 30_000);

  it('refuses a pipe among several history files (they are read twice to order them), with the fix', async () => {
    const dir = work();
    const file = join(dir, 'h.csv');
    writeFileSync(file, CSV);
    const fifo = join(dir, 'second.fifo');
    execFileSync('mkfifo', [fifo]);
    const r = await cli(['train', '--history', file, fifo, '--models-dir', join(dir, 'models')]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain(`history file ${fifo} is a pipe or a device, which can be read only once, and 2 files are given`);
    expect(r.stderr).toMatch(/fix: give it as the only --history, or save it to a file first/);
  });

  it('refuses a terminal as the history (it would wait for typing), with the fix', () => {
    const dir = work();
    // util-linux `script` gives the command a pseudo-terminal as its stdin.
    const cmd = ['node', BIN, ...plotArgs('/dev/stdin', dir)].map((a) => `'${a}'`).join(' ');
    const r = spawnSync('script', ['-qec', cmd, '/dev/null'], { cwd: CWD, env: CLEAN_ENV, encoding: 'utf8', timeout: 30_000, input: '' });
    expect(r.stdout).toContain('history file /dev/stdin is a terminal, not a file');
    expect(r.stdout).toMatch(/pipe it in: `zcat history\.csv\.gz \| stream-smarts … --history \/dev\/stdin`/);
  });

  it('reads /dev/zero as binary, not forever', async () => {
    const r = await cli(plotArgs('/dev/zero', work()));
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('history file /dev/zero is not text: it holds a NUL byte at byte 0');
  });
});
