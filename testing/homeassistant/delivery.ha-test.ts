import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import {
  DEFAULT_TEMPLATES,
  DeadLetterFile,
  Delivery,
  DeliveryLedger,
  EpisodeTracker,
  HomeAssistantClient,
  HomeAssistantNotifySink,
  HomeAssistantVoiceSink,
  render,
  type Alert,
  type Message,
  type RetryPolicy,
  type SinkReport,
} from '@stream-smarts/notifier';
import { createLogger } from '@stream-smarts/contracts';
import { createHomeAssistant, type RealHomeAssistant } from './home-assistant.js';

const CHILD = new URL('./notifier-child.mjs', import.meta.url).pathname;

/**
 * Delivery against a real Home Assistant 2024.3.3 (make test-ha): restarted (stopped for 5, 20 and
 * 60 s, then started again) and frozen (SIGSTOP past the client's timeout, then SIGCONT). Every
 * alert must arrive exactly once, counted in what Home Assistant itself wrote: the lines of its
 * file notify platform and the plays of its speaker (see home-assistant.ts).
 */

const FIRE_FIRST = { fireAfter: 1, fireWindowMs: 60_000, lowFireAfter: 1, lowFireWindowMs: 60_000, repeatIntervalMs: 3_600_000, lowRepeatIntervalMs: 86_400_000, resolveAfterMs: 900_000, lowResolveAfterMs: 900_000, notifyResolved: true };
/** The product's defaults (6 attempts, 30 min startup wait) with shorter backoff, so a test waits seconds, not half a minute, once HA is back. */
const POLICY: RetryPolicy = { attempts: 6, baseDelayMs: 250, maxDelayMs: 2_000, startupWaitMs: 30 * 60_000 };
const TIMEOUT_MS = 2_000;

let ha: RealHomeAssistant;
let dir: string;
const lines: string[] = [];
const log = createLogger({ level: 'debug', pretty: false, destination: { write: (l: string) => lines.push(l) } });

beforeAll(async () => {
  ha = await createHomeAssistant();
  const ms = await ha.start();
  process.stdout.write(`[homeassistant] 2024.3.3 RUNNING ${(ms / 1000).toFixed(1)} s after start, at ${ha.url}\n`);
  dir = mkdtempSync(join(tmpdir(), 'ha-delivery-'));
});

afterAll(async () => {
  await ha?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  if (ha) process.stdout.write(`[homeassistant] start-ups (ms): ${ha.startups.join(', ')}\n`);
});

function sinks(): { delivery: Delivery; close: () => Promise<void> } {
  const client = new HomeAssistantClient({ url: ha.url, token: ha.token, timeoutMs: TIMEOUT_MS });
  const voice = new HomeAssistantVoiceSink(client, { mediaPlayer: 'media_player.test_speaker', ttsService: 'demo_say', timeZone: 'UTC' });
  const notify = new HomeAssistantNotifySink(client, 'alerts');
  const delivery = new Delivery([voice, notify], POLICY, new DeliveryLedger(join(dir, 'delivered.jsonl')), new DeadLetterFile(join(dir, 'dead-letter.jsonl')), log);
  return { delivery, close: () => delivery.close() };
}

