import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_TEMPLATES,
  DeadLetterFile,
  Delivery,
  DeliveryLedger,
  EpisodeTracker,
  HomeAssistantClient,
  HomeAssistantNotifySink,
  HomeAssistantVoiceSink,
  PushbulletSink,
  pushGuid,
  render,
  type Alert,
} from '@stream-smarts/notifier';
import { HomeAssistantDouble } from './doubles/home-assistant-double.js';
import { PushbulletDouble } from './doubles/pushbullet-double.js';
import { capturingLogger, event, tempDir, FIRE_FIRST } from './helpers.js';

const PB_TOKEN = 'o.pushbullet-secret-token-1234';
const HA_TOKEN = 'ha-long-lived-secret-token-5678';
const FAST = { attempts: 5, baseDelayMs: 20, maxDelayMs: 3_000 };
const T0 = Date.UTC(2018, 9, 20, 4, 0, 0);

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (stops.length) await stops.pop()!();
});

async function pushbullet(): Promise<PushbulletDouble> {
  const d = await new PushbulletDouble(PB_TOKEN).start();
  stops.push(() => d.stop());
  return d;
}
async function homeAssistant(tls?: { key: string; cert: string }): Promise<HomeAssistantDouble> {
  const d = await new HomeAssistantDouble(HA_TOKEN, tls).start();
  stops.push(() => d.stop());
  return d;
}

function firstAlert(): { alert: Alert; message: ReturnType<typeof render> } {
  const [alert] = new EpisodeTracker(FIRE_FIRST, () => 0).observe(event('house', T0, { hour: 4 }));
  return { alert: alert!, message: render(alert!, DEFAULT_TEMPLATES, 'UTC') };
}

