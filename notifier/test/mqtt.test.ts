import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { loadConfig } from '@stream-smarts/contracts';
import { buildSinks, DEFAULT_TEMPLATES, MqttSink, notifierConfig, Pipeline } from '@stream-smarts/notifier';
import { startMosquitto, type RunningMosquitto } from '../../testing/mosquitto/broker.js';
import { capturingLogger, event, MINUTE, waitFor } from './helpers.js';

/**
 * The discovery payloads as Home Assistant 2024.3 validates them (home-assistant/core):
 * homeassistant/components/mqtt/discovery.py (topic `<prefix>/<component>/[<node_id>/]<object_id>/config`,
 * ids [a-zA-Z0-9_-]); sensor.py (state_topic, value_template, device_class, state_class,
 * unit_of_measurement, suggested_display_precision); binary_sensor.py (payload_on/payload_off,
 * device_class); mixins.py / schemas (availability_topic, payload_available, payload_not_available,
 * device with identifiers, json_attributes_topic, unique_id). Device classes and state classes from
 * homeassistant/components/sensor/const.py (SensorDeviceClass.POWER with units W or kW;
 * SensorStateClass) and homeassistant/components/binary_sensor/__init__.py (BinarySensorDeviceClass.PROBLEM).
 */
const TOPIC = /^homeassistant\/(sensor|binary_sensor)\/(?:[a-zA-Z0-9_-]+\/)?[a-zA-Z0-9_-]+\/config$/;
const Device = z.object({ identifiers: z.array(z.string()).min(1), name: z.string(), manufacturer: z.string(), model: z.string(), sw_version: z.string().optional() }).strict();
const Availability = {
  availability_topic: z.string().min(1),
  payload_available: z.literal('online'),
  payload_not_available: z.literal('offline'),
  device: Device,
  unique_id: z.string().min(1),
  object_id: z.string().regex(/^[a-z0-9_]+$/),
  name: z.string(),
};
const Sensor = z
  .object({
    ...Availability,
    state_topic: z.string(),
    value_template: z.string().startsWith('{{'),
    device_class: z.enum(['power', 'energy']).optional(),
    state_class: z.enum(['measurement', 'total', 'total_increasing']),
    unit_of_measurement: z.string().optional(),
    suggested_display_precision: z.number().int().optional(),
    icon: z.string().startsWith('mdi:').optional(),
  })
  .strict()
  .refine((s) => s.device_class !== 'power' || ['W', 'kW'].includes(s.unit_of_measurement ?? ''), 'a power sensor needs W or kW');
const BinarySensor = z
  .object({ ...Availability, state_topic: z.string(), payload_on: z.string(), payload_off: z.string(), device_class: z.literal('problem'), json_attributes_topic: z.string() })
  .strict();

let broker: RunningMosquitto;
const clients: MqttClient[] = [];
beforeAll(async () => {
  broker = await startMosquitto();
});
afterAll(async () => {
  for (const c of clients) await c.endAsync(true).catch(() => undefined);
  await broker?.stop();
});

/** A real MQTT client that records every message (topic → last payload, and retained flags). */
async function subscriber(topics: string[]): Promise<{ last: Map<string, string>; retained: Set<string>; all: { topic: string; payload: string }[] }> {
  const c = await mqtt.connectAsync(broker.url, { clientId: `test-sub-${Math.random().toString(16).slice(2)}` });
  clients.push(c);
  const last = new Map<string, string>();
  const retained = new Set<string>();
  const all: { topic: string; payload: string }[] = [];
  c.on('message', (topic, payload, packet) => {
    last.set(topic, payload.toString());
    all.push({ topic, payload: payload.toString() });
    if (packet.retain) retained.add(topic);
  });
  await c.subscribeAsync(topics, { qos: 1 });
  return { last, retained, all };
}

