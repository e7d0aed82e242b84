import { RetrainError } from './errors.js';
import { localYmd, wallClockToInstant } from '@stream-smarts/contracts';

/**
 * `retrain --every-day-at HH:MM`: the compose service's nightly schedule (a Pi or a server without
 * Docker uses the systemd timer instead). Sleeps until the next HH:MM local time in the household's
 * zone, runs one retrain, and sleeps again; a failed run is reported and the next night still runs.
 */

export function parseTimeOfDay(s: string): { h: number; m: number } {
  const m = /^(\d{1,2}):(\d{2})$/.exec(s.trim());
  if (!m || Number(m[1]) > 23 || Number(m[2]) > 59) throw new RetrainError(`--every-day-at ${JSON.stringify(s)} is not a time of day`, 'give HH:MM in 24-hour time, e.g. --every-day-at 03:30', 2);
  return { h: Number(m[1]), m: Number(m[2]) };
}

/** The first instant after `now` whose local time in `timezone` is h:m (on a day without it, the next day's). */
function nextRunAt(now: number, at: { h: number; m: number }, timezone: string): number {
  const today = localYmd(now, timezone);
  for (let k = 0; k < 3; k++) {
    const t = wallClockToInstant(timezone, today.y, today.m, today.d + k, at.h, at.m);
    if (t > now) return t;
  }
  return now + 86_400_000;
}

/** Runs `job` at every next h:m until `signal` aborts; never returns otherwise. */
export async function everyDayAt(at: { h: number; m: number }, timezone: string, job: () => Promise<void>, o: { signal?: AbortSignal; onWait?: (next: Date) => void; now?: () => number } = {}): Promise<void> {
  const now = o.now ?? Date.now;
  while (!o.signal?.aborted) {
    const next = nextRunAt(now(), at, timezone);
    o.onWait?.(new Date(next));
    await new Promise<void>((resolve) => {
      // Waits of more than setTimeout's 24.8-day limit cannot occur (at most ~1 day), but a clock
      // that jumps is re-read every hour at the latest.
      const t = setTimeout(resolve, Math.min(Math.max(0, next - now()), 3_600_000));
      o.signal?.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
    });
    if (o.signal?.aborted) return;
    if (now() < next) continue;
    await job();
  }
}
