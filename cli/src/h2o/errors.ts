/**
 * Something a local H2O needs is missing or broken (Java, python3's pip for the one-time download,
 * the jar, a port): `message` says what and where, `fix` how to put it right. `train` shows both
 * on one line.
 */
export class LocalH2OError extends Error {
  constructor(
    message: string,
    readonly fix: string,
  ) {
    super(message);
    this.name = 'LocalH2OError';
  }
}
