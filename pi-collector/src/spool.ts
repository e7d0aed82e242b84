import { closeSync, existsSync, fdatasyncSync, fstatSync, fsyncSync, openSync, readFileSync, writeSync, ftruncateSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { ReadingSchema, type Logger, type Reading } from '@stream-smarts/contracts';
import { writeFileDurableSync } from '@stream-smarts/contracts';

/**
 * The append-only on-disk queue of readings between the interval accumulator and Kafka.
 * Every reading goes through it, connected or not, so there is one path and one order:
 *
 *   spool.jsonl     one reading per line, appended; fdatasynced by flush() before each checkpoint
 *                   (the readings must be durable before the hot state that says they are closed)
 *   spool.marks     {producedTs, droppedTs}: readings at or before these are done
 *
 * A reading is pending while its ts is after both marks. Draining is in ts order. The file is
 * compacted (rewritten atomically with only the pending lines) at a checkpoint once mostly dead:
 * about every 1,000 readings with Kafka up.
 *
 * The marks are an economy, not a guarantee: before its first send the drain asks Kafka what it
 * holds and marks that produced (drain.ts), so marks that a crash left behind — or none — cost a
 * look at Kafka's tail, never a duplicate or a lost reading. So they are saved only at checkpoints
 * (saveMarks(), not once per batch), overwritten in place and never synced, and marks that do not
 * parse after a power cut are ignored with a warning. A reading appended at or before producedTs
 * (re-emitted after a crash lost the spool's unsynced tail, while Kafka already had it) is not
 * pending: Kafka has it.
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
  private marksFd: number | undefined;
  private marksDirty = false;
  /** Readings in the file after `recoverAfter` — used at start to reconcile the checkpoint. */
  readonly recovered: Reading[] = [];
  /** [ts, wh] of the lines in the file after `historyAfter`, done or not — the recent log's backstop. */
  readonly history: [number, number][] = [];
  droppedReadings = 0;

  constructor(private readonly opts: SpoolOptions, recoverAfter = -Infinity, historyAfter = Infinity) {
    if (!(opts.maxReadings >= 10)) throw new RangeError(`spool size must be at least 10 readings; got ${opts.maxReadings}`);
    this.file = join(opts.dir, 'spool.jsonl');
    this.marksFile = join(opts.dir, 'spool.marks');
    if (existsSync(this.marksFile)) {
      const parsed = MarksSchema.safeParse(safeJson(readFileSync(this.marksFile, 'utf8')));
      if (parsed.success) {
        const m = parsed.data;
        this.marks = { producedTs: m.producedTs ?? -Infinity, droppedTs: m.droppedTs ?? -Infinity };
      } else {
        opts.log.warn({ marks: this.marksFile }, 'spool marks unreadable (a power cut during their write?): ignoring them; Kafka is asked what it holds before anything is sent');
      }
    }
    this.fd = openSync(this.file, 'a+');
    this.load(recoverAfter, historyAfter);
  }

  private load(recoverAfter: number, historyAfter: number): void {
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
      if (r.ts > historyAfter) this.history.push([r.ts, r.wh]);
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
    if (r.ts <= this.marks.producedTs) {
      // Kafka already holds it (see the class comment): kept in the file, not sent again.
      writeSync(this.fd, JSON.stringify(r) + '\n');
      this.dead++;
      this.dirty = true;
      return;
    }
    if (this.pending.length >= this.opts.maxReadings) this.dropOldest();
    writeSync(this.fd, JSON.stringify(r) + '\n');
    this.pending.push(r);
    this.dirty = true;
    for (const w of this.waiters.splice(0)) w();
  }

  /** Makes the appended readings durable (fdatasync); nothing to do when none was appended. */
  flush(): void {
    if (!this.dirty) return;
    fdatasyncSync(this.fd);
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
    this.marksDirty = true;
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

  /** Whether compact() would rewrite the file: most of it is dead. */
  get compactionDue(): boolean {
    return this.dead >= 1000 && this.dead >= this.pending.length;
  }

  /**
   * Rewrites the file with only the pending lines when most of it is dead. Call right after a
   * checkpoint, and only once the recent log holds the dead lines durably (RecentLog.sync()).
   */
  compact(): void {
    if (!this.compactionDue) return;
    this.flush();
    writeFileDurableSync(this.file, this.pending.map((r) => JSON.stringify(r) + '\n').join(''));
    closeSync(this.fd);
    this.fd = openSync(this.file, 'a+');
    this.dead = 0;
  }

  close(): void {
    this.flush();
    this.saveMarks();
    closeSync(this.fd);
    if (this.marksFd !== undefined) closeSync(this.marksFd);
    this.marksFd = undefined;
  }

  private dropOldest(): void {
    const n = Math.max(1, Math.floor(this.opts.maxReadings / 10));
    const gone = this.pending.splice(0, n);
    const last = gone[gone.length - 1]!;
    this.marks.droppedTs = last.ts;
    this.dead += gone.length;
    this.droppedReadings += gone.length;
    this.marksDirty = true;
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

  /**
   * Saves the marks if they moved: overwritten in place (padded, so a shorter record leaves no old
   * bytes), not synced — see the class comment. Called at checkpoints and on close.
   */
  saveMarks(): void {
    if (!this.marksDirty) return;
    const m = { producedTs: finiteOrNull(this.marks.producedTs), droppedTs: finiteOrNull(this.marks.droppedTs) };
    const record = Buffer.from(JSON.stringify(m).padEnd(MARKS_WIDTH - 1) + '\n');
    this.marksFd ??= openSync(this.marksFile, existsSync(this.marksFile) ? 'r+' : 'w');
    writeSync(this.marksFd, record, 0, record.length, 0);
    this.marksDirty = false;
  }
}

/** Bytes of a marks record: room for two 13-digit instants, so it never shrinks. */
const MARKS_WIDTH = 64;

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
