import { readFileSync } from 'node:fs';
import { Agent, type Dispatcher } from 'undici';
import type { Alert, Message } from '../alert-core/types.js';
import { excerpt, postJson, retryableStatus } from './http.js';
import { inQuietHours, type QuietHours } from './quiet-hours.js';
import { SinkError, type Sink, type SinkResult } from './types.js';

/**
 * Home Assistant's REST API (developers.home-assistant.io, "REST API"): actions are called with
 * POST /api/services/<domain>/<service>, a JSON body of service data and
 * `Authorization: Bearer <long-lived access token>`; success is 200 with the list of changed states,
 * 400 a bad call (unknown action, bad data), 401 a bad token.
 */
export interface HomeAssistantOptions {
  url: string;
  token: string;
  /** PEM of a private CA for an https Home Assistant (setting homeAssistant.caFile). */
  caFile?: string;
  timeoutMs?: number;
}

export class HomeAssistantClient {
  private readonly dispatcher: Dispatcher | undefined;

  constructor(private readonly opts: HomeAssistantOptions) {
    this.dispatcher = opts.caFile ? new Agent({ connect: { ca: readFileSync(opts.caFile, 'utf8') } }) : undefined;
  }

  async callService(domain: string, service: string, data: Record<string, unknown>): Promise<string> {
    const res = await postJson(
      `${this.opts.url}/api/services/${domain}/${service}`,
      data,
      { authorization: `Bearer ${this.opts.token}` },
      { timeoutMs: this.opts.timeoutMs ?? 10_000, ...(this.dispatcher ? { dispatcher: this.dispatcher } : {}) },
    );
    if (res.status >= 200 && res.status < 300) return `HTTP ${res.status}`;
    const hint =
      res.status === 401
        ? ' (the long-lived access token is wrong or revoked; check HOME_ASSISTANT_TOKEN)'
        : res.status === 400
          ? ` (is ${domain}.${service} an action your Home Assistant has, with these fields?)`
          : '';
    throw new SinkError(`Home Assistant answered HTTP ${res.status} to ${domain}.${service}${hint}: ${excerpt(res.text)}`, {
      retryable: retryableStatus(res.status),
      status: res.status,
    });
  }

  /** Shared by the voice and notify sinks, so closing twice is fine. */
  async close(): Promise<void> {
    const d = this.dispatcher;
    if (d && !this.closed) {
      this.closed = true;
      await d.close();
    }
  }
  private closed = false;
}

export interface VoiceOptions {
  mediaPlayer: string;
  /** tts.speak with this TTS entity (current Home Assistant)... */
  ttsEntity?: string;
  /** ...or the legacy tts.<platform>_say action, e.g. google_translate_say. */
  ttsService?: string;
  quietHours?: QuietHours;
  timeZone: string;
  now?: () => number;
}

/**
 * Announces alerts on a speaker (a Google Home) through Home Assistant TTS
 * (home-assistant.io/integrations/tts: tts.speak takes entity_id = the TTS entity,
 * media_player_entity_id and message; the legacy tts.<platform>_say takes entity_id = the media player
 * and message). During quiet hours nothing is spoken; the push still goes.
 */
export class HomeAssistantVoiceSink implements Sink {
  readonly name = 'home-assistant-voice';
  private readonly now: () => number;

  constructor(
    private readonly client: HomeAssistantClient,
    private readonly opts: VoiceOptions,
  ) {
    this.now = opts.now ?? Date.now;
  }

  async send(_alert: Alert, message: Message): Promise<SinkResult> {
    if (this.opts.quietHours && inQuietHours(this.now(), this.opts.quietHours, this.opts.timeZone)) {
      return { outcome: 'suppressed', detail: 'quiet hours' };
    }
    if (this.opts.ttsEntity) {
      const detail = await this.client.callService('tts', 'speak', {
        entity_id: this.opts.ttsEntity,
        media_player_entity_id: this.opts.mediaPlayer,
        message: message.body,
      });
      return { outcome: 'accepted', detail };
    }
    const detail = await this.client.callService('tts', this.opts.ttsService!, { entity_id: this.opts.mediaPlayer, message: message.body });
    return { outcome: 'accepted', detail };
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}

/** Phone notifications through a Home Assistant notify action, e.g. notify.mobile_app_pixel_7 {message, title}. */
export class HomeAssistantNotifySink implements Sink {
  readonly name = 'home-assistant-notify';

  constructor(
    private readonly client: HomeAssistantClient,
    private readonly service: string,
  ) {}

  async send(_alert: Alert, message: Message): Promise<SinkResult> {
    const detail = await this.client.callService('notify', this.service, { message: message.body, title: message.title });
    return { outcome: 'accepted', detail };
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}
