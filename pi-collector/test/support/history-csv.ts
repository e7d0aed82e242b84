import { writeFileSync } from 'node:fs';
import { createHousehold } from '../../src/simulator.js';

/**
 * A history CSV (`timestamp,wh`, one row an interval — a minute unless told —, whole Wh) of the
 * simulated household from `start`, for replay tests. The same arguments always give the same
 * bytes, so a file cut after `rows` lines is a prefix of a longer one: a replay cursor (a line
 * number) from one goes on in the other.
 */
export function householdCsv(path: string, start: number, rows: number, seed = 5, intervalS = 60): number[] {
  const iMs = intervalS * 1000;
  const energy = createHousehold({ timezone: 'Australia/Sydney', seed }).energy(start, start + rows * iMs, intervalS);
  const wh = Array.from(energy, (e) => Math.round(e));
  const lines = wh.map((w, i) => `${new Date(start + (i + 1) * iMs).toISOString().replace('.000Z', '+00:00')},${w}`);
  writeFileSync(path, ['timestamp,wh', ...lines].join('\n') + '\n');
  return wh;
}
