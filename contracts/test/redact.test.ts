import { describe, expect, it } from 'vitest';
import { redactKnown, redactor, redactText, redactUrl, redactUrlsIn, rememberSecrets, secretForms, urlLogin } from '../src/redact.js';

describe('redactUrl', () => {
  it('replaces the password and keeps the rest as written', () => {
    expect(redactUrl('http://user:s3cret@ksqldb:8088')).toBe('http://user:REDACTED@ksqldb:8088');
    expect(redactUrl('https://u:p%40ss@h/x?y=1')).toBe('https://u:REDACTED@h/x?y=1');
  });
  it('leaves URLs without a password, and text that is no URL, unchanged', () => {
    expect(redactUrl('http://ksqldb:8088')).toBe('http://ksqldb:8088');
    expect(redactUrl('http://user@ksqldb:8088/')).toBe('http://user@ksqldb:8088/');
    expect(redactUrl('not a url')).toBe('not a url');
  });
});

describe('redactText', () => {
  it('scrubs URL passwords anywhere in a text', () => {
    expect(redactUrlsIn('fetch http://a:b1b2@h:1/x failed; also https://c:d3d4@k')).toBe('fetch http://a:REDACTED@h:1/x failed; also https://c:REDACTED@k');
  });
  it('scrubs configured secrets echoed by a server', () => {
    expect(redactText('{"error":"invalid token o.AbCdEf123"}', ['o.AbCdEf123'])).toBe('{"error":"invalid token [REDACTED]"}');
  });
});

describe('redactor: every form of a secret, and the pieces a shortened text leaves', () => {
  const long = 'eyJhbGciOiJIUzI1NiJ9.' + 'Qm9va3Mgb2YgdGhlIEhvbWUgQXNzaXN0YW50IHRva2VuIHRoYXQgaXMgbG9uZw'.repeat(3);
  it('a secret cut short (161 of 177 characters, then …) is still redacted, and so is its tail', () => {
    const r = redactor(secretForms([long]));
    const head = `error: token ${long.slice(0, 161)}…`;
    expect(r(head)).toBe('error: token [REDACTED]…');
    expect(r(`…${long.slice(-30)} was refused`)).toBe('…[REDACTED] was refused');
  });
  it('half of a short secret is redacted; a shorter piece, or a word an 8-character secret shares, is not', () => {
    const short = 'Zq7xWp4kLm9T';
    const r = redactor(secretForms([short]));
    expect(r(`cut: ${short.slice(0, 6)}…`)).toBe('cut: [REDACTED]…');
    expect(r(`${short.slice(6)} was its tail`)).toBe('[REDACTED] was its tail');
    expect(r('Zq7xW is not half of it')).toBe('Zq7xW is not half of it');
    expect(redactor(secretForms(['ha-token']))('the access token is wrong; ha-token')).toBe('the access token is wrong; [REDACTED]');
  });
  it('the base64 user:password of a Basic header, padded or not, and a URL-encoded password', () => {
    const forms = secretForms([], [{ username: 'ksql-user', password: 'p@ss-w0rd!' }]);
    const b64 = Buffer.from('ksql-user:p@ss-w0rd!').toString('base64');
    const r = redactor(forms);
    expect(r(`authorization: Basic ${b64}`)).toBe('authorization: Basic [REDACTED]');
    expect(r(`authorization: Basic ${b64.replace(/=+$/, '')}"`)).toBe('authorization: Basic [REDACTED]"');
    expect(r('GET http://x/?pw=p%40ss-w0rd!')).toBe('GET http://x/?pw=[REDACTED]');
  });
  it('urlLogin decodes a URL password as a client sends it', () => {
    expect(urlLogin('http://u%40x:p%3Ass@h:1')).toEqual({ username: 'u@x', password: 'p:ss' });
    expect(urlLogin('http://h:1')).toBeUndefined();
  });
  it('redactKnown removes what a loaded configuration remembered, wherever the text comes from', () => {
    const secret = 'remembered-Secret-9f3';
    expect(redactKnown(`x ${secret}`)).toBe(`x ${secret}`);
    rememberSecrets(secretForms([secret]));
    expect(redactKnown(`x ${secret} y ${secret.slice(0, 12)}`)).toBe('x [REDACTED] y [REDACTED]');
  });
});
