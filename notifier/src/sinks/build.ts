import type { NotifierConfig } from '../config.js';
import { ConsoleSink } from './console.js';
import { HomeAssistantClient, HomeAssistantNotifySink, HomeAssistantVoiceSink } from './home-assistant.js';
import { MqttSink } from './mqtt.js';
import { PushbulletSink } from './pushbullet.js';
import type { Sink } from './types.js';

export interface SinkDeps {
  now?: () => number;
  consoleOut?: { write(s: string): unknown };
  /** Whether console lines start with the alert's event time (default true). */
  consoleTimestamps?: boolean;
}

/** The Home Assistant client of a configuration, shared by its sinks, away mode and doctor (one CA, one agent). */
export function homeAssistantClient(cfg: NotifierConfig): HomeAssistantClient | undefined {
  const ha = cfg.homeAssistant;
  return ha ? new HomeAssistantClient({ url: ha.url, token: ha.token, ...(ha.caFile ? { caFile: ha.caFile } : {}) }) : undefined;
}

/** Every configured sink; the console alone when nothing else is configured (or when asked for). */
export function buildSinks(cfg: NotifierConfig, deps: SinkDeps = {}, client: HomeAssistantClient | undefined = homeAssistantClient(cfg)): Sink[] {
  const sinks: Sink[] = [];
  const now = deps.now ?? Date.now;
  if (cfg.pushbullet) sinks.push(new PushbulletSink({ ...cfg.pushbullet, now }));
  const ha = cfg.homeAssistant;
  if (ha && client && (ha.voice || ha.notifyService)) {
    if (ha.voice) sinks.push(new HomeAssistantVoiceSink(client, { ...ha.voice, timeZone: cfg.timezone, now }));
    if (ha.notifyService) sinks.push(new HomeAssistantNotifySink(client, ha.notifyService));
  }
  if (cfg.mqtt) sinks.push(new MqttSink(cfg.mqtt));
  if (cfg.console === true || (cfg.console === undefined && sinks.length === 0)) sinks.push(new ConsoleSink(deps.consoleOut, deps.consoleTimestamps ?? true));
  return sinks;
}
