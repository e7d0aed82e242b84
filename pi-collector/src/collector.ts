import { mkdirSync } from 'node:fs';
import type { Logger, Reading } from '@stream-smarts/contracts';
import { Drain } from './drain.js';
import { IntervalAccumulator, validateIntervalS, whPerPulseOf } from './intervals.js';
import type { RawPowerProducer } from './producer.js';
import type { PulseSink, PulseSource } from './source.js';
import { Spool } from './spool.js';
import { StateStore, checkpointOf } from './state.js';

/**
 * The collector: a pulse source → interval readings → the on-disk spool → Kafka.
 *
 * Durability (README "Guarantees"): a reading is appended to the spool before the checkpoint that
 * moves past its interval; the checkpoint (open interval, trailing-hour window, source cursor) is
 * replaced atomically; on start the checkpoint is reconciled with the spool's tail, so an interval
 * is never emitted twice nor skipped; the drain reconciles with Kafka's tail, so a reading is never
 * produced twice.
 */
export interface CollectorOptions {
  meterId: string;
  intervalS: number;
  impulsesPerKwh: number;
  timezone: string;
  stateDir: string;
  spoolMaxReadings: number;
  /** Longest time between checkpoints (wall clock); the most a live source can lose in a crash. */
  checkpointMs: number;
  source: PulseSource;
  /** Omit to spool only (no Kafka), e.g. a dry run. */
  producer?: RawPowerProducer;
  log: Logger;
  /** Replayable sources: when the input ends, wait until the spool is drained, then return. */
  exitWhenDrained?: boolean;
  onReading?: (r: Reading) => void;
}

export interface CollectorResult {
  readings: number;
  pulses: number;
  ignoredPulses: number;
  produced: number;
  spooled: number;
}

/** Live sources: close an interval this long after its end so pulses in flight are counted. */
const LIVE_GRACE_MS = 300;

export async function runCollector(o: CollectorOptions, signal: AbortSignal): Promise<CollectorResult> {
  validateIntervalS(o.intervalS);
  const whPerPulse = whPerPulseOf(o.impulsesPerKwh);
  mkdirSync(o.stateDir, { recursive: true });
  const store = new StateStore(o.stateDir);
  const saved = store.load();
  if (saved && (saved.meterId !== o.meterId || saved.intervalS !== o.intervalS || saved.source !== o.source.kind)) {
    throw new Error(
      `the state directory ${o.stateDir} belongs to meter ${saved.meterId}, ${saved.intervalS} s intervals, source ${saved.source} ` +
        `(this run: meter ${o.meterId}, ${o.intervalS} s, ${o.source.kind}); use another --state-dir or move it away`,
    );
  }
  const spool = new Spool({ dir: o.stateDir, maxReadings: o.spoolMaxReadings, log: o.log }, saved?.interval.lastClosed ?? -Infinity);
  let readings = 0;
  const acc = new IntervalAccumulator(
    { meterId: o.meterId, intervalS: o.intervalS, whPerPulse, timezone: o.timezone },
    (r) => {
      spool.append(r);
      readings++;
      o.onReading?.(r);
    },
    o.source.live ? Date.now() : undefined,
    saved?.interval,
  );
  if (spool.recovered.length > 0) {
    o.log.info({ readings: spool.recovered.length }, 'readings spooled after the last checkpoint: taking them as done');
    acc.reconcile(spool.recovered);
  }
  if (o.source.live) acc.resumeAt(Date.now());

  let cursor: string | null = saved?.cursor ?? null;
  let totalPulses = saved?.totalPulses ?? 0;
  let lastCheckpoint = 0;
  const checkpoint = () => {
    spool.flush();
    store.save(checkpointOf({ meterId: o.meterId, intervalS: o.intervalS, source: o.source.kind, cursor, interval: acc.snapshot(), totalPulses }));
    spool.saveMarks();
    spool.compact();
    lastCheckpoint = Date.now();
  };
  checkpoint();

  const sink: PulseSink = {
    pulse(t, count = 1) {
      acc.pulse(t, count);
      totalPulses += count;
    },
    advance(now) {
      acc.advance(now);
    },
    gap(_from, to) {
      acc.gap(to);
    },
    commit(c) {
      cursor = c;
      if (Date.now() - lastCheckpoint >= o.checkpointMs) checkpoint();
    },
  };

  const stop = new AbortController();
  const onAbort = () => stop.abort();
  signal.addEventListener('abort', onAbort, { once: true });

  // Live sources: close intervals on the wall clock, and checkpoint the open interval's count.
  const timers: NodeJS.Timeout[] = [];
  if (o.source.live) {
    const iMs = o.intervalS * 1000;
    const tick = () => {
      acc.advance(Date.now() - LIVE_GRACE_MS);
      checkpoint();
      const now = Date.now();
      timers[0] = setTimeout(tick, iMs - ((now - LIVE_GRACE_MS) % iMs) + 5);
    };
    timers[0] = setTimeout(tick, iMs - ((Date.now() - LIVE_GRACE_MS) % iMs) + 5);
    timers[1] = setInterval(() => checkpoint(), o.checkpointMs);
  }

  const drain = o.producer ? new Drain(spool, o.producer, o.log) : undefined;
  let drainError: unknown;
  const drained = drain?.run().catch((e: unknown) => {
    drainError = e;
    stop.abort();
  });

  let sourceError: unknown;
  try {
    await o.source.run(sink, cursor, stop.signal);
    if (!stop.signal.aborted && o.exitWhenDrained && drain) {
      checkpoint();
      o.log.info({ spooled: spool.size }, 'input ended; waiting for the spool to drain');
      await Promise.race([drain.idle(), new Promise<void>((r) => stop.signal.addEventListener('abort', () => r(), { once: true }))]);
    }
  } catch (e) {
    sourceError = e;
  } finally {
    for (const t of timers) clearTimeout(t);
    signal.removeEventListener('abort', onAbort);
    checkpoint();
    drain?.stop();
    await drained;
    await o.producer?.disconnect();
    spool.close();
  }
  if (drainError) throw drainError;
  if (sourceError) throw sourceError;
  return { readings, pulses: totalPulses, ignoredPulses: acc.ignoredPulses, produced: drain?.sent ?? 0, spooled: spool.size };
}
