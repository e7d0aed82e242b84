import { describe, expect, it } from 'vitest';
import { createLogger } from '../src/log.js';

function capture(secrets: string[]) {
  const lines: string[] = [];
  const log = createLogger({ secrets, pretty: false, destination: { write: (l: string) => lines.push(l) } });
  return { log, lines };
}

describe('createLogger', () => {
  it('writes JSON lines when not pretty', () => {
    const { log, lines } = capture([]);
    log.info({ topic: 'raw_power' }, 'hello');
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 30, msg: 'hello', topic: 'raw_power' });
  });

  it('scrubs secret values wherever they appear, and redacts secret-named fields', () => {
    const secret = 'o.AbCdEf"123\\x';
    const { log, lines } = capture([secret]);
    log.info(`calling with ${secret}`);
    log.warn({ url: `https://x/?token=${secret}`, nested: { deeper: [secret] } }, 'request');
    log.error({ headers: { 'Access-Token': 'other-token-value' }, password: 'pw-value-1' }, 'failed');
    log.error(new Error(`auth failed for ${secret}`));
    const all = lines.join('');
    expect(lines).toHaveLength(4);
    expect(all).not.toContain('o.AbCdEf');
    expect(all).not.toContain('other-token-value');
    expect(all).not.toContain('pw-value-1');
    expect(all).toContain('[REDACTED]');
  });
});
