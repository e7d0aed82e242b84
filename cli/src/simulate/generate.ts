import type { Reading } from '@stream-smarts/contracts';
import { createHousehold, planScenarios, simulateReadings, type Scenario } from '@stream-smarts/pi-collector';
import { endOf, type SimulateOptions } from './options.js';

/** A simulated history and its ground truth: exactly what the collector would have produced. */
export interface SimulatedHistory {
  start: number;
  end: number;
  readings: Reading[];
  truth: Scenario[];
}

/**
 * Plans the labelled anomalies, then runs the household through the collector's own interval
 * accumulator (simulateReadings), so day, hour and trailing-hour kwh follow the same rules as live data.
 */
export function simulateHistory(o: SimulateOptions): SimulatedHistory {
  const end = endOf(o.start, o.days, o.timezone);
  const truth = o.kinds.length === 0 ? [] : planScenarios({ start: o.start, days: o.days, timezone: o.timezone, seed: o.seed, kinds: o.kinds, cleanDays: o.cleanDays });
  const household = createHousehold({ timezone: o.timezone, seed: o.seed, anomalies: truth });
  const readings = simulateReadings({ household, start: o.start, end, timezone: o.timezone, intervalS: o.intervalS, impulsesPerKwh: o.impulsesPerKwh, meterId: o.meterId });
  return { start: o.start, end, readings, truth };
}
