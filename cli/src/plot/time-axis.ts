import { wallClockToInstant, zoneOffsetMin } from '@stream-smarts/contracts';

/**
 * Ticks and labels for an axis of instants (epoch ms) in a household's local time: whole local
 * days for long spans, every few local hours for short ones, so labels read as wall-clock time.
 */
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export function localParts(t: number, timezone: string): { y: number; m: number; d: number; h: number; min: number; weekday: number } {
  const l = new Date(t + zoneOffsetMin(t, timezone) * 60_000);
  return { y: l.getUTCFullYear(), m: l.getUTCMonth() + 1, d: l.getUTCDate(), h: l.getUTCHours(), min: l.getUTCMinutes(), weekday: ((l.getUTCDay() + 6) % 7) + 1 };
}

export function timeTicks(from: number, to: number, timezone: string, maxTicks = 12): { ticks: number[]; format: (t: number) => string; unit: string } {
  const span = to - from;
  const stepsH = [1, 2, 3, 6, 12];
  let stepH = stepsH.find((s) => span / (s * HOUR) <= maxTicks);
  const ticks: number[] = [];
  const p = localParts(from, timezone);
  if (stepH !== undefined) {
    // Local hours that are multiples of the step, from the local day of `from`.
    for (let i = 0; ; i++) {
      const at = wallClockToInstant(timezone, p.y, p.m, p.d + Math.floor((i * stepH) / 24), (i * stepH) % 24, 0);
      if (at > to) break;
      if (at >= from) ticks.push(at);
    }
  } else {
    const days = [1, 2, 7, 14, 28, 56].find((d) => span / (d * DAY) <= maxTicks) ?? Math.ceil(span / DAY / maxTicks);
    for (let i = 0; ; i += days) {
      const at = wallClockToInstant(timezone, p.y, p.m, p.d + i);
      if (at > to) break;
      if (at >= from) ticks.push(at);
    }
    stepH = 24;
  }
  const DAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
  const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const format = (t: number) => {
    const q = localParts(t, timezone);
    const date = `${DAYS[q.weekday - 1]} ${q.d} ${MONTHS[q.m - 1]}`;
    if (stepH! >= 24) return date;
    const hm = `${String(q.h).padStart(2, '0')}:${String(q.min).padStart(2, '0')}`;
    return q.h === 0 && q.min === 0 ? date : hm;
  };
  return { ticks, format, unit: stepH >= 24 ? 'local date' : 'local time' };
}
