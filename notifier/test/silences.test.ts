import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel, ConfigResourceTypes } from 'kafkajs';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { loadConfig } from '@stream-smarts/contracts';
import {
  expired,
  HomeAssistantAway,
  HomeAssistantClient,
  newSilence,
  SilenceBook,
  silenceState,
  startNotifier,
  validateSilence,
  type Matcher,
  type RunningNotifier,
} from '@stream-smarts/notifier';
import { cli } from '../../cli/test/run-cli.js';
import { HomeAssistantDouble } from './doubles/home-assistant-double.js';
import { PushbulletDouble } from './doubles/pushbullet-double.js';
import { capturingLogger, event, FIRE_FIRST_ENV, MINUTE, tempDir, TopicFixture, waitFor } from './helpers.js';

const broker = inject('kafka');
const PB_TOKEN = 'o.silence-test-secret-4242';
const HA_TOKEN = 'silence-ha-secret-4343';
const NOW = Date.UTC(2026, 6, 14, 12, 0);
const eq = (name: Matcher['name'], value: string): Matcher => ({ name, value, isRegex: false, isEqual: true });

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!().catch(() => undefined);
});

describe('silences (Alertmanager semantics, prometheus/alertmanager silence/silence.go)', () => {
  it('validate as Alertmanager does: a matcher needed, not all matching the empty string, end not before start', () => {
    expect(validateSilence({ matchers: [], startsAt: NOW, endsAt: NOW + 1 })).toEqual([expect.stringMatching(/at least one matcher required/)]);
    expect(validateSilence({ matchers: [eq('meter', '')], startsAt: NOW, endsAt: NOW + 1 })).toEqual([expect.stringMatching(/must not match the empty string/)]);
    expect(validateSilence({ matchers: [eq('kind', 'high')], startsAt: NOW, endsAt: NOW - 1 })).toEqual([expect.stringMatching(/end time must not be before start time/)]);
    expect(validateSilence({ matchers: [{ name: 'meter', value: '(', isRegex: true, isEqual: true }], startsAt: NOW, endsAt: NOW + 1 })[0]).toMatch(/invalid regular expression/);
    expect(validateSilence({ matchers: [eq('kind', 'high')], startsAt: NOW, endsAt: NOW + 1 })).toEqual([]);
  });

  it('are pending, active or expired by time; expire ends an active one now and a pending one at once; the later update wins', () => {
    const s = newSilence({ matchers: [eq('kind', 'high')], startsAt: NOW + 60_000, endsAt: NOW + 3_600_000, createdBy: 'ann', comment: 'sauna', now: NOW });
    expect([silenceState(s, NOW), silenceState(s, NOW + 120_000), silenceState(s, NOW + 3_600_001)]).toEqual(['pending', 'active', 'expired']);
    const pendingExpired = expired(s, NOW + 1)!;
    expect([pendingExpired.startsAt, pendingExpired.endsAt]).toEqual([NOW + 1, NOW + 1]);
    const activeExpired = expired(s, NOW + 120_000)!;
    expect([activeExpired.startsAt, activeExpired.endsAt]).toEqual([s.startsAt, NOW + 120_000]);
    expect(expired(activeExpired, NOW + 200_000)).toBeNull();
    // A start in the past becomes now (Silences.Set).
    expect(newSilence({ matchers: [eq('kind', 'low')], startsAt: NOW - 5_000, endsAt: NOW + 5_000, createdBy: 'a', comment: 'c', now: NOW }).startsAt).toBe(NOW);
    const book = new SilenceBook();
    expect(book.merge(activeExpired)).toBe(true);
    expect(book.merge(s)).toBe(false);
    expect(book.get(s.id)).toEqual(activeExpired);
    const active = newSilence({ matchers: [eq('meter', 'house'), eq('kind', 'high')], startsAt: NOW, endsAt: NOW + 60_000, createdBy: 'a', comment: 'c', now: NOW });
    book.merge(active);
    expect(book.muting({ meter: 'house', kind: 'high', type: 'fire' }, NOW + 1)?.id).toBe(active.id);
    expect(book.muting({ meter: 'shed', kind: 'high', type: 'fire' }, NOW + 1)).toBeUndefined();
    expect(book.muting({ meter: 'house', kind: 'low', type: 'fire' }, NOW + 1)).toBeUndefined();
  });

  it('away mode from Home Assistant: a person not home, a group not_home, a zone with 0 persons; HA down means somebody is home', async () => {
    const ha = await new HomeAssistantDouble(HA_TOKEN).start();
    cleanups.push(() => ha.stop());
    const client = new HomeAssistantClient({ url: ha.url, token: HA_TOKEN });
    const { log } = capturingLogger();
    const away = (id: string) => new HomeAssistantAway(client, id, log, Date.now, 0).isAway();
    expect((await away('person.alice')).away).toBe(false);
    ha.states.set('person.alice', { state: 'Work', attributes: {} });
    ha.states.set('group.family', { state: 'not_home', attributes: {} });
    ha.states.set('zone.home', { state: '0', attributes: {} });
    expect(await away('person.alice')).toEqual({ away: true, source: 'person.alice is Work' });
    expect((await away('group.family')).away).toBe(true);
    expect((await away('zone.home')).away).toBe(true);
    expect((await away('person.nobody')).away).toBe(false);
    await ha.stop();
    expect((await away('zone.home')).away).toBe(false);
  });
});

