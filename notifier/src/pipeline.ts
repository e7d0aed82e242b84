import { join } from 'node:path';
import { parseAnomalyEvent, type AnomalyEvent, type Logger } from '@stream-smarts/contracts';
import { EpisodeTracker } from './alert-core/episodes.js';
import { render, type Templates } from './alert-core/templates.js';
import type { Alert, EpisodeRules } from './alert-core/types.js';
import { DeadLetterFile } from './dead-letter.js';
import { Delivery, type RetryPolicy, type SinkReport } from './delivery.js';
import { DeliveryLedger } from './ledger.js';
import type { Sink } from './sinks/types.js';
import { emptyState, loadState, saveState, type NotifierState } from './state-store.js';

export interface PipelineOptions {
  rules: EpisodeRules;
  templates: Templates;
  timezone: string;
  retry: RetryPolicy;
  sinks: Sink[];
  /**
   * Holds state.json, delivered.jsonl and dead-letter.jsonl. Undefined: nothing is read or written
   * — episodes live in memory only (`stream-smarts run` over a simulated or replayed day, and
   * `evaluate`, which must start afresh each time and have no offsets to protect).
   */
  stateDir?: string;
  log: Logger;
  now?: () => number;
  wait?: (ms: number) => Promise<void>;
}

export interface IncomingMessage {
  topic: string;
  partition: number;
  offset: string;
  value: Buffer | null;
}

/** How far behind the saved offset a message still counts as a replay of work already done. */
const REPLAY_WINDOW = 100n;

export type Handled = 'processed' | 'skipped' | 'already-processed';

/**
 * Anomaly messages in, alerts out, state saved: everything between the consumer and the sinks,
 * with no Kafka in it. One message (or tick) at a time, so state changes never interleave.
 * For each message: parse (bad ones are logged with partition and offset and skipped), feed the
 * episode tracker, deliver every alert it yields to every sink, then save the state with the
 * message's offset. Only then may the caller commit the offset.
 */
