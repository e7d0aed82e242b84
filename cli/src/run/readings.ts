import type { Reading } from '@stream-smarts/contracts';
import { IntervalAccumulator, whPerPulseOf, type PulseSink, type PulseSource } from '@stream-smarts/pi-collector';

export interface ReadingOptions {
  meterId: string;
  intervalS: number;
  impulsesPerKwh: number;
  timezone: string;
  /**
   * Readings whose trailing hour is not yet fully covered (the first hour after the source starts)
   * are dropped, as training drops them: their measure is an hour's average guessed from minutes,
   * and one kettle would read as 2 kW. Default true.
   */
  skipWarmUp?: boolean;
}

export const WARM_UP_MS = 3_600_000;

/**
 * Wraps a reading callback to drop the readings of the first hour after the first interval's
 * start — and after every gap, where the trailing-hour measure restarts: no reading is scored
 * (so no alert fires) on an hour that straddles missing time.
 */
function afterWarmUp(onReading: (r: Reading) => void): (r: Reading) => void {
  let from: number | undefined;
  let prevEnd: number | undefined;
  return (r) => {
    const start = r.ts - r.interval_s * 1000;
    if (from === undefined || (prevEnd !== undefined && start > prevEnd)) from = start + WARM_UP_MS;
    prevEnd = r.ts;
    if (r.ts > from) onReading(r);
  };
}

/** Pulses may arrive a little after the interval they belong to closes on the wall clock (gpiomon latency). */
const LIVE_GRACE_MS = 300;

/**
 * Any collector source (GPIO, replay, simulator) → aligned readings, through the collector's own
 * IntervalAccumulator, so `run` sees exactly the readings `collect` would produce — without the
 * spool and Kafka. Live sources close quiet intervals on the wall clock, as the collector does.
 * Resolves when the sources end (replay, simulator) or the signal aborts. A gap in a replayed
 * history stays a gap (no made-up quiet intervals), and scoring restarts an hour after it.
 * `drain` is awaited by replayable sources at their yield points: the consumer's backpressure.
 */
export async function readingsFrom(sources: PulseSource | PulseSource[], o: ReadingOptions, onReading: (r: Reading) => void, signal: AbortSignal, drain?: () => Promise<void>): Promise<void> {
  // Several sources play one after another into the same accumulator (the simulator's warm-up
  // hour as fast as possible, then its day at the chosen speed).
  const list = Array.isArray(sources) ? sources : [sources];
  const source = list[0]!;
  const acc = new IntervalAccumulator(
    { meterId: o.meterId, intervalS: o.intervalS, whPerPulse: whPerPulseOf(o.impulsesPerKwh), timezone: o.timezone },
    o.skipWarmUp === false ? onReading : afterWarmUp(onReading),
    source.live ? Date.now() : undefined,
  );
  const sink: PulseSink = {
    pulse: (t, n) => acc.pulse(t, n),
    advance: (now) => acc.advance(now),
    commit: () => undefined,
    gap: (_from, to) => acc.gap(to),
    ...(drain ? { drain } : {}),
  };
  let timer: NodeJS.Timeout | undefined;
  if (source.live) {
    const iMs = o.intervalS * 1000;
    const tick = () => {
      acc.advance(Date.now() - LIVE_GRACE_MS);
      timer = setTimeout(tick, iMs - ((Date.now() - LIVE_GRACE_MS) % iMs) + 5);
    };
    timer = setTimeout(tick, iMs - ((Date.now() - LIVE_GRACE_MS) % iMs) + 5);
  }
  try {
    for (const s of list) if (!signal.aborted) await s.run(sink, null, signal);
  } finally {
    clearTimeout(timer);
  }
}
