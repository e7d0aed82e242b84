import type { Alert, Message } from '../alert-core/types.js';

export interface SinkResult {
  /** suppressed: the sink chose not to send (e.g. quiet hours); it counts as done. */
  outcome: 'accepted' | 'suppressed';
  detail: string;
}

/** Where alerts go. `send` resolves when the far end accepted the alert and throws SinkError otherwise. */
export interface Sink {
  readonly name: string;
  send(alert: Alert, message: Message): Promise<SinkResult>;
  close?(): Promise<void>;
}

/** A failed send; `retryable` says whether trying again may help (5xx, 429, network) or not (4xx). */
export class SinkError extends Error {
  readonly retryable: boolean;
  readonly status: number | undefined;
  /** The far end asked to wait this long (rate limit), if it said. */
  readonly retryAfterMs: number | undefined;
  constructor(message: string, opts: { retryable: boolean; status?: number; retryAfterMs?: number }) {
    super(message);
    this.name = 'SinkError';
    this.retryable = opts.retryable;
    this.status = opts.status;
    this.retryAfterMs = opts.retryAfterMs;
  }
}
