import { createServer as createHttp, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttps } from 'node:https';
import type { AddressInfo } from 'node:net';
import { execFileSync } from 'node:child_process';
import { Faults, readBody } from './faults.js';

/**
 * A test double of Home Assistant 2024.3's REST API, answering as home-assistant/core does:
 *
 * - Auth (homeassistant/components/http/view.py, request_handler_factory): no valid
 *   `Authorization: Bearer` → HTTPUnauthorized, "401: Unauthorized".
 * - POST /api/services/<domain>/<service> (homeassistant/components/api/__init__.py,
 *   APIDomainServicesView): body must be JSON ("Data should be valid JSON.", 400); an action that
 *   is not registered → `raise HTTPBadRequest from ServiceNotFound`, aiohttp's "400: Bad Request" —
 *   which is what every tts/notify call gets while HA is STARTING and those integrations are not
 *   loaded yet; vol.Invalid (a missing required field) → 400 too; success → 200 with the JSON list
 *   of changed states. The call runs under `shield(...)`: a client that stops waiting does not
 *   stop it (see `freezeMs`).
 * - Entity actions (homeassistant/helpers/service.py, entity_service_call): a referenced entity
 *   that does not exist or is unavailable is skipped with a warning in HA's log only — the answer
 *   is still 200 []; an explicitly referenced entity without the required feature raises
 *   HomeAssistantError "Entity <id> does not support this service.", uncaught by the view, so
 *   aiohttp answers 500 with its default text (aiohttp/web_protocol.py, handle_error: "500
 *   Internal Server Error\n\nServer got itself in trouble"; the message is only in HA's log).
 *   tts.speak (homeassistant/components/tts/__init__.py) calls media_player.play_media on the
 *   speaker, which needs MediaPlayerEntityFeature.PLAY_MEDIA = 512
 *   (homeassistant/components/media_player/const.py); legacy tts.<platform>_say does the same with
 *   its entity_id.
 * - notify.<name> (homeassistant/components/notify/legacy.py): message and title are templates,
 *   rendered with `async_render(parse_result=False)` before sending — rendered here by Jinja2 itself
 *   in the sandboxed environment HA's TemplateEnvironment extends (homeassistant/helpers/template.py:
 *   ImmutableSandboxedEnvironment), so `{{ 6*7 }}` becomes 42 as in HA.
 * - GET /api/config (APIConfigView): hass.config.as_dict(), with "state" the CoreState value
 *   (homeassistant/core.py: NOT_RUNNING, STARTING, RUNNING, STOPPING, FINAL_WRITE).
 * - GET /api/states/<entity_id> (APIEntityStateView): the state, or 404 {"message": "Entity not found."}.
 * - GET /api/services (APIServicesView): [{"domain", "services": {name: {...}}}], only what is loaded.
 */
export interface ServiceCall {
  at: number;
  domain: string;
  service: string;
  data: Record<string, unknown>;
  /** What the speaker said or the phone showed (after template rendering). */
  effect?: string;
}

export interface EntityState {
  state: string;
  attributes: Record<string, unknown>;
}

const PLAY_MEDIA = 512;

export class HomeAssistantDouble {
  readonly faults = new Faults(11);
  /** Calls answered 2xx. */
  readonly calls: ServiceCall[] = [];
  /** What actually happened: announcements played and notifications shown (a call may do nothing). */
  readonly spoken: ServiceCall[] = [];
  readonly notified: ServiceCall[] = [];
  /** Log lines HA would write (warnings about missing entities). */
  readonly haLog: string[] = [];
  readonly statuses: number[] = [];
  readonly requests: { method: string; url: string; status: number }[] = [];
  /** CoreState. While not RUNNING, tts and notify are not registered yet. */
  coreState = 'RUNNING';
  /** Answers are held this long, but the action runs at once (HA frozen, the call shielded). */
  freezeMs = 0;
  states = new Map<string, EntityState>([
    ['tts.google_translate_en_com', { state: 'unknown', attributes: { friendly_name: 'Google Translate en com' } }],
    // A Google Home via the Cast integration supports play_media among others (supported_features 152463).
    ['media_player.kitchen_speaker', { state: 'idle', attributes: { friendly_name: 'Kitchen speaker', supported_features: 152463 } }],
    ['person.alice', { state: 'home', attributes: {} }],
    ['group.family', { state: 'home', attributes: {} }],
    ['zone.home', { state: '1', attributes: {} }],
  ]);
  legacyTts = new Set(['google_translate_say']);
  notifiers = new Set(['mobile_app_pixel_7']);
  private server: Server;
  url = '';

  constructor(
    readonly token: string,
    private readonly tls?: { key: string; cert: string },
  ) {
    const handler = (req: IncomingMessage, res: ServerResponse) => void this.handle(req, res);
    this.server = tls ? createHttps({ key: tls.key, cert: tls.cert }, handler) : createHttp(handler);
  }

