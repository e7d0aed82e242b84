import type { Alert, Message } from '../alert-core/types.js';

export interface SinkResult {
  /** suppressed: the sink chose not to send (quiet hours, a stale announcement); it counts as done. */
  outcome: 'accepted' | 'suppressed';
  detail: string;
}

/** What a sink may also be told besides alerts: the latest reading of a meter (the MQTT dashboard). */
export interface MeterReading {
  meterId: string;
  ts: number;
  /** Trailing-hour power, Wh/h (the KWH column). */
  kwh: number;
  /** The model's score; null when the reading could not be scored. */
  fn: number | null;
  lower?: number;
  upper?: number;
}

/** Where alerts go. `send` resolves when the far end accepted the alert and throws SinkError otherwise. */
export interface Sink {
  readonly name: string;
  send(alert: Alert, message: Message): Promise<SinkResult>;
  /** Optional: every reading (run) or anomaly (notifier) of a meter, for sinks that show live state. Never throws. */
  reading?(r: MeterReading): void;
  close?(): Promise<void>;
}

/** A failed send; `retryable` says whether trying again may help (5xx, 429, network) or not (4xx). */
export class SinkError extends Error {
  readonly retryable: boolean;
  readonly status: number | undefined;
  /** The far end asked to wait this long (rate limit), if it said. */
  readonly retryAfterMs: number | undefined;
  /**
   * The request may have reached the far end and run there (a timeout waiting for the answer).
   * A sink whose action must not run twice (an announcement) turns this into "unconfirmed" and
   * is not sent again.
   */
  readonly mayHaveRun: boolean;
  /** The far end is still starting up: retry with backoff without using up attempts, for a while. */
  readonly starting: boolean;
  constructor(message: string, opts: { retryable: boolean; status?: number; retryAfterMs?: number; mayHaveRun?: boolean; starting?: boolean }) {
    super(message);
    this.name = 'SinkError';
    this.retryable = opts.retryable;
    this.status = opts.status;
    this.retryAfterMs = opts.retryAfterMs;
    this.mayHaveRun = opts.mayHaveRun ?? false;
    this.starting = opts.starting ?? false;
  }
}
