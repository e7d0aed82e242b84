import type { Alert, Message } from '../alert-core/types.js';
import type { Sink, SinkResult } from './types.js';

/** Prints alerts, one line each; the sink when nothing else is configured. */
export class ConsoleSink implements Sink {
  readonly name = 'console';

  constructor(private readonly out: { write(s: string): unknown } = process.stdout) {}

  async send(alert: Alert, message: Message): Promise<SinkResult> {
    this.out.write(`${new Date().toISOString()} ${message.title} [${alert.meterId}]: ${message.body}\n`);
    return { outcome: 'accepted', detail: 'printed' };
  }
}