  async start(): Promise<this> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    const port = (this.server.address() as AddressInfo).port;
    this.url = `${this.tls ? 'https' : 'http'}://${this.tls ? 'localhost' : '127.0.0.1'}:${port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  /** The actions registered now: while starting, only the core's own. */
  services(): Map<string, string[]> {
    const m = new Map<string, string[]>([['homeassistant', ['restart', 'stop', 'check_config']]]);
    if (this.coreState === 'RUNNING') {
      m.set('tts', ['speak', 'clear_cache', ...this.legacyTts]);
      m.set('notify', ['persistent_notification', ...this.notifiers]);
      m.set('media_player', ['play_media', 'volume_set']);
    }
    return m;
  }

  private reply(req: IncomingMessage, res: ServerResponse, status: number, body: unknown, type = 'application/json'): void {
    this.statuses.push(status);
    this.requests.push({ method: req.method ?? '', url: req.url ?? '', status });
    const send = () => {
      if (res.destroyed) return;
      res.writeHead(status, { 'content-type': type });
      res.end(typeof body === 'string' ? body : JSON.stringify(body));
    };
    if (this.freezeMs > 0) setTimeout(send, this.freezeMs);
    else send();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const text = await readBody(req);
    if (this.faults.latencyMs > 0) await new Promise((r) => setTimeout(r, this.faults.latencyMs));
    if (req.headers.authorization !== `Bearer ${this.token}`) return this.reply(req, res, 401, '401: Unauthorized', 'text/plain; charset=utf-8');
    const url = req.url ?? '';
    if (req.method === 'GET' && url === '/api/config') {
      return this.reply(req, res, 200, { components: [], config_dir: '/config', location_name: 'Home', time_zone: 'UTC', version: '2024.3.3', state: this.coreState });
    }
    if (req.method === 'GET' && url === '/api/services') {
      return this.reply(req, res, 200, [...this.services()].map(([domain, names]) => ({ domain, services: Object.fromEntries(names.map((n) => [n, { name: n, fields: {} }])) })));
    }
    const st = /^\/api\/states\/([^/]+)$/.exec(url);
    if (req.method === 'GET' && st) {
      const id = decodeURIComponent(st[1]!);
      const s = this.states.get(id);
      return s ? this.reply(req, res, 200, { entity_id: id, ...s, last_changed: new Date().toISOString() }) : this.reply(req, res, 404, { message: 'Entity not found.' });
    }
    const m = /^\/api\/services\/([a-z_]+)\/([a-z0-9_]+)$/.exec(url);
    if (!m || req.method !== 'POST') return this.reply(req, res, 404, '404: Not Found', 'text/plain; charset=utf-8');
    const injected = this.faults.next();
    if (injected !== undefined) return this.reply(req, res, injected, `${injected} Internal Server Error\n\nServer got itself in trouble`, 'text/plain; charset=utf-8');
    let data: Record<string, unknown>;
    try {
      data = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      return this.reply(req, res, 400, { message: 'Data should be valid JSON.' });
    }
    const [, domain, service] = m as unknown as [string, string, string];
    if (!this.services().get(domain)?.includes(service)) return this.reply(req, res, 400, '400: Bad Request', 'text/plain; charset=utf-8');
    const call: ServiceCall = { at: Date.now(), domain, service, data };
    const outcome = this.run(call);
    if (outcome === 'invalid') return this.reply(req, res, 400, '400: Bad Request', 'text/plain; charset=utf-8');
    if (outcome === 'unsupported') return this.reply(req, res, 500, '500 Internal Server Error\n\nServer got itself in trouble', 'text/plain; charset=utf-8');
    this.calls.push(call);
    this.reply(req, res, 200, []);
  }

  /** Runs an action as HA would; returns what the HTTP layer makes of it. */
  private run(call: ServiceCall): 'ok' | 'invalid' | 'unsupported' {
    const d = call.data;
    const str = (k: string) => (typeof d[k] === 'string' ? (d[k] as string) : undefined);
    if (call.domain === 'notify') {
      if (str('message') === undefined) return 'invalid';
      const render = (t: string) => renderJinja(t);
      call.effect = `${str('title') !== undefined ? `${render(str('title')!)}: ` : ''}${render(str('message')!)}`;
      this.notified.push(call);
      return 'ok';
    }
    if (call.domain === 'tts') {
      if (str('message') === undefined) return 'invalid';
      const speakerId = call.service === 'speak' ? str('media_player_entity_id') : str('entity_id');
      if (call.service === 'speak') {
        if (str('entity_id') === undefined || speakerId === undefined) return 'invalid';
        const tts = this.states.get(str('entity_id')!);
        if (!tts || tts.state === 'unavailable') {
          this.haLog.push(`WARNING Referenced entities ${str('entity_id')} are missing or not currently available`);
          return 'ok';
        }
      }
      if (speakerId === undefined) return 'invalid';
      const speaker = this.states.get(speakerId);
      if (!speaker || speaker.state === 'unavailable') {
        this.haLog.push(`WARNING Referenced entities ${speakerId} are missing or not currently available`);
        return 'ok';
      }
      if ((Number(speaker.attributes.supported_features ?? 0) & PLAY_MEDIA) === 0) {
        this.haLog.push(`ERROR Entity ${speakerId} does not support this service.`);
        return 'unsupported';
      }
      call.effect = str('message');
      this.spoken.push(call);
      return 'ok';
    }
    return 'ok';
  }
}

/** Renders a template with Python's Jinja2, as Home Assistant does (python3 with jinja2 is needed). */
function renderJinja(template: string): string {
  const code = 'import sys\nfrom jinja2.sandbox import ImmutableSandboxedEnvironment as E\nsys.stdout.write(E().from_string(sys.stdin.read()).render())';
  try {
    return execFileSync('python3', ['-c', code], { input: template, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    if (/No module named .?jinja2/.test(err.stderr ?? '')) throw new Error('the Home Assistant double renders notify templates with Jinja2: install it (pip install jinja2, or apt-get install python3-jinja2)');
    throw new Error(`Jinja2 could not render ${JSON.stringify(template)}: ${(err.stderr ?? err.message).trim().split('\n').at(-1)}`);
  }
}
