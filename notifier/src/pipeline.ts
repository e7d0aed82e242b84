import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseAnomalyEvent, DEFAULT_METER_ID, type AnomalyEvent, type Logger } from '@stream-smarts/contracts';
import { EpisodeTracker, emptyEpisodeState } from './alert-core/episodes.js';
import { render, type Templates } from './alert-core/templates.js';
import type { Alert, EpisodeRules, Message } from './alert-core/types.js';
import type { AwayDetector } from './away.js';
import { DeadLetterFile } from './dead-letter.js';
import { Delivery, type RetryPolicy, type SinkReport } from './delivery.js';
import { DeliveryLedger } from './ledger.js';
import type { SilenceBook } from './silences/model.js';
import type { MeterReading, Sink } from './sinks/types.js';
import { emptyState, loadState, saveState, type NotifierState } from './state-store.js';

export interface PipelineOptions {
  rules: EpisodeRules;
  templates: Templates;
  timezone: string;
  retry: RetryPolicy;
  sinks: Sink[];
  /**
   * Holds state.json, delivered.jsonl, dead-letter.jsonl and silenced.jsonl. Undefined: nothing is
   * read or written — episodes live in memory only (`stream-smarts run` over a simulated or
   * replayed day, and `evaluate`, which must start afresh each time and have no offsets to protect).
   */
  stateDir?: string;
  log: Logger;
  now?: () => number;
  wait?: (ms: number) => Promise<void>;
  /** The silences in force (read for every alert, so a new one applies at once). */
  silences?: () => SilenceBook;
  away?: AwayDetector;
  /** Told of every alert once every sink has taken it, been given up on, or been skipped. */
  onDelivered?: (d: Delivered) => void;
}

export interface IncomingMessage {
  topic: string;
  partition: number;
  offset: string;
  key?: Buffer | null;
  value: Buffer | null;
}

export interface Delivered {
  alert: Alert;
  message: Message;
  reports: SinkReport[];
  /** Set when a silence muted it: its id and comment. */
  silencedBy?: { id: string; comment: string };
  /** Away mode held it (low usage while nobody is home). */
  held?: boolean;
}

/** The clock of `observe`/`advance` (run: one stream, no partitions). */
const RUN_CLOCK = 'run';

export type Handled = 'processed' | 'skipped' | 'already-processed';

export interface BatchResult {
  processed: number;
  skipped: number;
  alreadyProcessed: number;
}

/**
 * Anomaly messages in, alerts out, state saved: everything between the consumer and the sinks,
 * with no Kafka in it. One batch (or tick) at a time, so state changes never interleave.
 * For each message: parse (bad ones are logged with partition and offset and skipped), feed the
 * episode tracker of its partition, deliver every alert it yields to every sink (or record it as
 * silenced), then, once per batch, save the state with the batch's offsets. Only then may the
 * caller commit them.
 */
export class Pipeline {
  readonly stateFile: string | undefined;
  readonly deadLetterFile: string | undefined;
  readonly silencedFile: string | undefined;
  private readonly trackers = new Map<string, EpisodeTracker>();
  private readonly delivery: Delivery;
  private readonly state: NotifierState;
  private readonly now: () => number;
  /** Partitions whose consumer has reached the end of the log: only these are ticked by wall time. */
  private readonly caughtUp = new Set<string>();
  private queue: Promise<unknown> = Promise.resolve();
  private deliveredCount = 0;

  constructor(private readonly opts: PipelineOptions) {
    const dir = opts.stateDir;
    this.now = opts.now ?? Date.now;
    this.stateFile = dir === undefined ? undefined : join(dir, 'state.json');
    this.deadLetterFile = dir === undefined ? undefined : join(dir, 'dead-letter.jsonl');
    this.silencedFile = dir === undefined ? undefined : join(dir, 'silenced.jsonl');
    const { state, problem } = this.stateFile === undefined ? { state: emptyState(), problem: undefined } : loadState(this.stateFile);
    if (problem) opts.log.error(problem);
    this.state = state;
    for (const [clock, episodes] of Object.entries(state.clocks)) this.trackers.set(clock, new EpisodeTracker(opts.rules, this.now, episodes));
    const ledger = dir === undefined ? undefined : new DeliveryLedger(join(dir, 'delivered.jsonl'));
    const deadLetter = this.deadLetterFile === undefined ? undefined : new DeadLetterFile(this.deadLetterFile);
    this.delivery = new Delivery(opts.sinks, opts.retry, ledger, deadLetter, opts.log, opts.wait);
    const open = this.episodeCount();
    opts.log.info(
      { sinks: this.delivery.sinkNames(), stateFile: this.stateFile, openEpisodes: open },
      open > 0 ? 'resuming with the episodes open before the restart' : 'starting with no open episodes',
    );
  }

