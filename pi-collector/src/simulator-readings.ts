import type { Reading } from '@stream-smarts/contracts';
import { IntervalAccumulator, whPerPulseOf } from './intervals.js';
import type { Household } from './simulator.js';

/**
 * The readings a collector would have produced for a simulated household over [start, end):
 * the household's pulses through the same interval accumulator as live data (same day/hour rule,
 * same trailing-hour kwh). For `stream-smarts run / simulate / evaluate`; 60 days of 1-minute
 * readings take well under a second.
 */
export function simulateReadings(o: {
  household: Household;
  start: number;
  end: number;
  intervalS?: number;
  impulsesPerKwh?: number;
  meterId?: string;
  timezone: string;
}): Reading[] {
  const intervalS = o.intervalS ?? 60;
  const iMs = intervalS * 1000;
  if (o.start % iMs !== 0 || o.end % iMs !== 0) throw new RangeError(`start and end must be multiples of the ${intervalS} s interval`);
  const impulses = o.impulsesPerKwh ?? 1000;
  const out: Reading[] = [];
  const acc = new IntervalAccumulator(
    { meterId: o.meterId ?? 'simulated', intervalS, whPerPulse: whPerPulseOf(impulses), timezone: o.timezone },
    (r) => out.push(r),
    o.start + 1,
  );
  for (const t of o.household.pulses(o.start, o.end, impulses)) acc.pulse(t === o.start ? t + 1 : t);
  acc.advance(o.end);
  return out;
}
