import { createGzip } from 'node:zlib';
import { zoneOffsetMin, writeFileDurable, writeStreamDurable } from '@stream-smarts/contracts';
import type { Reading } from '@stream-smarts/contracts';
import type { Scenario } from '@stream-smarts/pi-collector';
import { CommandError } from '../command-error.js';

/** Local wall-clock time with its UTC offset, e.g. 2026-06-01T00:15:00+10:00: what a household export writes. */
export function isoLocal(t: number, timezone: string): string {
  const off = zoneOffsetMin(t, timezone) * 60_000;
  const a = Math.abs(off) / 60_000;
  const sign = off < 0 ? '-' : '+';
  const hh = String(Math.floor(a / 60)).padStart(2, '0');
  const mm = String(a % 60).padStart(2, '0');
  return `${new Date(t + off).toISOString().slice(0, 19)}${sign}${hh}:${mm}`;
}

/** CSV lines `timestamp,wh` (the format `train --history` and `collect --replay` read), a chunk of readings at a time. */
async function* csvText(chunks: AsyncIterable<readonly Reading[]>, timezone: string): AsyncGenerator<string> {
  yield 'timestamp,wh\n';
  // String(wh), not toFixed: energy is whole pulses times Wh per pulse, so it round-trips exactly.
  for await (const rs of chunks) {
    let s = '';
    for (const r of rs) s += `${isoLocal(r.ts, timezone)},${r.wh}\n`;
    yield s;
  }
}

/** raw_power records as JSON lines, every field of the Avro schema. */
async function* jsonText(chunks: AsyncIterable<readonly Reading[]>): AsyncGenerator<string> {
  for await (const rs of chunks) {
    let s = '';
    for (const r of rs) s += `${JSON.stringify(r)}\n`;
    yield s;
  }
}

/**
 * Writes the history to a file (gzipped when the name ends .gz) or to stdout, streaming. A file is
 * written atomically (contracts/src/durable-file.ts): an error or a signal leaves the previous file or none.
 */
export async function writeHistory(chunks: AsyncIterable<readonly Reading[]>, format: 'csv' | 'jsonl', timezone: string, out: string | undefined, signal?: AbortSignal): Promise<void> {
  const text = format === 'csv' ? csvText(chunks, timezone) : jsonText(chunks);
  if (out === undefined) {
    for await (const s of text) {
      if (signal?.aborted) return;
      if (!process.stdout.write(s)) await new Promise((r) => process.stdout.once('drain', r));
    }
    return;
  }
  try {
    await writeStreamDurable(out, text, /\.gz$/i.test(out) ? [createGzip()] : [], signal);
  } catch (e) {
    if (signal?.aborted) return;
    throw new CommandError(`--out ${out}: cannot write: ${(e as Error).message}`, 1);
  }
}

/** The ground truth `evaluate` reads: a JSON list of {scenario, start, end}, times ISO-8601 UTC. */
function truthJson(truth: readonly Scenario[]): string {
  return `${JSON.stringify(
    truth.map((s) => ({ scenario: s.scenario, start: new Date(s.start).toISOString(), end: new Date(s.end).toISOString() })),
    null,
    2,
  )}\n`;
}

export async function writeTruth(truth: readonly Scenario[], file: string): Promise<void> {
  try {
    await writeFileDurable(file, truthJson(truth));
  } catch (e) {
    throw new CommandError(`--truth ${file}: cannot write: ${(e as Error).message}`, 1);
  }
}
