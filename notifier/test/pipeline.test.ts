import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { anomalyRow } from '@stream-smarts/contracts';
import { ConsoleSink, DEFAULT_TEMPLATES, Pipeline, loadState, type Sink } from '@stream-smarts/notifier';
import { capturingLogger, event, MINUTE, tempDir, FIRE_FIRST } from './helpers.js';

const T0 = Date.UTC(2018, 9, 20, 4, 0, 0);
const FAST = { attempts: 2, baseDelayMs: 1, maxDelayMs: 5 };

function pipeline(stateDir: string, sinks: Sink[], now: () => number = () => 0) {
  const { log, lines } = capturingLogger();
  return { p: new Pipeline({ rules: FIRE_FIRST, templates: DEFAULT_TEMPLATES, timezone: 'UTC', retry: FAST, sinks, stateDir, log, now }), lines };
}

const msg = (offset: number, e = event('house', T0 + offset * MINUTE, { hour: 4 })) => ({
  topic: 'ANOMOLY_POWER',
  partition: 0,
  offset: String(offset),
  value: Buffer.from(JSON.stringify(anomalyRow(e))),
});

function printed(): { sink: ConsoleSink; out: string[] } {
  const out: string[] = [];
  return { sink: new ConsoleSink({ write: (s: string) => out.push(s) }), out };
}

describe('the notifier pipeline (no Kafka)', () => {
  it('prints alerts on the console sink, saves state after each message, and passes over a message whose commit was lost', async () => {
    const dir = tempDir('pipeline');
    const { sink, out } = printed();
    const { p } = pipeline(dir, [sink]);
    expect(await p.handle(msg(0))).toBe('processed');
    expect(await p.handle(msg(1))).toBe('processed');
    expect(out).toHaveLength(1);
    expect(out[0]).toMatch(/Power alert \[house\]: Unusual power usage of 1500 Wh at 4:00\. Please check!\n$/);
    const saved = loadState(join(dir, 'state.json')).state;
    expect(saved.offsets).toEqual({ 'ANOMOLY_POWER:0': '1' });
    expect(Object.keys(saved.clocks['ANOMOLY_POWER:0']!.episodes)).toEqual(['house|high']);
    // No temporary files left behind by the atomic writes.
    expect(readdirSync(dir).sort()).toEqual(['delivered.jsonl', 'state.json']);

    // A restart, and offset 1 comes again (its commit was lost): already done.
    const again = pipeline(dir, [printed().sink]);
    expect(await again.p.handle(msg(1))).toBe('already-processed');
    expect(await again.p.handle(msg(2))).toBe('processed');
  });

  it('takes parsed anomalies without Kafka, as `stream-smarts run` will', async () => {
    const { sink, out } = printed();
    const { p } = pipeline(tempDir('run'), [sink]);
    const alerts = [...(await p.observe(event('house', T0, { hour: 4 }))), ...(await p.observe(event('house', T0 + MINUTE)))];
    expect(alerts.map((a) => a.type)).toEqual(['fire']);
    expect(out).toHaveLength(1);
  });

  it('processes messages far behind the saved offset (a recreated topic), and says so', async () => {
    const dir = tempDir('recreated');
    const { p, lines } = pipeline(dir, [printed().sink]);
    await p.handle(msg(500, event('house', T0)));
    expect(await p.handle(msg(3, event('house', T0 + MINUTE)))).toBe('processed');
    expect(lines.some((l) => l.includes('behind the last batch'))).toBe(true);
  });

  it('resolves a quiet episode on tick, by the injected clock', async () => {
    const dir = tempDir('tick');
    let wall = 0;
    const { sink, out } = printed();
    const { p } = pipeline(dir, [sink], () => wall);
    await p.handle(msg(0));
    await p.tick();
    expect(out).toHaveLength(1);
    wall += 16 * MINUTE;
    await p.tick();
    expect(out[1]).toMatch(/Power back to normal \[house\]: Power usage is back to normal \(unusually high since 4:00\)\./);
    expect(loadState(join(dir, 'state.json')).state.clocks['ANOMOLY_POWER:0']!.episodes).toEqual({});
  });

  it('handles a consumer batch with one save; after a crash the whole batch comes again and is passed over, alerts not repeated', async () => {
    const dir = tempDir('batch');
    const { sink, out } = printed();
    const { p } = pipeline(dir, [sink]);
    const batch = [0, 1, 2, 3].map((i) => msg(i, event(`m${i}`, T0 + i * MINUTE, { hour: 4 })));
    expect(await p.handleBatch(batch, { caughtUp: true })).toEqual({ processed: 4, skipped: 0, alreadyProcessed: 0 });
    expect(out).toHaveLength(4);
    const saved = loadState(join(dir, 'state.json')).state;
    expect(saved.offsets).toEqual({ 'ANOMOLY_POWER:0': '3' });
    expect(saved.batchFrom).toEqual({ 'ANOMOLY_POWER:0': '0' });
    // The commit was lost: Kafka hands the batch over again, plus one new message.
    const again = pipeline(dir, [sink]);
    expect(await again.p.handleBatch([...batch, msg(4, event('m4', T0 + 4 * MINUTE, { hour: 4 }))])).toEqual({ processed: 1, skipped: 0, alreadyProcessed: 4 });
    expect(out).toHaveLength(5);
  });

  it('upgrades a version 1 state file (one clock) to per-partition clocks', async () => {
    const dir = tempDir('v1');
    writeFileSync(
      join(dir, 'state.json'),
      JSON.stringify({ version: 1, episodes: { watermark: T0, episodes: {} }, offsets: { 'ANOMOLY_POWER:0': '7' } }),
    );
    const { p } = pipeline(dir, [printed().sink]);
    expect(await p.handle(msg(7))).toBe('already-processed');
    expect(await p.handle(msg(8))).toBe('processed');
    expect(loadState(join(dir, 'state.json')).state).toMatchObject({ version: 2, offsets: { 'ANOMOLY_POWER:0': '8' } });
  });

  it('sets a corrupt state file aside, says so, and starts afresh', async () => {
    const dir = tempDir('corrupt');
    writeFileSync(join(dir, 'state.json'), '{"version": 1, "episodes": {"wat');
    const { p, lines } = pipeline(dir, [printed().sink]);
    expect(lines.some((l) => l.includes('unreadable') && l.includes('starting afresh'))).toBe(true);
    expect(readdirSync(dir).some((f) => f.startsWith('state.json.corrupt-'))).toBe(true);
    expect(await p.handle(msg(0))).toBe('processed');
    expect(existsSync(join(dir, 'state.json'))).toBe(true);
    expect(JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')).version).toBe(2);
  });
});
