import { createHash } from 'node:crypto';
import type { Alert, Message } from '../alert-core/types.js';
import { excerpt, header, postJson, retryableStatus } from './http.js';
import { SinkError, type Sink, type SinkResult } from './types.js';

/**
 * Pushbullet "note" pushes: POST {base}/v2/pushes with the Access-Token header and a JSON body
 * {type, title, body, guid, device_iden | channel_tag} (docs.pushbullet.com, "Create push").
 *
 * `guid` is the client's unique id for the push; Pushbullet treats pushes with the same guid as
 * the same push (mostly idempotent), so a replay after a crash does not buzz the phone twice.
 *
 * Rate limits (docs.pushbullet.com, "Ratelimiting"): every answer carries X-Ratelimit-Limit,
 * X-Ratelimit-Remaining and X-Ratelimit-Reset (Unix seconds); past the limit the API answers 429.
 * When Remaining reaches 0 we hold further pushes until Reset instead of spending a 429.
 */
export interface PushbulletOptions {
  url: string;
  token: string;
  deviceIden?: string;
  channelTag?: string;
  timeoutMs?: number;
  now?: () => number;
}

/** The guid sent for an alert: a stable digest of its idempotency key. */
export function pushGuid(alertKey: string): string {
  return `ss-${createHash('sha256').update(alertKey).digest('hex').slice(0, 32)}`;
}

export class PushbulletSink implements Sink {
  readonly name = 'pushbullet';
  private blockedUntil = 0;
  private readonly now: () => number;

  constructor(private readonly opts: PushbulletOptions) {
    this.now = opts.now ?? Date.now;
  }

  async send(alert: Alert, message: Message): Promise<SinkResult> {
    const wait = this.blockedUntil - this.now();
    if (wait > 0) {
      throw new SinkError(`Pushbullet rate limit used up; it resets in ${Math.ceil(wait / 1000)} s`, { retryable: true, retryAfterMs: wait });
    }
    const body = {
      type: 'note',
      title: message.title,
      body: message.body,
      guid: pushGuid(alert.key),
      ...(this.opts.deviceIden ? { device_iden: this.opts.deviceIden } : {}),
      ...(this.opts.channelTag ? { channel_tag: this.opts.channelTag } : {}),
    };
    const res = await postJson(`${this.opts.url}/v2/pushes`, body, { 'Access-Token': this.opts.token }, { timeoutMs: this.opts.timeoutMs ?? 10_000 });
    const remaining = Number(header(res.headers, 'x-ratelimit-remaining'));
    const resetMs = Number(header(res.headers, 'x-ratelimit-reset')) * 1000;
    if (Number.isFinite(remaining) && remaining <= 0 && Number.isFinite(resetMs)) this.blockedUntil = resetMs;

    if (res.status >= 200 && res.status < 300) {
      let iden = '';
      try {
        iden = String((JSON.parse(res.text) as { iden?: unknown }).iden ?? '');
      } catch {
        // A 200 is acceptance whatever the body; the iden is only for the log.
      }
      return { outcome: 'accepted', detail: iden ? `push ${iden}` : `HTTP ${res.status}` };
    }
    let retryAfterMs: number | undefined;
    if (res.status === 429) {
      const retryAfter = Number(header(res.headers, 'retry-after'));
      if (Number.isFinite(resetMs)) retryAfterMs = Math.max(0, resetMs - this.now());
      else if (Number.isFinite(retryAfter)) retryAfterMs = retryAfter * 1000;
    }
    throw new SinkError(`Pushbullet answered HTTP ${res.status}${explain(res.status)}: ${pushbulletError(res.text)}`, {
      retryable: retryableStatus(res.status),
      status: res.status,
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    });
  }
}

function explain(status: number): string {
  if (status === 401) return ' (the access token is wrong or revoked; check PUSHBULLET_ACCESS_TOKEN)';
  if (status === 403) return ' (the token may not do this, e.g. push to that channel)';
  if (status === 429) return ' (rate limited)';
  return '';
}

/** Pushbullet errors are {"error": {"type", "message", "param"?, "cat"}}. */
function pushbulletError(text: string): string {
  try {
    const e = (JSON.parse(text) as { error?: { type?: string; message?: string; param?: string } }).error;
    if (e?.message) return `${e.type ?? 'error'}: ${e.message}${e.param ? ` (param ${e.param})` : ''}`;
  } catch {
    // not JSON
  }
  return excerpt(text);
}
