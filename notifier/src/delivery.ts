import type { Logger } from '@stream-smarts/contracts';
import type { Alert, Message } from './alert-core/types.js';
import type { DeadLetterFile } from './dead-letter.js';
import type { DeliveryLedger } from './ledger.js';
import { SinkError, type Sink } from './sinks/types.js';

export interface RetryPolicy {
  /** Attempts per sink, the first included. */
  attempts: number;
  baseDelayMs: number;
  /** Cap of one backoff wait, and the longest rate-limit wait honoured before giving up. */
  maxDelayMs: number;
  /**
   * How long a sink whose far end is still starting or not answering at all (Home Assistant
   * restarting: its port closed, then STARTING) is retried, attempts aside (homeAssistant.startupWait).
   */
  startupWaitMs?: number;
}

export interface SinkReport {
  sink: string;
  /**
   * accepted / suppressed (the sink chose not to: quiet hours, stale) / already-delivered (the
   * ledger says so, after a restart) / unconfirmed (sent, no answer, not resent: may have run) /
   * dead-lettered (given up) / silenced (a silence matched) / held (away mode).
   */
  outcome: 'accepted' | 'suppressed' | 'already-delivered' | 'unconfirmed' | 'dead-lettered' | 'silenced' | 'held';
  attempts: number;
  detail: string;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Exponential backoff with jitter: attempt n waits between half and all of base·2^(n-1), capped. */
export function backoffMs(attempt: number, p: RetryPolicy, random: () => number = Math.random): number {
  const d = Math.min(p.maxDelayMs, p.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(d / 2 + (random() * d) / 2);
}

/**
 * Sends one alert to every sink at once and resolves when each has accepted it or been given up
 * on: a failing sink never holds the others back, and the caller commits only after this resolves.
 * Given-up alerts go to the dead-letter file. Never throws.
 *
 * A sink whose far end is down (SinkError `starting`: Home Assistant restarting, refusing
 * connections, or not RUNNING yet) is not given up on after `attempts`: it is retried with backoff
 * for `startupWaitMs`, and sinks with a freshness rule end it themselves (the voice sink reports a
 * stale announcement `suppressed`). The wait is as durable as the notifier's state: the pipeline
 * saves its state and commits the batch only after `deliver` resolves, so a crash meanwhile makes
 * Kafka hand the message over again and the alert is rebuilt with the same key (state-store.ts),
 * while the ledger keeps the sinks that took it already from getting it twice.
 */
export class Delivery {
  constructor(
    private readonly sinks: readonly Sink[],
    private readonly policy: RetryPolicy,
    private readonly ledger: DeliveryLedger | undefined,
    private readonly deadLetter: DeadLetterFile | undefined,
    private readonly log: Logger,
    private readonly wait: (ms: number) => Promise<void> = sleep,
  ) {}

  sinkNames(): string[] {
    return this.sinks.map((s) => s.name);
  }

  async deliver(alert: Alert, message: Message): Promise<SinkReport[]> {
    return Promise.all(this.sinks.map((s) => this.deliverTo(s, alert, message)));
  }

  private async deliverTo(sink: Sink, alert: Alert, message: Message): Promise<SinkReport> {
    const ctx = { sink: sink.name, alert: alert.key, type: alert.type };
    if (this.ledger?.has(sink.name, alert.key)) {
      this.log.info(ctx, 'alert already delivered to this sink before a restart; not sending it again');
      return { sink: sink.name, outcome: 'already-delivered', attempts: 0, detail: 'in the delivery ledger' };
    }
    let lastError = '';
    let made = 0;
    let startingSince: number | undefined;
    for (let attempt = 1; attempt <= this.policy.attempts; attempt++) {
      made++;
      try {
        const r = await sink.send(alert, message);
        this.ledger?.add(sink.name, alert.key);
        this.log.info({ ...ctx, attempt: made, detail: r.detail }, r.outcome === 'accepted' ? 'alert delivered' : `alert not sent: ${r.detail}`);
        return { sink: sink.name, outcome: r.outcome, attempts: made, detail: r.detail };
      } catch (e) {
        const err = e instanceof SinkError ? e : new SinkError(`unexpected error: ${(e as Error).message}`, { retryable: true });
        lastError = err.message;
        if (err.mayHaveRun && !err.retryable) {
          // Recorded as done: sending it again could make it happen twice (an announcement).
          this.ledger?.add(sink.name, alert.key);
          this.log.warn({ ...ctx, attempt: made }, err.message);
          return { sink: sink.name, outcome: 'unconfirmed', attempts: made, detail: err.message };
        }
        if (err.starting) {
          startingSince ??= Date.now();
          const waited = Date.now() - startingSince;
          if (waited < (this.policy.startupWaitMs ?? 30 * 60_000)) {
            // Not an attempt used up: the far end is not ready to be asked yet.
            attempt--;
            const delay = backoffMs(Math.min(made, 20), this.policy);
            this.log.warn({ ...ctx, attempt: made, retryInMs: delay, waitedMs: waited }, `${err.message}; retrying`);
            await this.wait(delay);
            continue;
          }
          lastError = `${err.message}, still after ${Math.round(waited / 60_000)} min (homeAssistant.startupWait)`;
          this.log.error({ ...ctx, attempt: made }, `${lastError}; giving up`);
          break;
        }
        if (!err.retryable) {
          this.log.error({ ...ctx, attempt: made, status: err.status }, `${err.message}; not retrying`);
          break;
        }
        if (attempt === this.policy.attempts) {
          this.log.error({ ...ctx, attempt: made }, `${err.message}; giving up after ${made} attempts`);
          break;
        }
        if (err.retryAfterMs !== undefined && err.retryAfterMs > this.policy.maxDelayMs) {
          lastError = `${err.message} (asked to wait ${Math.ceil(err.retryAfterMs / 1000)} s, more than retryMaxDelay)`;
          this.log.error({ ...ctx, attempt: made, retryAfterMs: err.retryAfterMs }, `${lastError}; giving up`);
          break;
        }
        const delay = Math.max(backoffMs(attempt, this.policy), err.retryAfterMs ?? 0);
        this.log.warn({ ...ctx, attempt: made, status: err.status, retryInMs: delay }, `${err.message}; retrying`);
        await this.wait(delay);
      }
    }
    if (this.deadLetter) {
      this.deadLetter.write({ at: new Date().toISOString(), sink: sink.name, attempts: made, error: lastError, alert, message });
      this.log.error({ ...ctx, file: this.deadLetter.path }, `alert written to the dead-letter file ${this.deadLetter.path}`);
    }
    return { sink: sink.name, outcome: 'dead-lettered', attempts: made, detail: lastError };
  }

  async close(): Promise<void> {
    await Promise.all(this.sinks.map((s) => s.close?.().catch(() => undefined)));
  }
}
