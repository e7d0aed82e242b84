import { describe, expect, it } from 'vitest';
import { dayHourAt, dayHourOfReading, isValidTimeZone, localDateIso, wallClockToInstant, zoneOffsetMin } from '../src/time/local-hour.js';

const ms = (iso: string) => Date.parse(iso);

describe('dayHourOfReading: the hour containing the end of the interval', () => {
  it('puts 00:00–01:00 in hour 0 and a reading ending 04:30 in hour 4', () => {
    // 2026-11-23 is a Monday.
    expect(dayHourOfReading(ms('2026-11-23T01:00:00Z'), 'UTC')).toEqual({ day: 1, hour: 0 });
    expect(dayHourOfReading(ms('2026-11-23T04:30:00Z'), 'UTC')).toEqual({ day: 1, hour: 4 });
    expect(dayHourOfReading(ms('2026-11-23T04:00:00.001Z'), 'UTC')).toEqual({ day: 1, hour: 4 });
  });

  it('gives an interval ending exactly at midnight to the day before, hour 23', () => {
    expect(dayHourOfReading(ms('2026-11-24T00:00:00Z'), 'UTC')).toEqual({ day: 1, hour: 23 });
    expect(dayHourOfReading(ms('2026-11-30T00:00:00Z'), 'UTC')).toEqual({ day: 7, hour: 23 });
  });

  it('uses the configured time zone', () => {
    // 2026-11-23T13:30Z is 00:30 on Tuesday in Sydney (UTC+11 in November).
    expect(dayHourOfReading(ms('2026-11-23T13:30:00Z'), 'Australia/Sydney')).toEqual({ day: 2, hour: 0 });
    expect(dayHourOfReading(ms('2026-11-23T13:30:00Z'), 'Asia/Kathmandu')).toEqual({ day: 1, hour: 19 });
  });

  it('spring forward (Europe/London, 2026-03-29): local 01:00–02:00 does not exist, no hour is invented', () => {
    // 00:59:59 GMT then 02:00 BST. Minute readings across the jump.
    const hours: number[] = [];
    for (let t = ms('2026-03-29T00:01:00Z'); t <= ms('2026-03-29T02:00:00Z'); t += 60_000) hours.push(dayHourOfReading(t, 'Europe/London').hour);
    expect(hours.slice(0, 59).every((h) => h === 0)).toBe(true); // 00:01 … 00:59 GMT
    expect(hours[59]).toBe(0); // ends 01:00 GMT = 02:00 BST exactly: belongs to the hour before (local 00)
    expect(hours.slice(60).every((h) => h === 2)).toBe(true); // 02:01 … 03:00 BST
    expect(hours.includes(1)).toBe(false);
  });

  it('fall back (Europe/London, 2026-10-25): local hour 1 happens twice and both get hour 1', () => {
    const counts = new Map<number, number>();
    for (let t = ms('2026-10-24T23:01:00Z'); t <= ms('2026-10-25T03:00:00Z'); t += 60_000) {
      const h = dayHourOfReading(t, 'Europe/London').hour;
      counts.set(h, (counts.get(h) ?? 0) + 1);
    }
    expect(counts.get(0)).toBe(60);
    expect(counts.get(1)).toBe(120); // 60 BST minutes + 60 GMT minutes
    expect(counts.get(2)).toBe(60);
  });

  it('agrees with the uncached Intl answer for every 7 minutes of a year in Sydney', () => {
    for (let t = ms('2026-01-01T00:00:00Z'); t < ms('2027-01-01T00:00:00Z'); t += 7 * 60_000 + 13_000) {
      expect(dayHourOfReading(t, 'Australia/Sydney')).toEqual(dayHourAt(t - 1, 'Australia/Sydney'));
    }
  });

  it('knows a real zone from a made-up one', () => {
    expect(isValidTimeZone('Australia/Sydney')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus_Mons')).toBe(false);
  });
});

describe('minuteOfReading', () => {
  it('is the local minute of end − 1 ms, in whole and odd offsets and across DST', async () => {
    const { minuteOfReading, dayHourOfReading } = await import('../src/time/local-hour.js');
    expect(minuteOfReading(Date.UTC(2026, 0, 5, 4, 30), 'UTC')).toBe(4 * 60 + 29);
    expect(minuteOfReading(Date.UTC(2026, 0, 5, 0, 0), 'UTC')).toBe(1439);
    expect(minuteOfReading(Date.UTC(2026, 0, 5, 3, 1), 'Etc/GMT-1')).toBe(4 * 60);
    expect(minuteOfReading(Date.UTC(2026, 0, 5, 0, 16), 'Asia/Kathmandu')).toBe(6 * 60 + 0); // +05:45
    // Sydney leaves daylight saving at 03:00 AEDT on 5 April 2026 (16:00 UTC): the hour 02:00–03:00 repeats.
    expect(minuteOfReading(Date.UTC(2026, 3, 4, 15, 31), 'Australia/Sydney')).toBe(2 * 60 + 30);
    expect(minuteOfReading(Date.UTC(2026, 3, 4, 16, 31), 'Australia/Sydney')).toBe(2 * 60 + 30);
    for (let t = Date.UTC(2026, 3, 4, 10); t < Date.UTC(2026, 3, 5, 2); t += 7 * 60_000) {
      expect(Math.floor(minuteOfReading(t, 'Australia/Sydney') / 60)).toBe(dayHourOfReading(t, 'Australia/Sydney').hour);
    }
  });
});

describe('the one offset cache: zoneOffsetMin, wallClockToInstant, localDateIso', () => {
  /** Intl's own answer, uncached: the zone's "GMT+hh:mm" name at that instant. */
  const intlOffset = (ms: number, timeZone: string) => {
    const name = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' }).formatToParts(ms).find((p) => p.type === 'timeZoneName')!.value;
    const m = /GMT([+-])(\d{2}):(\d{2})/.exec(name);
    return m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : 0;
  };

  it('agrees with Intl every 37 minutes of a year in zones with half- and quarter-hour offsets and both hemispheres', () => {
    for (const tz of ['Europe/London', 'Australia/Sydney', 'America/St_Johns', 'Asia/Kathmandu', 'Australia/Lord_Howe', 'UTC']) {
      for (let t = Date.UTC(2026, 0, 1); t < Date.UTC(2027, 0, 1); t += 37 * 60_000) expect(zoneOffsetMin(t, tz), `${tz} ${new Date(t).toISOString()}`).toBe(intlOffset(t, tz));
    }
  });

  it('turns a wall-clock time into its instant, across both changes of the clocks', () => {
    expect(new Date(wallClockToInstant('Australia/Sydney', 2026, 7, 30, 4, 15)).toISOString()).toBe('2026-07-29T18:15:00.000Z');
    // Days and hours overflow as Date.UTC's do: 32 July is 1 August.
    expect(wallClockToInstant('Europe/London', 2026, 7, 32)).toBe(Date.UTC(2026, 6, 31, 23));
    // 01:30 happens twice on 2026-10-25 in London: the later one, after the clocks went back.
    expect(new Date(wallClockToInstant('Europe/London', 2026, 10, 25, 1, 30)).toISOString()).toBe('2026-10-25T01:30:00.000Z');
    // 01:30 does not happen on 2026-03-29: read at the offset before the gap, i.e. 02:30 BST.
    expect(new Date(wallClockToInstant('Europe/London', 2026, 3, 29, 1, 30)).toISOString()).toBe('2026-03-29T01:30:00.000Z');
    // Every other quarter hour of a year round-trips through the offset.
    for (let t = Date.UTC(2026, 0, 1); t < Date.UTC(2027, 0, 1); t += 45 * 60_000) {
      const local = new Date(t + zoneOffsetMin(t, 'Australia/Sydney') * 60_000);
      const back = wallClockToInstant('Australia/Sydney', local.getUTCFullYear(), local.getUTCMonth() + 1, local.getUTCDate(), local.getUTCHours(), local.getUTCMinutes());
      // Only the repeated hour maps to the later of its two instants.
      if (back !== t) expect(back - t, new Date(t).toISOString()).toBe(3_600_000);
    }
  });

  it('gives the local date', () => {
    expect(localDateIso(Date.UTC(2026, 0, 1, 14), 'Australia/Sydney')).toBe('2026-01-02');
    expect(localDateIso(Date.UTC(2026, 0, 1, 12, 59), 'Australia/Sydney')).toBe('2026-01-01');
    expect(localDateIso(Date.UTC(2026, 0, 1, 2), 'America/St_Johns')).toBe('2025-12-31');
  });
});