describe(`silences and away mode in Kafka mode, on a real Apache Kafka ${broker.version} broker`, () => {
  it('silence add/list/expire go through a compacted topic every notifier reads, survive restarts, and silenced alerts are recorded, not delivered', async () => {
    const pb = await new PushbulletDouble(PB_TOKEN).start();
    cleanups.push(() => pb.stop());
    const stamp = Date.now();
    const topic = `anomoly-power-silence-${stamp}`;
    const silenceTopic = `silences-${stamp}`;
    const fx = await new TopicFixture(broker.bootstrap, topic).create(1);
    cleanups.push(() => fx.close());
    const dir = tempDir('silences');
    const env: Record<string, string> = {
      KAFKA_BOOTSTRAP_SERVERS: broker.bootstrap,
      STREAM_SMARTS_TIMEZONE: 'UTC',
      STREAM_SMARTS_SILENCE_TOPIC: silenceTopic,
      STREAM_SMARTS_NOTIFIER_TOPIC: topic,
      STREAM_SMARTS_NOTIFIER_GROUP_ID: `${topic}-g`,
      STREAM_SMARTS_NOTIFIER_FROM_BEGINNING: 'true',
      STREAM_SMARTS_NOTIFIER_STATE_DIR: join(dir, 'state'),
      STREAM_SMARTS_NOTIFIER_SESSION_TIMEOUT: '6s',
      STREAM_SMARTS_NOTIFIER_MESSAGE_HIGH: 'high on {meter}{away}',
      STREAM_SMARTS_NOTIFIER_MESSAGE_LOW: 'low on {meter}',
      PUSHBULLET_ACCESS_TOKEN: PB_TOKEN,
      STREAM_SMARTS_PUSHBULLET_URL: pb.url,
      ...FIRE_FIRST_ENV,
    };

    // The command a user types, against the real broker.
    const added = await cli(['silence', 'add', '--for', '2h', '--meter', 'sauna', '--kind', 'high', '--comment', 'sauna on until ten', '--json'], env);
    expect(added.exitCode, added.stderr).toBe(0);
    const silence = (JSON.parse(added.stdout) as { silence: { id: string } }).silence;
    const listed = await cli(['silence', 'list'], env);
    expect(listed.stdout).toMatch(new RegExp(`${silence.id.slice(0, 8)}\\s+active\\s+meter=sauna kind=high .*sauna on until ten`));

    // The topic is compacted: the latest version of each silence is kept for good.
    const admin = new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    const described = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: silenceTopic, configNames: ['cleanup.policy'] }] });
    await admin.disconnect();
    expect(described.resources[0]!.configEntries[0]!.configValue).toBe('compact');

    const { log, lines } = capturingLogger([], 'info');
    const start = async () => {
      const app = await startNotifier(loadConfig({ env, envFile: '/nonexistent/.env' }), log, { tickMs: 60_000 });
      cleanups.push(() => app.stop());
      return app;
    };
    let app: RunningNotifier = await start();
    const T = Date.UTC(2026, 6, 14, 20, 0);
    await fx.send([event('sauna', T), event('house', T + MINUTE)]);
    await waitFor('the house alert', () => pb.accepted.length >= 1, 20_000);
    await waitFor('the silenced alert recorded', () => existsSync(join(dir, 'state', 'silenced.jsonl')), 10_000);
    expect(pb.accepted.map((p) => p.body)).toEqual(['high on house']);
    const recorded = readFileSync(join(dir, 'state', 'silenced.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { reason: string; silence: string; message: { body: string } });
    expect(recorded).toEqual([expect.objectContaining({ reason: 'silenced', silence: silence.id, message: expect.objectContaining({ body: 'high on sauna' }) })]);
    expect(lines.some((l) => l.includes('alert silenced, not delivered') && l.includes('sauna on until ten'))).toBe(true);

    // A restart reads the silences back from the topic: a new sauna episode is still muted.
    await app.stop();
    app = await start();
    await fx.send([event('sauna', T + 40 * MINUTE)]);
    const sauna = () => readFileSync(join(dir, 'state', 'silenced.jsonl'), 'utf8').split('high on sauna').length - 1;
    await waitFor('second silenced alert', () => sauna() === 2, 20_000);
    // The first sauna episode's "back to normal" was muted too (its labels match); the house's was not.
    expect(pb.accepted.some((p) => /sauna/.test(p.body ?? ''))).toBe(false);
    expect(readFileSync(join(dir, 'state', 'silenced.jsonl'), 'utf8')).toMatch(/"type":"resolve","kind":"high","meterId":"sauna"/);

    // Expired from the command line: the running notifier sees it on the topic at once.
    const exp = await cli(['silence', 'expire', silence.id.slice(0, 8)], env);
    expect(exp.exitCode, exp.stderr).toBe(0);
    expect(exp.stdout).toMatch(/expired/);
    await waitFor('the notifier saw the expiry', () => app.silences.book().silences(Date.now(), ['active']).length === 0, 20_000);
    await fx.send([event('sauna', T + 80 * MINUTE)]);
    await waitFor('sauna alert delivered after the expiry', () => pb.accepted.some((p) => p.body === 'high on sauna'), 20_000);

    // Away mode, switched by hand: low usage held, high usage says nobody is home.
    expect((await cli(['away', 'on', '--comment', 'holiday'], env)).exitCode).toBe(0);
    await waitFor('away seen', () => app.silences.book().away()?.away === true, 20_000);
    await fx.send([event('house', T + 120 * MINUTE, { kind: 'low', fn: -0.5, kwh: 20 }), event('shed', T + 121 * MINUTE)]);
    await waitFor('the shed alert', () => pb.accepted.some((p) => p.body?.startsWith('high on shed')), 20_000);
    expect(pb.accepted.map((p) => p.body)).toContain('high on shed while nobody is home');
    expect(pb.accepted.some((p) => p.body?.startsWith('low on'))).toBe(false);
    await waitFor('the held alert recorded', () => readFileSync(join(dir, 'state', 'silenced.jsonl'), 'utf8').includes('"reason":"away"'), 10_000);
    expect((await cli(['away', 'status'], env)).stdout).toMatch(/away mode on since .* \(holiday\)/);
    await app.stop();
  }, 120_000);

  it('a silence command without Kafka says how to reach it or use the local store, and the local store works for run', async () => {
    const env = { KAFKA_BOOTSTRAP_SERVERS: '127.0.0.1:1', STREAM_SMARTS_NOTIFIER_STATE_DIR: join(tempDir('local'), 'state') };
    const r = await cli(['silence', 'list'], env, { timeout: 60_000 });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/cannot reach Kafka at 127\.0\.0\.1:1 .*use --store local/);
    const bad = await cli(['silence', 'add', '--for', '2h', '--comment', 'x', '--store', 'local'], env);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toMatch(/at least one matcher required/);
    const ok = await cli(['silence', 'add', '--until', '22:00', '--kind', 'high', '--comment', 'sauna', '--store', 'local'], env);
    expect(ok.exitCode, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/silence [0-9a-f-]{36} added \(.*silences\.json\): kind=high/);
    // A simulated day: every high alert silenced, said so, nothing delivered.
    const run = await cli(['run', '--speed', 'max', '--date', '2026-07-15'], env, { timeout: 60_000 });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^04:\d\d +SILENCED \([0-9a-f]{8} "sauna"\), not delivered: Power alert: About \d\.\d kW has been on/m);
    expect(run.stdout).not.toMatch(/>>> Power alert/);
  }, 120_000);
});