export class Pipeline {
  readonly stateFile: string | undefined;
  readonly deadLetterFile: string | undefined;
  private readonly tracker: EpisodeTracker;
  private readonly delivery: Delivery;
  private readonly state: NotifierState;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly opts: PipelineOptions) {
    const dir = opts.stateDir;
    this.stateFile = dir === undefined ? undefined : join(dir, 'state.json');
    this.deadLetterFile = dir === undefined ? undefined : join(dir, 'dead-letter.jsonl');
    const { state, problem } = this.stateFile === undefined ? { state: emptyState(), problem: undefined } : loadState(this.stateFile);
    if (problem) opts.log.error(problem);
    this.state = state;
    this.tracker = new EpisodeTracker(opts.rules, opts.now ?? Date.now, state.episodes);
    const ledger = dir === undefined ? undefined : new DeliveryLedger(join(dir, 'delivered.jsonl'));
    const deadLetter = this.deadLetterFile === undefined ? undefined : new DeadLetterFile(this.deadLetterFile);
    this.delivery = new Delivery(opts.sinks, opts.retry, ledger, deadLetter, opts.log, opts.wait);
    const open = this.tracker.episodes();
    opts.log.info(
      { sinks: this.delivery.sinkNames(), stateFile: this.stateFile, openEpisodes: open.length },
      open.length > 0 ? 'resuming with the episodes open before the restart' : 'starting with no open episodes',
    );
  }

  handle(msg: IncomingMessage): Promise<Handled> {
    return this.serial(() => this.handleNow(msg));
  }

  /**
   * Feeds one already-parsed anomaly without Kafka (for `stream-smarts run`): alerts delivered,
   * state saved; returns the alerts it caused.
   */
  observe(event: AnomalyEvent): Promise<Alert[]> {
    return this.serial(async () => {
      const alerts = this.tracker.observe(event);
      await this.deliverAll(alerts);
      this.save(alerts.length > 0);
      return alerts;
    });
  }

  /** Ends episodes that have gone quiet with no new anomaly to say so; call every few seconds. */
  tick(): Promise<void> {
    return this.serial(async () => {
      const alerts = this.tracker.tick();
      if (alerts.length === 0) return;
      await this.deliverAll(alerts);
      this.save();
    });
  }

  /** Waits for work under way; used before shutting down. */
  async idle(): Promise<void> {
    await this.queue.catch(() => undefined);
  }

  async close(): Promise<void> {
    await this.idle();
    await this.delivery.close();
  }

  private async handleNow(msg: IncomingMessage): Promise<Handled> {
    const where = { topic: msg.topic, partition: msg.partition, offset: msg.offset };
    const pos = `${msg.topic}:${msg.partition}`;
    const done = this.state.offsets[pos];
    if (done !== undefined) {
      // Offsets are committed after every message, so a crash loses at most the commit of the one
      // in flight: a message just behind the saved offset has had its effect. Far behind means the
      // topic was recreated or the group's offsets were reset on purpose: process it again.
      const behind = BigInt(done) - BigInt(msg.offset);
      if (behind >= 0n && behind < REPLAY_WINDOW) {
        this.opts.log.debug(where, 'message already processed before a restart (its commit was lost); passing over it');
        return 'already-processed';
      }
      if (behind >= REPLAY_WINDOW) {
        this.opts.log.warn({ ...where, stateOffset: done }, 'offset is far behind the one in the state file (topic recreated, or group offsets reset?); processing it');
      }
    }
    const parsed = parseAnomalyEvent(msg.value);
    if (!parsed.ok) {
      const value = msg.value === null ? null : msg.value.toString('utf8').slice(0, 200);
      this.opts.log.warn({ ...where, error: parsed.error, value }, `skipping a message that is not a valid anomaly event: ${parsed.error}`);
      return 'skipped';
    }
    const before = this.episodeIds();
    const alerts = this.tracker.observe(parsed.event);
    await this.deliverAll(alerts);
    this.state.offsets[pos] = msg.offset;
    // Flushed to disk when an episode opened or ended or an alert went out; a message that only
    // extends an episode is written (safe from a crash of this process) without the flush.
    this.save(alerts.length > 0 || this.episodeIds() !== before);
    return 'processed';
  }

  private async deliverAll(alerts: Alert[]): Promise<void> {
    // In order: a resolve must not overtake the alert it ends.
    for (const alert of alerts) {
      const message = render(alert, this.opts.templates, this.opts.timezone);
      this.opts.log.info({ alert: alert.key, type: alert.type, meter: alert.meterId, kind: alert.kind }, `alert: ${message.body}`);
      await this.delivery.deliver(alert, message);
    }
  }

  private save(durable = true): void {
    if (this.stateFile === undefined) return;
    this.state.episodes = this.tracker.snapshot();
    saveState(this.stateFile, this.state, durable);
  }

  private episodeIds(): string {
    return this.tracker
      .episodes()
      .map((e) => e.id)
      .sort()
      .join('\n');
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.queue.then(fn, fn);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Sends one test alert through every sink, bypassing episodes, state and ledger. */
  static async sendTest(sinks: Sink[], opts: { retry: RetryPolicy; log: Logger; templates: Templates; timezone: string; now?: () => number }): Promise<SinkReport[]> {
    const now = (opts.now ?? Date.now)();
    const alert: Alert = {
      key: `test:${now}`,
      episodeId: `test:${now}`,
      seq: 0,
      type: 'test',
      kind: 'high',
      meterId: 'test',
      at: now,
      startedAt: now,
      count: 1,
      event: { eventTs: now, hour: 4, kwh: 1500, fn: 1.5, kind: 'high', meterId: 'test' },
    };
    const message = render(alert, opts.templates, opts.timezone);
    message.body = `Test: ${message.body}`;
    const delivery = new Delivery(sinks, opts.retry, undefined, undefined, opts.log);
    try {
      return await delivery.deliver(alert, message);
    } finally {
      await delivery.close();
    }
  }
}
