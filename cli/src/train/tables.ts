import type { JarTables } from '@stream-smarts/contracts';
import type { BandStats } from './band-stats.js';

/**
 * The tables the band statistics stand for, minute by minute (each minute takes its slot's value).
 * This is what bands.zip is fitted to: `train` reports how far the MOJO's tables are from these
 * (the fit error), and the detection benchmark's tests check the statistics with them. Scoring
 * always uses the MOJO's tables (the UDF jar's `envelope` command), never these.
 */
export function tablesFromStats(s: BandStats): JarTables {
  const per = (name: keyof BandStats['slots']) => Array.from({ length: 1440 }, (_, m) => s.slots[name][Math.floor(m / s.method.slotMinutes)]!);
  const bands = {
    floor_15m: { ref: per('floor_15m.ref'), upper: per('floor_15m.upper') },
    floor_1h: { ref: per('floor_1h.ref'), upper: per('floor_1h.upper') },
    floor_3h: { ref: per('floor_3h.ref'), upper: per('floor_3h.upper') },
    mean_24h: { ref: per('mean_24h.ref'), lower: per('mean_24h.lower') },
    kwh: { lower: per('kwh.lower'), upper: per('kwh.upper') },
  };
  return { bands, ...legacyTables(bands.kwh) };
}

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
