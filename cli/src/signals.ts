/**
 * SIGINT and SIGTERM for long commands: the first aborts the command's signal, so it stops at its
 * next yield point (every reader and source yields often; none runs a long synchronous loop) and
 * cleans up — temporary files removed, nothing half-written. Should it not be done within a
 * second, or on a second signal, the process exits at once with 128 + the signal number.
 */
export interface Stopping {
  signal: AbortSignal;
  /** The signal that stopped the command, if one did. */
  readonly by: NodeJS.Signals | undefined;
  dispose(): void;
}

const CODES: Partial<Record<NodeJS.Signals, number>> = { SIGINT: 130, SIGTERM: 143 };

export function onStopSignals(graceMs = 900): Stopping {
  const ac = new AbortController();
  let by: NodeJS.Signals | undefined;
  let timer: NodeJS.Timeout | undefined;
  const handler = (sig: NodeJS.Signals) => {
    if (by !== undefined) process.exit(CODES[sig] ?? 1);
    by = sig;
    ac.abort();
    timer = setTimeout(() => process.exit(CODES[sig] ?? 1), graceMs);
    timer.unref();
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    signal: ac.signal,
    get by() {
      return by;
    },
    dispose() {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
      clearTimeout(timer);
    },
  };
}

/** Exit status of a command stopped by a signal (130 for SIGINT, 143 for SIGTERM). */
export function stoppedExitCode(sig: NodeJS.Signals): number {
  return CODES[sig] ?? 1;
}
