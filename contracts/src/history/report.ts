import { HistoryError } from './errors.js';
import type { HistoryFormat } from './rows.js';
import { formatOffset } from './timestamp.js';

/**
 * What reading a history found wrong, the same for every command: bad rows (unparseable,
 * negative, physically impossible), duplicates and rows out of time order, each as file:line;
 * gaps with their spans; and the file's UTC offsets against the zone in use. Memory stays
 * bounded: counts for everything, examples for the first few.
 */
export type BadKind = 'bad' | 'duplicate' | 'out-of-order';

export interface BadRow {
  file: string;
  line: number;
  kind: BadKind;
  reason: string;
}

/** Readings are missing between `from` (the previous reading's end) and `to` (the next one's start). */
export interface Gap {
  file: string;
  /** Line of the first reading after the gap. */
  line: number;
  from: number;
  to: number;
}

export interface FileSummary {
  file: string;
  format: HistoryFormat;
  gzip: boolean;
  /** The file's reading interval in seconds (inferred for CSV, the records' own for JSON lines; 0 when unknown). */
  intervalS: number;
  /** Lines holding data (header, comments and blank lines excluded). */
  dataLines: number;
  readings: number;
  rejected: number;
}

const EXAMPLES = 20;

export class HistoryReport {
  readonly files: FileSummary[] = [];
  dataLines = 0;
  readings = 0;
  readonly counts: Record<BadKind, number> = { bad: 0, duplicate: 0, 'out-of-order': 0 };
  /** The first bad rows, in reading order. */
  readonly examples: BadRow[] = [];
  readonly gaps = { count: 0, totalMs: 0, longest: undefined as Gap | undefined, examples: [] as Gap[] };
  /** Rows whose written UTC offset is not the zone's at that instant. */
  readonly zone = { timezone: undefined as string | undefined, checked: 0, mismatches: 0, first: undefined as { file: string; line: number; offsetMin: number; zoneOffsetMin: number } | undefined };
  /** First and last reading end (epoch ms); NaN before any. */
  from = NaN;
  to = NaN;

  constructor(readonly maxBadShare: number) {}

  get rejected(): number {
    return this.counts.bad + this.counts.duplicate + this.counts['out-of-order'];
  }

  bad(row: BadRow): void {
    this.counts[row.kind]++;
    if (this.examples.length < EXAMPLES) this.examples.push(row);
  }

  gap(g: Gap): void {
    this.gaps.count++;
    this.gaps.totalMs += g.to - g.from;
    if (!this.gaps.longest || g.to - g.from > this.gaps.longest.to - this.gaps.longest.from) this.gaps.longest = g;
    if (this.gaps.examples.length < EXAMPLES) this.gaps.examples.push(g);
  }

  /**
   * The one threshold for giving up: more than maxBadShare of the data lines bad. Checked as
   * the file is read once 1,000 lines are in (so a hopeless file stops early) and at the end.
   */
  checkShare(final: boolean): void {
    const n = this.rejected;
    if (n === 0 || (!final && this.dataLines < 1000)) return;
    const share = n / this.dataLines;
    if (share <= this.maxBadShare) return;
    const where = final ? '' : ` (stopped after ${this.dataLines.toLocaleString('en-US')} lines)`;
    throw new HistoryError(
      `${n.toLocaleString('en-US')} of ${this.dataLines.toLocaleString('en-US')} history rows are bad (${(share * 100).toFixed(2)}%, more than the ${+(this.maxBadShare * 100).toFixed(4)}% allowed)${where}: ${this.countsText()}\n${formatBadRows(this.examples, n)}`,
      'fix or remove those rows, or raise --max-bad-share (STREAM_SMARTS_MAX_BAD_SHARE) if skipping them is fine',
    );
  }

  countsText(): string {
    const c = this.counts;
    return [c.bad ? `${c.bad} unusable` : '', c.duplicate ? `${c.duplicate} duplicate` : '', c['out-of-order'] ? `${c['out-of-order']} out of order` : ''].filter(Boolean).join(', ');
  }

  /** What a user should know though nothing stopped: skipped rows, gaps, offsets that disagree with the zone. One line each. */
  warnings(): string[] {
    const out: string[] = [];
    if (this.rejected > 0) {
      const first = this.examples[0]!;
      out.push(`skipped ${this.rejected.toLocaleString('en-US')} of ${this.dataLines.toLocaleString('en-US')} history rows (${this.countsText()}); first: ${first.file}:${first.line}: ${first.reason}`);
    }
    if (this.gaps.count > 0) {
      const l = this.gaps.longest!;
      out.push(
        `${this.gaps.count.toLocaleString('en-US')} gap${this.gaps.count === 1 ? '' : 's'} in the history, ${formatSpan(this.gaps.totalMs)} in all (no readings made up for them; each restarts the trailing hour)${this.gaps.count === 1 ? ':' : '; longest:'} ${gapText(l)}`,
      );
    }
    const z = this.zone;
    if (z.first && z.timezone) {
      out.push(
        `${z.first.file}: the timestamps' UTC offset (${formatOffset(z.first.offsetMin)} at line ${z.first.line}) is not ${z.timezone}'s (${formatOffset(z.first.zoneOffsetMin)} then) in ${z.mismatches.toLocaleString('en-US')} of ${z.checked.toLocaleString('en-US')} rows; days and hours follow ${z.timezone}: if the file's zone is the household's, use that zone (--timezone, or a model trained in it)`,
      );
    }
    return out;
  }
}

export function gapText(g: Gap): string {
  return `${new Date(g.from).toISOString()} to ${new Date(g.to).toISOString()} (${formatSpan(g.to - g.from)}, before ${g.file}:${g.line})`;
}

/** 90 s, 12 min, 3.5 h, 7.0 days. */
export function formatSpan(ms: number): string {
  if (ms < 120_000) return `${Math.round(ms / 1000)} s`;
  if (ms < 2 * 3_600_000) return `${Math.round(ms / 60_000)} min`;
  if (ms < 2 * 86_400_000) return `${(ms / 3_600_000).toFixed(1)} h`;
  return `${(ms / 86_400_000).toFixed(1)} days`;
}

export function formatBadRows(bad: readonly BadRow[], total = bad.length, show = 5): string {
  const lines = bad.slice(0, show).map((b) => `  ${b.file}:${b.line}: ${b.reason}`);
  if (total > show) lines.push(`  … and ${(total - show).toLocaleString('en-US')} more`);
  return lines.join('\n');
}
