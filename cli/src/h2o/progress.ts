import cliProgress from 'cli-progress';
import type { Logger } from '@stream-smarts/contracts';

/**
 * Progress lines for long work, on stderr (stdout stays for --json): the one-time H2O download,
 * the local H2O's start-up, the UDF jar build, and the training stages. One line is drawn at a
 * time, so lines never overwrite each other: a new piece of work ends the training line, which
 * comes back at the next stage.
 */
interface ProgressLine {
  /** Work done so far, in the line's unit; `note` replaces the text after the figures. */
  update(value: number, note?: string): void;
  /** The total, once known (a download learns its size after it starts). */
  setTotal(total: number): void;
  /** Ends the line, leaving `summary` in its place when given. */
  done(summary?: string): void;
}

export interface Progress {
  /** A line for one piece of work. Without `total` it shows the elapsed time (a start-up, a build). */
  line(title: string, opts?: { total?: number; unit?: string }): ProgressLine;
  /** The training line: `stage` with a fraction 0–1. */
  stage(name: string, fraction: number): void;
  /** Ends whatever line is drawn. */
  stop(): void;
}

const silentLine: ProgressLine = { update: () => {}, setTotal: () => {}, done: () => {} };

/** For --json, a non-terminal stderr, and library callers: the log lines say what happened. */
export const noProgress: Progress = { line: () => silentLine, stage: () => {}, stop: () => {} };

/** Draws on a terminal stream with cli-progress. */
export function terminalProgress(stream: NodeJS.WriteStream = process.stderr): Progress {
  let active: { bar: cliProgress.SingleBar; kind: 'line' | 'stage' } | undefined;
  const end = () => {
    active?.bar.stop();
    active = undefined;
  };
  const make = (format: string, clearOnComplete: boolean) =>
    new cliProgress.SingleBar({ format, stream, hideCursor: true, clearOnComplete, barsize: 30, etaBuffer: 20 }, cliProgress.Presets.shades_classic);

  return {
    line(title, opts = {}) {
      end();
      const unit = opts.unit ? ` ${opts.unit}` : '';
      const measured = `${title} |{bar}| {percentage}% {value}/{total}${unit} {note}`;
      const open = `${title} … {duration_formatted} {note}`;
      let bar = make(opts.total !== undefined ? measured : open, true);
      let total = opts.total ?? 1;
      let value = 0;
      bar.start(total, 0, { note: '' });
      const mine = { bar, kind: 'line' as const };
      active = mine;
      return {
        update(v, note) {
          if (active !== mine) return;
          value = v;
          bar.update(Math.min(v, total), note !== undefined ? { note } : {});
        },
        setTotal(t) {
          if (active !== mine || opts.total !== undefined) return;
          // An open-ended line that learned its total becomes a measured one.
          bar.stop();
          total = t;
          bar = make(measured, true);
          mine.bar = bar;
          bar.start(t, Math.min(value, t), { note: '' });
        },
        done(summary) {
          if (active === mine) end();
          if (summary) stream.write(`${summary}\n`);
        },
      };
    },
    stage(name, fraction) {
      if (active?.kind !== 'stage') {
        end();
        const bar = make('training |{bar}| {percentage}% {stage}', true);
        bar.start(100, 0, { stage: name });
        active = { bar, kind: 'stage' };
      }
      active.bar.update(Math.round(Math.min(1, Math.max(0, fraction)) * 100), { stage: name });
    },
    stop: end,
  };
}

const LEVELS = new Set(['trace', 'debug', 'info', 'warn', 'error', 'fatal']);

/**
 * The logger, except that a log line first ends the drawn progress line, so the two never print
 * over each other on a terminal; the next update draws the line again below the log.
 */
export function pauseForLogs(log: Logger, progress: Progress): Logger {
  return new Proxy(log, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver) as unknown;
      if (typeof prop !== 'string' || !LEVELS.has(prop) || typeof v !== 'function') return v;
      return (...args: unknown[]) => {
        if (target.isLevelEnabled(prop)) progress.stop();
        return (v as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}
