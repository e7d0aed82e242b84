import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { loadConfig } from '@stream-smarts/contracts';
import { startNotifier, type RunningNotifier } from '@stream-smarts/notifier';
import { HomeAssistantDouble } from './doubles/home-assistant-double.js';
import { PushbulletDouble } from './doubles/pushbullet-double.js';
import { capturingLogger, event, FIRE_FIRST_ENV, SPEAK_OLD_ENV, MINUTE, tempDir, TopicFixture, waitFor } from './helpers.js';

const broker = inject('kafka');
const PB_TOKEN = 'o.Pb-kafka-test-secret-9f8e7d6c';
const HA_TOKEN = 'eyJ-ha-kafka-test-secret-1a2b3c4d';
const T0 = Date.UTC(2018, 9, 20, 4, 0, 0);

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!().catch(() => undefined);
});

async function doubles() {
  const pb = await new PushbulletDouble(PB_TOKEN).start();
  const ha = await new HomeAssistantDouble(HA_TOKEN).start();
  cleanups.push(() => pb.stop(), () => ha.stop());
  return { pb, ha };
}

function settings(topic: string, stateDir: string, pb: PushbulletDouble, ha?: HomeAssistantDouble): NodeJS.ProcessEnv {
  // The Pushbullet token comes from a file (<VAR>_FILE), as a Docker secret would.
  const tokenFile = join(stateDir, '..', `${topic}.pushbullet-token`);
  writeFileSync(tokenFile, `${PB_TOKEN}\n`);
  return {
    KAFKA_BOOTSTRAP_SERVERS: broker.bootstrap,
    STREAM_SMARTS_TIMEZONE: 'UTC',
    STREAM_SMARTS_LOG_LEVEL: 'debug',
    STREAM_SMARTS_NOTIFIER_TOPIC: topic,
    STREAM_SMARTS_NOTIFIER_GROUP_ID: `${topic}-notifier`,
    STREAM_SMARTS_NOTIFIER_FROM_BEGINNING: 'true',
    STREAM_SMARTS_NOTIFIER_STATE_DIR: stateDir,
    STREAM_SMARTS_NOTIFIER_RETRY_BASE_DELAY: '20ms',
    STREAM_SMARTS_NOTIFIER_SESSION_TIMEOUT: '6s',
    // This test is about the Kafka side; when the rules fire is the alert core's test.
    ...FIRE_FIRST_ENV,
    ...SPEAK_OLD_ENV,
    PUSHBULLET_ACCESS_TOKEN_FILE: tokenFile,
    STREAM_SMARTS_PUSHBULLET_URL: pb.url,
    ...(ha
      ? {
          HOME_ASSISTANT_URL: ha.url,
          HOME_ASSISTANT_TOKEN: HA_TOKEN,
          STREAM_SMARTS_HOME_ASSISTANT_MEDIA_PLAYER: 'media_player.kitchen_speaker',
          STREAM_SMARTS_HOME_ASSISTANT_TTS_ENTITY: 'tts.google_translate_en_com',
          STREAM_SMARTS_HOME_ASSISTANT_NOTIFY_SERVICE: 'mobile_app_pixel_7',
        }
      : {}),
  };
}

async function start(env: NodeJS.ProcessEnv, lines: string[]): Promise<RunningNotifier> {
  const loaded = loadConfig({ env, envFile: '/nonexistent/.env' });
  // No secret scrubbing here: the test below proves the notifier never puts a token in a log line
  // in the first place (the scrubber in production is a second line of defence).
  const { log, lines: mine } = capturingLogger([], 'debug');
  const app = await startNotifier(loaded, log, { tickMs: 200 });
  // Keep one list across restarts.
  const push = mine.push.bind(mine);
  mine.push = (...l: string[]) => (lines.push(...l), push(...l));
  cleanups.push(() => app.stop());
  return app;
}

