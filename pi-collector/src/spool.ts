import { closeSync, existsSync, fstatSync, fsyncSync, openSync, readFileSync, writeSync, ftruncateSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { ReadingSchema, type Logger, type Reading } from '@stream-smarts/contracts';
import { writeFileAtomic } from './durable-file.js';

/**
 * The append-only on-disk queue of readings between the interval accumulator and Kafka.
 * Every reading goes through it, connected or not, so there is one path and one order:
 *
 *   spool.jsonl     one reading per line, appended; fsynced by flush() before each checkpoint
 *   spool.marks     {producedTs, droppedTs}: readings at or before these are done (atomically replaced)
 *
 * A reading is pending while its ts is after both marks. Draining is in ts order. The file is
 * compacted (rewritten with only the pending lines) at checkpoints, when mostly dead.
 */
export interface SpoolOptions {
  dir: string;
  /** Most pending readings kept; when full the oldest are dropped with a warning. */
  maxReadings: number;
  log: Logger;
}

const MarksSchema = z.object({ producedTs: z.number().nullable(), droppedTs: z.number().nullable() });

interface Marks {
  producedTs: number;
  droppedTs: number;
}

export class Spool {
  private readonly file: string;
  private readonly marksFile: string;
  private fd: number;
  private marks: Marks = { producedTs: -Infinity, droppedTs: -Infinity };
  private pending: Reading[] = [];
  /** Readings in the file that are already produced or dropped (for compaction). */
  private dead = 0;
  private dirty = false;
  private waiters: (() => void)[] = [];
  /** Readings in the file after `after` — used at start to reconcile the checkpoint. */
  readonly recovered: Reading[] = [];
  droppedReadings = 0;

  constructor(private readonly opts: SpoolOptions, recoverAfter = -Infinity) {
    if (!(opts.maxReadings >= 10)) throw new RangeError(`spool size must be at least 10 readings; got ${opts.maxReadings}`);
    this.file = join(opts.dir, 'spool.jsonl');
    this.marksFile = join(opts.dir, 'spool.marks');
    if (existsSync(this.marksFile)) {
      const parsed = MarksSchema.safeParse(safeJson(readFileSync(this.marksFile, 'utf8')));
      if (!parsed.success) throw new Error(`spool marks ${this.marksFile} are not valid; move the state directory away to start afresh`);
      const m = parsed.data;
      this.marks = { producedTs: m.producedTs ?? -Infinity, droppedTs: m.droppedTs ?? -Infinity };
    }
    this.fd = openSync(this.file, 'a+');
    this.load(recoverAfter);
  }

  private load(recoverAfter: number): void {
    const text = readFileSync(this.file, 'utf8');
    let good = 0;
    let lastTs = -Infinity;
    let pos = 0;
    while (pos < text.length) {
      const nl = text.indexOf('\n', pos);
      if (nl < 0) break; // a torn last line from a crash mid-append: not flushed, so not promised
      const line = text.slice(pos, nl);
      const parsed = ReadingSchema.safeParse(safeJson(line));
      if (!parsed.success || parsed.data.ts <= lastTs) {
        throw new Error(`spool ${this.file} has a bad line at byte ${pos}: ${line.slice(0, 120)}; move the file away to start afresh (its readings are then lost)`);
      }
      const r = parsed.data;
      lastTs = r.ts;
      if (r.ts > recoverAfter) this.recovered.push(r);
      if (r.ts > this.floor) this.pending.push(r);
      else this.dead++;
      pos = nl + 1;
      good = Buffer.byteLength(text.slice(0, pos));
    }
    if (good < fstatSync(this.fd).size) {
      ftruncateSync(this.fd, good);
      fsyncSync(this.fd);
    }
  }

  private get floor(): number {
    return Math.max(this.marks.producedTs, this.marks.droppedTs);
  }

  get size(): number {
    return this.pending.length;
  }

  get producedTs(): number {
    return this.marks.producedTs;
  }

  /** Appends a reading (not yet durable: flush() makes it so). Drops the oldest 10% when full. */
  append(r: Reading): void {
    if (this.pending.length >= this.opts.maxReadings) this.dropOldest();
    writeSync(this.fd, JSON.stringify(r) + '\n');
    this.pending.push(r);
    this.dirty = true;
    for (const w of this.waiters.splice(0)) w();
  }

  flush(): void {
    if (!this.dirty) return;
    fsyncSync(this.fd);
    this.dirty = false;
  }

  /** The oldest pending readings, at most n, in ts order. */
  peek(n: number): Reading[] {
    return this.pending.slice(0, n);
  }

  /** Kafka has acknowledged every reading up to ts (or, after a reconcile, already holds them). */
  markProduced(ts: number): void {
    if (ts <= this.marks.producedTs) return;
    this.marks.producedTs = ts;
    let n = 0;
    while (n < this.pending.length && this.pending[n]!.ts <= ts) n++;
    this.pending.splice(0, n);
    this.dead += n;
    this.writeMarks();
  }

  /** Resolves when a reading is pending. */
  waitForReading(): Promise<void> {
    if (this.pending.length > 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Wakes whoever waits for a reading (on shutdown). */
  wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  /** Rewrites the file with only the pending lines when most of it is dead. Call right after a checkpoint. */
  compact(): void {
    if (this.dead < 1000 || this.dead < this.pending.length) return;
    this.flush();
    writeFileAtomic(this.file, this.pending.map((r) => JSON.stringify(r) + '\n').join(''));
    closeSync(this.fd);
    this.fd = openSync(this.file, 'a+');
    this.dead = 0;
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }

  private dropOldest(): void {
    const n = Math.max(1, Math.floor(this.opts.maxReadings / 10));
    const gone = this.pending.splice(0, n);
    const last = gone[gone.length - 1]!;
    this.marks.droppedTs = last.ts;
    this.dead += gone.length;
    this.droppedReadings += gone.length;
    this.writeMarks();
    const wh = gone.reduce((s, r) => s + r.wh, 0);
    this.opts.log.error(
      {
        spool: this.file,
        maxReadings: this.opts.maxReadings,
        dropped: gone.length,
        droppedWh: wh,
        from: new Date(gone[0]!.ts).toISOString(),
        to: new Date(last.ts).toISOString(),
      },
      `spool full (${this.opts.maxReadings} readings not yet in Kafka): dropped the oldest ${gone.length} readings (${wh} Wh); is Kafka or Schema Registry reachable? Raise the spool size to keep more`,
    );
  }

  private writeMarks(): void {
    const m = { producedTs: finiteOrNull(this.marks.producedTs), droppedTs: finiteOrNull(this.marks.droppedTs) };
    writeFileAtomic(this.marksFile, JSON.stringify(m));
  }
}

function finiteOrNull(n: number): number | null {
  return Number.isFinite(n) ? n : null;
}

function safeJson(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}
