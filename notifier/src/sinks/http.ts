import { request, type Dispatcher } from 'undici';
import { SinkError } from './types.js';

export interface JsonResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/**
 * POSTs a JSON body and reads the whole answer. Network failures and timeouts become retryable
 * SinkErrors. Error texts name the URL's origin and path only: tokens travel in headers, never here.
 */
export async function postJson(
  url: string,
  body: unknown,
  headers: Record<string, string>,
  opts: { dispatcher?: Dispatcher; timeoutMs?: number } = {},
): Promise<JsonResponse> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  try {
    const res = await request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      ...(opts.dispatcher ? { dispatcher: opts.dispatcher } : {}),
    });
    const text = await res.body.text();
    return { status: res.statusCode, headers: res.headers, text };
  } catch (e) {
    const err = e as Error & { code?: string; cause?: { code?: string; message?: string } };
    const code = err.code ?? err.cause?.code;
    throw new SinkError(`POST ${safeUrl(url)} failed: ${code ? `${code} ` : ''}${err.message}`, { retryable: true });
  }
}

export function safeUrl(url: string): string {
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

/** A short, single-line excerpt of a response body for logs. */
export function excerpt(text: string, max = 200): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > max ? `${one.slice(0, max)}…` : one;
}

export function header(headers: JsonResponse['headers'], name: string): string | undefined {
  const v = headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}
