import type { JarTables } from '@stream-smarts/contracts';

/** MODEL-FORMAT: hours[h] = lowest kwh.lower and highest kwh.upper over the hour's minutes; every day's cell = its hour. */
export function legacyTables(kwh: { lower: readonly number[]; upper: readonly number[] }): Pick<JarTables, 'hours' | 'cells'> {
  const hours = Array.from({ length: 24 }, (_, hour) => {
    let lower = Infinity;
    let upper = -Infinity;
    for (let m = hour * 60; m < hour * 60 + 60; m++) {
      lower = Math.min(lower, kwh.lower[m]!);
      upper = Math.max(upper, kwh.upper[m]!);
    }
    return { hour, lower, upper };
  });
  const cells = [];
  for (let day = 1; day <= 7; day++) for (const h of hours) cells.push({ day, hour: h.hour, lower: h.lower, upper: h.upper });
  return { hours, cells };
}