async function allCommitted(fx: TopicFixture, groupId: string): Promise<void> {
  let last = '';
  const until = Date.now() + 30_000;
  for (;;) {
    const { committed, high } = await fx.offsets(groupId);
    last = JSON.stringify({ committed, high });
    if (Object.keys(high).every((p) => committed[Number(p)] === high[Number(p)])) return;
    if (Date.now() > until) throw new Error(`offsets not all committed: ${last}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe(`the notifier on a real Apache Kafka ${broker.version} broker`, () => {
  it('sends one alert for a 30-minute episode of 30 anomalies, repeats after repeat_interval, survives a restart, and says when it is over', async () => {
    const { pb, ha } = await doubles();
    const topic = `anomoly-power-episode-${Date.now()}`;
    const fx = await new TopicFixture(broker.bootstrap, topic).create(1);
    cleanups.push(() => fx.close());
    const dir = tempDir('episode');
    const env = settings(topic, join(dir, 'state'), pb, ha);
    const lines: string[] = [];

    // The first push meets a 429 and then a 500 before it goes through.
    pb.faults.failNext(429, 500);
    let app = await start(env, lines);
    await fx.send(Array.from({ length: 30 }, (_, i) => event('house', T0 + i * MINUTE, { hour: 4 })));
    await allCommitted(fx, `${topic}-notifier`);
    expect(pb.requests.map((r) => r.status)).toEqual([429, 500, 200]);
    expect(pb.accepted.map((p) => [p.title, p.body])).toEqual([['Power alert', 'Unusual power usage of 1500 Wh at 4:00. Please check!']]);
    expect(ha.calls.map((c) => `${c.domain}.${c.service}`)).toEqual(['tts.speak', 'notify.mobile_app_pixel_7']);

    // A restart in the middle of the episode remembers it: no second "first" alert.
    await app.stop();
    app = await start(env, lines);
    await fx.send(Array.from({ length: 35 }, (_, i) => event('house', T0 + (30 + i) * MINUTE, { hour: 4 + Math.floor((30 + i) / 60) })));
    await allCommitted(fx, `${topic}-notifier`);
    expect(pb.accepted.map((p) => p.title)).toEqual(['Power alert', 'Power alert (still going)']);

    // Low usage 36 quiet minutes later: the high episode is over (back to normal), a low one begins.
    await fx.send([event('house', T0 + 100 * MINUTE, { hour: 5, kwh: 20, fn: -0.3, kind: 'low' })]);
    await allCommitted(fx, `${topic}-notifier`);
    expect(pb.accepted.map((p) => [p.title, p.body])).toEqual([
      ['Power alert', 'Unusual power usage of 1500 Wh at 4:00. Please check!'],
      ['Power alert (still going)', 'Unusual power usage of 1500 Wh at 5:00. Please check!'],
      ['Power back to normal', 'Power usage is back to normal (unusually high since 4:00).'],
      ['Power alert', 'Unusually low power usage of 20 Wh at 5:00. Please check!'],
    ]);
    expect(new Set(pb.accepted.map((p) => p.guid)).size).toBe(4);
    expect(ha.calls).toHaveLength(8);
    await app.stop();

    // Not one log line of the run, kafkajs's included, holds a token.
    expect(lines.length).toBeGreaterThan(20);
    const leaks = lines.filter((l) => l.includes(PB_TOKEN) || l.includes(HA_TOKEN));
    expect(leaks).toEqual([]);
  });

  it('skips malformed and unexpected messages, logging partition and offset, and keeps its offsets moving', async () => {
    const { pb } = await doubles();
    const topic = `anomoly-power-malformed-${Date.now()}`;
    const fx = await new TopicFixture(broker.bootstrap, topic).create(1);
    cleanups.push(() => fx.close());
    const dir = tempDir('malformed');
    const lines: string[] = [];
    const app = await start(settings(topic, join(dir, 'state'), pb), lines);
    await fx.send([event('a', T0)]);
    await fx.sendRaw([
      'not json at all',
      '[1, 2, 3]',
      null,
      JSON.stringify({ EVENT_TS: T0, HOUR: 4, KWH: 1.2, FN: 0.5 }),
      JSON.stringify({ EVENT_TS: T0, HOUR: 99, KWH: 1.2, FN: 3 }),
      JSON.stringify({ EVENT_TS: 'yesterday', HOUR: 4, KWH: 1.2, FN: 3, METER_ID: 'b' }),
    ]);
    await fx.send([event('b', T0 + MINUTE)]);
    await allCommitted(fx, `${topic}-notifier`);
    expect(pb.accepted).toHaveLength(2);

    const skipped = lines.map((l) => JSON.parse(l) as { msg: string; partition?: number; offset?: string; level: number }).filter((l) => l.msg.startsWith('skipping'));
    expect(skipped.map((l) => [l.partition, l.offset])).toEqual([
      [0, '1'],
      [0, '2'],
      [0, '3'],
      [0, '4'],
      [0, '5'],
      [0, '6'],
    ]);
    expect(skipped.map((l) => l.msg).join('\n')).toMatch(/not JSON[\s\S]*an array[\s\S]*tombstone[\s\S]*not an anomaly[\s\S]*HOUR[\s\S]*EVENT_TS/);

    // Still alive and consuming after all that.
    await fx.send([event('c', T0 + 2 * MINUTE)]);
    await allCommitted(fx, `${topic}-notifier`);
    expect(pb.accepted).toHaveLength(3);
    await app.stop();
  });
});