describe(`the MQTT sink on a real Mosquitto broker`, () => {
  it('announces a sensor and a problem binary_sensor per meter by retained discovery configs that match HA\'s schema, and keeps their state', async () => {
    const sub = await subscriber(['homeassistant/#', 'stream-smarts/#']);
    const loaded = loadConfig({ env: { STREAM_SMARTS_MQTT_URL: broker.url, STREAM_SMARTS_TIMEZONE: 'UTC' }, envFile: '/nonexistent/.env' });
    const cfg = notifierConfig(loaded);
    const sinks = buildSinks(cfg);
    expect(sinks.map((s) => s.name)).toEqual(['mqtt']);
    const { log } = capturingLogger();
    const rules = { ...cfg.rules, fireAfter: 3 };
    const p = new Pipeline({ rules, templates: DEFAULT_TEMPLATES, timezone: 'UTC', retry: { attempts: 3, baseDelayMs: 10, maxDelayMs: 100 }, sinks, log });
    const T0 = Date.UTC(2026, 0, 10, 2, 0);
    // As `run` feeds it: a normal reading, then a heater (anomalies), then normal again.
    await p.advance(T0, { meterId: 'house', ts: T0, kwh: 180, fn: 0.4, lower: 100, upper: 300 });
    for (let i = 1; i <= 5; i++) await p.observe(event('house', T0 + i * MINUTE, { kwh: 2400, fn: 3.1 }));
    await waitFor('episode ON', () => sub.last.get('stream-smarts/house/episode/state') === 'ON', 10_000);
    const configs = [...sub.last].filter(([t]) => t.startsWith('homeassistant/'));
    expect(configs.map(([t]) => t).sort()).toEqual([
      'homeassistant/binary_sensor/stream-smarts_house/episode/config',
      'homeassistant/sensor/stream-smarts_house/power/config',
      'homeassistant/sensor/stream-smarts_house/score/config',
    ]);
    for (const [topic, payload] of configs) {
      expect(topic).toMatch(TOPIC);
      const json = JSON.parse(payload) as Record<string, unknown>;
      const r = (topic.includes('/binary_sensor/') ? BinarySensor : Sensor).safeParse(json);
      expect(r.success, `${topic}: ${r.success ? '' : r.error.message}`).toBe(true);
    }
    const power = JSON.parse(sub.last.get('homeassistant/sensor/stream-smarts_house/power/config')!) as { state_topic: string; unit_of_measurement: string; device_class: string; state_class: string };
    expect(power).toMatchObject({ device_class: 'power', unit_of_measurement: 'W', state_class: 'measurement' });
    await waitFor('sensor state', () => JSON.parse(sub.last.get(power.state_topic) ?? '{}').power === 2400, 10_000);
    expect(JSON.parse(sub.last.get('stream-smarts/house/episode/attributes')!)).toMatchObject({ kind: 'high', last_alert: 'fire' });
    expect(sub.last.get('stream-smarts/status')).toBe('online');

    // Quiet for 15 minutes: "back to normal", the problem clears.
    await p.advance(T0 + 25 * MINUTE, { meterId: 'house', ts: T0 + 25 * MINUTE, kwh: 200, fn: 0.5 });
    await waitFor('episode OFF', () => sub.last.get('stream-smarts/house/episode/state') === 'OFF', 10_000);
    await waitFor(`sensor back to normal (${sub.last.get(power.state_topic)})`, () => JSON.parse(sub.last.get(power.state_topic)!).power === 200, 10_000);

    // A dashboard opened later still gets everything: the configs and states are retained.
    const late = await subscriber(['homeassistant/#', 'stream-smarts/#']);
    await waitFor('retained messages', () => late.retained.size >= 6, 10_000);
    expect([...late.retained].sort()).toEqual(
      expect.arrayContaining([...configs.map(([t]) => t), 'stream-smarts/house/state', 'stream-smarts/house/episode/state', 'stream-smarts/status']),
    );
    expect(late.last.get('stream-smarts/house/episode/state')).toBe('OFF');
    await p.close();
    // A clean stop says offline itself.
    await waitFor('offline after close', () => sub.last.get('stream-smarts/status') === 'offline', 10_000);
  });

  it('the last will marks every entity unavailable when the process dies without saying goodbye', async () => {
    const sub = await subscriber(['stream-smarts-will/status']);
    const sink = new MqttSink({ url: broker.url, discoveryPrefix: 'homeassistant', topicPrefix: 'stream-smarts-will' });
    await sink.ready();
    await waitFor('online', () => sub.last.get('stream-smarts-will/status') === 'online', 10_000);
    // As a SIGKILL would: the TCP connection just goes.
    (sink as unknown as { client: MqttClient }).client.stream.destroy();
    await waitFor('offline by last will', () => sub.last.get('stream-smarts-will/status') === 'offline', 15_000);
    await (sink as unknown as { client: MqttClient }).client.endAsync(true);
  });

  it('at most one state a second per meter, and never an older reading after a newer one', async () => {
    const sub = await subscriber(['stream-smarts-rate/m/state']);
    const sink = new MqttSink({ url: broker.url, discoveryPrefix: 'homeassistant', topicPrefix: 'stream-smarts-rate' });
    await sink.ready();
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    const at = (kwh: number) => ({ meterId: 'm', ts: Date.UTC(2026, 0, 10, 2, kwh), kwh, fn: 0.5 });
    sink.reading(at(1)); // published
    await sleep(300);
    sink.reading(at(2)); // within the second: parked for the timer
    await sleep(900);
    sink.reading(at(3)); // the second is over: published at once, so the parked 2 is stale
    await sleep(1500); // past the parked reading's timer
    await waitFor('states', () => sub.all.length >= 2, 5000);
    const powers = sub.all.map((m) => (JSON.parse(m.payload) as { power: number }).power);
    expect(powers).toEqual([1, 3]);
    await (sink as unknown as { client: MqttClient }).client.endAsync(true);
  });

  it('refuses a broker that is not there with a message naming it', async () => {
    const sink = new MqttSink({ url: 'mqtt://127.0.0.1:1', discoveryPrefix: 'homeassistant', topicPrefix: 'x', connectTimeoutMs: 2_000 });
    await expect(sink.ready()).rejects.toThrow(/MQTT broker mqtt:\/\/127\.0\.0\.1:1 refused or unreachable/);
    await sink.close();
  });
});
