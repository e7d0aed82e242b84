/**
 * A failure the user can act on, reported by `simulate` and `plot` as one line on stderr
 * ("stream-smarts <command>: <message>") with a non-zero exit: 2 for bad usage (a flag's value),
 * 1 for a failed job (an unreadable file, Kafka refusing).
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

/** Runs a command body; a CommandError (or any error) becomes one line on stderr and an exit status. */
export async function reportErrors(command: string, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (e) {
    const err = e as Error;
    // Only the first line: a usage error must stay one line even if a library's message is long.
    process.stderr.write(`stream-smarts ${command}: ${(err.message || String(e)).split('\n')[0]}\n`);
    process.exitCode = e instanceof CommandError ? e.exitCode : 1;
  }
}
