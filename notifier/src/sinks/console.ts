import type { Alert, Message } from '../alert-core/types.js';
import type { Sink, SinkResult } from './types.js';

/** Prints alerts, one line each; the sink when nothing else is configured. */
export class ConsoleSink implements Sink {
  readonly name = 'console';

  constructor(
    private readonly out: { write(s: string): unknown } = process.stdout,
    /** Prefix each line with the alert's event time; `run` turns it off, its view shows the time. */
    private readonly timestamps = true,
  ) {}

  async send(alert: Alert, message: Message): Promise<SinkResult> {
    // Event time, not the wall clock: a replayed or late anomaly is printed with when it happened.
    const stamp = this.timestamps ? `${new Date(alert.at).toISOString()} ` : '';
    this.out.write(`${stamp}${message.title} [${alert.meterId}]: ${message.body}\n`);
    return { outcome: 'accepted', detail: 'printed' };
  }
}
