/**
 * What every printed URL, every echoed remote error and every line a program writes passes
 * through, so a secret never reaches a terminal: `http://user:pass@host` loses its password, a
 * server reply that echoes a token loses the token, and a token cut short by a shortened error
 * text loses what is left of it. One redactor, so commands cannot disagree on what is redacted.
 */

/** What a redacted secret becomes. */
export const REDACTED = '[REDACTED]';

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

/** A secret shorter than this would scrub ordinary words; such a secret is weak anyway. */
const MIN_SECRET = 4;
/**
 * Pieces of a secret are looked up by their first MIN_PIECE characters... (fewer would redact
 * words: half of an 8-character `ha-token` is `oken`, in every "access token is wrong").
 */
const MIN_PIECE = 6;
/** ...and redacted from half the secret, or from LONG_PIECE characters of a long one. */
const LONG_PIECE = 8;

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

const base64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

/**
 * The forms a secret takes on the wire and in error bodies: as given, JSON-escaped, URL-encoded,
 * and — for a user and password — the base64 `user:password` of an `Authorization: Basic` header.
 */
export function secretForms(secrets: readonly string[], logins: readonly { username: string; password: string }[] = []): string[] {
  const out = new Set<string>();
  const add = (s: string) => {
    if (s.length < MIN_SECRET) return;
    out.add(s);
    out.add(JSON.stringify(s).slice(1, -1));
    out.add(encodeURIComponent(s));
  };
  for (const s of secrets) add(s);
  for (const l of logins) {
    if (l.password.length < MIN_SECRET) continue;
    add(l.password);
    const b = base64(`${l.username}:${l.password}`);
    add(b);
    // Without its padding, as some servers echo it.
    add(b.replace(/=+$/, ''));
  }
  return [...out];
}

/** The password and login of a URL's user info (`http://user:pass@host`), decoded as a client sends them. */
export function urlLogin(url: string): { username: string; password: string } | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return undefined;
  }
  if (!u.password) return undefined;
  return { username: decode(u.username), password: decode(u.password) };
}

export type Redact = (text: string) => string;

/**
 * A function that replaces every given secret in a text, then every piece of one that a shortened
 * text left behind (a secret's first 161 characters are as much a leak as all 177), then URL
 * passwords. Pieces count from half the secret (at least six characters), or from eight
 * characters of one longer than 16.
 */
export function redactor(secrets: readonly string[]): Redact {
  const list = [...new Set(secrets.filter((s) => s.length >= MIN_SECRET))].sort((a, b) => b.length - a.length);
  if (list.length === 0) return redactUrlsIn;
  // Every MIN_PIECE-character piece of every secret, with where it starts in which secret.
  const grams = new Map<string, { s: number; at: number }[]>();
  list.forEach((s, si) => {
    for (let at = 0; at + MIN_PIECE <= s.length; at++) {
      const g = s.slice(at, at + MIN_PIECE);
      const l = grams.get(g);
      if (l) l.push({ s: si, at });
      else grams.set(g, [{ s: si, at }]);
    }
  });
  const need = (s: string) => Math.min(s.length, Math.max(MIN_PIECE, Math.min(LONG_PIECE, Math.ceil(s.length / 2))));
  return (text) => {
    let out = text;
    for (const n of list) if (out.includes(n)) out = out.split(n).join(REDACTED);
    if (grams.size > 0 && out.length >= MIN_PIECE) out = redactPieces(out, list, grams, need);
    return redactUrlsIn(out);
  };
}

function redactPieces(text: string, list: string[], grams: Map<string, { s: number; at: number }[]>, need: (s: string) => number): string {
  let out = '';
  let i = 0;
  let copied = 0;
  while (i + MIN_PIECE <= text.length) {
    const hits = grams.get(text.slice(i, i + MIN_PIECE));
    let best = 0;
    if (hits) {
      for (const h of hits) {
        const s = list[h.s]!;
        let n = MIN_PIECE;
        while (h.at + n < s.length && i + n < text.length && s[h.at + n] === text[i + n]) n++;
        if (n >= need(s) && n > best) best = n;
      }
    }
    if (best > 0) {
      out += text.slice(copied, i) + REDACTED;
      i += best;
      copied = i;
    } else i++;
  }
  return copied === 0 ? text : out + text.slice(copied);
}

/** Secrets this process has been configured with (every loadConfig adds its own): what redactKnown removes. */
const known = new Set<string>();
let knownRedact: Redact = redactUrlsIn;

/** Adds secrets (in every form, see secretForms) to those redactKnown removes from every output. */
export function rememberSecrets(forms: readonly string[]): void {
  let added = false;
  for (const f of forms) {
    if (f.length < MIN_SECRET || known.has(f)) continue;
    known.add(f);
    added = true;
  }
  if (added) knownRedact = redactor([...known]);
}

/** A text scrubbed of every secret this process knows and of URL passwords: what a line passes last before it is written. */
export function redactKnown(text: string): string {
  return knownRedact(text);
}

/** A remote error body or any other text, scrubbed of the given secrets, those the process knows, and URL passwords. */
export function redactText(text: string, secrets: readonly string[]): string {
  return redactKnown(redactor(secretForms(secrets))(text));
}
