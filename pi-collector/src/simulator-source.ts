import { z } from 'zod';
import { createHousehold, type HouseholdOptions } from './simulator.js';
import { sleep } from './replay.js';
import type { PulseSink, PulseSource } from './source.js';

/**
 * The simulated household as a pulse source for the collector: real speed by default (virtual
 * time = wall clock, a demo without a meter), or accelerated from a given start. Replayable: the
 * cursor is the virtual instant reached, and the household's pulses do not depend on where a
 * window starts, so a restart continues the same pulse train.
 */
export interface SimulatorSourceOptions extends HouseholdOptions {
  impulsesPerKwh: number;
  /** Virtual start (epoch ms); default now. */
  start?: number;
  /** Virtual end; default never. */
  end?: number;
  /** 1 = real time. */
  speed: number;
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
      const virtualNow = () => virt0 + (Date.now() - wall0) * this.opts.speed;
      for (const p of pulses) {
        // Wait for the pulse in slices, telling the sink time has passed, so quiet intervals close
        // on time rather than when the next pulse happens to come.
        for (let wait = wall0 + (p - virt0) / this.opts.speed - Date.now(); wait > 5 && !signal.aborted; wait = wall0 + (p - virt0) / this.opts.speed - Date.now()) {
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
      const wait = wall0 + (chunkEnd - virt0) / this.opts.speed - Date.now();
      if (wait > 5) await sleep(wait, signal);
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
