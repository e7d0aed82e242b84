import { localMinuteOfDay } from '@stream-smarts/contracts';
/** Minutes after local midnight; the range wraps past midnight when start > end (22:00-07:00). */
export interface QuietHours {
  startMinute: number;
  endMinute: number;
}

export function inQuietHours(ms: number, q: QuietHours, timeZone: string): boolean {
  const m = localMinuteOfDay(ms, timeZone);
  if (q.startMinute === q.endMinute) return false;
  return q.startMinute < q.endMinute ? m >= q.startMinute && m < q.endMinute : m >= q.startMinute || m < q.endMinute;
}
