import { heaterLeftOnDay, type Household, type Scenario } from '@stream-smarts/pi-collector';
import { localYmd } from '@stream-smarts/contracts';

export interface DayStory {
  date: { y: number; m: number; d: number };
  household: Household;
  start: number;
  end: number;
  truth: Scenario[];
  seed: number;
}

/** Today's local date in `timezone`. */
export function todayIn(timezone: string, now = Date.now()): { y: number; m: number; d: number } {
  return localYmd(now, timezone);
}

/** Parses --date YYYY-MM-DD; throws one line naming the flag. */
export function parseDate(s: string): { y: number; m: number; d: number } {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s.trim());
  const v = m ? { y: Number(m[1]), m: Number(m[2]), d: Number(m[3]) } : undefined;
  if (!v || v.m < 1 || v.m > 12 || v.d < 1 || v.d > 31 || new Date(Date.UTC(v.y, v.m - 1, v.d)).getUTCDate() !== v.d) {
    throw new Error(`--date "${s}": expected a calendar date YYYY-MM-DD, e.g. 2026-07-14`);
  }
  return v;
}

/** `run`'s default story: the simulated household's day (today by default) with the heater left on from 04:00. */
export function defaultDay(timezone: string, date: { y: number; m: number; d: number } | undefined, seed: number): DayStory {
  const day = date ?? todayIn(timezone);
  return { date: day, seed, ...heaterLeftOnDay({ timezone, date: day, seed }) };
}
