import { mkdirSync } from 'node:fs';
import type { Logger, Reading } from '@stream-smarts/contracts';
import { Drain } from './drain.js';
import { IntervalAccumulator, validateIntervalS, whPerPulseOf } from './intervals.js';
import type { RawPowerProducer } from './producer.js';
import type { PulseSink, PulseSource } from './source.js';
import { RecentLog } from './recent-log.js';
import { Spool } from './spool.js';
import { StateStore, type HotFields } from './state.js';

/**
 * The collector: a pulse source → interval readings → the on-disk spool → Kafka.
 *
 * Durability (README "Guarantees"). What is written, and when:
 *   - each reading: a line appended to the spool (spool.ts) and a line to the recent log
 *     (recent-log.ts); neither synced at that moment;
 *   - each checkpoint (every `checkpointMs`, and when a replay or simulation commits its cursor):
 *     the spool is fdatasynced if a reading was appended, then the hot state (state.ts: open
 *     interval, last closed, cursor, ~185 bytes) is written in place and fdatasynced if it
 *     changed, then the spool's marks are overwritten if they moved (not synced);
 *   - about once a day: the recent log is rewritten with the last day (fsynced); about every
 *     1,000 readings the spool is compacted (the recent log fdatasynced first).
 * The spool is synced before the hot state that moves past its readings, so a reading is never
 * lost; on start the hot state is reconciled with the spool's tail, so an interval is never
 * emitted twice nor skipped; the drain reconciles with Kafka's tail, so a reading is never
 * produced twice.
 *
 * What a SIGKILL or a power cut can lose: for a live source (GPIO), the pulses of the open interval
 * counted since the last hot-state write — at most `checkpointMs` of them (5 s by default: at
 * 5 kW and 1000 imp/kWh, 7 pulses), the trade-off `--checkpoint` sets; replayable sources resume at
 * the saved cursor and lose nothing. Nothing else is synced, because nothing else carries energy:
 * the recent log's unsynced tail is rebuilt from the spool, and the marks from Kafka's tail.
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
const DAY_MS = 86_400_000;

export async function runCollector(o: CollectorOptions, signal: AbortSignal): Promise<CollectorResult> {
  validateIntervalS(o.intervalS);
  const whPerPulse = whPerPulseOf(o.impulsesPerKwh);
  mkdirSync(o.stateDir, { recursive: true });
  const store = new StateStore(o.stateDir);
  const loaded = store.load();
  const saved = loaded?.hot;
  if (saved && (saved.meterId !== o.meterId || saved.intervalS !== o.intervalS || saved.source !== o.source.kind)) {
    throw new Error(
      `the state directory ${o.stateDir} belongs to meter ${saved.meterId}, ${saved.intervalS} s intervals, source ${saved.source} ` +
        `(this run: meter ${o.meterId}, ${o.intervalS} s, ${o.source.kind}); use another --state-dir or move it away`,
    );
  }
  const lastClosed = saved?.lastClosed ?? -Infinity;
  const recentLog = new RecentLog(o.stateDir);
  // The window the measures start from: the recent log (or a version-1 state.json's copy of it),
  // with the spool's lines filling whatever of the log's unsynced tail a power cut took; only
  // readings up to the hot state's last closed one — later ones the spool reconciles below, and
  // one that reached the log but not the spool is emitted again.
  const logged = loaded?.v1Recent ?? recentLog.read();
  const spool = new Spool({ dir: o.stateDir, maxReadings: o.spoolMaxReadings, log: o.log }, lastClosed, lastClosed - 2 * DAY_MS);
  const window = new Map<number, number>();
  for (const [end, wh] of [...logged, ...spool.history]) if (end <= lastClosed) window.set(end, wh);
  let readings = 0;
  const acc = new IntervalAccumulator(
    { meterId: o.meterId, intervalS: o.intervalS, whPerPulse, timezone: o.timezone },
    (r) => {
      spool.append(r);
      recentLog.append(r.ts, r.wh);
      readings++;
      o.onReading?.(r);
    },
    o.source.live ? Date.now() : undefined,
    saved ? { openEnd: saved.openEnd, openPulses: saved.openPulses, lastClosed: saved.lastClosed, recent: [...window].sort((a, b) => a[0] - b[0]) } : undefined,
  );
  if (spool.recovered.length > 0) {
    o.log.info({ readings: spool.recovered.length }, 'readings spooled after the last checkpoint: taking them as done');
    acc.reconcile(spool.recovered);
  }
  if (o.source.live) acc.resumeAt(Date.now());
  if (recentLog.badLines > 0) o.log.info({ badLines: recentLog.badLines }, 'recent log: skipped lines torn by a crash; rebuilt from the spool');
  // Start from a clean log that holds the window the measures start from, whatever a crash left.
  recentLog.rotate(acc.snapshot().recent);
  // Rewritten with the window once it holds more than two days' lines (twice the window, should
  // the measures ever keep more than a day).
  let rotatedLines = recentLog.lines;
  const rotateAt = () => Math.max(2 * (DAY_MS / (o.intervalS * 1000)), 2 * rotatedLines);

  let cursor: string | null = saved?.cursor ?? null;
  let totalPulses = saved?.totalPulses ?? 0;
  let lastCheckpoint = 0;
  const hot = (): HotFields => ({ meterId: o.meterId, intervalS: o.intervalS, source: o.source.kind, cursor, ...acc.hotSnapshot(), totalPulses });
  const checkpoint = () => {
    spool.flush(); // the readings first: the hot state below says their intervals are closed
    store.save(hot()); // fdatasynced when it changed: the open interval's pulses are energy
    spool.saveMarks();
    if (recentLog.lines > rotateAt()) {
      recentLog.rotate(acc.snapshot().recent);
      rotatedLines = recentLog.lines;
    }
    if (spool.compactionDue) {
      recentLog.sync(); // the spool is about to drop lines that only the log will then hold
      spool.compact();
    }
    lastCheckpoint = Date.now();
  };
  checkpoint();
  // A version-1 state.json is upgraded now: its window is in the recent log and its state in a hot-state slot, both durable.
  store.removeV1();

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

  // Live sources: close intervals on the wall clock, and checkpoint the open interval's count. A
  // closed interval needs no checkpoint of its own: until the next one a crash restores the
  // interval as open (from the hot state) or as closed (from the spool), losing only pulses since.
  const timers: NodeJS.Timeout[] = [];
  if (o.source.live) {
    const iMs = o.intervalS * 1000;
    const tick = () => {
      acc.advance(Date.now() - LIVE_GRACE_MS);
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
    recentLog.close();
    store.close();
  }
  if (drainError) throw drainError;
  if (sourceError) throw sourceError;
  return { readings, pulses: totalPulses, ignoredPulses: acc.ignoredPulses, produced: drain?.sent ?? 0, spooled: spool.size };
}
