import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { anomalyRow, loadConfig } from '@stream-smarts/contracts';
import {
  checkRequirements,
  DEFAULT_TEMPLATES,
  Delivery,
  DeliveryLedger,
  EpisodeTracker,
  HomeAssistantClient,
  HomeAssistantNotifySink,
  HomeAssistantVoiceSink,
  literalForTemplate,
  Pipeline,
  PushbulletSink,
  render,
  type Alert,
  type Sink,
} from '@stream-smarts/notifier';
import { checkHomeAssistant } from '../../cli/src/doctor/checks.js';
import { HomeAssistantDouble } from './doubles/home-assistant-double.js';
import { PushbulletDouble } from './doubles/pushbullet-double.js';
import { capturingLogger, event, tempDir } from './helpers.js';

const HA_TOKEN = 'ha-behaviour-secret-token-2403';
const PB_TOKEN = 'o.pb-behaviour-secret-77';
const FAST = { attempts: 3, baseDelayMs: 5, maxDelayMs: 50 };
const FIRE_FIRST = { fireAfter: 1, fireWindowMs: 60_000, lowFireAfter: 1, lowFireWindowMs: 60_000, repeatIntervalMs: 3_600_000, lowRepeatIntervalMs: 86_400_000, resolveAfterMs: 900_000, lowResolveAfterMs: 900_000, notifyResolved: true };

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (stops.length) await stops.pop()!().catch(() => undefined);
});

async function ha(tls?: { key: string; cert: string }): Promise<HomeAssistantDouble> {
  const d = await new HomeAssistantDouble(HA_TOKEN, tls).start();
  stops.push(() => d.stop());
  return d;
}

function client(d: HomeAssistantDouble, over: Partial<ConstructorParameters<typeof HomeAssistantClient>[0]> = {}): HomeAssistantClient {
  const c = new HomeAssistantClient({ url: d.url, token: HA_TOKEN, ...over });
  stops.push(() => c.close());
  return c;
}

/** An alert that happened `agoMs` before now (wall clock), and its text. */
function alertAt(at: number, body?: string): { alert: Alert; message: { title: string; body: string } } {
  const [alert] = new EpisodeTracker(FIRE_FIRST, () => 0).observe(event('house', at, { hour: 4 }));
  const message = render(alert!, DEFAULT_TEMPLATES, 'UTC');
  return { alert: alert!, message: body === undefined ? message : { ...message, body } };
}

const voice = (c: HomeAssistantClient, over: Partial<ConstructorParameters<typeof HomeAssistantVoiceSink>[1]> = {}) =>
  new HomeAssistantVoiceSink(c, { mediaPlayer: 'media_player.kitchen_speaker', ttsEntity: 'tts.google_translate_en_com', timeZone: 'UTC', ...over });

