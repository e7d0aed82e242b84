/**
 * The one rule for which local day and hour a reading belongs to (contracts/MODEL-FORMAT.md):
 * the day and hour containing the END of its interval, an end exactly on the hour belonging to
 * the hour before — i.e. the local day and hour of the instant `end − 1 ms`. Collector, training,
 * `run` and the UDF's callers all use this function, so they cannot disagree.
 */
export interface DayHour {
  /** ISO day of week, 1 = Monday … 7 = Sunday. */
  day: number;
  /** Local hour of day, 0–23. */
  hour: number;
}

const WEEKDAY: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short', hour: 'numeric', hourCycle: 'h23' });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Local day and hour of an instant, without the end-of-interval rule. */
export function dayHourAt(instantMs: number, timeZone: string): DayHour {
  let day = 0;
  let hour = -1;
  for (const p of formatter(timeZone).formatToParts(instantMs)) {
    if (p.type === 'weekday') day = WEEKDAY[p.value] ?? 0;
    else if (p.type === 'hour') hour = Number(p.value) % 24;
  }
  if (day === 0 || hour < 0) throw new Error(`cannot read the local day and hour of ${new Date(instantMs).toISOString()} in ${timeZone}`);
  return { day, hour };
}

// Every UTC offset in use is a multiple of 15 minutes and changes on a 15-minute boundary, so all
// instants of a 15-minute UTC bucket share their local date and hour, and their local minutes
// follow the bucket's first. Caching by bucket keeps Intl (microseconds per call) off the
// per-reading hot path: one Intl call per zone and bucket serves day, hour, minute and date.
const BUCKET_MS = 15 * 60 * 1000;

interface Bucket extends DayHour {
  /** Local minute of day of the bucket's first instant. */
  minute: number;
  /** Days since 1970-01-01 of the local date. */
  date: number;
}

const partFormatters = new Map<string, Intl.DateTimeFormat>();
const caches = new Map<string, Map<number, Bucket>>();

function bucketOf(instant: number, timeZone: string): Bucket {
  const bucket = Math.floor(instant / BUCKET_MS);
  let cache = caches.get(timeZone);
  if (!cache) {
    cache = new Map();
    caches.set(timeZone, cache);
  }
  let b = cache.get(bucket);
  if (!b) {
    if (cache.size > 50_000) cache.clear();
    let f = partFormatters.get(timeZone);
    if (!f) {
      f = new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', hourCycle: 'h23' });
      partFormatters.set(timeZone, f);
    }
    const p: Record<string, string> = {};
    for (const x of f.formatToParts(bucket * BUCKET_MS)) p[x.type] = x.value;
    const day = WEEKDAY[p.weekday ?? ''] ?? 0;
    const hour = Number(p.hour) % 24;
    if (day === 0 || !Number.isFinite(hour)) throw new Error(`cannot read the local day and hour of ${new Date(instant).toISOString()} in ${timeZone}`);
    b = { day, hour, minute: hour * 60 + Number(p.minute), date: Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day)) / 86_400_000 };
    cache.set(bucket, b);
  }
  return b;
}

/** The local day and hour a reading whose interval ends at `endMs` belongs to. */
export function dayHourOfReading(endMs: number, timeZone: string): DayHour {
  const b = bucketOf(endMs - 1, timeZone);
  return { day: b.day, hour: b.hour };
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

/** The local minute of day (0–1439) a reading whose interval ends at `endMs` belongs to: that of `end − 1 ms`, by the same rule as its day and hour. */
export function minuteOfReading(endMs: number, timeZone: string): number {
  const instant = endMs - 1;
  return bucketOf(instant, timeZone).minute + Math.floor((instant - Math.floor(instant / BUCKET_MS) * BUCKET_MS) / 60_000);
}

/**
 * The local calendar day a reading belongs to (that of `end − 1 ms`), as a day number: days since
 * 1970-01-01 of that local date. Consecutive local days have consecutive numbers whatever the
 * zone's offsets, so it indexes days of a history.
 */
export function localDayOfReading(endMs: number, timeZone: string): number {
  return bucketOf(endMs - 1, timeZone).date;
}

/**
 * The zone's UTC offset (minutes) at an instant, from the same 15-minute bucket cache: the bucket's
 * local wall-clock minutes since 1970 less its UTC minutes. The one offset cache of the project.
 */
export function zoneOffsetMin(instantMs: number, timeZone: string): number {
  const b = bucketOf(instantMs, timeZone);
  return b.date * 1440 + b.minute - Math.floor(instantMs / BUCKET_MS) * 15;
}

/**
 * The instant of the local wall-clock time `y-m-d h:min` in `timeZone` (months 1–12; days, hours
 * and minutes may overflow, as Date.UTC's do). A time that occurs twice (the hour the clocks go
 * back) gives the later instant, after the change; one that does not occur (the spring gap) is read
 * with the offset before the gap, landing as many minutes past the gap's end as it was past its start.
 */
export function wallClockToInstant(timeZone: string, y: number, m: number, d: number, h = 0, min = 0): number {
  const asUtc = Date.UTC(y, m - 1, d, h, min);
  // Two passes: the offset at the first guess, then the offset at the instant that gives.
  const t = asUtc - zoneOffsetMin(asUtc, timeZone) * 60_000;
  return asUtc - zoneOffsetMin(t, timeZone) * 60_000;
}

/** The local calendar date of an instant, as `YYYY-MM-DD`. */
export function localDateIso(instantMs: number, timeZone: string): string {
  return new Date(bucketOf(instantMs, timeZone).date * 86_400_000).toISOString().slice(0, 10);
}

/** The local calendar date of an instant as numbers (month 1–12). */
export function localYmd(instantMs: number, timeZone: string): { y: number; m: number; d: number } {
  const date = new Date(bucketOf(instantMs, timeZone).date * 86_400_000);
  return { y: date.getUTCFullYear(), m: date.getUTCMonth() + 1, d: date.getUTCDate() };
}

/** The local minute of day (0–1439) of an instant (no end-of-interval rule: for clocks, not readings). */
export function localMinuteOfDay(instantMs: number, timeZone: string): number {
  return bucketOf(instantMs, timeZone).minute + Math.floor((instantMs - Math.floor(instantMs / BUCKET_MS) * BUCKET_MS) / 60_000);
}
