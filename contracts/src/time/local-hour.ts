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
// instants of a 15-minute UTC bucket share their local day and hour. Caching by bucket keeps Intl
// (microseconds per call) off the per-reading hot path.
const BUCKET_MS = 15 * 60 * 1000;
const caches = new Map<string, Map<number, DayHour>>();

/** The local day and hour a reading whose interval ends at `endMs` belongs to. */
export function dayHourOfReading(endMs: number, timeZone: string): DayHour {
  const instant = endMs - 1;
  const bucket = Math.floor(instant / BUCKET_MS);
  let cache = caches.get(timeZone);
  if (!cache) {
    cache = new Map();
    caches.set(timeZone, cache);
  }
  let dh = cache.get(bucket);
  if (!dh) {
    if (cache.size > 50_000) cache.clear();
    dh = dayHourAt(instant, timeZone);
    cache.set(bucket, dh);
  }
  return dh;
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

const minuteFormatters = new Map<string, Intl.DateTimeFormat>();
const minuteCaches = new Map<string, Map<number, number>>();

/**
 * The local minute of day (0–1439) a reading whose interval ends at `endMs` belongs to: that of
 * `end − 1 ms`, by the same rule as its day and hour. Every UTC offset in use is a multiple of
 * 15 minutes, so a 15-minute UTC bucket's local minutes follow its first one: Intl runs once a bucket.
 */
export function minuteOfReading(endMs: number, timeZone: string): number {
  const instant = endMs - 1;
  const bucket = Math.floor(instant / BUCKET_MS);
  let cache = minuteCaches.get(timeZone);
  if (!cache) {
    cache = new Map();
    minuteCaches.set(timeZone, cache);
  }
  let first = cache.get(bucket);
  if (first === undefined) {
    if (cache.size > 50_000) cache.clear();
    let f = minuteFormatters.get(timeZone);
    if (!f) {
      f = new Intl.DateTimeFormat('en-US', { timeZone, hour: 'numeric', minute: 'numeric', hourCycle: 'h23' });
      minuteFormatters.set(timeZone, f);
    }
    let h = 0;
    let m = 0;
    for (const p of f.formatToParts(bucket * BUCKET_MS)) {
      if (p.type === 'hour') h = Number(p.value) % 24;
      else if (p.type === 'minute') m = Number(p.value);
    }
    first = h * 60 + m;
    cache.set(bucket, first);
  }
  return first + Math.floor((instant - bucket * BUCKET_MS) / 60_000);
}

const dateFormatters = new Map<string, Intl.DateTimeFormat>();
const dateCaches = new Map<string, Map<number, number>>();

/**
 * The local calendar day a reading belongs to (that of `end − 1 ms`), as a day number: days since
 * 1970-01-01 of that local date. Consecutive local days have consecutive numbers whatever the
 * zone's offsets, so it indexes days of a history.
 */
export function localDayOfReading(endMs: number, timeZone: string): number {
  const instant = endMs - 1;
  const bucket = Math.floor(instant / BUCKET_MS);
  let cache = dateCaches.get(timeZone);
  if (!cache) {
    cache = new Map();
    dateCaches.set(timeZone, cache);
  }
  let day = cache.get(bucket);
  if (day === undefined) {
    if (cache.size > 50_000) cache.clear();
    let f = dateFormatters.get(timeZone);
    if (!f) {
      f = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: 'numeric', day: 'numeric' });
      dateFormatters.set(timeZone, f);
    }
    let y = 0;
    let m = 0;
    let d = 0;
    for (const p of f.formatToParts(bucket * BUCKET_MS)) {
      if (p.type === 'year') y = Number(p.value);
      else if (p.type === 'month') m = Number(p.value);
      else if (p.type === 'day') d = Number(p.value);
    }
    day = Date.UTC(y, m - 1, d) / 86_400_000;
    cache.set(bucket, day);
  }
  return day;
}
