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

describe('createLogger for a person at a terminal (pretty)', () => {
  function human(opts: { verbose?: boolean; level?: 'info' | 'debug' } = {}) {
    const lines: string[] = [];
    const log = createLogger({ ...opts, pretty: true, destination: { write: (l: string) => lines.push(l) } });
    return { log, lines, text: () => lines.join('') };
  }

  it('writes one line an event: the message, not its fields', () => {
    const { log, text } = human();
    log.info({ url: 'http://127.0.0.1:35957', startupMs: 4231, files: [{ file: 'a.csv', rows: 3 }] }, 'started a local H2O 3.46.0.11 in 4.2 s');
    log.info({ readings: 524160 }, 'read 524,160 readings from 1 file (0 rejected)');
    const out = text();
    expect(out.split('\n').filter(Boolean)).toHaveLength(2);
    expect(out).toMatch(/^\[\d\d:\d\d:\d\d\] INFO: started a local H2O 3\.46\.0\.11 in 4\.2 s\n/);
    expect(out).not.toContain('startupMs');
    expect(out).not.toContain('a.csv');
  });

  it("keeps the error's message on a warning, on the same line", () => {
    const { log, text } = human();
    log.warn({ err: new Error('connect ECONNREFUSED 127.0.0.1:9092'), attempt: 3 }, 'Kafka is not answering; retrying');
    expect(text().trimEnd().split('\n')).toHaveLength(1);
    expect(text()).toContain('WARN: Kafka is not answering; retrying: connect ECONNREFUSED 127.0.0.1:9092');
    expect(text()).not.toContain('attempt');
  });

  it('shows every field when verbose, and by default at debug level', () => {
    for (const opts of [{ verbose: true }, { level: 'debug' as const }]) {
      const { log, text } = human(opts);
      log.info({ startupMs: 4231 }, 'started');
      expect(text()).toContain('startupMs: 4231');
    }
  });

  it('scrubs secrets from the human line too', () => {
    const lines: string[] = [];
    const log = createLogger({ secrets: ['o.SeCrEt123'], pretty: true, destination: { write: (l: string) => lines.push(l) } });
    log.warn({ err: new Error('401 for token o.SeCrEt123') }, 'push refused');
    expect(lines.join('')).toContain('push refused');
    expect(lines.join('')).not.toContain('o.SeCrEt123');
  });
});
