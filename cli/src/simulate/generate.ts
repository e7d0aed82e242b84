import type { Reading } from '@stream-smarts/contracts';
import { createHousehold, IntervalAccumulator, planScenarios, whPerPulseOf, type Scenario } from '@stream-smarts/pi-collector';
import { endOf, type SimulateOptions } from './options.js';

/** A simulated history's span and ground truth; its readings come in chunks (simulatedReadings). */
export interface SimulatedPlan {
  start: number;
  end: number;
  truth: Scenario[];
}

const DAY_MS = 86_400_000;

/** Plans the labelled anomalies of a simulated history. */
export function planSimulation(o: SimulateOptions): SimulatedPlan {
  const end = endOf(o.start, o.days, o.timezone);
  const truth = o.kinds.length === 0 ? [] : planScenarios({ start: o.start, days: o.days, timezone: o.timezone, seed: o.seed, kinds: o.kinds, cleanDays: o.cleanDays });
  return { start: o.start, end, truth };
}

/**
 * Runs the household through the collector's own interval accumulator, so day, hour and
 * trailing-hour kwh follow the same rules as live data — a day at a time, yielding each day's
 * readings and letting the event loop run between days, so a long history streams to its file
 * with progress and stops within a day's work (milliseconds) of a signal.
 */
export async function* simulatedReadings(o: SimulateOptions, plan: SimulatedPlan, signal?: AbortSignal): AsyncGenerator<Reading[]> {
  const household = createHousehold({ timezone: o.timezone, seed: o.seed, anomalies: plan.truth });
  const iMs = o.intervalS * 1000;
  if (plan.start % iMs !== 0 || plan.end % iMs !== 0) throw new RangeError(`start and end must be multiples of the ${o.intervalS} s interval`);
  let out: Reading[] = [];
  const acc = new IntervalAccumulator({ meterId: o.meterId, intervalS: o.intervalS, whPerPulse: whPerPulseOf(o.impulsesPerKwh), timezone: o.timezone }, (r) => out.push(r), plan.start + 1);
  for (let t = plan.start; t < plan.end; ) {
    if (signal?.aborted) return;
    const next = Math.min(plan.end, t + DAY_MS);
    for (const p of household.pulses(t, next, o.impulsesPerKwh)) acc.pulse(p === plan.start ? p + 1 : p);
    // Close what ended before the chunk's end; the interval ending exactly at it may still get pulses at that instant.
    if (next < plan.end) acc.advance(next - 1);
    else acc.advance(plan.end);
    const day = out;
    out = [];
    yield day;
    t = next;
    await new Promise((r) => setImmediate(r));
  }
}
