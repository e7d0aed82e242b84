import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { countWrites } from '../../pi-collector/test/support/count-writes.js';
import { DeliveryLedger } from '../../notifier/src/ledger.js';
import { tempNameFor, writeFileDurable, writeFileDurableSync, writeStreamDurable } from '../src/durable-file.js';

const dir = () => mkdtempSync(join(tmpdir(), 'durable-'));

describe('the one durable write', () => {
  it('replaces a file whole, through a hidden temporary name of its own, and leaves no temporary file', async () => {
    const d = dir();
    const p = join(d, 'state.json');
    writeFileSync(p, 'old');
    writeFileDurableSync(p, 'new');
    expect(readFileSync(p, 'utf8')).toBe('new');
    await writeFileDurable(p, Buffer.from('newer'));
    expect(readFileSync(p, 'utf8')).toBe('newer');
    await writeStreamDurable(p, ['a', 'b', 'c']);
    expect(readFileSync(p, 'utf8')).toBe('abc');
    expect(readdirSync(d)).toEqual(['state.json']);
    // Two writers (two processes, two calls) never share a temporary name.
    expect(tempNameFor(p)).not.toBe(tempNameFor(p));
    expect(tempNameFor(p)).toMatch(/\/\.state\.json\.tmp-\d+-[0-9a-f]{8}$/);
  });

  it('syncs the file and its directory when durable, neither when not', () => {
    const d = dir();
    const counter = countWrites(d);
    try {
      writeFileDurableSync(join(d, 'a'), 'x');
      expect(counter.files.get('a.tmp')?.syncs).toBe(1);
      expect(counter.files.get('(directory)')?.syncs).toBe(1);
      counter.reset();
      writeFileDurableSync(join(d, 'b'), 'x', { durable: false });
      expect(counter.total().syncs).toBe(0);
    } finally {
      counter.restore();
    }
  });

  it('a failed write keeps the old file and removes its temporary file', async () => {
    if (process.getuid?.() === 0) {
      // root writes through a read-only mode: fail on a directory in the target's place instead.
      const d = dir();
      const p = join(d, 'keep');
      writeFileSync(p, 'old');
      const bad = { [Symbol.asyncIterator]: async function* () { yield 'half'; throw new Error('source failed'); } };
      await expect(writeStreamDurable(p, bad)).rejects.toThrow('source failed');
      expect(readFileSync(p, 'utf8')).toBe('old');
      expect(readdirSync(d)).toEqual(['keep']);
      return;
    }
    const d = dir();
    const p = join(d, 'keep');
    writeFileSync(p, 'old');
    chmodSync(d, 0o500);
    expect(() => writeFileDurableSync(p, 'new')).toThrow();
    chmodSync(d, 0o700);
    expect(readFileSync(p, 'utf8')).toBe('old');
  });

  it("the notifier's ledger compacts through it: fsynced, and whole after the rename", () => {
    const d = dir();
    const path = join(d, 'ledger.jsonl');
    const ledger = new DeliveryLedger(path, 3);
    const counter = countWrites(d);
    try {
      for (let i = 0; i < 7; i++) ledger.add('push', `k${i}`);
      // The seventh add passes twice the limit and compacts to the last three.
      expect(counter.files.get('ledger.jsonl.tmp')?.syncs).toBe(1);
    } finally {
      counter.restore();
    }
    const keys = readFileSync(path, 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { key: string }).key);
    expect(keys).toEqual(['k4', 'k5', 'k6']);
    expect(existsSync(join(d, 'ledger.jsonl'))).toBe(true);
    expect(readdirSync(d)).toEqual(['ledger.jsonl']);
    expect(new DeliveryLedger(path, 3).has('push', 'k6')).toBe(true);
  });
});
