/**
 * Timestamps of history rows: ISO-8601 with a required UTC offset (Z, ±hh:mm or ±hhmm) — without
 * one the instant is ambiguous — or epoch milliseconds. The offset is kept: it is the file's own
 * word on its time zone, checked against the zone in use (reader.ts).
 */
export interface Instant {
  ms: number;
  /** The written UTC offset in minutes; null for Z and epoch milliseconds (which say nothing of the zone). */
  offsetMin: number | null;
}

const ISO_WITH_OFFSET = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)(Z|[+-]\d{2}:?\d{2})$/i;
/** 2000-01-01: an all-digit timestamp before it is seconds, not milliseconds. */
const EPOCH_MS_FLOOR = 946_684_800_000;

export function parseInstant(raw: string): Instant | string {
  const t = raw.trim();
  if (/^\d+$/.test(t)) {
    const ms = Number(t);
    if (ms < EPOCH_MS_FLOOR) return `timestamp ${JSON.stringify(t)} is before 2000 as epoch milliseconds (epoch seconds? multiply by 1000)`;
    return { ms, offsetMin: null };
  }
  const m = ISO_WITH_OFFSET.exec(t);
  if (!m) {
    return /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/.test(t)
      ? `timestamp ${JSON.stringify(t.slice(0, 40))} has no UTC offset (add Z or e.g. +10:00)`
      : `timestamp ${JSON.stringify(t.slice(0, 40))} is not ISO-8601 with an offset (e.g. 2026-08-05T04:15:00+10:00) or epoch milliseconds`;
  }
  const zone = m[3]!.toUpperCase();
  // Date.parse accepts ±hhmm only with a colon; normalise.
  const off = zone === 'Z' ? 'Z' : `${zone.slice(0, 3)}:${zone.slice(-2)}`;
  const ms = Date.parse(`${m[1]}T${m[2]}${off}`);
  if (!Number.isFinite(ms)) return `timestamp ${JSON.stringify(t)} is not a valid date`;
  const offsetMin = zone === 'Z' ? null : (zone[0] === '-' ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(-2)));
  return { ms, offsetMin };
}

/** +11:00, -03:30, +00:00. */
export function formatOffset(min: number): string {
  const a = Math.abs(min);
  return `${min < 0 ? '-' : '+'}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
}
