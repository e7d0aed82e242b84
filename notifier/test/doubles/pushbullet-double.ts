import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Faults, readBody } from './faults.js';

/**
 * A test double of the Pushbullet HTTP API, following docs.pushbullet.com (API v2):
 * - "Requests": POST bodies are JSON with Content-Type application/json; the access token goes in
 *   the Access-Token header; a missing or wrong token is 401.
 * - "Create push" (POST /v2/pushes): type note with optional title and body; target device_iden,
 *   channel_tag, email or client_iden (one at most); guid is the client's unique id and pushes with
 *   the same guid are (mostly) idempotent: the existing push comes back. The answer is the push object.
 * - "Errors": non-200 answers carry {"error": {"type", "message", "param"?, "cat"}}; 400 bad request,
 *   401 unauthorized, 403 forbidden, 404 not found, 429 too many requests, 5xx server error.
 * - "Ratelimiting": every answer has X-Ratelimit-Limit, X-Ratelimit-Remaining and X-Ratelimit-Reset
 *   (Unix seconds); past the limit, 429.
 */
export interface PushRequest {
  at: number;
  status: number;
  body: Record<string, unknown> | undefined;
}

export interface Push {
  iden: string;
  guid?: string;
  type: string;
  title?: string;
  body?: string;
  device_iden?: string;
  channel_tag?: string;
}

export class PushbulletDouble {
  readonly faults = new Faults(7);
  readonly requests: PushRequest[] = [];
  readonly pushes: Push[] = [];
  /** Requests that got a 200: what the sender saw accepted. */
  readonly accepted: Push[] = [];
  devices = new Set(['ujpah72o0sjAoRtnM0jc']);
  channels = new Set(['power-alerts']);
  limit = 32_768;
  remaining = 32_768;
  resetAt = Math.floor(Date.now() / 1000) + 3600;
  /** Called as each push is accepted (before the answer), for latency measurements. */
  onPush?: (p: Push) => void;
  private server: Server;
  url = '';

  constructor(readonly token: string) {
    this.server = createServer((req, res) => void this.handle(req, res));
  }

  async start(): Promise<this> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  private error(res: ServerResponse, status: number, type: string, message: string, param?: string): void {
    this.send(res, status, { error: { type, message, ...(param ? { param } : {}), cat: '~(=^‥^)' } });
  }

  private send(res: ServerResponse, status: number, body: unknown, extra: Record<string, string> = {}): void {
    res.writeHead(status, {
      'content-type': 'application/json',
      'x-ratelimit-limit': String(this.limit),
      'x-ratelimit-remaining': String(Math.max(0, this.remaining)),
      'x-ratelimit-reset': String(this.resetAt),
      ...extra,
    });
    res.end(JSON.stringify(body));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const text = await readBody(req);
    if (this.faults.latencyMs > 0) await new Promise((r) => setTimeout(r, this.faults.latencyMs));
    let body: Record<string, unknown> | undefined;
    const record = (status: number) => this.requests.push({ at: Date.now(), status, body });
    if (req.url !== '/v2/pushes' || req.method !== 'POST') {
      record(404);
      return this.error(res, 404, 'invalid_request', 'The resource could not be found.');
    }
    if (req.headers['access-token'] !== this.token) {
      record(401);
      return this.error(res, 401, 'invalid_request', 'Access token is missing or invalid.');
    }
    const injected = this.faults.next();
    if (injected === 429) {
      // As a real rate limit: nothing left until the reset a second from now.
      this.remaining = 0;
      this.resetAt = Math.floor(Date.now() / 1000) + 1;
      record(429);
      const r = this.error(res, 429, 'invalid_request', 'Too many requests, please try again later.');
      this.remaining = this.limit;
      return r;
    }
    if (injected !== undefined) {
      record(injected);
      return this.error(res, injected, 'server', 'Internal server error.');
    }
    if (this.remaining <= 0 && Date.now() / 1000 < this.resetAt) {
      record(429);
      return this.error(res, 429, 'invalid_request', 'Too many requests, please try again later.');
    }
    if (!String(req.headers['content-type'] ?? '').startsWith('application/json')) {
      record(400);
      return this.error(res, 400, 'invalid_request', 'Content-Type must be application/json.');
    }
    try {
      body = JSON.parse(text) as Record<string, unknown>;
    } catch {
      record(400);
      return this.error(res, 400, 'invalid_request', 'Failed to decode JSON body.');
    }
    if (!['note', 'link', 'file'].includes(String(body.type))) {
      record(400);
      return this.error(res, 400, 'invalid_request', 'Invalid push type.', 'type');
    }
    const targets = ['device_iden', 'channel_tag', 'email', 'client_iden'].filter((k) => body![k] !== undefined);
    if (targets.length > 1) {
      record(400);
      return this.error(res, 400, 'invalid_request', 'Only one target may be given.', targets[1]);
    }
    if (body.device_iden !== undefined && !this.devices.has(String(body.device_iden))) {
      record(400);
      return this.error(res, 400, 'invalid_request', 'Device not found.', 'device_iden');
    }
    if (body.channel_tag !== undefined && !this.channels.has(String(body.channel_tag))) {
      record(400);
      return this.error(res, 400, 'invalid_request', 'Channel not found.', 'channel_tag');
    }
    this.remaining -= 1;
    let push = body.guid !== undefined ? this.pushes.find((p) => p.guid === body!.guid) : undefined;
    if (!push) {
      push = {
        iden: `ujpah72o0sj${String(this.pushes.length).padStart(9, '0')}`,
        type: String(body.type),
        ...(body.guid !== undefined ? { guid: String(body.guid) } : {}),
        ...(body.title !== undefined ? { title: String(body.title) } : {}),
        ...(body.body !== undefined ? { body: String(body.body) } : {}),
        ...(body.device_iden !== undefined ? { device_iden: String(body.device_iden) } : {}),
        ...(body.channel_tag !== undefined ? { channel_tag: String(body.channel_tag) } : {}),
      };
      this.pushes.push(push);
    }
    this.accepted.push(push);
    this.onPush?.(push);
    record(200);
    const now = Date.now() / 1000;
    this.send(res, 200, { active: true, created: now, modified: now, dismissed: false, direction: 'self', sender_iden: 'ujpah72o0', ...push });
  }
}
