import { existsSync } from 'node:fs';
import { ConfigError, SETTINGS, type LoadedConfig, type SettingKey, type SettingValue } from '@stream-smarts/contracts';
import type { EpisodeRules } from './alert-core/types.js';
import { alertRules } from './alert-core/rules.js';
import type { Templates } from './alert-core/templates.js';
import type { RetryPolicy } from './delivery.js';
import type { QuietHours } from './sinks/quiet-hours.js';

/** Everything the notifier needs, typed, from the loaded configuration (settings.ts has the table). */
export interface NotifierConfig {
  topic: string;
  groupId: string;
  fromBeginning: boolean;
  sessionTimeoutMs: number;
  stateDir: string;
  timezone: string;
  rules: EpisodeRules;
  templates: Templates;
  retry: RetryPolicy;
  console: boolean | undefined;
  pushbullet?: { url: string; token: string; deviceIden?: string; channelTag?: string };
  homeAssistant?: {
    url: string;
    token: string;
    caFile?: string;
    voice?: { mediaPlayer: string; ttsEntity?: string; ttsService?: string; quietHours?: QuietHours; maxAgeMs: number };
    notifyService?: string;
    /** Away mode from this person, group or zone. */
    awayEntity?: string;
  };
  mqtt?: { url: string; username?: string; password?: string; caFile?: string; discoveryPrefix: string; topicPrefix: string };
  silences: { store: 'kafka' | 'local'; topic: string };
}

/** The parsed value of a setting (the loader has validated it already), or undefined when unset. */
function value<K extends SettingKey>(loaded: LoadedConfig, key: K): SettingValue<K> | undefined {
  const r = loaded.settings.find((s) => s.key === key);
  return r === undefined ? undefined : (SETTINGS[key].schema.parse(r.raw) as SettingValue<K>);
}

/** Throws ConfigError naming each inconsistent notifier setting and how to fix it. */
export function notifierConfig(loaded: LoadedConfig): NotifierConfig {
  const v = <K extends SettingKey>(k: K) => value(loaded, k);
  const { config } = loaded;
  const problems: string[] = [];
  const env = (k: SettingKey) => SETTINGS[k].env[0];

  const mediaPlayer = v('homeAssistant.mediaPlayer');
  const ttsEntity = v('homeAssistant.ttsEntity');
  const ttsService = v('homeAssistant.ttsService');
  const notifyService = v('homeAssistant.notifyService');
  if (!config.homeAssistant && (mediaPlayer || notifyService)) {
    problems.push(`homeAssistant.mediaPlayer/notifyService are set but Home Assistant is not: set ${env('homeAssistant.url')} and ${env('homeAssistant.token')}`);
  }
  if (mediaPlayer && !ttsEntity && !ttsService) {
    problems.push(
      `homeAssistant.mediaPlayer is set but there is no TTS to speak with: set ${env('homeAssistant.ttsEntity')} (e.g. tts.google_translate_en_com, for tts.speak) or ${env('homeAssistant.ttsService')} (e.g. google_translate_say, the legacy action)`,
    );
  }
  const deviceIden = v('pushbullet.deviceIden');
  const channelTag = v('pushbullet.channelTag');
  if (deviceIden && channelTag) problems.push(`set one of ${env('pushbullet.deviceIden')} and ${env('pushbullet.channelTag')}, not both: a push has one target`);
  if (!config.pushbullet && (deviceIden || channelTag)) problems.push(`a Pushbullet target is set but no token: set ${env('pushbullet.token')}`);
  const awayEntity = v('homeAssistant.awayEntity');
  if (awayEntity && !config.homeAssistant) problems.push(`${env('homeAssistant.awayEntity')} is set but Home Assistant is not: set ${env('homeAssistant.url')} and ${env('homeAssistant.token')}`);
  const mqttUrl = v('mqtt.url');
  const mqttUser = v('mqtt.username');
  const mqttPassword = v('mqtt.password');
  const mqttCa = v('mqtt.caFile');
  if (!mqttUrl && (mqttUser || mqttPassword || mqttCa)) problems.push(`MQTT settings are set but no broker: set ${env('mqtt.url')} (e.g. mqtt://homeassistant.local:1883)`);
  if (mqttPassword && !mqttUser) problems.push(`${env('mqtt.password')} is set without ${env('mqtt.username')}`);
  if (mqttCa && !existsSync(mqttCa)) problems.push(`${env('mqtt.caFile')} = ${JSON.stringify(mqttCa)}: no such file`);
  if (problems.length > 0) throw new ConfigError(problems);

  const quietHours = v('homeAssistant.quietHours');
  return {
    topic: v('notifier.topic')!,
    groupId: v('notifier.groupId')!,
    fromBeginning: v('notifier.fromBeginning')!,
    sessionTimeoutMs: v('notifier.sessionTimeout')!,
    stateDir: v('notifier.stateDir')!,
    timezone: config.timezone,
    rules: alertRules(loaded),
    templates: { high: v('notifier.messageHigh')!, low: v('notifier.messageLow')!, resolved: v('notifier.messageResolved')! },
    retry: {
      attempts: v('notifier.retryAttempts')!,
      baseDelayMs: v('notifier.retryBaseDelay')!,
      maxDelayMs: v('notifier.retryMaxDelay')!,
      startupWaitMs: v('homeAssistant.startupWait')!,
    },
    silences: { store: v('notifier.silenceStore')!, topic: v('notifier.silenceTopic')! },
    ...(mqttUrl
      ? {
          mqtt: {
            url: mqttUrl,
            discoveryPrefix: v('mqtt.discoveryPrefix')!,
            topicPrefix: v('mqtt.topicPrefix')!,
            ...(mqttUser ? { username: mqttUser } : {}),
            ...(mqttPassword ? { password: mqttPassword } : {}),
            ...(mqttCa ? { caFile: mqttCa } : {}),
          },
        }
      : {}),
    console: v('notifier.console'),
    ...(config.pushbullet
      ? {
          pushbullet: {
            url: v('pushbullet.url')!,
            token: config.pushbullet.token,
            ...(deviceIden ? { deviceIden } : {}),
            ...(channelTag ? { channelTag } : {}),
          },
        }
      : {}),
    ...(config.homeAssistant
      ? {
          homeAssistant: {
            ...config.homeAssistant,
            ...(mediaPlayer
              ? {
                  voice: {
                    mediaPlayer,
                    ...(ttsEntity ? { ttsEntity } : {}),
                    ...(ttsService ? { ttsService } : {}),
                    ...(quietHours ? { quietHours } : {}),
                    maxAgeMs: v('homeAssistant.announceMaxAge')!,
                  },
                }
              : {}),
            ...(notifyService ? { notifyService } : {}),
            ...(awayEntity ? { awayEntity } : {}),
          },
        }
      : {}),
  };
}
