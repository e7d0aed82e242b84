import { closeSync, existsSync, fdatasyncSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileDurableSync } from '@stream-smarts/contracts';

/**
 * The recent readings, `recent.log`: one line `<end ms> <wh>\n` (about 17 bytes) appended for
 * every reading the collector emits, so that after a restart the trailing measures (contracts
 * TrailingMeasures: the floors, the 24-h mean) are rebuilt from the last day instead of waiting a
 * day. When the file holds more than two days of lines it is rewritten with the last day
 * (rotate(): temp file, fsync, rename, fsync of the directory — a kill at any point leaves the old
 * file or the new one whole), about once a day at one reading a minute.
 *
 * Appends are not synced: the log carries no energy. Every reading in it is also in the spool,
 * which is fsynced before the hot state that moves past it, and on start the collector rebuilds the
 * window from this log and the spool's lines together, so a power cut that loses the log's last
 * lines costs nothing. The spool drops lines only at compaction, and the collector syncs this log
 * first (sync()), so a line leaves the spool only once it is durable here.
 *
 * Why not the spool itself: the spool is a queue that keeps what Kafka does not have yet — during
 * an outage weeks of it, with Kafka up none — and is compacted down to that; the measures need
 * exactly the last day whatever Kafka does. Keeping a day of full readings (~190 bytes each, and
 * more as readings grow) in the spool would mean rewriting ~270 kB at each compaction, and the
 * window's rebuild would hang on the Reading schema; this log rewrites ~25 kB a day.
 */
export class RecentLog {
  readonly path: string;
  private fd: number | undefined;
  private unsynced = false;
  /** Lines in the file (appended since the last rewrite, plus the rewrite's). */
  lines = 0;
  /** Lines read back that were not readings (a tail torn by a crash). */
  badLines = 0;

  constructor(dir: string) {
    this.path = join(dir, 'recent.log');
  }

  /** [end, wh] in file order; torn or bad lines are skipped. Removes a temp file a kill left behind. */
  read(): [number, number][] {
    const tmp = `${this.path}.tmp`;
    if (existsSync(tmp)) unlinkSync(tmp);
    if (!existsSync(this.path)) return [];
    const out: [number, number][] = [];
    const text = readFileSync(this.path, 'utf8');
    let pos = 0;
    while (pos < text.length) {
      const nl = text.indexOf('\n', pos);
      const line = text.slice(pos, nl < 0 ? text.length : nl);
      pos = nl < 0 ? text.length : nl + 1;
      const sp = line.indexOf(' ');
      const end = Number(line.slice(0, sp));
      const wh = Number(line.slice(sp + 1));
      if (nl < 0 || sp <= 0 || !Number.isSafeInteger(end) || !Number.isFinite(wh) || wh < 0) {
        this.badLines++;
        continue;
      }
      out.push([end, wh]);
    }
    this.lines = out.length;
    return out;
  }

  /** Replaces the file with these entries (in order), durably: temp file, fsync, rename, fsync of the directory. */
  rotate(entries: readonly (readonly [number, number])[]): void {
    writeFileDurableSync(this.path, entries.map(([end, wh]) => `${end} ${wh}\n`).join(''));
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    this.lines = entries.length;
    this.unsynced = false;
  }

  /** Appends one reading (not synced: see the class comment). */
  append(end: number, wh: number): void {
    this.fd ??= openSync(this.path, 'a');
    writeSync(this.fd, `${end} ${wh}\n`);
    this.lines++;
    this.unsynced = true;
  }

  /** Makes the appended lines durable (before the spool drops lines the log alone would then hold). */
  sync(): void {
    if (!this.unsynced || this.fd === undefined) return;
    fdatasyncSync(this.fd);
    this.unsynced = false;
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