describe('Pushbullet sink', () => {
  it('posts a note with the Access-Token header, the alert text and a guid from the idempotency key', async () => {
    const pb = await pushbullet();
    const { alert, message } = firstAlert();
    const r = await new PushbulletSink({ url: pb.url, token: PB_TOKEN, deviceIden: 'ujpah72o0sjAoRtnM0jc' }).send(alert, message);
    expect(r.outcome).toBe('accepted');
    expect(pb.pushes).toEqual([
      expect.objectContaining({
        type: 'note',
        title: 'Power alert',
        body: 'Unusual power usage of 1500 Wh at 4:00. Please check!',
        guid: pushGuid(alert.key),
        device_iden: 'ujpah72o0sjAoRtnM0jc',
      }),
    ]);
  });

  it('retries a 429 (waiting for X-Ratelimit-Reset) and a 500, then delivers', async () => {
    const pb = await pushbullet();
    pb.faults.failNext(429, 500);
    const { log, lines } = capturingLogger([PB_TOKEN]);
    const d = new Delivery([new PushbulletSink({ url: pb.url, token: PB_TOKEN })], FAST, undefined, undefined, log);
    const { alert, message } = firstAlert();
    const [report] = await d.deliver(alert, message);
    expect(report).toMatchObject({ sink: 'pushbullet', outcome: 'accepted', attempts: 3 });
    expect(pb.requests.map((r) => r.status)).toEqual([429, 500, 200]);
    expect(pb.pushes).toHaveLength(1);
    expect(lines.filter((l) => l.includes('retrying'))).toHaveLength(2);
  });

  it('holds pushes while X-Ratelimit-Remaining is 0, until X-Ratelimit-Reset', async () => {
    const pb = await pushbullet();
    pb.remaining = 1;
    pb.resetAt = Math.floor(Date.now() / 1000) + 1;
    const sink = new PushbulletSink({ url: pb.url, token: PB_TOKEN });
    const { log } = capturingLogger();
    const d = new Delivery([sink], FAST, undefined, undefined, log);
    const { alert, message } = firstAlert();
    await d.deliver(alert, message);
    // The answer said none remain: the next push waits for the reset instead of drawing a 429.
    pb.remaining = pb.limit;
    const [second] = await d.deliver({ ...alert, key: 'other#0' }, message);
    expect(second).toMatchObject({ outcome: 'accepted', attempts: 2 });
    expect(pb.requests.map((r) => r.status)).toEqual([200, 200]);
  });

  it('does not retry a rejected token; the alert goes to the dead-letter file and other sinks still get it', async () => {
    const pb = await pushbullet();
    const ha = await homeAssistant();
    const dir = tempDir('dead');
    const { log, lines } = capturingLogger(['wrong-token-abcdef', HA_TOKEN]);
    const client = new HomeAssistantClient({ url: ha.url, token: HA_TOKEN });
    const d = new Delivery(
      [new PushbulletSink({ url: pb.url, token: 'wrong-token-abcdef' }), new HomeAssistantNotifySink(client, 'mobile_app_pixel_7')],
      FAST,
      new DeliveryLedger(join(dir, 'delivered.jsonl')),
      new DeadLetterFile(join(dir, 'dead-letter.jsonl')),
      log,
    );
    const { alert, message } = firstAlert();
    const reports = await d.deliver(alert, message);
    expect(reports.map((r) => [r.sink, r.outcome, r.attempts])).toEqual([
      ['pushbullet', 'dead-lettered', 1],
      ['home-assistant-notify', 'accepted', 1],
    ]);
    const dead = readFileSync(join(dir, 'dead-letter.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { sink: string; error: string; alert: Alert });
    expect(dead).toHaveLength(1);
    expect(dead[0]).toMatchObject({ sink: 'pushbullet', alert: { key: alert.key } });
    expect(dead[0]!.error).toMatch(/HTTP 401.*access token/);
    expect(ha.calls).toEqual([expect.objectContaining({ domain: 'notify', service: 'mobile_app_pixel_7', data: { message: message.body, title: message.title } })]);
    expect(lines.join('\n')).not.toContain('wrong-token-abcdef');
    await d.close();
  });

  it('gives up after the configured attempts on a sink that keeps failing, and skips sinks the ledger says are done', async () => {
    const pb = await pushbullet();
    pb.faults.failRate = 1;
    const dir = tempDir('ledger');
    const ledger = new DeliveryLedger(join(dir, 'delivered.jsonl'));
    const { log } = capturingLogger();
    const d = new Delivery([new PushbulletSink({ url: pb.url, token: PB_TOKEN })], { ...FAST, attempts: 3 }, ledger, new DeadLetterFile(join(dir, 'dl.jsonl')), log);
    const { alert, message } = firstAlert();
    expect((await d.deliver(alert, message))[0]).toMatchObject({ outcome: 'dead-lettered', attempts: 3 });
    expect(pb.requests).toHaveLength(3);
    pb.faults.failRate = 0;
    ledger.add('pushbullet', 'done#0');
    // A restarted process reads the ledger back.
    const again = new Delivery([new PushbulletSink({ url: pb.url, token: PB_TOKEN })], FAST, new DeliveryLedger(join(dir, 'delivered.jsonl')), undefined, log);
    expect((await again.deliver({ ...alert, key: 'done#0' }, message))[0]!.outcome).toBe('already-delivered');
    expect(pb.requests).toHaveLength(3);
  });
});

describe('Home Assistant sinks', () => {
  it('speaks with tts.speak (TTS entity, media player, message) and the Bearer token', async () => {
    const ha = await homeAssistant();
    const client = new HomeAssistantClient({ url: ha.url, token: HA_TOKEN });
    const sink = new HomeAssistantVoiceSink(client, { mediaPlayer: 'media_player.kitchen_speaker', ttsEntity: 'tts.google_translate_en_com', timeZone: 'UTC', maxAgeMs: Number.MAX_SAFE_INTEGER });
    const { alert, message } = firstAlert();
    expect((await sink.send(alert, message)).outcome).toBe('accepted');
    expect(ha.calls).toEqual([
      expect.objectContaining({
        domain: 'tts',
        service: 'speak',
        data: { entity_id: 'tts.google_translate_en_com', media_player_entity_id: 'media_player.kitchen_speaker', message: message.body },
      }),
    ]);
    await client.close();
  });

  it('speaks with the legacy tts.google_translate_say action when no TTS entity is set', async () => {
    const ha = await homeAssistant();
    const client = new HomeAssistantClient({ url: ha.url, token: HA_TOKEN });
    const sink = new HomeAssistantVoiceSink(client, { mediaPlayer: 'media_player.kitchen_speaker', ttsService: 'google_translate_say', timeZone: 'UTC', maxAgeMs: Number.MAX_SAFE_INTEGER });
    const { alert, message } = firstAlert();
    await sink.send(alert, message);
    expect(ha.calls).toEqual([
      expect.objectContaining({ domain: 'tts', service: 'google_translate_say', data: { entity_id: 'media_player.kitchen_speaker', message: message.body } }),
    ]);
  });

  it('stays silent in quiet hours (household time zone) while the push still goes', async () => {
    const ha = await homeAssistant();
    const pb = await pushbullet();
    // 23:30 in Sydney is 12:30 UTC.
    const now = () => Date.UTC(2024, 0, 10, 12, 30);
    const client = new HomeAssistantClient({ url: ha.url, token: HA_TOKEN });
    const voice = new HomeAssistantVoiceSink(client, {
      mediaPlayer: 'media_player.kitchen_speaker',
      ttsEntity: 'tts.google_translate_en_com',
      quietHours: { startMinute: 22 * 60, endMinute: 7 * 60 },
      timeZone: 'Australia/Sydney',
      now,
    });
    const { log } = capturingLogger();
    const d = new Delivery([voice, new PushbulletSink({ url: pb.url, token: PB_TOKEN, now })], FAST, undefined, undefined, log);
    const { alert, message } = firstAlert();
    const reports = await d.deliver(alert, message);
    expect(reports.map((r) => [r.sink, r.outcome])).toEqual([
      ['home-assistant-voice', 'suppressed'],
      ['pushbullet', 'accepted'],
    ]);
    expect(ha.calls).toHaveLength(0);
    expect(pb.pushes).toHaveLength(1);
  });

  it('reports a 400 for an action Home Assistant does not have, without retrying', async () => {
    const ha = await homeAssistant();
    const client = new HomeAssistantClient({ url: ha.url, token: HA_TOKEN });
    const { log } = capturingLogger();
    const d = new Delivery([new HomeAssistantNotifySink(client, 'mobile_app_nokia')], FAST, undefined, undefined, log);
    const { alert, message } = firstAlert();
    const [r] = await d.deliver(alert, message);
    expect(r).toMatchObject({ outcome: 'dead-lettered', attempts: 1 });
    expect(r!.detail).toMatch(/HTTP 400 to notify.mobile_app_nokia/);
  });

  it('talks HTTPS to a Home Assistant whose certificate a custom CA signed', async () => {
    const dir = tempDir('tls');
    const ssl = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
    ssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=stream-smarts test CA']);
    ssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ha.key', '-out', 'ha.csr', '-subj', '/CN=localhost']);
    writeFileSync(join(dir, 'ext.cnf'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
    ssl(['x509', '-req', '-in', 'ha.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'ha.pem', '-days', '2', '-extfile', 'ext.cnf']);
    const ha = await homeAssistant({ key: readFileSync(join(dir, 'ha.key'), 'utf8'), cert: readFileSync(join(dir, 'ha.pem'), 'utf8') });
    const { alert, message } = firstAlert();

    // Without the CA the certificate is not trusted: a retryable network failure.
    const untrusted = new HomeAssistantNotifySink(new HomeAssistantClient({ url: ha.url, token: HA_TOKEN }), 'mobile_app_pixel_7');
    await expect(untrusted.send(alert, message)).rejects.toThrow(/certificate|self.signed|UNABLE_TO_VERIFY/i);

    const client = new HomeAssistantClient({ url: ha.url, token: HA_TOKEN, caFile: join(dir, 'ca.pem') });
    const trusted = new HomeAssistantNotifySink(client, 'mobile_app_pixel_7');
    expect((await trusted.send(alert, message)).outcome).toBe('accepted');
    expect(ha.calls).toHaveLength(1);
    await client.close();
  });
});
