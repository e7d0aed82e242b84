/**
 * A training failure the user can act on: `message` says what went wrong and where, `fix` how to
 * put it right. The train command prints both on one line each and exits non-zero.
 */
export class TrainError extends Error {
  constructor(
    message: string,
    readonly fix: string,
    /** Exit status: 1 for a failed run, 2 for bad usage (e.g. an unknown time zone). */
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'TrainError';
  }
}