/** A fresh alert with a text of its own, so HA's files can be searched for it. */
function alert(label: string): { alert: Alert; message: Message } {
  const [a] = new EpisodeTracker(FIRE_FIRST, () => 0).observe({ eventTs: Date.now(), hour: 4, kwh: 1500, fn: 2.5, kind: 'high', meterId: `house-${label}` });
  const message = render(a!, DEFAULT_TEMPLATES, 'UTC');
  return { alert: a!, message: { ...message, body: `${label} ${randomUUID()}` } };
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function deadLetters(): string[] {
  const f = join(dir, 'dead-letter.jsonl');
  return existsSync(f) ? readFileSync(f, 'utf8').split('\n').filter(Boolean) : [];
}

/** How often each sink's effect of `body` is in HA's own files. */
function arrivals(body: string): { notified: number; spoken: number } {
  return { notified: ha.notifications().filter((l) => l === body).length, spoken: ha.spoken().filter((l) => l === body).length };
}

describe('delivery to a real Home Assistant 2024.3.3', () => {
  it('reaches HA when it runs: one notification line, one play (the counting works)', async () => {
    const { delivery, close } = sinks();
    const { alert: a, message } = alert('baseline');
    const reports = await delivery.deliver(a, message);
    await close();
    expect(reports.map((r) => [r.sink, r.outcome])).toEqual([
      ['home-assistant-voice', 'accepted'],
      ['home-assistant-notify', 'accepted'],
    ]);
    expect(arrivals(message.body)).toEqual({ notified: 1, spoken: 1 });
  });

  for (const downS of [5, 20, 60]) {
    it(`HA stopped for ${downS} s: the alert raised meanwhile is kept and arrives exactly once when HA is back`, async () => {
      const { delivery, close } = sinks();
      onTestFinished(async () => {
        await close();
        await ha.ensureRunning();
      });
      await ha.stop();
      const { alert: a, message } = alert(`restart-${downS}s`);
      const sent = Date.now();
      let reports: SinkReport[] | undefined;
      const pending = delivery.deliver(a, message).then((r) => (reports = r));
      await sleep(downS * 1000);
      // Still trying, not given up on (the old rule dead-lettered after 6 attempts, ~5 s).
      expect(reports).toBeUndefined();
      expect(deadLetters()).toEqual([]);
      await ha.start();
      await pending;
      await close();
      const took = Date.now() - sent;
      expect(reports!.map((r) => [r.sink, r.outcome])).toEqual([
        ['home-assistant-voice', 'accepted'],
        ['home-assistant-notify', 'accepted'],
      ]);
      expect(deadLetters()).toEqual([]);
      // HA finished the blocking calls before answering 200 (components/api: blocking=True).
      expect(arrivals(message.body)).toEqual({ notified: 1, spoken: 1 });
      // Delivered within seconds of HA's return, not at the next half-minute backoff.
      expect(took).toBeLessThan(downS * 1000 + ha.startups.at(-1)! + 8_000);
      process.stdout.write(`[homeassistant] down ${downS} s: delivered ${(took / 1000).toFixed(1)} s after the alert\n`);
    });
  }

  it('the notifier SIGKILLed while HA is down loses nothing: its state was not saved, so the restarted one delivers the alert exactly once when HA is back', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'ha-crash-state-'));
    onTestFinished(async () => {
      rmSync(stateDir, { recursive: true, force: true });
      await ha.ensureRunning();
    });
    const body = `crash ${randomUUID()}`;
    const env = { ...process.env, HA_URL: ha.url, HA_TOKEN: ha.token, STATE_DIR: stateDir, EVENT_TS: String(Date.now()), BODY: body };
    const run = () => {
      const c = spawn(process.execPath, [CHILD], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      c.stdout.on('data', (b: Buffer) => (out += b.toString()));
      c.stderr.on('data', (b: Buffer) => (err += b.toString()));
      const exited = new Promise<number | null>((r) => c.once('exit', (code) => r(code)));
      return { c, exited, out: () => out, err: () => err };
    };
    await ha.stop();
    const first = run();
    const until = Date.now() + 20_000;
    while (Date.now() < until && !first.err().includes('Home Assistant is not answering')) await sleep(100);
    expect(first.err(), first.err()).toContain('Home Assistant is not answering');
    await sleep(1_000);
    // Waiting for HA: nothing saved, so Kafka would hand this message over again.
    const stateFile = join(stateDir, 'state.json');
    expect(existsSync(stateFile) ? (JSON.parse(readFileSync(stateFile, 'utf8')) as { offsets: Record<string, string> }).offsets : {}).toEqual({});
    first.c.kill('SIGKILL');
    await first.exited;
    const second = run();
    await sleep(2_000);
    await ha.start();
    const code = await Promise.race([second.exited, sleep(60_000).then(() => 'timeout')]);
    expect(code, second.err().slice(-2000)).toBe(0);
    expect(second.out()).toContain('batch-saved');
    const reports = JSON.parse(second.out().split('\n')[0]!) as SinkReport[];
    expect(reports.map((r) => [r.sink, r.outcome])).toEqual([
      ['home-assistant-voice', 'accepted'],
      ['home-assistant-notify', 'accepted'],
    ]);
    expect(JSON.parse(readFileSync(stateFile, 'utf8')).offsets).toEqual({ 'ANOMOLY_POWER:0': '0' });
    expect(arrivals(body)).toEqual({ notified: 1, spoken: 1 });
  });

  it('HA frozen past the timeout: each call is reported unconfirmed, not resent, and HA runs it exactly once when it thaws', async () => {
    const { delivery, close } = sinks();
    const { alert: a, message } = alert('frozen');
    ha.freeze();
    let reports: SinkReport[];
    try {
      const t0 = Date.now();
      reports = await delivery.deliver(a, message);
      // Both sinks gave up waiting after the timeout (plus the voice sink's GET /api/config).
      expect(Date.now() - t0).toBeLessThan(15_000);
      // Frozen past the timeout: HA has done nothing yet.
      await sleep(3_000);
      expect(arrivals(message.body)).toEqual({ notified: 0, spoken: 0 });
    } finally {
      ha.thaw();
    }
    expect(reports.map((r) => [r.sink, r.outcome, r.attempts])).toEqual([
      ['home-assistant-voice', 'unconfirmed', 1],
      ['home-assistant-notify', 'unconfirmed', 1],
    ]);
    expect(reports[1]!.detail).toMatch(/may still be shown .* not sent again/);
    // HA had the requests in its socket buffers and runs them now (the API shields the call).
    const until = Date.now() + 15_000;
    while (Date.now() < until && (arrivals(message.body).notified < 1 || arrivals(message.body).spoken < 1)) await sleep(200);
    await sleep(2_000);
    expect(arrivals(message.body)).toEqual({ notified: 1, spoken: 1 });
    // A notifier restarted after that reads its ledger and does not send it again.
    await close();
    const restarted = sinks();
    const again = await restarted.delivery.deliver(a, message);
    await restarted.close();
    expect(again.map((r) => r.outcome)).toEqual(['already-delivered', 'already-delivered']);
    await sleep(1_000);
    expect(arrivals(message.body)).toEqual({ notified: 1, spoken: 1 });
    expect(deadLetters()).toEqual([]);
  });
});
