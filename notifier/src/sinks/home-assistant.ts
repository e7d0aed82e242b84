import { readFileSync } from 'node:fs';
import { Agent, type Dispatcher } from 'undici';
import type { Alert, Message } from '../alert-core/types.js';
import { excerpt, getJson, postJson, retryableStatus, type JsonResponse } from './http.js';
import { inQuietHours, type QuietHours } from './quiet-hours.js';
import { SinkError, type Sink, type SinkResult } from './types.js';

/**
 * Home Assistant's REST API as Home Assistant 2024.3 implements it (home-assistant/core):
 *
 * - homeassistant/components/api/__init__.py, APIDomainServicesView (POST /api/services/<domain>/<service>):
 *   an action that is not registered (yet: while HA starts, `tts` and `notify` load after the web
 *   server answers) is HTTPBadRequest, 400; invalid data (vol.Invalid) is 400 too; success is 200
 *   with the list of states that changed. The call is shielded from cancellation, so it keeps running
 *   after the client gives up waiting: a timed-out announcement may still be spoken.
 * - homeassistant/helpers/service.py, entity_service_call: entities that do not exist or are
 *   unavailable are skipped with a warning in HA's own log ("Referenced entities ... are missing or
 *   not currently available") and the call still answers 200 []; an entity named explicitly that
 *   lacks the feature the action needs raises HomeAssistantError "Entity ... does not support this
 *   service.", which homeassistant/components/http/view.py does not catch, so aiohttp answers 500.
 *   tts.speak (homeassistant/components/tts/__init__.py) calls media_player.play_media on the speaker
 *   with blocking=True, which needs MediaPlayerEntityFeature.PLAY_MEDIA (512,
 *   homeassistant/components/media_player/const.py).
 * - APIConfigView, GET /api/config: hass.config.as_dict(), whose "state" is CoreState
 *   (homeassistant/core.py: NOT_RUNNING, STARTING, RUNNING, STOPPING, FINAL_WRITE).
 * - APIEntityStateView, GET /api/states/<entity_id>: the state object, or 404 {"message": "Entity not found."}.
 * - APIServicesView, GET /api/services: [{"domain", "services": {name: description}}].
 * - homeassistant/components/notify/legacy.py: message and title are templates, rendered before
 *   sending (`message.async_render(parse_result=False)`), so text from a Kafka record is escaped.
 * Every call needs `Authorization: Bearer <long-lived access token>`; 401 otherwise.
 */
export interface HomeAssistantOptions {
  url: string;
  token: string;
  /** PEM of a private CA for an https Home Assistant (setting homeAssistant.caFile). */
  caFile?: string;
  timeoutMs?: number;
}

/** MediaPlayerEntityFeature.PLAY_MEDIA (homeassistant/components/media_player/const.py). */
export const PLAY_MEDIA = 512;

export interface EntityState {
  entity_id: string;
  state: string;
  attributes: Record<string, unknown>;
}

export interface ServiceCallResult {
  status: number;
  /** The states Home Assistant says changed (often [] even when the action ran). */
  changed: unknown[];
}

/**
 * Jinja would render "{{ 6*7 }}" in a notify message as "42". Each opening delimiter becomes a
 * Jinja expression that prints it, so the text arrives exactly as written (HA's own tests use
 * `{{ '{{ 2 + 2 }}' }}` for a literal: tests/helpers/test_script.py).
 */
