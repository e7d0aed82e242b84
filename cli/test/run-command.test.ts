import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Alert } from '@stream-smarts/notifier';
import { fileURLToPath } from 'node:url';
import { HomeAssistantDouble } from '../../notifier/test/doubles/home-assistant-double.js';
import { PushbulletDouble } from '../../notifier/test/doubles/pushbullet-double.js';
import { cli } from './run-cli.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));

const work = mkdtempSync(join(tmpdir(), 'run-cli-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Local instant in Sydney, winter (AEST, +10:00), as ISO with its offset. */
const syd = (h: number, m: number) => `2026-07-15T${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:00+10:00`;

describe('stream-smarts run', () => {
  it('with no flags plays the heater-left-on day and shows the heater alert, then a summary', async () => {
    const r = await cli(['run']);
    expect(r.exitCode, r.stderr).toBe(0);
    const out = r.stdout;
    // The live view: a status line per 15 minutes with the reading, the measure that decided its
    // score, that measure's value and normal band, and the score.
    expect(out).toMatch(/^03:45 +\d+ +(15-min floor|1-h floor|3-h floor|20-min step|45-min step|90-min step|3-h activity) +\d+ +\d+–\d+ +\d\.\d\d$/m);
    // The console sink's alert, stamped with the simulated time, after the heater went on at 04:00.
    // The console sink's alert says what was seen: the heater's size and since when.
    const alert = /^(\d\d):(\d\d) >>> Power alert \[home\]: About (\d\.\d) kW has been on since 4:(\d\d) \((\d+) min\); this house doesn't do that at this time\. Please check!$/m.exec(out);
    expect(alert, out).not.toBeNull();
    expect(Number(alert![1]) * 60 + Number(alert![2])).toBeGreaterThanOrEqual(4 * 60);
    // The simulated heater is 2 kW, switched on at 04:00.
    expect(Number(alert![3])).toBeCloseTo(2, 0);
    expect(Number(alert![4])).toBeLessThan(20);
    expect(out).toMatch(/^summary: 1,440 readings, [\d,]+ anomalies, \d+ alerts \(\d+ new\); heater on 04:00 → first alert 04:\d\d \(\d+ min\); wall time [\d.]+ s$/m);
    expect(out.trim().split('\n').length).toBeLessThan(140);
  });

  it('--json prints reading, alert and summary lines, and --alerts-out writes the Alert objects', async () => {
    const file = join(work, 'alerts.jsonl');
    const r = await cli(['run', '--json', '--speed', 'max', '--date', '2026-07-15', '--alerts-out', file]);
    expect(r.exitCode, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string; [k: string]: unknown });
    expect(lines.filter((l) => l.type === 'reading')).toHaveLength(1440);
    const summary = lines.at(-1)!;
    expect(summary.type).toBe('summary');
    const heaterOn = Date.parse(syd(4, 0));
    const alerts = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Alert);
    expect(alerts.length).toBe(summary.alerts);
    const fire = alerts.find((a) => a.type === 'fire')!;
    expect(fire).toMatchObject({ kind: 'high', meterId: 'home', type: 'fire' });
    expect(fire.at).toBeGreaterThanOrEqual(heaterOn);
    expect(summary.minutesToFirstAlert).toBe((fire.at - heaterOn) / 60_000);
    expect(lines.filter((l) => l.type === 'alert').map((l) => (l.alert as Alert).key)).toEqual(alerts.map((a) => a.key));
  });

  it('--source replay scores a history file: a quiet night, then 2 kW from 02:00', async () => {
    const csv = join(work, 'night.csv');
    // A night's power the model finds normal on that Wednesday (day 3), hours 0-2.
    const env = JSON.parse(readFileSync(join(REPO, 'models', 'current', 'envelope.json'), 'utf8')) as { cells: { day: number; hour: number; lower: number; upper: number }[] };
    const night = env.cells.filter((c) => c.day === 3 && c.hour <= 2);
    const base = (Math.max(...night.map((c) => c.lower)) + Math.min(...night.map((c) => c.upper))) / 2;
    const lines = ['timestamp,wh'];
    // One-minute readings 00:01..04:00: the night's base, then 2 kW more from 02:00.
    for (let i = 1; i <= 240; i++) lines.push(`${syd(Math.floor(i / 60), i % 60)},${((i > 120 ? base + 2000 : base) / 60).toFixed(4)}`);
    writeFileSync(csv, lines.join('\n') + '\n');
    const alerts = join(work, 'replay-alerts.jsonl');
    const r = await cli(['run', '--source', 'replay', '--replay', csv, '--alerts-out', alerts]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/replaying .*night\.csv/);
    const fired = readFileSync(alerts, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Alert).filter((a) => a.type === 'fire');
    expect(fired).toHaveLength(1);
    expect(fired[0]!.kind).toBe('high');
    expect(fired[0]!.at).toBeGreaterThan(Date.parse(syd(2, 0)));
    expect(fired[0]!.at).toBeLessThan(Date.parse(syd(2, 30)));
    // The first hour only fills the trailing hour and is not scored: readings 01:01..04:00.
    expect(r.stdout).toMatch(/^summary: 180 readings,/m);
  });

  it('sends the heater alert to Pushbullet and the Google Home when they are configured, and not to the console', async () => {
    const pb = await new PushbulletDouble('pb-token').start();
    const ha = await new HomeAssistantDouble('ha-token').start();
    try {
      const r = await cli(['run', '--speed', 'max', '--date', '2026-07-15'], {
        PUSHBULLET_ACCESS_TOKEN: 'pb-token',
        STREAM_SMARTS_PUSHBULLET_URL: pb.url,
        HOME_ASSISTANT_URL: ha.url,
        HOME_ASSISTANT_TOKEN: 'ha-token',
        STREAM_SMARTS_HOME_ASSISTANT_MEDIA_PLAYER: 'media_player.kitchen_speaker',
        STREAM_SMARTS_HOME_ASSISTANT_TTS_SERVICE: 'tts.google_translate_say',
        // The simulated day is in July: announce it although it is months old.
        STREAM_SMARTS_HOME_ASSISTANT_ANNOUNCE_MAX_AGE: '100000h',
      });
      expect(r.exitCode, r.stderr).toBe(0);
      expect(r.stdout).toContain('sinks: pushbullet, home-assistant-voice');
      expect(r.stdout).not.toContain('>>>');
      expect(r.stdout).toMatch(/^04:\d\d +ALERT to pushbullet, home-assistant-voice: Power alert: About \d\.\d kW has been on since 4:\d\d \(\d+ min\); this house doesn't do that at this time\. Please check!$/m);
      expect(pb.accepted[0]).toMatchObject({ title: 'Power alert' });
      expect(pb.accepted[0]!.body).toMatch(/^About \d\.\d kW has been on since 4:\d\d \(\d+ min\); this house doesn't do that at this time\. Please check!$/);
      expect(ha.calls.length).toBeGreaterThan(0);
      expect(ha.calls[0]).toMatchObject({ domain: 'tts', service: 'google_translate_say' });
    } finally {
      await pb.stop();
      await ha.stop();
    }
  });

  it('says which sinks failed and why, and ends non-zero, when alerts cannot be delivered; a stale announcement is not spoken', async () => {
    const pb = await new PushbulletDouble('the-real-token').start();
    const ha = await new HomeAssistantDouble('ha-token').start();
    ha.faults.failRate = 1;
    try {
      const r = await cli(['run', '--speed', 'max', '--date', '2026-07-15'], {
        PUSHBULLET_ACCESS_TOKEN: 'a-wrong-token',
        STREAM_SMARTS_PUSHBULLET_URL: pb.url,
        HOME_ASSISTANT_URL: ha.url,
        HOME_ASSISTANT_TOKEN: 'ha-token',
        STREAM_SMARTS_HOME_ASSISTANT_NOTIFY_SERVICE: 'mobile_app_pixel_7',
        STREAM_SMARTS_HOME_ASSISTANT_MEDIA_PLAYER: 'media_player.kitchen_speaker',
        STREAM_SMARTS_HOME_ASSISTANT_TTS_SERVICE: 'tts.google_translate_say',
        STREAM_SMARTS_NOTIFIER_RETRY_ATTEMPTS: '2',
        STREAM_SMARTS_NOTIFIER_RETRY_BASE_DELAY: '1ms',
      });
      expect(r.exitCode).toBe(1);
      expect(r.stdout).not.toMatch(/ALERT to/);
      expect(r.stdout).toMatch(/^04:\d\d +NOT DELIVERED to pushbullet after 1 attempt: Pushbullet answered HTTP 401 \(the access token is wrong/m);
      expect(r.stdout).toMatch(/^04:\d\d +NOT DELIVERED to home-assistant-notify after 2 attempts: Home Assistant answered HTTP 500/m);
      expect(r.stdout).toMatch(/^04:\d\d +SUPPRESSED at home-assistant-voice: stale/m);
      expect(r.stdout).toMatch(/^undelivered: \d+ alerts? never reached pushbullet: /m);
      expect(r.stderr).toMatch(/stream-smarts run: \d+ alert deliveries failed \(pushbullet, home-assistant-notify\)/);
      expect(`${r.stdout}${r.stderr}`).not.toContain('a-wrong-token');
    } finally {
      await pb.stop();
      await ha.stop();
    }
  });

  it('a bad replay line stops the run with one line naming file:line', async () => {
    const csv = join(work, 'bad.csv');
    writeFileSync(csv, `timestamp,wh\n${syd(0, 1)},2.5\n${syd(0, 2)},lots\n`);
    const r = await cli(['run', '--source', 'replay', '--replay', csv]);
    expect(r.exitCode).toBe(1);
    // 1 bad row of 2 is over the 1% the history reader tolerates: it gives up, naming the row and the fix.
    expect(r.stderr).toMatch(/^stream-smarts run: 1 of 2 history rows are bad \(50\.00%, more than the 1% allowed\)/);
    expect(r.stderr).toContain(`${csv}:3: wh "lots" is not a number`);
    expect(r.stderr).toMatch(/— fix: fix or remove those rows, or raise --max-bad-share \(STREAM_SMARTS_MAX_BAD_SHARE\)/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('a --model directory without an envelope gives one line naming the file, exit 2', async () => {
    const empty = join(work, 'no-model');
    mkdirSync(empty);
    const r = await cli(['run', '--model', empty]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(join(empty, 'envelope.json'));
    const broken = join(work, 'broken-model');
    mkdirSync(broken);
    writeFileSync(join(broken, 'envelope.json'), '{"format":"stream-smarts/bands@3"}');
    const b = await cli(['run', '--model', broken]);
    expect(b.exitCode).toBe(2);
    expect(b.stderr.trim()).toMatch(/^stream-smarts run: .*broken-model\/envelope\.json is not a stream-smarts\/bands@3 file: /);
    // A model of an old format is named as such, with the fix.
    for (const format of ['stream-smarts/envelope@1', 'stream-smarts/bands@2']) {
      writeFileSync(join(broken, 'envelope.json'), JSON.stringify({ format }));
      const old = await cli(['run', '--model', broken]);
      expect(old.exitCode).toBe(2);
      expect(old.stderr.trim()).toContain(`old format ${format}, which this version no longer reads: retrain with \`stream-smarts train --history FILE\``);
    }
    expect(b.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('--help shows examples', async () => {
    const r = await cli(['run', '--help']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('$ stream-smarts run --source replay --replay history.csv --json');
  });
});
