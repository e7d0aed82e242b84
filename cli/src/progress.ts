import cliProgress from 'cli-progress';
import { beforeLogLines } from '@stream-smarts/contracts';

/**
 * The one progress bar of long commands (run --source replay, evaluate, simulate, plot, train's
 * reading): on stderr, only when stderr is a terminal and never with --json (scripts read the
 * output; a bar is for eyes). A log line clears the bar's line before it is written, and the bar
 * redraws below it on its next frame, so neither breaks the other.
 */
export interface Progress {
  /** value of total; detail is shown after the percentage. */
  update(value: number, detail?: string): void;
  setTotal(total: number): void;
  stop(): void;
}

const NONE: Progress = { update: () => undefined, setTotal: () => undefined, stop: () => undefined };

export function startProgress(o: { label: string; total: number; json: boolean; stream?: NodeJS.WriteStream }): Progress {
  const stream = o.stream ?? process.stderr;
  if (o.json || stream.isTTY !== true) return NONE;
  const bar = new cliProgress.SingleBar(
    { format: `${o.label} |{bar}| {percentage}% {detail}`, stream, hideCursor: true, clearOnComplete: true, forceRedraw: true, fps: 10, barsize: 30 },
    cliProgress.Presets.shades_classic,
  );
  bar.start(Math.max(1, o.total), 0, { detail: '' });
  const unhook = beforeLogLines(() => void stream.write('\r\x1b[K'));
  let stopped = false;
  return {
    update: (value, detail) => bar.update(value, detail === undefined ? {} : { detail }),
    setTotal: (t) => bar.setTotal(Math.max(1, t)),
    stop: () => {
      if (stopped) return;
      stopped = true;
      unhook();
      bar.stop();
    },
  };
}
