/** Minutes after local midnight; the range wraps past midnight when start > end (22:00-07:00). */
export interface QuietHours {
  startMinute: number;
  endMinute: number;
}

export function minuteOfDay(ms: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone, hour: 'numeric', minute: 'numeric', hourCycle: 'h23' }).formatToParts(ms);
  const h = Number(parts.find((p) => p.type === 'hour')?.value ?? 0);
  const m = Number(parts.find((p) => p.type === 'minute')?.value ?? 0);
  return h * 60 + m;
}

export function inQuietHours(ms: number, q: QuietHours, timeZone: string): boolean {
  const m = minuteOfDay(ms, timeZone);
  if (q.startMinute === q.endMinute) return false;
  return q.startMinute < q.endMinute ? m >= q.startMinute && m < q.endMinute : m >= q.startMinute || m < q.endMinute;
}