  sinkNames(): string[] {
    return this.delivery.sinkNames();
  }

  private tracker(clock: string): EpisodeTracker {
    let t = this.trackers.get(clock);
    if (!t) {
      t = new EpisodeTracker(this.opts.rules, this.now, emptyEpisodeState());
      this.trackers.set(clock, t);
    }
    return t;
  }

  /**
   * One message, saved on its own: the notifier's path before batches, kept for the bench's
   * comparison and for callers without batches. The state file is rewritten after every message
   * and flushed to disk (fsync) only when an episode opened or ended or an alert went out.
   */
  handle(msg: IncomingMessage): Promise<Handled> {
    return this.serial(async () => {
      const before = this.episodeCount();
      const delivered = this.deliveredCount;
      const r = await this.handleNow(msg);
      if (r === 'already-processed') return r;
      this.state.offsets[`${msg.topic}:${msg.partition}`] = msg.offset;
      this.state.batchFrom[`${msg.topic}:${msg.partition}`] = msg.offset;
      // One message at a time gives no view of the partition's end: wall time may move its clock.
      this.caughtUp.add(`${msg.topic}:${msg.partition}`);
      this.save(this.deliveredCount !== delivered || this.episodeCount() !== before);
      return r;
    });
  }

  /**
   * A consumer batch: every message processed in order, alerts delivered, then the state saved
   * once (one fsync) with the offsets reached. `caughtUp` says the batch reached the end of its
   * partition, so from now on its clock may be moved on by wall time (see tick).
   */
  handleBatch(msgs: IncomingMessage[], o: { caughtUp?: boolean } = {}): Promise<BatchResult> {
    return this.serial(async () => {
      const result: BatchResult = { processed: 0, skipped: 0, alreadyProcessed: 0 };
      let alerted = false;
      const started = new Set<string>();
      for (const msg of msgs) {
        const r = await this.handleNow(msg);
        if (r === 'processed' || r === 'skipped') {
          const pos = `${msg.topic}:${msg.partition}`;
          if (!started.has(pos)) {
            started.add(pos);
            this.state.batchFrom[pos] = msg.offset;
          }
          this.state.offsets[pos] = msg.offset;
          result[r === 'processed' ? 'processed' : 'skipped']++;
        } else result.alreadyProcessed++;
        alerted ||= r === 'processed';
      }
      const last = msgs.at(-1);
      if (last) {
        const pos = `${last.topic}:${last.partition}`;
        if (o.caughtUp) this.caughtUp.add(pos);
        else this.caughtUp.delete(pos);
      }
      if (result.processed + result.skipped > 0 || alerted) this.save();
      return result;
    });
  }

  /**
   * Feeds one already-parsed anomaly without Kafka (for `stream-smarts run`): alerts delivered,
   * state saved; returns the alerts it caused.
   */
  observe(event: AnomalyEvent): Promise<Alert[]> {
    return this.serial(async () => {
      this.sinkReading(event);
      const alerts = this.tracker(RUN_CLOCK).observe(event);
      await this.deliverAll(alerts);
      if (alerts.length > 0) this.save();
      return alerts;
    });
  }

  /**
   * Event time has reached `ts` without an anomaly (a normal reading in `run`): episodes quiet for
   * longer than resolveAfter end now, with their "back to normal".
   */
  advance(ts: number, reading?: MeterReading): Promise<Alert[]> {
    return this.serial(async () => {
      if (reading) this.sinkReading(reading);
      const alerts = this.tracker(RUN_CLOCK).advance(ts);
      if (alerts.length === 0) return alerts;
      await this.deliverAll(alerts);
      this.save();
      return alerts;
    });
  }