export function literalForTemplate(text: string): string {
  return text.replace(/\{[{%#]/g, (m) => `{{ '${m}' }}`);
}

export class HomeAssistantClient {
  private readonly dispatcher: Dispatcher | undefined;
  private closed = false;

  constructor(private readonly opts: HomeAssistantOptions) {
    this.dispatcher = opts.caFile ? new Agent({ connect: { ca: readFileSync(opts.caFile, 'utf8') } }) : undefined;
  }

  get url(): string {
    return this.opts.url;
  }

  private reqOpts(timeoutMs?: number) {
    return { timeoutMs: timeoutMs ?? this.opts.timeoutMs ?? 10_000, ...(this.dispatcher ? { dispatcher: this.dispatcher } : {}) };
  }

  private auth() {
    return { authorization: `Bearer ${this.opts.token}` };
  }

  private unauthorized(res: JsonResponse, what: string): SinkError {
    return new SinkError(`Home Assistant answered HTTP 401 to ${what} (the long-lived access token is wrong or revoked; check HOME_ASSISTANT_TOKEN)`, { retryable: false, status: 401 });
  }

  /**
   * A request that failed before reaching Home Assistant (refused: HA restarting, its port closed;
   * no route) cannot have run there: Home Assistant is down, not wrong. That is `starting` for the
   * delivery — kept and retried, attempts aside, for homeAssistant.startupWait, instead of
   * dead-lettered after a few attempts in seconds. Errors that may have reached it pass unchanged.
   */
  notAnswering(e: unknown, then = ''): unknown {
    if (!(e instanceof SinkError) || e.mayHaveRun || e.status !== undefined || !e.retryable) return e;
    return new SinkError(`Home Assistant is not answering (${e.message})${then}`, { retryable: true, starting: true });
  }

  /** GET /api/config → state (CoreState), or undefined when Home Assistant does not say. */
  async coreState(): Promise<string | undefined> {
    let res: JsonResponse;
    try {
      res = await getJson(`${this.opts.url}/api/config`, this.auth(), this.reqOpts(3_000));
    } catch (e) {
      throw this.notAnswering(e);
    }
    if (res.status === 401) throw this.unauthorized(res, 'GET /api/config');
    if (res.status !== 200) return undefined;
    try {
      const s = (JSON.parse(res.text) as { state?: unknown }).state;
      return typeof s === 'string' ? s : undefined;
    } catch {
      return undefined;
    }
  }

  /** GET /api/states/<id>: the entity, or null when Home Assistant has no such entity (404). */
  async state(entityId: string): Promise<EntityState | null> {
    const res = await getJson(`${this.opts.url}/api/states/${encodeURIComponent(entityId)}`, this.auth(), this.reqOpts(5_000));
    if (res.status === 404) return null;
    if (res.status === 401) throw this.unauthorized(res, `GET /api/states/${entityId}`);
    if (res.status !== 200) throw new SinkError(`Home Assistant answered HTTP ${res.status} to GET /api/states/${entityId}: ${excerpt(res.text)}`, { retryable: retryableStatus(res.status), status: res.status });
    return JSON.parse(res.text) as EntityState;
  }

  /** GET /api/services: every registered action, as "domain.service". */
  async services(): Promise<Set<string>> {
    const res = await getJson(`${this.opts.url}/api/services`, this.auth(), this.reqOpts(5_000));
    if (res.status === 401) throw this.unauthorized(res, 'GET /api/services');
    if (res.status !== 200) throw new SinkError(`Home Assistant answered HTTP ${res.status} to GET /api/services: ${excerpt(res.text)}`, { retryable: retryableStatus(res.status), status: res.status });
    const out = new Set<string>();
    for (const d of JSON.parse(res.text) as { domain: string; services: Record<string, unknown> }[]) for (const s of Object.keys(d.services ?? {})) out.add(`${d.domain}.${s}`);
    return out;
  }

  /**
   * Calls an action. A 400 while Home Assistant is not yet RUNNING is "starting" (retry, do not
   * dead-letter); a 400 once it runs is a wrong action or data (permanent).
   */
  async callService(domain: string, service: string, data: Record<string, unknown>): Promise<ServiceCallResult> {
    const what = `${domain}.${service}`;
    let res: JsonResponse;
    try {
      res = await postJson(`${this.opts.url}/api/services/${domain}/${service}`, data, this.auth(), this.reqOpts());
    } catch (e) {
      throw this.notAnswering(e, `; ${what} is kept and sent once it answers`);
    }
    if (res.status >= 200 && res.status < 300) {
      let changed: unknown[] = [];
      try {
        const parsed = JSON.parse(res.text) as unknown;
        if (Array.isArray(parsed)) changed = parsed;
      } catch {
        // A 2xx is acceptance whatever the body.
      }
      return { status: res.status, changed };
    }
    if (res.status === 401) throw this.unauthorized(res, what);
    if (res.status === 400) {
      const state = await this.coreState().catch(() => undefined);
      if (state !== undefined && state !== 'RUNNING') {
        throw new SinkError(`Home Assistant is still starting (state ${state}): ${what} is not loaded yet (HTTP 400)`, { retryable: true, status: 400, starting: true });
      }
      throw new SinkError(`Home Assistant answered HTTP 400 to ${what} (is ${what} an action your Home Assistant has, with these fields? see Developer tools → Actions): ${excerpt(res.text)}`, {
        retryable: false,
        status: 400,
      });
    }
    throw new SinkError(`Home Assistant answered HTTP ${res.status} to ${what}: ${excerpt(res.text)}`, { retryable: retryableStatus(res.status), status: res.status });
  }

  /** Shared by the voice and notify sinks and doctor, so closing twice is fine. */
  async close(): Promise<void> {
    const d = this.dispatcher;
    if (d && !this.closed) {
      this.closed = true;
      await d.close();
    }
  }
}

/** One thing a sink needs from Home Assistant, checked before any alert relies on it. */
export type Requirement = { kind: 'entity'; id: string; feature?: { mask: number; name: string } } | { kind: 'service'; id: string };

export interface CheckProblem {
  requirement: Requirement;
  problem: string;
}

/**
 * Checks that every entity exists (GET /api/states/<id> is not 404), is not `unavailable`, and has
 * the features asked for, and that every action is registered (GET /api/services). Returns the
 * problems, each naming the entity or action; [] when all is well. Throws SinkError when Home
 * Assistant cannot be asked at all (down, 401). While HA is still starting, actions are not all
 * registered yet: a missing action then says so instead of calling it missing.
 */
export async function checkRequirements(client: HomeAssistantClient, reqs: Requirement[]): Promise<CheckProblem[]> {
  const problems: CheckProblem[] = [];
  const services = reqs.some((r) => r.kind === 'service') ? await client.services() : new Set<string>();
  let state: string | undefined;
  for (const r of reqs) {
    if (r.kind === 'service') {
      if (services.has(r.id)) continue;
      state ??= (await client.coreState().catch(() => undefined)) ?? 'RUNNING';
      problems.push({
        requirement: r,
        problem:
          state === 'RUNNING'
            ? `Home Assistant has no action ${r.id} (GET /api/services does not list it)`
            : `Home Assistant is still starting (state ${state}); action ${r.id} is not loaded yet`,
      });
      continue;
    }
    const s = await client.state(r.id);
    if (s === null) {
      problems.push({ requirement: r, problem: `Home Assistant has no entity ${r.id} (GET /api/states/${r.id} is 404): check the entity id in Settings → Entities` });
    } else if (s.state === 'unavailable') {
      problems.push({ requirement: r, problem: `${r.id} is unavailable in Home Assistant (offline? Home Assistant skips it without an error)` });
    } else if (r.feature && (Number(s.attributes['supported_features'] ?? 0) & r.feature.mask) === 0) {
      problems.push({ requirement: r, problem: `${r.id} does not support ${r.feature.name} (supported_features ${String(s.attributes['supported_features'] ?? 0)}): pick a speaker that can play media` });
    }
  }
  return problems;
}

export interface VoiceOptions {
  mediaPlayer: string;
  /** tts.speak with this TTS entity (current Home Assistant)... */
  ttsEntity?: string;
  /** ...or the legacy tts.<platform>_say action, e.g. google_translate_say. */
  ttsService?: string;
  quietHours?: QuietHours;
  /** Announcements whose event time is older than this are not spoken (default 10 min). */
  maxAgeMs?: number;
  timeZone: string;
  now?: () => number;
}

/**
 * Announces alerts on a speaker (a Google Home) through Home Assistant TTS
 * (home-assistant.io/integrations/tts: tts.speak takes entity_id = the TTS entity,
 * media_player_entity_id and message; the legacy tts.<platform>_say takes entity_id = the media player
 * and message). During quiet hours nothing is spoken, nor is an announcement that is stale; the push
 * still goes. An announcement is spoken at most once: a call that timed out may still run in Home
 * Assistant (the API shields it), so it is reported unconfirmed and never sent again.
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

  requirements(): Requirement[] {
    const speaker: Requirement = { kind: 'entity', id: this.opts.mediaPlayer, feature: { mask: PLAY_MEDIA, name: 'play_media' } };
    return this.opts.ttsEntity
      ? [{ kind: 'service', id: 'tts.speak' }, { kind: 'entity', id: this.opts.ttsEntity }, speaker]
      : [{ kind: 'service', id: `tts.${this.opts.ttsService!}` }, speaker];
  }

  async send(alert: Alert, message: Message): Promise<SinkResult> {
    const now = this.now();
    if (this.opts.quietHours && inQuietHours(now, this.opts.quietHours, this.opts.timeZone)) {
      return { outcome: 'suppressed', detail: 'quiet hours' };
    }
    const maxAge = this.opts.maxAgeMs ?? 10 * 60_000;
    if (alert.type !== 'test' && now - alert.at > maxAge) {
      return { outcome: 'suppressed', detail: `stale: ${Math.round((now - alert.at) / 60_000)} min old, more than ${Math.round(maxAge / 60_000)} min (homeAssistant.announceMaxAge)` };
    }
    const [domain, service, data] = this.opts.ttsEntity
      ? (['tts', 'speak', { entity_id: this.opts.ttsEntity, media_player_entity_id: this.opts.mediaPlayer, message: message.body }] as const)
      : (['tts', this.opts.ttsService!, { entity_id: this.opts.mediaPlayer, message: message.body }] as const);
    let result: ServiceCallResult;
    try {
      result = await this.client.callService(domain, service, data);
    } catch (e) {
      if (!(e instanceof SinkError)) throw e;
      if (e.mayHaveRun) {
        throw new SinkError(`${e.message}; the announcement may still play (Home Assistant finishes a call the client stopped waiting for), so it is not sent again`, {
          retryable: false,
          mayHaveRun: true,
        });
      }
      if (e.status !== undefined && e.status >= 500) await this.explain500(e);
      throw e;
    }
    // While Home Assistant is not RUNNING its tts entity or speaker may not be loaded yet, and
    // tts.speak then answers 200 having spoken nothing (homeassistant/helpers/service.py,
    // entity_service_call skips missing entities with a warning; the changed states it answers may
    // still list others). So after a 200: HA not RUNNING and an entity missing → nothing was said,
    // retry while it starts (asked after the call, not before, so one call goes out at once: an
    // entity loaded in between would pass for one that was there).
    const state = await this.client.coreState().catch(() => undefined);
    if (state !== undefined && state !== 'RUNNING') {
      const missing = (await checkRequirements(this.client, this.requirements().filter((r) => r.kind === 'entity')).catch(() => []))[0];
      if (missing) {
        throw new SinkError(`Home Assistant answered 200 to ${domain}.${service} but spoke nothing while still starting (state ${state}): ${missing.problem}`, { retryable: true, starting: true });
      }
    }
    // 200 [] is also what an unknown or unavailable entity gets: make sure the speaker was there.
    if (result.changed.length === 0) {
      const problems = await checkRequirements(this.client, this.requirements().filter((r) => r.kind === 'entity'));
      const first = problems[0];
      if (first) {
        const unavailable = first.problem.includes('unavailable');
        throw new SinkError(`Home Assistant answered 200 to ${domain}.${service} but spoke nothing: ${first.problem}`, { retryable: unavailable });
      }
    }
    return { outcome: 'accepted', detail: `HTTP ${result.status}` };
  }

  /** A 500 from tts.speak is usually a speaker without play_media: permanent, with a hint naming it. */
  private async explain500(e: SinkError): Promise<void> {
    const speaker = await this.client.state(this.opts.mediaPlayer).catch(() => undefined);
    if (speaker && (Number(speaker.attributes['supported_features'] ?? 0) & PLAY_MEDIA) === 0) {
      throw new SinkError(
        `${e.message} — ${this.opts.mediaPlayer} does not support this service (play_media; supported_features ${String(speaker.attributes['supported_features'] ?? 0)}): set STREAM_SMARTS_HOME_ASSISTANT_MEDIA_PLAYER to a speaker that can play media`,
        { retryable: false, status: e.status ?? 500 },
      );
    }
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

  requirements(): Requirement[] {
    return [{ kind: 'service', id: `notify.${this.service}` }];
  }

  /**
   * At most once: a call that may have reached Home Assistant but got no answer (a timeout while
   * HA was frozen or busy, a connection cut mid-answer) is not resent — HA finishes it anyway
   * (APIDomainServicesView shields the call, and aiohttp 3.9 does not cancel a handler whose
   * client went away: aiohttp/web_protocol.py, handler_cancellation defaults to False), so a resend
   * would show the phone the same notification again. It is reported "unconfirmed". Calls that
   * never reached HA (refused) are kept and retried (HomeAssistantClient.notAnswering).
   */
  async send(_alert: Alert, message: Message): Promise<SinkResult> {
    try {
      const r = await this.client.callService('notify', this.service, { message: literalForTemplate(message.body), title: literalForTemplate(message.title) });
      return { outcome: 'accepted', detail: `HTTP ${r.status}` };
    } catch (e) {
      if (e instanceof SinkError && e.mayHaveRun) {
        throw new SinkError(`${e.message}; the notification may still be shown (Home Assistant finishes a call the client stopped waiting for), so it is not sent again`, {
          retryable: false,
          mayHaveRun: true,
        });
      }
      throw e;
    }
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}

/** The requirements of every Home Assistant sink among `sinks`, with the client they share. */
export function homeAssistantRequirements(sinks: readonly Sink[]): Requirement[] {
  return sinks.flatMap((s) => (s instanceof HomeAssistantVoiceSink || s instanceof HomeAssistantNotifySink ? s.requirements() : []));
}
