/**
 * A failure the user can act on, thrown by any command and reported by cli/src/main.ts as one
 * line on stderr ("stream-smarts <command>: <message>") with a non-zero exit: 2 for bad usage (a
 * flag's value), 1 for a failed job (an unreadable file, Kafka refusing).
 */
export class CommandError extends Error {
  override name = 'CommandError';
  constructor(
    message: string,
    readonly exitCode: 1 | 2 = 2,
  ) {
    super(message);
  }
}
