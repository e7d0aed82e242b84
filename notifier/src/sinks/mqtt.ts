import { readFileSync } from 'node:fs';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { seenLoad } from '../alert-core/templates.js';
import type { Alert, Message } from '../alert-core/types.js';
import { SinkError, type MeterReading, type Sink, type SinkResult } from './types.js';

/**
 * Home Assistant dashboards over MQTT discovery. Per meter, announced on retained config topics
 * (homeassistant/components/mqtt/discovery.py: `<discovery_prefix>/<component>/[<node_id>/]<object_id>/config`,
 * node and object ids of [a-zA-Z0-9_-]):
 * - sensor `power` (device_class power, unit W, state_class measurement: the trailing-hour energy in
 *   Wh/h is the hour's average power in W) and sensor `score` (the model's score, state_class
 *   measurement) — homeassistant/components/mqtt/sensor.py, SensorStateClass and the power device
 *   class's units in homeassistant/components/sensor/const.py;
 * - binary_sensor `episode` (device_class problem; payload_on "ON" / payload_off "OFF", the
 *   defaults of homeassistant/components/mqtt/binary_sensor.py): ON while an alerted episode is
 *   open, with its kind and start as attributes (json_attributes_topic).
 * All share a device (identifiers, name, manufacturer, model, sw_version) and an availability topic
 * (payload_available "online", payload_not_available "offline": homeassistant/components/mqtt/mixins.py)
 * which the client's last will sets to "offline" if the process dies.
 */
export interface MqttSinkOptions {
  url: string;
  username?: string;
  password?: string;
  caFile?: string;
  discoveryPrefix: string;
  topicPrefix: string;
  clientId?: string;
  /** Version for the device's sw_version. */
  version?: string;
  connectTimeoutMs?: number;
}

/** The MQTT topic level of a meter id: [a-zA-Z0-9_-] only, as discovery's object ids must be. */
export function topicId(meterId: string): string {
  return meterId.replace(/[^a-zA-Z0-9_-]/g, '_');
}

interface MeterTopics {
  state: string;
  attributes: string;
  episode: string;
}

export class MqttSink implements Sink {
  readonly name = 'mqtt';
  private readonly client: MqttClient;
  private readonly availability: string;
  /** Per meter, the discovery announcement (once; everything after it waits for it, so order holds). */
  private readonly announced = new Map<string, Promise<void>>();
  private readonly connected: Promise<void>;
  private failure: Error | undefined;

  constructor(private readonly opts: MqttSinkOptions) {
    this.availability = `${opts.topicPrefix}/status`;
    const options: IClientOptions = {
      clientId: opts.clientId ?? `stream-smarts-${process.pid}-${Math.random().toString(16).slice(2, 8)}`,
      connectTimeout: opts.connectTimeoutMs ?? 10_000,
      reconnectPeriod: 2_000,
      // The last will: the broker marks every entity unavailable if this process goes away.
      will: { topic: this.availability, payload: Buffer.from('offline'), retain: true, qos: 1 },
      ...(opts.username ? { username: opts.username } : {}),
      ...(opts.password ? { password: opts.password } : {}),
      ...(opts.caFile ? { ca: readFileSync(opts.caFile) } : {}),
    };
    this.client = mqtt.connect(opts.url, options);
    this.connected = new Promise<void>((resolve, reject) => {
      this.client.once('connect', () => resolve());
      this.client.once('error', (e) => {
        this.failure = e;
        reject(e);
      });
    });
    this.connected.catch(() => undefined);
    this.client.on('connect', () => {
      void this.client.publishAsync(this.availability, 'online', { retain: true, qos: 1 }).catch(() => undefined);
    });
    this.client.on('error', (e) => (this.failure = e));
  }

  /** Resolves once connected and online is published; throws SinkError naming the broker otherwise. */
  async ready(): Promise<void> {
    try {
      await this.connected;
    } catch (e) {
      throw new SinkError(`MQTT broker ${safe(this.opts.url)} refused or unreachable: ${(e as Error).message}`, { retryable: true });
    }
  }

  private topics(meterId: string): MeterTopics {
    const id = topicId(meterId);
    const base = `${this.opts.topicPrefix}/${id}`;
    return { state: `${base}/state`, attributes: `${base}/episode/attributes`, episode: `${base}/episode/state` };
  }

  /** The discovery config payloads for one meter, by config topic. */
  discovery(meterId: string): Record<string, Record<string, unknown>> {
    const id = topicId(meterId);
    const t = this.topics(meterId);
    const device = {
      identifiers: [`stream-smarts_${id}`],
      name: `Electricity meter ${meterId}`,
      manufacturer: 'stream-smarts',
      model: 'ANOMOLY_POWER',
      ...(this.opts.version ? { sw_version: this.opts.version } : {}),
    };
    const common = {
      availability_topic: this.availability,
      payload_available: 'online',
      payload_not_available: 'offline',
      device,
    };
    const p = this.opts.discoveryPrefix;
    return {
      [`${p}/sensor/stream-smarts_${id}/power/config`]: {
        name: 'Power (trailing hour)',
        unique_id: `stream-smarts_${id}_power`,
        object_id: `stream_smarts_${id}_power`,
        state_topic: t.state,
        value_template: '{{ value_json.power }}',
        device_class: 'power',
        unit_of_measurement: 'W',
        state_class: 'measurement',
        ...common,
      },
      [`${p}/sensor/stream-smarts_${id}/score/config`]: {
        name: 'Anomaly score',
        unique_id: `stream-smarts_${id}_score`,
        object_id: `stream_smarts_${id}_score`,
        state_topic: t.state,
        value_template: '{{ value_json.score }}',
        state_class: 'measurement',
        icon: 'mdi:chart-bell-curve',
        suggested_display_precision: 2,
        ...common,
      },
      [`${p}/binary_sensor/stream-smarts_${id}/episode/config`]: {
        name: 'Unusual power usage',
        unique_id: `stream-smarts_${id}_episode`,
        object_id: `stream_smarts_${id}_episode`,
        state_topic: t.episode,
        payload_on: 'ON',
        payload_off: 'OFF',
        device_class: 'problem',
        json_attributes_topic: t.attributes,
        ...common,
      },
    };
  }

