import { request, type Dispatcher } from 'undici';
import { redactKnown } from '@stream-smarts/contracts';
import { SinkError } from './types.js';

export interface JsonResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

export interface RequestOptions {
  dispatcher?: Dispatcher;
  timeoutMs?: number;
}

/**
 * undici error codes that mean the request never reached the server: trying again cannot make an
 * action run twice. Anything else (a timeout waiting for the answer, a socket closed mid-answer)
 * may have run on the far side.
 */
const NOT_SENT = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

async function send(method: 'GET' | 'POST', url: string, body: unknown, headers: Record<string, string>, opts: RequestOptions): Promise<JsonResponse> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  try {
    const res = await request(url, {
      method,
      headers: { accept: 'application/json', ...(method === 'POST' ? { 'content-type': 'application/json' } : {}), ...headers },
      ...(method === 'POST' ? { body: JSON.stringify(body) } : {}),
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      // undici's own timers tick coarsely (about a second); the signal is exact.
      signal: AbortSignal.timeout(timeoutMs),
      ...(opts.dispatcher ? { dispatcher: opts.dispatcher } : {}),
    });
    const text = await res.body.text();
    return { status: res.statusCode, headers: res.headers, text };
  } catch (e) {
    const err = e as Error & { code?: string; cause?: { code?: string; message?: string } };
    const code = err.code ?? err.cause?.code ?? (err.name === 'TimeoutError' ? 'TIMEOUT' : undefined);
    const sent = code === undefined || !NOT_SENT.has(code);
    throw new SinkError(`${method} ${safeUrl(url)} failed: ${code ? `${code} ` : ''}${err.message}`, { retryable: true, ...(sent ? { mayHaveRun: true } : {}) });
  }
}

/**
 * POSTs a JSON body and reads the whole answer. Network failures and timeouts become retryable
 * SinkErrors; those after the request may have reached the server are marked `mayHaveRun`. Error
 * texts name the URL's origin and path only: tokens travel in headers, never here.
 */
export function postJson(url: string, body: unknown, headers: Record<string, string>, opts: RequestOptions = {}): Promise<JsonResponse> {
  return send('POST', url, body, headers, opts);
}

export function getJson(url: string, headers: Record<string, string>, opts: RequestOptions = {}): Promise<JsonResponse> {
  return send('GET', url, undefined, headers, opts);
}

function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}`;
  } catch {
    return '(bad url)';
  }
}

/** 408, 429 and 5xx may pass; other 4xx will not without a change of configuration. */
export function retryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/**
 * A short, single-line excerpt of a response body for logs and reports. Secrets are redacted
 * before it is shortened: cut first, a token the server echoed would survive in part (161 of
 * its 177 characters), which no later redaction recognises as the whole.
 */
export function excerpt(text: string, max = 200): string {
  const one = redactKnown(text).replace(/\s+/g, ' ').trim();
  return one.length > max ? `${one.slice(0, max)}…` : one;
}

export function header(headers: JsonResponse['headers'], name: string): string | undefined {
  const v = headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}
