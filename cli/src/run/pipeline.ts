import type { AnomalyEvent, BandsModel, Reading } from '@stream-smarts/contracts';
import type { Alert, MeterReading } from '@stream-smarts/notifier';
import { anomalyEventOf, scoreReading, type ScoredReading } from './score.js';

/** Where anomalies go: the notifier's Pipeline (alert core → delivery → sinks) fits as it is. */
export interface AlertStage {
  observe(event: AnomalyEvent): Promise<Alert[]>;
  /** Event time reached `ts` with a normal reading: lets quiet episodes end on time. */
  advance?(ts: number, reading?: MeterReading): Promise<Alert[]>;
}

export interface PipelineListener {
  reading?(s: ScoredReading): void;
  /** After every sink took (or gave up on) the alert. */
  alert?(a: Alert, cause: ScoredReading): void;
}

export interface PipelineCounts {
  readings: number;
  anomalies: number;
  alerts: number;
  unscored: number;
}

/**
 * readings → score → alert stage: the in-process replacement for raw_power → ksqlDB → ANOMOLY_POWER
 * → notifier. `run`, `evaluate` and the bench all push readings through this one class. Anomalous
 * readings go on to the alert stage as they reach the ANOMOLY_POWER topic; every other reading
 * still moves the episodes' clock on, so "back to normal" comes 15 quiet minutes after the last
 * anomaly and not with the next anomaly, hours later.
 */
export class ReadingPipeline {
  readonly counts: PipelineCounts = { readings: 0, anomalies: 0, alerts: 0, unscored: 0 };

  constructor(
    private readonly model: BandsModel,
    private readonly stage: AlertStage,
    private readonly listener: PipelineListener = {},
  ) {}

  async process(r: Reading): Promise<ScoredReading> {
    const s = scoreReading(this.model, r);
    this.counts.readings++;
    if (s.fn === null) this.counts.unscored++;
    this.listener.reading?.(s);
    let alerts: Alert[];
    if (s.kind !== null) {
      // A 'hold' reading goes to the alert core as ksqlDB sends it (it keeps an alerted episode open); it is no anomaly.
      if (s.kind !== 'hold') this.counts.anomalies++;
      alerts = await this.stage.observe(anomalyEventOf(s));
    } else {
      alerts = this.stage.advance ? await this.stage.advance(r.ts, { meterId: r.meter_id, ts: r.ts, kwh: r.kwh, fn: s.fn, lower: s.lower, upper: s.upper }) : [];
    }
    this.counts.alerts += alerts.length;
    for (const a of alerts) this.listener.alert?.(a, s);
    return s;
  }
}

/**
 * Feeds readings that arrive synchronously (from a pulse source's callbacks) to the pipeline one
 * after another, never two at once, so alerts keep reading order. `drain()` waits for the last.
 */
export class SerialFeeder {
  private chain: Promise<unknown> = Promise.resolve();
  private failure: unknown;
  private pending = 0;

  /** Once `signal` aborts, queued readings are dropped rather than processed, so a stop is prompt. */
  constructor(
    private readonly pipeline: ReadingPipeline,
    private readonly signal?: AbortSignal,
  ) {}

  push(r: Reading): void {
    this.pending++;
    this.chain = this.chain
      .then(() => (this.signal?.aborted ? undefined : this.pipeline.process(r)))
      .catch((e: unknown) => {
        this.failure ??= e;
      })
      .finally(() => void this.pending--);
  }

  /** Backpressure for a fast source: waits while more than `max` readings are queued, so memory stays flat. */
  async ready(max = 1000): Promise<void> {
    if (this.pending > max) await this.chain;
    else await new Promise((r) => setImmediate(r));
  }

  async drain(): Promise<void> {
    await this.chain;
    if (this.failure !== undefined) throw this.failure;
  }
}
