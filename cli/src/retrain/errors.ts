/**
 * A retrain that cannot go on, with what was wrong and how to fix it: main.ts prints
 * "stream-smarts retrain: <message> — fix: <fix>" and exits with `exitCode`. Whenever one is
 * thrown, models/current has not been touched.
 */
export class RetrainError extends Error {
  override name = 'RetrainError';
  constructor(
    message: string,
    readonly fix: string,
    /** 1 a failed run (Kafka down, too little history), 2 bad usage. */
    readonly exitCode: 1 | 2 = 1,
  ) {
    super(message);
  }
}
