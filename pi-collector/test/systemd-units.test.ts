import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * The systemd units in pi-collector/systemd, checked by systemd itself: `systemd-analyze verify`
 * loads each unit as the manager would (unknown keys, bad values, a timer without a unit, an
 * ExecStart binary that is not there) and `systemd-analyze calendar` reads the timer's schedule.
 * Any warning counts as a failure. Then what verify cannot know: that the units run this
 * repository's commands, from paths the install guide creates.
 */

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const UNITS = join(REPO, 'pi-collector', 'systemd');
const work = mkdtempSync(join(tmpdir(), 'systemd-units-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const FILES = ['stream-smarts-collector.service', 'stream-smarts-retrain.service', 'stream-smarts-retrain.timer'];

function verify(files: string[]): { status: number | null; stderr: string } {
  // The units name each other; verify them together, from a directory holding only them.
  const r = spawnSync('systemd-analyze', ['verify', ...files], { cwd: work, encoding: 'utf8' });
  return { status: r.status, stderr: r.stderr + r.stdout };
}

/** key=value pairs of one [section], repeated keys kept in order. */
function section(file: string, name: string): [string, string][] {
  const text = readFileSync(join(UNITS, file), 'utf8');
  const out: [string, string][] = [];
  let current = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('#') || line === '') continue;
    const m = /^\[(.+)\]$/.exec(line);
    if (m) current = m[1]!;
    else if (current === name) {
      const i = line.indexOf('=');
      out.push([line.slice(0, i), line.slice(i + 1)]);
    }
  }
  return out;
}
const value = (file: string, sec: string, key: string) => section(file, sec).find(([k]) => k === key)?.[1];

describe('pi-collector/systemd units', () => {
  for (const f of FILES) copyFileSync(join(UNITS, f), join(work, f));

  it('pass systemd-analyze verify with no warning', () => {
    const r = verify(FILES);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('verify would catch a mistake (the check can fail)', () => {
    const broken = readFileSync(join(UNITS, 'stream-smarts-retrain.timer'), 'utf8').replace('OnCalendar=', 'OnCalender=');
    writeFileSync(join(work, 'broken.timer'), broken);
    const r = verify(['broken.timer', 'stream-smarts-retrain.service']);
    expect(r.stderr).toContain("Unknown key 'OnCalender' in section [Timer]");
    expect(r.status).not.toBe(0);
  });

  it('the timer runs the retrain service nightly, and catches up a night missed while off', () => {
    expect(value('stream-smarts-retrain.timer', 'Timer', 'Unit')).toBe('stream-smarts-retrain.service');
    expect(value('stream-smarts-retrain.timer', 'Timer', 'Persistent')).toBe('true');
    expect(value('stream-smarts-retrain.timer', 'Install', 'WantedBy')).toBe('timers.target');
    const cal = spawnSync('systemd-analyze', ['calendar', '--iterations=3', value('stream-smarts-retrain.timer', 'Timer', 'OnCalendar')!], { encoding: 'utf8' });
    expect(cal.status, cal.stderr).toBe(0);
    expect(cal.stdout).toMatch(/Normalized form: \*-\*-\* 03:30:00/);
    // Three elapses a day apart.
    const next = [...cal.stdout.matchAll(/(?:Next elapse|Iter\. #\d+): \w{3} (\d{4}-\d{2}-\d{2}) 03:30:00/g)].map((m) => Date.parse(m[1]!));
    expect(next).toHaveLength(3);
    expect(next[1]! - next[0]!).toBe(86_400_000);
    expect(next[2]! - next[1]!).toBe(86_400_000);
  });

  it('the service runs `stream-smarts retrain --deploy` once per start, from the install directory, with a time limit', () => {
    const f = 'stream-smarts-retrain.service';
    expect(value(f, 'Service', 'Type')).toBe('oneshot');
    expect(value(f, 'Service', 'ExecStart')).toBe('/usr/bin/node /opt/stream-smarts/cli/dist/main.js retrain --deploy');
    expect(value(f, 'Service', 'WorkingDirectory')).toBe('/opt/stream-smarts');
    expect(value(f, 'Service', 'TimeoutStartSec')).toBe('2h');
    // The CLI the unit runs is the one `npm ci && npx tsc -b` builds in the repository.
    expect(existsSync(join(REPO, 'cli', 'dist', 'main.js'))).toBe(true);
    // Started by the timer only: no [Install] section to enable it on its own.
    expect(section(f, 'Install')).toEqual([]);
    // Same user and install directory as the collector.
    expect(value(f, 'Service', 'User')).toBe(value('stream-smarts-collector.service', 'Service', 'User'));
    expect(value(f, 'Service', 'WorkingDirectory')).toBe(value('stream-smarts-collector.service', 'Service', 'WorkingDirectory'));
  });

  it('the service keeps H2O and Maven downloads in its cache directory and may write only what retrain writes', () => {
    const f = 'stream-smarts-retrain.service';
    const env = section(f, 'Service').filter(([k]) => k === 'Environment').map(([, v]) => v);
    expect(value(f, 'Service', 'CacheDirectory')).toBe('stream-smarts');
    expect(env).toContain('STREAM_SMARTS_CACHE_DIR=%C/stream-smarts');
    expect(env).toContain('MAVEN_OPTS=-Dmaven.repo.local=%C/stream-smarts/m2');
    expect(value(f, 'Service', 'ProtectSystem')).toBe('strict');
    const writable = value(f, 'Service', 'ReadWritePaths')!.split(/\s+/);
    expect(writable).toEqual(['/opt/stream-smarts/models', '/opt/stream-smarts/udf-java', '/opt/stream-smarts/ext']);
    // Each is a directory of the repository (the install copies it to /opt/stream-smarts).
    for (const p of writable) expect(existsSync(join(REPO, p.replace('/opt/stream-smarts/', ''))), p).toBe(true);
  });

  it('every file the install guide copies exists, and the environment examples name real settings', async () => {
    const guide = readFileSync(join(REPO, 'pi-collector', 'README.md'), 'utf8');
    const copied = [...guide.matchAll(/sudo cp (pi-collector\/systemd\/\S+)/g)].map((m) => m[1]!);
    expect(copied).toEqual(expect.arrayContaining(['pi-collector/systemd/stream-smarts-retrain.service', 'pi-collector/systemd/stream-smarts-retrain.timer', 'pi-collector/systemd/retrain.env.example']));
    for (const c of copied) expect(existsSync(join(REPO, c)), c).toBe(true);
    expect(guide).toContain('sudo systemctl enable --now stream-smarts-retrain.timer');
    const { SETTINGS } = await import('@stream-smarts/contracts');
    const known = new Set(Object.values(SETTINGS).flatMap((s) => s.env));
    for (const file of ['retrain.env.example', 'collector.env.example']) {
      const vars = readFileSync(join(UNITS, file), 'utf8')
        .split('\n')
        .map((l) => /^#?([A-Z][A-Z0-9_]+)=/.exec(l)?.[1])
        .filter((v): v is string => v !== undefined);
      for (const v of vars) expect(known.has(v), `${file}: ${v}`).toBe(true);
    }
  });
});
