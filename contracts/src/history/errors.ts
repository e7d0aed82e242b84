/**
 * A history that cannot be used: `message` says what is wrong and where (file:line), `fix` how to
 * put it right. Every command that reads a history reports it the same way (cli/src/main.ts) and
 * exits 1: the job failed on its input.
 */
export class HistoryError extends Error {
  override name = 'HistoryError';
  constructor(
    message: string,
    readonly fix: string,
    readonly exitCode: 1 | 2 = 1,
  ) {
    super(message);
  }
}

/** What a history file may hold, for the fixes in messages. */
export const HISTORY_FORMATS_HINT = 'pass CSV `timestamp,wh` (ISO-8601 with offset, the Wh used in the interval ending then) or JSON lines of raw_power records; .gz is fine';
