import { scrubber } from './log.js';

/**
 * What every printed URL and every echoed remote error passes through, so a secret never reaches
 * a terminal: `http://user:pass@host` loses its password, and a server reply that echoes a token
 * loses the token. One place, so commands cannot disagree on what is redacted.
 */

/** A URL with its password (and user info beyond the user name) replaced; text that is no URL comes back unchanged. */
export function redactUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return url;
  }
  if (!u.password) return url;
  u.password = 'REDACTED';
  // URL.toString adds a trailing slash to bare origins; keep the text as the user wrote it.
  const out = u.toString();
  return url.endsWith('/') || !out.endsWith('/') ? out : out.slice(0, -1);
}

/** Every `scheme://user:pass@` in a text, with the password replaced. */
export function redactUrlsIn(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/[^\s:/@]+):([^\s@/]+)@/gi, '$1:REDACTED@');
}

/** A remote error body or any other text, scrubbed of the given secrets and of URL passwords. */
export function redactText(text: string, secrets: readonly string[]): string {
  return redactUrlsIn(scrubber(secrets)(text));
}
