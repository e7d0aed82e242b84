import { closeSync, existsSync, fdatasyncSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { z } from 'zod';
import { fsyncDir } from '@stream-smarts/contracts';

/**
 * The collector's hot state: what changes between interval closes and must survive a restart —
 * the open interval and its pulse count, the end of the last reading, where in a replayable source
 * the next pulse comes from, and the pulse total. About 185 bytes. The readings of the last 24 h
 * that the trailing measures need are not in it: they are appended once per reading to the recent
 * log (recent-log.ts), so a checkpoint every few seconds rewrites 185 bytes, not the whole day.
 *
 * On disk: two slot files, hot-state.0 and hot-state.1, written alternately in place (no temp
 * file, no rename, no new inode: one data block and one fdatasync per write, no directory sync).
 * Each holds one line `<json>\t<crc32 of json>\n` with a sequence number; loading takes the valid
 * slot with the highest sequence. A power cut in the middle of a write can tear only the slot being
 * written — each write is fdatasynced before the next one starts, so the other slot always holds
 * the previous state whole. A slot shorter than the last one written there leaves old bytes after
 * its newline, which are ignored.
 *
 * The fdatasync is where a crash would otherwise lose energy: for a live source the open
 * interval's pulses since the last durable write are gone after a power cut (at most
 * `--checkpoint` seconds of them, the documented trade-off). The state is written only when it
 * has changed, so a quiet meter costs nothing.
 *
 * The version-1 checkpoint (state.json, the whole 24 h of readings inside, replaced atomically
 * every checkpoint) is still read: on start it is upgraded (collector.ts) and then removed.
 */
export const HotStateSchema = z.object({
  version: z.literal(2),
  /** Increases by one with every write; the newer of the two slots wins. */
  seq: z.number().int().nonnegative(),
  meterId: z.string(),
  intervalS: z.number().int().positive(),
  source: z.string(),
  /** Replayable sources: opaque position of the next unread pulse (e.g. a line number). */
  cursor: z.string().nullable(),
  /** The open interval's end; null before the first pulse. */
  openEnd: z.number().nullable(),
  openPulses: z.number().int().nonnegative(),
  /** End of the last reading emitted; null: none yet. */
  lastClosed: z.number().nullable(),
  /** Pulses counted since the state directory was created (for people; not used for energy). */
  totalPulses: z.number().int().nonnegative(),
});
export type HotState = z.infer<typeof HotStateSchema>;
/** What the collector hands to save(): the state without its bookkeeping. */
export type HotFields = Omit<HotState, 'version' | 'seq'>;

/** The version-1 checkpoint, state.json: still read, to upgrade a state directory written by an older collector. */
export const CheckpointV1Schema = z.object({
  version: z.literal(1),
  meterId: z.string(),
  intervalS: z.number().int().positive(),
  source: z.string(),
  cursor: z.string().nullable(),
  interval: z.object({
    openEnd: z.number().nullable(),
    openPulses: z.number().int().nonnegative(),
    lastClosed: z.number().nullable(),
    /** [end, wh] of the readings of the last 24 h. */
    recent: z.array(z.tuple([z.number(), z.number()])),
  }),
  totalPulses: z.number().int().nonnegative(),
});
export type CheckpointV1 = z.infer<typeof CheckpointV1Schema>;

export interface LoadedState {
  hot: HotFields;
  /** Set when the state came from a version-1 state.json: its [end, wh] readings of the last 24 h. */
  v1Recent?: [number, number][];
}

export const HOT_STATE_FILES = ['hot-state.0', 'hot-state.1'] as const;
const V1_FILE = 'state.json';

/** The record in a slot, or why there is none. */
function parseSlot(text: string): HotState | string {
  const nl = text.indexOf('\n');
  if (nl < 0) return 'no complete record (a write torn by a crash)';
  const line = text.slice(0, nl);
  const tab = line.lastIndexOf('\t');
  if (tab < 0) return 'no checksum';
  const json = line.slice(0, tab);
  if (line.slice(tab + 1) !== crc32(json).toString(16).padStart(8, '0')) return 'checksum mismatch (a write torn by a crash)';
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (e) {
    return `not JSON (${(e as Error).message})`;
  }
  const parsed = HotStateSchema.safeParse(value);
  if (!parsed.success) return parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
  return parsed.data;
}

export class StateStore {
  readonly dir: string;
  private readonly fds: (number | undefined)[] = [undefined, undefined];
  private seq = 0;
  /** The slot the next write goes to: never the one holding the newest state. */
  private next = 0;
  /** The last state written or loaded, without seq: a write that would change nothing is skipped. */
  private last: string | undefined;
  /** Writes done (for tests and the log). */
  writes = 0;

  constructor(dir: string) {
    this.dir = dir;
  }

  /** The newest valid hot state; else an upgraded version-1 state.json; else undefined (a fresh directory). */
  load(): LoadedState | undefined {
    const slots = HOT_STATE_FILES.map((f) => {
      const path = join(this.dir, f);
      return existsSync(path) ? parseSlot(readFileSync(path, 'utf8')) : undefined;
    });
    let best = -1;
    slots.forEach((s, i) => {
      if (typeof s === 'object' && (best < 0 || s.seq > (slots[best] as HotState).seq)) best = i;
    });
    if (best >= 0) {
      const { version: _v, seq, ...hot } = slots[best] as HotState;
      this.seq = seq;
      this.next = 1 - best;
      this.last = JSON.stringify(hot);
      return { hot };
    }
    const v1 = this.loadV1();
    if (v1) {
      const { version: _v, interval, ...rest } = v1;
      return { hot: { ...rest, openEnd: interval.openEnd, openPulses: interval.openPulses, lastClosed: interval.lastClosed }, v1Recent: interval.recent };
    }
    // Only one slot was ever written and that first write was torn: nothing had been counted yet.
    // Both slots bad cannot come from a crash (one write at a time): refuse to guess.
    if (slots.every((s) => typeof s === 'string')) {
      throw new Error(
        `the collector state in ${this.dir} is not valid (${HOT_STATE_FILES.map((f, i) => `${f}: ${slots[i]}`).join('; ')}); move the directory away to start afresh`,
      );
    }
    return undefined;
  }

  private loadV1(): CheckpointV1 | undefined {
    const path = join(this.dir, V1_FILE);
    if (!existsSync(path)) return undefined;
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(path, 'utf8'));
    } catch (e) {
      throw new Error(`the collector state ${path} is not JSON (${(e as Error).message}); move it away to start afresh`);
    }
    const parsed = CheckpointV1Schema.safeParse(json);
    if (!parsed.success) throw new Error(`the collector state ${path} is not valid: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    return parsed.data;
  }

  /**
   * Writes the state to the next slot and fdatasyncs it, unless it equals the last state written.
   * Returns whether it wrote. When this returns, a power cut leaves this state or a later one.
   */
  save(h: HotFields): boolean {
    const body = JSON.stringify(h);
    if (body === this.last) return false;
    const json = JSON.stringify({ version: 2, seq: this.seq + 1, ...h } satisfies HotState);
    const record = Buffer.from(`${json}\t${crc32(json).toString(16).padStart(8, '0')}\n`);
    const i = this.next;
    let fd = this.fds[i];
    let created = false;
    if (fd === undefined) {
      const path = join(this.dir, HOT_STATE_FILES[i]!);
      created = !existsSync(path);
      fd = openSync(path, created ? 'w' : 'r+');
      this.fds[i] = fd;
    }
    writeSync(fd, record, 0, record.length, 0);
    fdatasyncSync(fd);
    // A new slot file's name must be durable too, or a later power cut could take the file with it
    // (twice in a state directory's life).
    if (created) fsyncDir(this.dir);
    this.seq++;
    this.next = 1 - i;
    this.last = body;
    this.writes++;
    return true;
  }

  /**
   * Removes a version-1 state.json once its contents are durable in the new form. Not synced: if a
   * power cut undoes the removal, the hot state still wins on the next start, which removes it again.
   */
  removeV1(): void {
    const path = join(this.dir, V1_FILE);
    if (existsSync(path)) unlinkSync(path);
  }

  close(): void {
    for (let i = 0; i < this.fds.length; i++) {
      if (this.fds[i] !== undefined) closeSync(this.fds[i]!);
      this.fds[i] = undefined;
    }
  }
}

/** The newest hot state in a state directory, for tests and tools (undefined if none). */
export function readHotState(dir: string): HotState | undefined {
  let best: HotState | undefined;
  for (const f of HOT_STATE_FILES) {
    const path = join(dir, f);
    if (!existsSync(path)) continue;
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      continue;
    }
    const s = parseSlot(text);
    if (typeof s === 'object' && (!best || s.seq > best.seq)) best = s;
  }
  return best;
}