describe('Home Assistant as 2024.3 behaves (double follows home-assistant/core)', () => {
  it('an unknown or unavailable speaker gets 200 [] from HA: the check names it, and the sink does not call that delivered', async () => {
    const d = await ha();
    const c = client(d);
    d.states.delete('media_player.kitchen_speaker');
    const reqs = voice(c).requirements();
    expect((await checkRequirements(c, reqs)).map((p) => p.problem)).toEqual([expect.stringMatching(/no entity media_player\.kitchen_speaker \(GET \/api\/states\/media_player\.kitchen_speaker is 404\)/)]);
    const { log } = capturingLogger();
    const [r] = await new Delivery([voice(c)], FAST, undefined, undefined, log).deliver(...Object.values(alertAt(Date.now())) as [Alert, { title: string; body: string }]);
    expect(d.statuses.filter((s) => s === 200).length).toBeGreaterThan(0);
    expect(d.haLog.join('\n')).toMatch(/Referenced entities media_player\.kitchen_speaker are missing/);
    expect(r).toMatchObject({ outcome: 'dead-lettered', attempts: 1 });
    expect(r!.detail).toMatch(/answered 200 to tts\.speak but spoke nothing: Home Assistant has no entity media_player\.kitchen_speaker/);

    // Offline (unavailable): HA skips it silently too; that one may come back, so it is retried.
    d.states.set('media_player.kitchen_speaker', { state: 'unavailable', attributes: { supported_features: 152463 } });
    expect((await checkRequirements(c, reqs)).map((p) => p.problem)).toEqual([expect.stringMatching(/media_player\.kitchen_speaker is unavailable/)]);
    const [again] = await new Delivery([voice(c)], FAST, undefined, undefined, log).deliver(...Object.values(alertAt(Date.now())) as [Alert, { title: string; body: string }]);
    expect(again).toMatchObject({ outcome: 'dead-lettered', attempts: 3 });
    expect(d.spoken).toHaveLength(0);
    // An unknown TTS entity and a missing notify action are named too.
    d.states.delete('tts.google_translate_en_com');
    const problems = await checkRequirements(c, [...voice(c).requirements(), ...new HomeAssistantNotifySink(c, 'mobile_app_nokia').requirements()]);
    expect(problems.map((p) => p.requirement.id)).toEqual(['tts.google_translate_en_com', 'media_player.kitchen_speaker', 'notify.mobile_app_nokia']);
  });

  it('while HA is STARTING a call gets 400 (tts not loaded yet): retried with backoff, not dead-lettered, delivered once HA runs', async () => {
    const d = await ha();
    d.coreState = 'STARTING';
    const c = client(d);
    const { log, lines } = capturingLogger();
    let waits = 0;
    const wait = async () => {
      // HA finishes starting after a few retries (more than the 3 attempts the policy allows).
      if (++waits === 5) d.coreState = 'RUNNING';
    };
    const dl = tempDir('ha-starting');
    const delivery = new Delivery([voice(c)], FAST, new DeliveryLedger(join(dl, 'delivered.jsonl')), undefined, log, wait);
    const { alert, message } = alertAt(Date.now());
    const [r] = await delivery.deliver(alert, message);
    expect(r).toMatchObject({ outcome: 'accepted' });
    expect(d.requests.filter((q) => q.method === 'POST').map((q) => q.status)).toEqual([400, 400, 400, 400, 400, 200]);
    expect(d.requests.some((q) => q.url === '/api/config')).toBe(true);
    expect(lines.filter((l) => l.includes('still starting (state STARTING)'))).toHaveLength(5);
    expect(d.spoken).toHaveLength(1);
    // Once HA runs, a 400 is a wrong action: permanent at once.
    const [wrong] = await new Delivery([new HomeAssistantNotifySink(c, 'mobile_app_nokia')], FAST, undefined, undefined, log).deliver(alert, message);
    expect(wrong).toMatchObject({ outcome: 'dead-lettered', attempts: 1 });
    expect(wrong!.detail).toMatch(/HTTP 400 to notify\.mobile_app_nokia/);
  });

  it('a speaker that cannot play media gets 500 from HA: permanent, with a hint naming it', async () => {
    const d = await ha();
    d.states.set('media_player.kitchen_speaker', { state: 'on', attributes: { friendly_name: 'TV', supported_features: 4 } });
    const c = client(d);
    const { log } = capturingLogger();
    const [r] = await new Delivery([voice(c)], FAST, undefined, undefined, log).deliver(...Object.values(alertAt(Date.now())) as [Alert, { title: string; body: string }]);
    expect(d.haLog).toContain('ERROR Entity media_player.kitchen_speaker does not support this service.');
    expect(r).toMatchObject({ outcome: 'dead-lettered', attempts: 1 });
    expect(r!.detail).toMatch(/HTTP 500 .*media_player\.kitchen_speaker does not support this service \(play_media; supported_features 4\): set STREAM_SMARTS_HOME_ASSISTANT_MEDIA_PLAYER/);
    expect((await checkRequirements(c, voice(c).requirements()))[0]!.problem).toMatch(/does not support play_media/);
  });

  it('an announcement is spoken at most once: a call that timed out while HA was frozen is not resent, before or after a restart', async () => {
    const d = await ha();
    d.freezeMs = 600;
    const c = client(d, { timeoutMs: 200 });
    const dir = tempDir('ha-frozen');
    const { log } = capturingLogger();
    const { alert, message } = alertAt(Date.now());
    const [r] = await new Delivery([voice(c)], FAST, new DeliveryLedger(join(dir, 'delivered.jsonl')), undefined, log).deliver(alert, message);
    expect(r).toMatchObject({ outcome: 'unconfirmed', attempts: 1 });
    expect(r!.detail).toMatch(/may still play/);
    await new Promise((res) => setTimeout(res, 700));
    // HA ran the shielded call although nobody waited for it.
    expect(d.spoken).toHaveLength(1);
    d.freezeMs = 0;
    const [after] = await new Delivery([voice(c)], FAST, new DeliveryLedger(join(dir, 'delivered.jsonl')), undefined, log).deliver(alert, message);
    expect(after!.outcome).toBe('already-delivered');
    expect(d.spoken).toHaveLength(1);
  });

  it('a stale announcement (older than homeAssistant.announceMaxAge) is not spoken, while the push still goes', async () => {
    const d = await ha();
    const pb = await new PushbulletDouble(PB_TOKEN).start();
    stops.push(() => pb.stop());
    const c = client(d);
    const { log } = capturingLogger();
    const { alert, message } = alertAt(Date.now() - 25 * 60_000);
    const reports = await new Delivery([voice(c, { maxAgeMs: 10 * 60_000 }), new PushbulletSink({ url: pb.url, token: PB_TOKEN })], FAST, undefined, undefined, log).deliver(alert, message);
    expect(reports.map((r) => [r.sink, r.outcome])).toEqual([
      ['home-assistant-voice', 'suppressed'],
      ['pushbullet', 'accepted'],
    ]);
    expect(reports[0]!.detail).toMatch(/stale: 25 min old/);
    expect(d.spoken).toHaveLength(0);
    expect(pb.accepted).toHaveLength(1);
  });

  it('text reaches a notify action literally although HA renders it as a template', async () => {
    const d = await ha();
    const c = client(d);
    // The double renders as HA does: unescaped, {{ 6*7 }} is 42.
    await c.callService('notify', 'mobile_app_pixel_7', { message: 'Meter {{ 6*7 }}' });
    expect(d.notified[0]!.effect).toBe('Meter 42');
    const raw = "Meter {{ 6*7 }} {% if 1 %}x{% endif %} {# note #} {{{ 'a' }} }}";
    const { alert } = alertAt(Date.now());
    await new HomeAssistantNotifySink(c, 'mobile_app_pixel_7').send(alert, { title: 'Power {{ alert }}', body: raw });
    expect(d.notified[1]!.effect).toBe(`Power {{ alert }}: ${raw}`);
    expect(literalForTemplate('plain text, {single} braces')).toBe('plain text, {single} braces');
  });

  it('takes the meter from the record key when the value has no METER_ID', async () => {
    const { log } = capturingLogger();
    const seen: Alert[] = [];
    const sink: Sink = { name: 'memory', send: async (a) => (seen.push(a), { outcome: 'accepted', detail: '' }) };
    const p = new Pipeline({ rules: FIRE_FIRST, templates: DEFAULT_TEMPLATES, timezone: 'UTC', retry: FAST, sinks: [sink], log });
    const row = (over: Record<string, unknown>) => Buffer.from(JSON.stringify({ ...anomalyRow({ eventTs: Date.UTC(2024, 0, 1, 4), hour: 4, kwh: 1500, fn: 2, kind: 'high' }), ...over }));
    await p.handle({ topic: 't', partition: 0, offset: '0', key: Buffer.from('garage'), value: row({ METER_ID: null }) });
    await p.handle({ topic: 't', partition: 0, offset: '1', key: Buffer.from('garage'), value: row({ METER_ID: 'shed', EVENT_TS: Date.UTC(2024, 0, 1, 4, 1) }) });
    await p.handle({ topic: 't', partition: 0, offset: '2', key: null, value: row({ EVENT_TS: Date.UTC(2024, 0, 1, 4, 2) }) });
    expect(seen.map((a) => a.meterId)).toEqual(['garage', 'shed', 'house']);
  });

  it('doctor checks with the sink\'s client and CA: https with a private CA works, and a missing speaker is named', async () => {
    const dir = tempDir('ha-doctor');
    const ssl = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
    ssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=stream-smarts test CA']);
    ssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ha.key', '-out', 'ha.csr', '-subj', '/CN=localhost']);
    writeFileSync(join(dir, 'ext.cnf'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
    ssl(['x509', '-req', '-in', 'ha.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'ha.pem', '-days', '2', '-extfile', 'ext.cnf']);
    const d = await ha({ key: readFileSync(join(dir, 'ha.key'), 'utf8'), cert: readFileSync(join(dir, 'ha.pem'), 'utf8') });
    const env = {
      HOME_ASSISTANT_URL: d.url,
      HOME_ASSISTANT_TOKEN: HA_TOKEN,
      STREAM_SMARTS_HOME_ASSISTANT_MEDIA_PLAYER: 'media_player.kitchen_speaker',
      STREAM_SMARTS_HOME_ASSISTANT_TTS_ENTITY: 'tts.google_translate_en_com',
    };
    const load = (e: NodeJS.ProcessEnv) => loadConfig({ env: e, envFile: '/nonexistent/.env' });
    const withCa = load({ ...env, STREAM_SMARTS_HOME_ASSISTANT_CA_FILE: join(dir, 'ca.pem') });
    expect(await checkHomeAssistant(withCa.config, withCa)).toMatchObject({ status: 'ok', detail: `${d.url}: RUNNING` });
    const noCa = load(env);
    const refused = await checkHomeAssistant(noCa.config, noCa);
    expect(refused.status).toBe('missing');
    expect(refused.detail).toMatch(/certificate|self.signed|UNABLE_TO_VERIFY/i);
    d.states.delete('media_player.kitchen_speaker');
    const missing = await checkHomeAssistant(withCa.config, withCa);
    expect(missing).toMatchObject({ status: 'missing' });
    expect(missing.detail).toMatch(/no entity media_player\.kitchen_speaker/);
    expect(JSON.stringify([refused, missing])).not.toContain(HA_TOKEN);
  });
});