  private announce(meterId: string): Promise<void> {
    let p = this.announced.get(meterId);
    if (!p) {
      p = (async () => {
        for (const [topic, payload] of Object.entries(this.discovery(meterId))) {
          await this.client.publishAsync(topic, JSON.stringify(payload), { retain: true, qos: 1 });
        }
        // Until an episode says otherwise, there is no problem (retained, so a dashboard opened later agrees).
        await this.client.publishAsync(this.topics(meterId).episode, 'OFF', { retain: true, qos: 1 });
      })();
      // A failed announcement is tried again with the next message.
      p.catch(() => this.announced.delete(meterId));
      this.announced.set(meterId, p);
    }
    return p;
  }

  /** Per meter: when its state was last published, and the newest not yet published. */
  private readonly lastPublished = new Map<string, number>();
  private readonly pending = new Map<string, MeterReading>();
  private flushTimer: NodeJS.Timeout | undefined;

  /**
   * A reading updates the power and score sensors (retained: the dashboard shows the latest). At
   * most one update a second per meter: a replay at full speed must not flood the broker; the
   * newest reading of the second goes out when it ends.
   */
  reading(r: MeterReading): void {
    if (this.failure && !this.client.connected) return;
    const now = Date.now();
    if (now - (this.lastPublished.get(r.meterId) ?? 0) >= 1000) {
      // A reading parked earlier is older than this one: the timer must not publish it after it.
      this.pending.delete(r.meterId);
      this.publishReading(r, now);
      return;
    }
    this.pending.set(r.meterId, r);
    this.flushTimer ??= setTimeout(() => this.flush(), 1000);
  }

  private flush(): void {
    this.flushTimer = undefined;
    const now = Date.now();
    for (const r of this.pending.values()) this.publishReading(r, now);
    this.pending.clear();
  }

  private publishReading(r: MeterReading, now: number): void {
    this.lastPublished.set(r.meterId, now);
    const t = this.topics(r.meterId);
    const payload = JSON.stringify({ power: Math.round(r.kwh), score: r.fn === null ? null : Number(r.fn.toFixed(3)), time: new Date(r.ts).toISOString(), ...(r.lower !== undefined ? { lower: r.lower } : {}), ...(r.upper !== undefined ? { upper: r.upper } : {}) });
    void this.announce(r.meterId)
      .then(() => this.client.publishAsync(t.state, payload, { retain: true, qos: 0 }))
      .catch(() => undefined);
  }

  /** fire/repeat: the episode is open (ON, with its kind and what was seen); resolve: over (OFF). */
  async send(alert: Alert, _message: Message): Promise<SinkResult> {
    await this.ready();
    await this.announce(alert.meterId);
    const t = this.topics(alert.meterId);
    const open = alert.type !== 'resolve';
    try {
      await this.client.publishAsync(
        t.attributes,
        JSON.stringify({ kind: open ? alert.kind : null, started: new Date(alert.startedAt).toISOString(), last_alert: alert.type, anomalies: alert.count, ...loadAttributes(alert, open, _message) }),
        { retain: true, qos: 1 },
      );
      await this.client.publishAsync(t.episode, open ? 'ON' : 'OFF', { retain: true, qos: 1 });
    } catch (e) {
      throw new SinkError(`MQTT publish to ${safe(this.opts.url)} failed: ${(e as Error).message}`, { retryable: true });
    }
    return { outcome: 'accepted', detail: `${t.episode} ${open ? 'ON' : 'OFF'}` };
  }

  async close(): Promise<void> {
    clearTimeout(this.flushTimer);
    this.flush();
    for (const p of this.announced.values()) await p.catch(() => undefined);
    // A clean stop says offline itself (the will is only for a crash).
    if (this.client.connected) await this.client.publishAsync(this.availability, 'offline', { retain: true, qos: 1 }).catch(() => undefined);
    await this.client.endAsync().catch(() => undefined);
  }
}

function safe(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}`;
  } catch {
    return '(bad url)';
  }
}

/** What the alert says was seen, as attributes a dashboard can show: the load's size and since when, and the message. */
function loadAttributes(alert: Alert, open: boolean, message: Message): Record<string, unknown> {
  const load = open && alert.kind === 'high' ? seenLoad(alert) : null;
  return { load_w: load ? Math.round(load.watts) : null, load_since: load ? new Date(load.since).toISOString() : null, message: open ? message.body : null };
}
