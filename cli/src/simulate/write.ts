import { createWriteStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import type { Reading } from '@stream-smarts/contracts';
import { utcOffsetMs, type Scenario } from '@stream-smarts/pi-collector';
import { CommandError } from '../command-error.js';

/** Local wall-clock time with its UTC offset, e.g. 2026-06-01T00:15:00+10:00: what a household export writes. */
export function isoLocal(t: number, timezone: string): string {
  const off = utcOffsetMs(t, timezone);
  const a = Math.abs(off) / 60_000;
  const sign = off < 0 ? '-' : '+';
  const hh = String(Math.floor(a / 60)).padStart(2, '0');
  const mm = String(a % 60).padStart(2, '0');
  return `${new Date(t + off).toISOString().slice(0, 19)}${sign}${hh}:${mm}`;
}

/** CSV lines `timestamp,wh` (the format `train --history` and `collect --replay` read). */
function* csvLines(readings: readonly Reading[], timezone: string): Generator<string> {
  yield 'timestamp,wh\n';
  // String(wh), not toFixed: energy is whole pulses times Wh per pulse, so it round-trips exactly.
  for (const r of readings) yield `${isoLocal(r.ts, timezone)},${r.wh}\n`;
}

/** raw_power records as JSON lines, every field of the Avro schema. */
function* jsonLines(readings: readonly Reading[]): Generator<string> {
  for (const r of readings) yield `${JSON.stringify(r)}\n`;
}

/** Writes the history to a file (gzipped when the name ends .gz) or to stdout. */
export async function writeHistory(readings: readonly Reading[], format: 'csv' | 'jsonl', timezone: string, out: string | undefined): Promise<void> {
  const lines = format === 'csv' ? csvLines(readings, timezone) : jsonLines(readings);
  if (out === undefined) {
    // Chunks of lines: one write per reading would be slow on a pipe.
    let buf = '';
    for (const l of lines) {
      buf += l;
      if (buf.length > 1 << 16) {
        if (!process.stdout.write(buf)) await new Promise((r) => process.stdout.once('drain', r));
        buf = '';
      }
    }
    if (buf) await new Promise<void>((r) => process.stdout.write(buf, () => r()));
    return;
  }
  try {
    await mkdir(dirname(out), { recursive: true });
    const source = Readable.from(lines);
    if (/\.gz$/i.test(out)) await pipeline(source, createGzip(), createWriteStream(out));
    else await pipeline(source, createWriteStream(out));
  } catch (e) {
    throw new CommandError(`--out ${out}: cannot write: ${(e as Error).message}`, 1);
  }
}

/** The ground truth `evaluate` reads: a JSON list of {scenario, start, end}, times ISO-8601 UTC. */
export function truthJson(truth: readonly Scenario[]): string {
  return `${JSON.stringify(
    truth.map((s) => ({ scenario: s.scenario, start: new Date(s.start).toISOString(), end: new Date(s.end).toISOString() })),
    null,
    2,
  )}\n`;
}

export async function writeTruth(truth: readonly Scenario[], file: string): Promise<void> {
  try {
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, truthJson(truth));
  } catch (e) {
    throw new CommandError(`--truth ${file}: cannot write: ${(e as Error).message}`, 1);
  }
}
