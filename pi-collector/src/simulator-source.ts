import { z } from 'zod';
import { createHousehold, type HouseholdOptions } from './simulator.js';
import { sleep } from './replay.js';
import type { PulseSink, PulseSource } from './source.js';

/**
 * The simulated household as a pulse source for the collector: real speed by default (virtual
 * time = wall clock, a demo without a meter), or accelerated from a given start. Replayable: the
 * cursor is the virtual instant reached, and the household's pulses do not depend on where a
 * window starts, so a restart continues the same pulse train.
 *
 * With notAheadOfClock (the collector's setting), virtual time never passes the wall clock: an
 * accelerated run plays the past quickly and, once it has caught up with now, goes on in real time. Readings are stamped with their virtual time, and
 * Kafka refuses a record stamped more than message.timestamp.after.max.ms (1 h by default; Apache
 * Kafka server-common ServerLogConfigs.LOG_MESSAGE_TIMESTAMP_AFTER_MAX_MS_DEFAULT = 3600000) ahead of
 * the broker's clock, so a simulation that ran ahead would be refused after an hour of virtual time.
 */
export interface SimulatorSourceOptions extends HouseholdOptions {
  impulsesPerKwh: number;
  /** Virtual start (epoch ms); default now. */
  start?: number;
  /** Virtual end; default never. */
  end?: number;
  /** 1 = real time. */
  speed: number;
  /**
   * Never let virtual time pass the wall clock (the collector, whose readings go to Kafka). Off for
   * `stream-smarts run`, which plays a whole day of its own, with no broker to refuse it.
   */
  notAheadOfClock?: boolean;
}

const CHUNK_MS = 10 * 60_000;

export class SimulatorSource implements PulseSource {
  readonly kind = 'simulator' as const;
  readonly live = false;

  constructor(private readonly opts: SimulatorSourceOptions) {
    if (!(opts.speed > 0)) throw new RangeError(`simulator speed must be positive (1 = real time); got ${opts.speed}`);
  }

  async run(sink: PulseSink, from: string | null, signal: AbortSignal): Promise<void> {
    const household = createHousehold(this.opts);
    let t = from !== null ? z.coerce.number().int().parse(from) : Math.floor(this.opts.start ?? Date.now());
    const wall0 = Date.now();
    const virt0 = t;
    const end = this.opts.end ?? Infinity;
    while (t < end && !signal.aborted) {
      const chunkEnd = Math.min(end, t + CHUNK_MS);
      const pulses = household.pulses(t, chunkEnd, this.opts.impulsesPerKwh);
      // Accelerated until the virtual clock reaches the wall clock, then real time: v(w) = min(virt0 + (w - wall0)·speed, w).
      const capped = Boolean(this.opts.notAheadOfClock);
      const virtualNow = () => {
        const elapsed = Date.now() - wall0;
        const v = elapsed > 0 ? virt0 + elapsed * this.opts.speed : virt0; // 0 × Infinity is NaN
        return capped ? Math.min(v, Date.now()) : v;
      };
      const dueAt = (v: number) => (capped ? Math.max(wall0 + (v - virt0) / this.opts.speed, v) : wall0 + (v - virt0) / this.opts.speed);
      for (const p of pulses) {
        // Wait for the pulse in slices, telling the sink time has passed, so quiet intervals close
        // on time rather than when the next pulse happens to come.
        for (let wait = dueAt(p) - Date.now(); wait > 5 && !signal.aborted; wait = dueAt(p) - Date.now()) {
          await sleep(Math.min(wait, 1000), signal);
          const now = Math.min(Math.floor(virtualNow()), p - 1);
          if (now >= t) {
            sink.advance(now);
            sink.commit(String(now + 1));
          }
        }
        if (signal.aborted) return;
        sink.pulse(p, 1);
        // Everything before p+1 is handed over; restarting there repeats nothing.
        sink.commit(String(p + 1));
      }
      // Past the chunk's end in slices too, so a real-time stretch closes intervals as they end.
      for (let wait = dueAt(chunkEnd) - Date.now(); wait > 5 && !signal.aborted; wait = dueAt(chunkEnd) - Date.now()) {
        await sleep(Math.min(wait, 1000), signal);
        const now = Math.min(Math.floor(virtualNow()), chunkEnd - 1);
        if (now >= t) {
          sink.advance(now);
          sink.commit(String(now + 1));
        }
      }
      if (signal.aborted) return;
      sink.advance(chunkEnd);
      t = chunkEnd;
      sink.commit(String(t));
      // A slow consumer holds the simulator back (backpressure); else let timers and signals run.
      if (sink.drain) await sink.drain();
      else await new Promise((r) => setImmediate(r));
    }
  }
}
