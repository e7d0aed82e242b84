import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { HomeAssistantDouble } from './doubles/home-assistant-double.js';
import { PushbulletDouble } from './doubles/pushbullet-double.js';
import { event, MINUTE, SPEAK_OLD_ENV, tempDir, TopicFixture, waitFor } from './helpers.js';

const broker = inject('kafka');
const MAIN = resolve(fileURLToPath(new URL('.', import.meta.url)), '../dist/main.js');
const PB_TOKEN = 'o.crash-test-pushbullet-secret-77';
const HA_TOKEN = 'crash-test-home-assistant-secret-88';
const EPISODES = 100;
const PER_EPISODE = 3;
const CRASHES = 3;
const T0 = Date.UTC(2018, 9, 20, 0, 0, 0);

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

function count<T>(xs: T[]): Map<T, number> {
  const m = new Map<T, number>();
  for (const x of xs) m.set(x, (m.get(x) ?? 0) + 1);
  return m;
}
const duplicates = (m: Map<unknown, number>) => [...m.values()].reduce((s, n) => s + n - 1, 0);

describe('the notifier process under SIGKILL', () => {
  it(`delivers every one of ${EPISODES} episodes at least once, with at most one duplicate per sink per crash, while sinks fail 30% of requests`, async () => {
    expect(existsSync(MAIN), `${MAIN} is missing: run \`npx tsc -b\` first`).toBe(true);
    const pb = await new PushbulletDouble(PB_TOKEN).start();
    const ha = await new HomeAssistantDouble(HA_TOKEN).start();
    cleanups.push(() => pb.stop(), () => ha.stop());
    for (const f of [pb.faults, ha.faults]) {
      f.failRate = 0.3;
      // Slow enough that the flow outlasts the kills.
      f.latencyMs = 20;
    }
    pb.faults.failStatus = 500;
    ha.faults.failStatus = 503;

    const topic = `anomoly-power-crash-${Date.now()}`;
    const fx = await new TopicFixture(broker.bootstrap, topic).create(1);
    cleanups.push(() => fx.close());
    const dir = tempDir('crash');
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      KAFKA_BOOTSTRAP_SERVERS: broker.bootstrap,
      STREAM_SMARTS_TIMEZONE: 'UTC',
      STREAM_SMARTS_NOTIFIER_TOPIC: topic,
      STREAM_SMARTS_NOTIFIER_GROUP_ID: `${topic}-notifier`,
      STREAM_SMARTS_NOTIFIER_FROM_BEGINNING: 'true',
      STREAM_SMARTS_NOTIFIER_STATE_DIR: join(dir, 'state'),
      STREAM_SMARTS_NOTIFIER_SESSION_TIMEOUT: '6s',
      STREAM_SMARTS_NOTIFIER_RETRY_ATTEMPTS: '15',
      // Each episode is 3 anomalies: it alerts on the third, as the default rule would on its tenth.
      STREAM_SMARTS_NOTIFIER_FIRE_AFTER: String(PER_EPISODE),
      ...SPEAK_OLD_ENV,
      STREAM_SMARTS_NOTIFIER_RETRY_BASE_DELAY: '10ms',
      STREAM_SMARTS_NOTIFIER_RETRY_MAX_DELAY: '100ms',
      // Texts that name the meter, so each delivery can be traced to its episode.
      STREAM_SMARTS_NOTIFIER_MESSAGE_HIGH: 'Unusual power usage on {meter}',
      STREAM_SMARTS_NOTIFIER_MESSAGE_RESOLVED: 'Back to normal on {meter}',
      PUSHBULLET_ACCESS_TOKEN: PB_TOKEN,
      STREAM_SMARTS_PUSHBULLET_URL: pb.url,
      HOME_ASSISTANT_URL: ha.url,
      HOME_ASSISTANT_TOKEN: HA_TOKEN,
      STREAM_SMARTS_HOME_ASSISTANT_MEDIA_PLAYER: 'media_player.kitchen_speaker',
      STREAM_SMARTS_HOME_ASSISTANT_TTS_ENTITY: 'tts.google_translate_en_com',
    };
    const logFile = join(dir, 'notifier.log');
    let child: ChildProcess | undefined;
    const spawnNotifier = () => {
      const fd = openSync(logFile, 'a');
      const c = spawn(process.execPath, [MAIN], { cwd: dir, env, stdio: ['ignore', fd, fd] });
      closeSync(fd);
      return c;
    };
    cleanups.push(() => void child?.kill('SIGKILL'));
    const exited = (c: ChildProcess) => new Promise<void>((r) => (c.exitCode !== null || c.signalCode !== null ? r() : c.once('exit', () => r())));

    // 100 episodes of 3 anomalies a minute apart, 20 minutes of event time apart (so each new
    // episode also ends the one before with a "back to normal"), produced over a few seconds.
    const meters = Array.from({ length: EPISODES }, (_, i) => `m${String(i).padStart(3, '0')}`);
    const producing = (async () => {
      for (let i = 0; i < EPISODES; i += 5) {
        await fx.send(
          meters.slice(i, i + 5).flatMap((m, j) => Array.from({ length: PER_EPISODE }, (_, k) => event(m, T0 + ((i + j) * 20 + k) * MINUTE))),
        );
        await new Promise((r) => setTimeout(r, 150));
      }
    })();

    const fires = () => pb.accepted.filter((p) => p.body?.startsWith('Unusual')).length;
    // 100 fires and 99 "back to normal" (the last episode is still open).
    const allDelivered = () =>
      new Set(pb.accepted.map((p) => p.body)).size >= 2 * EPISODES - 1 && new Set(ha.calls.map((c) => c.data.message)).size >= 2 * EPISODES - 1;
    let crashes = 0;
    try {
      for (let crash = 0; crash < CRASHES; crash++) {
        child = spawnNotifier();
        // Kill at a random point once this process is delivering (unless, on a fast machine, all is done).
        const before = pb.accepted.length;
        await waitFor(`deliveries after start ${crash + 1}`, () => pb.accepted.length > before || allDelivered(), 40_000);
        if (allDelivered()) break;
        await new Promise((r) => setTimeout(r, 100 + Math.random() * 1000));
        child.kill('SIGKILL');
        crashes++;
        await exited(child);
      }
      if (!child || child.exitCode !== null || child.signalCode !== null) child = spawnNotifier();
      const last = child;
      await producing;
      await waitFor('every episode alerted on both sinks', allDelivered, 45_000);
      last.kill('SIGTERM');
      await exited(last);
      expect(last.exitCode, 'a clean exit on SIGTERM').toBe(0);
    } catch (e) {
      throw new Error(`${(e as Error).message}; fires so far ${fires()}; notifier log ends:\n${readFileSync(logFile, 'utf8').split('\n').slice(-30).join('\n')}`);
    }

    const pushes = count(pb.accepted.map((p) => p.body));
    const spoken = count(ha.calls.map((c) => String(c.data.message)));
    for (const m of meters) {
      expect(pushes.get(`Unusual power usage on ${m}`) ?? 0, `push for ${m}`).toBeGreaterThanOrEqual(1);
      expect(spoken.get(`Unusual power usage on ${m}`) ?? 0, `announcement for ${m}`).toBeGreaterThanOrEqual(1);
    }
    // The same alert always carries the same guid: Pushbullet's own dedupe would hide a repeat.
    expect(count(pb.accepted.map((p) => p.guid)).size).toBe(pushes.size);
    expect(crashes).toBeGreaterThanOrEqual(2);
    expect(duplicates(pushes)).toBeLessThanOrEqual(crashes);
    expect(duplicates(spoken)).toBeLessThanOrEqual(crashes);
    expect(existsSync(join(dir, 'state', 'dead-letter.jsonl'))).toBe(false);
    const failed = pb.requests.filter((r) => r.status !== 200).length + ha.statuses.filter((s) => s !== 200).length;
    expect(failed).toBeGreaterThan(0);
    const log = readFileSync(logFile, 'utf8');
    expect(log).not.toContain(PB_TOKEN);
    expect(log).not.toContain(HA_TOKEN);
    process.stdout.write(
      `[crash] ${crashes} SIGKILLs, ${EPISODES} episodes: ${pb.accepted.length} pushes (${duplicates(pushes)} duplicate), ` +
        `${ha.calls.length} announcements (${duplicates(spoken)} duplicate), ${failed} injected failures retried\n`,
    );
  }, 120_000);
});