  /**
   * Ends episodes that have gone quiet with no new anomaly to say so; call every few seconds.
   * Only clocks whose partition has been consumed to its end (and `run`'s) move on by wall time:
   * a backlog being caught up holds its own event time.
   */
  tick(): Promise<void> {
    return this.serial(async () => {
      const alerts: Alert[] = [];
      for (const [clock, t] of this.trackers) if (clock === RUN_CLOCK || clock === '' || this.caughtUp.has(clock)) alerts.push(...t.tick());
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
    // Offsets as numbers: exact below 2^53, which no partition reaches.
    if (done !== undefined && Number(msg.offset) <= Number(done)) {
      // Within the last saved batch: it had its effect before a crash lost the batch's commit.
      // Below it: the topic was recreated or the group's offsets were reset on purpose.
      const from = Number(this.state.batchFrom[pos] ?? done);
      if (Number(msg.offset) >= from) {
        this.opts.log.debug(where, 'message already processed before a restart (its commit was lost); passing over it');
        return 'already-processed';
      }
      this.opts.log.warn({ ...where, stateOffset: done }, 'offset is behind the last batch in the state file (topic recreated, or group offsets reset?); processing it');
    }
    const parsed = parseAnomalyEvent(msg.value);
    if (!parsed.ok) {
      const value = msg.value === null ? null : msg.value.toString('utf8').slice(0, 200);
      this.opts.log.warn({ ...where, error: parsed.error, value }, `skipping a message that is not a valid anomaly event: ${parsed.error}`);
      return 'skipped';
    }
    const event = parsed.event;
    // The record key names the meter when the value does not (ksqlDB's key is the meter id).
    if (event.meterId === DEFAULT_METER_ID && msg.key && msg.key.length > 0 && !hasMeterId(msg.value!)) {
      event.meterId = msg.key.toString('utf8');
    }
    this.sinkReading(event);
    const alerts = this.tracker(pos).observe(event);
    await this.deliverAll(alerts);
    return 'processed';
  }

  private sinkReading(r: MeterReading | AnomalyEvent): void {
    const reading: MeterReading =
      'eventTs' in r
        ? { meterId: r.meterId, ts: r.eventTs, kwh: r.kwh, fn: r.fn, ...(r.lower !== undefined ? { lower: r.lower } : {}), ...(r.upper !== undefined ? { upper: r.upper } : {}) }
        : r;
    for (const s of this.opts.sinks) s.reading?.(reading);
  }

  private async deliverAll(alerts: Alert[]): Promise<void> {
    // In order: a resolve must not overtake the alert it ends.
    for (const alert of alerts) await this.deliverOne(alert);
  }

  private async deliverOne(alert: Alert): Promise<void> {
    this.deliveredCount++;
    const labels = { meter: alert.meterId, kind: alert.kind, type: alert.type };
    const ctx = { alert: alert.key, type: alert.type, meter: alert.meterId, kind: alert.kind };
    const now = this.now();
    const away = this.opts.away ? await this.opts.away.isAway() : { away: false, source: '' };
    const message = render(alert, this.opts.templates, this.opts.timezone, { away: away.away && alert.kind === 'high' });
    const silence = this.opts.silences?.().muting(labels, now);
    if (silence) {
      this.opts.log.info({ ...ctx, silence: silence.id, comment: silence.comment }, `alert silenced, not delivered: ${message.body} (silence ${silence.id.slice(0, 8)} "${silence.comment}")`);
      this.record({ alert, message, reason: 'silenced', silence: silence.id, comment: silence.comment });
      const detail = `silence ${silence.id.slice(0, 8)}: ${silence.comment}`;
      this.opts.onDelivered?.({ alert, message, reports: this.sinkNames().map((sink) => ({ sink, outcome: 'silenced', attempts: 0, detail })), silencedBy: { id: silence.id, comment: silence.comment } });
      return;
    }
    if (away.away && alert.kind === 'low') {
      this.opts.log.info({ ...ctx, away: away.source }, `low-usage alert held, not delivered: nobody is home (${away.source}): ${message.body}`);
      this.record({ alert, message, reason: 'away', source: away.source });
      const detail = `nobody is home (${away.source})`;
      this.opts.onDelivered?.({ alert, message, reports: this.sinkNames().map((sink) => ({ sink, outcome: 'held', attempts: 0, detail })), held: true });
      return;
    }
    this.opts.log.info(ctx, `alert: ${message.body}`);
    const reports = await this.delivery.deliver(alert, message);
    this.opts.onDelivered?.({ alert, message, reports });
  }

  /** Silenced and held alerts are kept, one JSON line each, so nothing disappears unseen. */
  private record(entry: Record<string, unknown>): void {
    if (this.silencedFile === undefined) return;
    mkdirSync(join(this.silencedFile, '..'), { recursive: true });
    appendFileSync(this.silencedFile, `${JSON.stringify({ at: new Date(this.now()).toISOString(), ...entry })}\n`);
  }

  private save(durable = true): void {
    if (this.stateFile === undefined) return;
    // Serialised right here, synchronously: the live states need no copy.
    for (const [clock, t] of this.trackers) this.state.clocks[clock] = t.live() as NotifierState['clocks'][string];
    saveState(this.stateFile, this.state, durable);
  }

  private episodeCount(): number {
    let n = 0;
    for (const t of this.trackers.values()) n += t.episodes().length;
    return n;
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

/** Whether a value that parsed as an anomaly names its meter (METER_ID present and not null). */
function hasMeterId(value: Buffer): boolean {
  try {
    const m = (JSON.parse(value.toString('utf8')) as { METER_ID?: unknown }).METER_ID;
    return typeof m === 'string' && m.length > 0;
  } catch {
    return false;
  }
}
