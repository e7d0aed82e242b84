import { createServer as createHttp, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttps } from 'node:https';
import type { AddressInfo } from 'node:net';
import { Faults, readBody } from './faults.js';

/**
 * A test double of Home Assistant's REST API, following developers.home-assistant.io/docs/api/rest
 * ("POST /api/services/<domain>/<service>"): every call needs `Authorization: Bearer <token>` (401
 * "401: Unauthorized" otherwise), bodies are JSON, success is 200 with a JSON list of changed states,
 * an unknown action or bad data is 400 with {"message"}. The actions it knows, and their fields,
 * follow home-assistant.io/integrations/tts (tts.speak: entity_id of a tts entity,
 * media_player_entity_id, message; legacy tts.<platform>_say: entity_id of a media player, message)
 * and home-assistant.io/integrations/notify (notify.<name>: message, optional title).
 */
export interface ServiceCall {
  at: number;
  domain: string;
  service: string;
  data: Record<string, unknown>;
}

export class HomeAssistantDouble {
  readonly faults = new Faults(11);
  /** Calls answered 200. */
  readonly calls: ServiceCall[] = [];
  readonly statuses: number[] = [];
  ttsEntities = new Set(['tts.google_translate_en_com']);
  mediaPlayers = new Set(['media_player.kitchen_speaker']);
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

  private reply(res: ServerResponse, status: number, body: unknown, type = 'application/json'): void {
    this.statuses.push(status);
    res.writeHead(status, { 'content-type': type });
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const text = await readBody(req);
    if (this.faults.latencyMs > 0) await new Promise((r) => setTimeout(r, this.faults.latencyMs));
    if (req.headers.authorization !== `Bearer ${this.token}`) return this.reply(res, 401, '401: Unauthorized', 'text/plain');
    const m = /^\/api\/services\/([a-z_]+)\/([a-z0-9_]+)$/.exec(req.url ?? '');
    if (!m || req.method !== 'POST') return this.reply(res, 404, '404: Not Found', 'text/plain');
    const injected = this.faults.next();
    if (injected !== undefined) return this.reply(res, injected, `${injected}: Internal Server Error`, 'text/plain');
    let data: Record<string, unknown>;
    try {
      data = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      return this.reply(res, 400, { message: 'Data should be valid JSON.' });
    }
    const [, domain, service] = m as unknown as [string, string, string];
    const problem = this.validate(domain, service, data);
    if (problem) return this.reply(res, 400, { message: problem });
    this.calls.push({ at: Date.now(), domain, service, data });
    this.reply(res, 200, []);
  }

  private validate(domain: string, service: string, d: Record<string, unknown>): string | undefined {
    const str = (k: string) => (typeof d[k] === 'string' && (d[k] as string).length > 0 ? (d[k] as string) : undefined);
    if (domain === 'tts' && service === 'speak') {
      if (!str('message')) return 'required key not provided @ data[\'message\']';
      if (!this.ttsEntities.has(str('entity_id') ?? '')) return `Referenced entities ${String(d.entity_id)} are missing or not currently available`;
      if (!this.mediaPlayers.has(str('media_player_entity_id') ?? '')) return 'required key not provided @ data[\'media_player_entity_id\']';
      return undefined;
    }
    if (domain === 'tts' && this.legacyTts.has(service)) {
      if (!str('message')) return 'required key not provided @ data[\'message\']';
      if (!this.mediaPlayers.has(str('entity_id') ?? '')) return 'required key not provided @ data[\'entity_id\']';
      return undefined;
    }
    if (domain === 'notify' && this.notifiers.has(service)) {
      if (!str('message')) return 'required key not provided @ data[\'message\']';
      return undefined;
    }
    return `Service ${domain}.${service} not found.`;
  }
}
