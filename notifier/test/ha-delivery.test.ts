import { createServer, connect, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_TEMPLATES,
  Delivery,
  EpisodeTracker,
  HomeAssistantClient,
  HomeAssistantNotifySink,
  HomeAssistantVoiceSink,
  render,
  type Alert,
  type EntityState,
  type Message,
  type ServiceCallResult,
} from '@stream-smarts/notifier';
import { freePort } from '../../testing/support/process.js';
import { HomeAssistantDouble } from './doubles/home-assistant-double.js';
import { capturingLogger, event } from './helpers.js';

/**
 * The delivery rules of issue 24 item 2 against the double and stubs, in seconds; the same rules
 * against a real Home Assistant restarted and frozen are in testing/homeassistant (make test-ha).
 */
const TOKEN = 'ha-delivery-token-24';
const FAST = { attempts: 3, baseDelayMs: 5, maxDelayMs: 20, startupWaitMs: 60_000 };
const FIRE_FIRST = { fireAfter: 1, fireWindowMs: 60_000, lowFireAfter: 1, lowFireWindowMs: 60_000, repeatIntervalMs: 3_600_000, lowRepeatIntervalMs: 86_400_000, resolveAfterMs: 900_000, lowResolveAfterMs: 900_000, notifyResolved: true };

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (stops.length) await stops.pop()!().catch(() => undefined);
});

function alertNow(): { alert: Alert; message: Message } {
  const [alert] = new EpisodeTracker(FIRE_FIRST, () => 0).observe(event('house', Date.now(), { hour: 4 }));
  return { alert: alert!, message: render(alert!, DEFAULT_TEMPLATES, 'UTC') };
}

async function double(): Promise<HomeAssistantDouble> {
  const d = await new HomeAssistantDouble(TOKEN).start();
  stops.push(() => d.stop());
  return d;
}

/** A TCP forwarder from `port` to `target`, opened later: until then the port refuses connections. */
function forwarder(port: number, target: number): Promise<Server> {
  const srv = createServer((c) => {
    const up = connect(target, '127.0.0.1');
    c.pipe(up).pipe(c);
    c.on('error', () => up.destroy());
    up.on('error', () => c.destroy());
  });
  stops.push(() => new Promise((r) => srv.close(() => r())));
  return new Promise((r) => srv.listen(port, '127.0.0.1', () => r(srv)));
}

describe('delivery that survives Home Assistant', () => {
  it('a closed port (HA restarting) keeps the alert past the attempts, and delivers it once when HA answers', async () => {
    const d = await double();
    const port = await freePort();
    const client = new HomeAssistantClient({ url: `http://127.0.0.1:${port}`, token: TOKEN });
    stops.push(() => client.close());
    const { log, lines } = capturingLogger();
    let waits = 0;
    // HA is back after 8 waits: far more than the 3 attempts, which used to dead-letter it.
    const wait = async () => {
      if (++waits === 8) await forwarder(port, Number(new URL(d.url).port));
    };
    const { alert, message } = alertNow();
    const reports = await new Delivery([new HomeAssistantNotifySink(client, 'mobile_app_pixel_7'), new HomeAssistantVoiceSink(client, { mediaPlayer: 'media_player.kitchen_speaker', ttsEntity: 'tts.google_translate_en_com', timeZone: 'UTC' })], FAST, undefined, undefined, log, wait).deliver(alert, message);
    expect(reports.map((r) => r.outcome)).toEqual(['accepted', 'accepted']);
    expect(d.notified).toHaveLength(1);
    expect(d.spoken).toHaveLength(1);
    expect(lines.filter((l) => l.includes('Home Assistant is not answering (POST')).length).toBeGreaterThanOrEqual(3);
  });

  it('a closed port for longer than homeAssistant.startupWait is given up on, with the reason', async () => {
    const port = await freePort();
    const client = new HomeAssistantClient({ url: `http://127.0.0.1:${port}`, token: TOKEN });
    stops.push(() => client.close());
    const { log } = capturingLogger();
    const { alert, message } = alertNow();
    const [r] = await new Delivery([new HomeAssistantNotifySink(client, 'mobile_app_pixel_7')], { ...FAST, startupWaitMs: 150 }, undefined, undefined, log, (ms) => new Promise((res) => setTimeout(res, ms))).deliver(alert, message);
    expect(r).toMatchObject({ outcome: 'dead-lettered' });
    expect(r!.attempts).toBeGreaterThan(FAST.attempts);
    expect(r!.detail).toMatch(/not answering .*ECONNREFUSED.*homeAssistant\.startupWait/);
  });

  it('a notify call that timed out is not resent: unconfirmed, and HA (which finishes it) shows it once', async () => {
    const d = await double();
    d.freezeMs = 600;
    const client = new HomeAssistantClient({ url: d.url, token: TOKEN, timeoutMs: 200 });
    stops.push(() => client.close());
    const { log } = capturingLogger();
    const { alert, message } = alertNow();
    const [r] = await new Delivery([new HomeAssistantNotifySink(client, 'mobile_app_pixel_7')], FAST, undefined, undefined, log).deliver(alert, message);
    expect(r).toMatchObject({ outcome: 'unconfirmed', attempts: 1 });
    expect(r!.detail).toMatch(/may still be shown/);
    await new Promise((res) => setTimeout(res, 700));
    expect(d.requests.filter((q) => q.method === 'POST')).toHaveLength(1);
    expect(d.notified).toHaveLength(1);
  });

  it('tts.speak answered 200 while HA is STARTING and its TTS entity is not loaded (nothing spoken): retried until it is, accepted once', async () => {
    // A stub client: HA answers tts.speak 200 [] whether or not the entity is loaded
    // (homeassistant/helpers/service.py, entity_service_call skips missing entities).
    const calls: string[] = [];
    const loaded = () => calls.length > 3;
    class Starting extends HomeAssistantClient {
      override async coreState() {
        return loaded() ? 'RUNNING' : 'STARTING';
      }
      override async state(id: string): Promise<EntityState | null> {
        if (!loaded() && id.startsWith('tts.')) return null;
        return { entity_id: id, state: 'idle', attributes: { supported_features: 512 } };
      }
      override async callService(domain: string, service: string): Promise<ServiceCallResult> {
        calls.push(`${domain}.${service}`);
        return { status: 200, changed: [] };
      }
    }
    const client = new Starting({ url: 'http://127.0.0.1:9', token: TOKEN });
    const { log, lines } = capturingLogger();
    const { alert, message } = alertNow();
    const [r] = await new Delivery([new HomeAssistantVoiceSink(client, { mediaPlayer: 'media_player.kitchen_speaker', ttsEntity: 'tts.google_translate_en_com', timeZone: 'UTC' })], FAST, undefined, undefined, log, async () => undefined).deliver(alert, message);
    expect(r).toMatchObject({ outcome: 'accepted', attempts: 4 });
    expect(calls).toHaveLength(4);
    expect(lines.filter((l) => l.includes('spoke nothing while still starting (state STARTING): Home Assistant has no entity tts.google_translate_en_com')).length).toBe(3);
  });
});
