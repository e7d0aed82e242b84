import { describe, expect, it } from 'vitest';
import { redactText, redactUrl, redactUrlsIn } from '../src/redact.js';

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
