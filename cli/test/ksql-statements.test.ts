import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createdObject, splitStatements } from '../src/ksql/statements.js';

const KSQL_DIR = fileURLToPath(new URL('../../ksql/', import.meta.url));

describe('splitStatements', () => {
  it('splits on semicolons outside strings, identifiers and comments', () => {
    const src = [
      "-- a comment; with a semicolon",
      "CREATE STREAM a (k STRING KEY) WITH (KAFKA_TOPIC='t;1', VALUE_FORMAT='JSON');",
      "/* block; comment",
      "   over lines */ SELECT 'it''s; fine', `odd;name` FROM a",
      "  EMIT CHANGES;  -- trailing",
      'INSERT INTO a (k) VALUES ("x;y");',
    ].join('\n');
    const st = splitStatements(src);
    expect(st.map((s) => s.line)).toEqual([2, 4, 6]);
    expect(st[0]!.text).toBe("CREATE STREAM a (k STRING KEY) WITH (KAFKA_TOPIC='t;1', VALUE_FORMAT='JSON');");
    expect(st[1]!.text).toBe("SELECT 'it''s; fine', `odd;name` FROM a\n  EMIT CHANGES;");
    expect(st[2]!.text).toBe('INSERT INTO a (k) VALUES ("x;y");');
  });

  it('names the line of an unterminated string or a missing semicolon', () => {
    expect(() => splitStatements("SELECT 1;\nSELECT 'oops FROM x;")).toThrow(/line 2: unterminated string/);
    expect(() => splitStatements('SELECT 1;\n\nSHOW STREAMS')).toThrow(/line 3: statement does not end with ;/);
    expect(() => splitStatements('SELECT 1; /* never closed')).toThrow(/line 1: unterminated \/\* comment/);
  });

  it('reads what a CREATE statement makes', () => {
    expect(createdObject('CREATE STREAM IF NOT EXISTS raw_power_stream (k STRING KEY) WITH (x=1);')).toEqual({
      kind: 'STREAM',
      name: 'RAW_POWER_STREAM',
      ifNotExists: true,
      orReplace: false,
    });
    expect(createdObject('create or replace table `Mixed` as select 1 from s;')).toMatchObject({ kind: 'TABLE', name: 'Mixed', orReplace: true });
    expect(createdObject('SHOW STREAMS;')).toBeUndefined();
  });
});

describe('the ksql/ statement files', () => {
  const files = readdirSync(KSQL_DIR).filter((f) => f.endsWith('.sql')).sort();

  it('are numbered and applied in order', () => {
    expect(files.length).toBeGreaterThanOrEqual(4);
    for (const f of files) expect(f).toMatch(/^\d{3}-[a-z0-9-]+\.sql$/);
  });

  const made = new Map<string, string>();
  for (const f of files) {
    it(`${f}: one idempotent CREATE whose parentheses balance, over sources made by earlier files`, () => {
      const st = splitStatements(readFileSync(join(KSQL_DIR, f), 'utf8'));
      expect(st).toHaveLength(1);
      const text = st[0]!.text;
      const obj = createdObject(text);
      expect(obj, 'a CREATE STREAM/TABLE statement').toBeDefined();
      expect(obj!.ifNotExists || obj!.orReplace).toBe(true);
      let depth = 0;
      for (const ch of text.replace(/'(?:[^']|'')*'/g, "''")) {
        if (ch === '(') depth++;
        if (ch === ')') depth--;
        expect(depth).toBeGreaterThanOrEqual(0);
      }
      expect(depth).toBe(0);
      const from = /\bFROM\s+([A-Za-z_][A-Za-z0-9_]*)/i.exec(text)?.[1]?.toUpperCase();
      if (from) expect([...made.keys()], `${f} reads ${from}`).toContain(from);
      // ROWTIME is a pseudo column: it may be read, never be a column name or a partition key.
      expect(text).not.toMatch(/PARTITION\s+BY\s+ROWTIME/i);
      expect(text).not.toMatch(/\bROWTIME\b(?!\s+AS\s)/i);
      made.set(obj!.name, f);
    });
  }

  it('keep the 2018 names: raw_power, ANOMOLY_POWER with its spelling, and the columns HOUR, KWH, FN', () => {
    const all = files.map((f) => readFileSync(join(KSQL_DIR, f), 'utf8')).join('\n');
    expect(all).toMatch(/KAFKA_TOPIC = 'raw_power'/);
    expect(all).toMatch(/CREATE STREAM IF NOT EXISTS ANOMOLY_POWER/);
    expect(all).toMatch(/KAFKA_TOPIC = 'ANOMOLY_POWER'/);
    expect(all).toMatch(/ANOMOLY_POWER\(hour, kwh\)/);
    expect(all).toMatch(/\bAS fn,/);
  });
});
