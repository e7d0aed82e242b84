import { z } from 'zod';
import type { AnomalyEvent, AnomalyKind } from '@stream-smarts/contracts';
import { seenLoad } from './templates.js';
import type { Alert, EpisodeRules } from './types.js';

/**
 * Anomalies become episodes, one per meter and kind. Pure: no I/O and no clock of its own.
 *
 * Event time (the anomaly's EVENT_TS) drives everything, so replaying a topic gives the same
 * alerts with the same keys. The watermark is the latest event time seen; an episode whose last
 * anomaly is more than `resolveAfterMs` behind it is over. Anything that knows event time has
 * passed moves the watermark with `advance(ts)`: `run` calls it with every normal reading, so a
 * heater switched off resolves 15 quiet minutes later, not at the next anomaly hours on. When
 * nothing moves it (the Kafka notifier sees only anomalies), `tick()` extrapolates it by the wall
 * time that has passed since it last moved; the notifier ticks only partitions it has caught up
 * with, so a backlog being replayed fast is never resolved early.
 */

const EventSchema = z.object({
  eventTs: z.number(),
  hour: z.number(),
  kwh: z.number(),
  fn: z.number(),
  kind: z.enum(['high', 'low']),
  meterId: z.string(),
  day: z.union([z.string(), z.number()]).optional(),
  lower: z.number().optional(),
  upper: z.number().optional(),
  hold: z.boolean().optional(),
  measures: z.record(z.string(), z.number()).optional(),
  power: z.number().optional(),
});

const EpisodeSchema = z.object({
  id: z.string(),
  meterId: z.string(),
  kind: z.enum(['high', 'low']),
  startedAt: z.number(),
  /** When the load began, as the first anomaly's measures tell (templates.ts seenLoad); absent when they tell nothing. */
  onset: z.number().optional(),
  lastAt: z.number(),
  count: z.number(),
  /** Anomaly times inside the fire window, kept only until the episode fires. */
  recent: z.array(z.number()),
  fired: z.boolean(),
  lastAlertAt: z.number().nullable(),
  /** The seq the next alert of this episode gets. */
  nextSeq: z.number(),
  lastEvent: EventSchema,
});

export const EpisodeStateSchema = z.object({
  watermark: z.number().nullable(),
  episodes: z.record(z.string(), EpisodeSchema),
});

export type Episode = z.infer<typeof EpisodeSchema>;
export type EpisodeState = z.infer<typeof EpisodeStateSchema>;

export function emptyEpisodeState(): EpisodeState {
  return { watermark: null, episodes: {} };
}

const episodeKey = (meterId: string, kind: AnomalyKind) => `${meterId}|${kind}`;

export class EpisodeTracker {
  private state: EpisodeState;
  /** Wall time when the watermark last moved; not persisted (after a restart, counting starts again). */
  private watermarkWall: number;
  /**
   * No episode can end before this event time: the least lastAt + resolveAfter, or a lower bound of
   * it. Saves scanning every open episode on every message when many meters share a partition.
   */
  private nextEnd = -Infinity;

  constructor(
    readonly rules: EpisodeRules,
    private readonly now: () => number,
    initial: EpisodeState = emptyEpisodeState(),
  ) {
    this.state = structuredClone(initial);
    this.watermarkWall = now();
  }

  /** A deep copy, for persisting. */
  snapshot(): EpisodeState {
    return structuredClone(this.state);
  }

  /** The live state, for a caller that serialises it at once (no copy: saving thousands of episodes per batch stays cheap). */
  live(): Readonly<EpisodeState> {
    return this.state;
  }

  episodes(): Episode[] {
    return Object.values(this.state.episodes);
  }

  get watermark(): number | null {
    return this.state.watermark;
  }

  /**
   * Feeds one anomaly; returns the alerts it causes (resolves of other episodes first). A 'hold'
   * reading (ev.hold) only keeps an alerted episode of its kind going — as an anomaly would, but
   * without counting, reminding or opening one — so a load that cycles is not "back to normal"
   * between its on-periods.
   */
  observe(ev: AnomalyEvent): Alert[] {
    const alerts = this.advance(ev.eventTs);
    const key = episodeKey(ev.meterId, ev.kind);
    let ep = this.state.episodes[key];
    if (ev.hold) {
      if (ep && ep.fired && ev.eventTs - ep.lastAt <= this.resolveMs(ep.kind) && ev.eventTs > ep.lastAt) ep.lastAt = ev.eventTs;
      return alerts;
    }
    if (ep && ev.eventTs - ep.lastAt > this.resolveMs(ep.kind)) {
      // Out-of-order stragglers aside, advance() already ended it; this covers a late gap.
      alerts.push(...this.end(key, ep, ep.lastAt + this.resolveMs(ep.kind)));
      ep = undefined;
    }
    if (!ep) {
      ep = {
        id: `${ev.meterId}:${ev.kind}:${ev.eventTs}`,
        meterId: ev.meterId,
        kind: ev.kind,
        startedAt: ev.eventTs,
        ...onsetOf(ev),
        lastAt: ev.eventTs,
        count: 0,
        recent: [],
        fired: false,
        lastAlertAt: null,
        nextSeq: 0,
        lastEvent: ev,
      };
      this.state.episodes[key] = ep;
      this.nextEnd = Math.min(this.nextEnd, ev.eventTs + this.resolveMs(ev.kind));
    }
    ep.count += 1;
    if (ev.eventTs >= ep.lastAt) {
      ep.lastAt = ev.eventTs;
      ep.lastEvent = ev;
    }
    const low = ev.kind === 'low';
    if (!ep.fired) {
      ep.recent.push(ev.eventTs);
      const fireAfter = low ? this.rules.lowFireAfter : this.rules.fireAfter;
      const from = ev.eventTs - (low ? this.rules.lowFireWindowMs : this.rules.fireWindowMs);
      ep.recent = ep.recent.filter((t) => t >= from && t <= ev.eventTs);
      if (ep.recent.length >= fireAfter) {
        ep.fired = true;
        ep.recent = [];
        ep.lastAlertAt = ev.eventTs;
        alerts.push(this.alert(ep, 'fire', ev.eventTs));
      }
    } else if (ep.lastAlertAt !== null && this.repeatMs(ev.kind) > 0 && ev.eventTs - ep.lastAlertAt >= this.repeatMs(ev.kind)) {
      ep.lastAlertAt = ev.eventTs;
      alerts.push(this.alert(ep, 'repeat', ev.eventTs));
    }
    return alerts;
  }

  /**
   * Event time has reached `eventTs` (a normal reading, or a partition's progress): moves the
   * watermark (if later) and ends the episodes quiet for longer than the rules allow.
   */
  advance(eventTs: number): Alert[] {
    if (this.state.watermark === null || eventTs > this.state.watermark) {
      this.state.watermark = eventTs;
      this.watermarkWall = this.now();
    }
    return this.resolveBefore(this.state.watermark);
  }

  /** The quiet period that ends an episode of this kind: a low one (away) only ends once the house is back. */
  private resolveMs(kind: AnomalyKind): number {
    return kind === 'low' ? this.rules.lowResolveAfterMs : this.rules.resolveAfterMs;
  }

  /** Least time between reminders of this kind; 0 means none. */
  private repeatMs(kind: AnomalyKind): number {
    return kind === 'low' ? this.rules.lowRepeatIntervalMs : this.rules.repeatIntervalMs;
  }

  /** Ends the episodes the quiet period has passed for, by wall time since the watermark last moved. */
  tick(): Alert[] {
    if (this.state.watermark === null) return [];
    const idle = Math.max(0, this.now() - this.watermarkWall);
    return this.resolveBefore(this.state.watermark + idle);
  }

  private resolveBefore(time: number): Alert[] {
    if (time <= this.nextEnd) return [];
    const out: Alert[] = [];
    // Sorted so the order of resolves, and so of their delivery, is deterministic.
    const ending = Object.entries(this.state.episodes)
      .filter(([, ep]) => time - ep.lastAt > this.resolveMs(ep.kind))
      .sort((a, b) => a[1].lastAt - b[1].lastAt || a[0].localeCompare(b[0]));
    for (const [key, ep] of ending) out.push(...this.end(key, ep, ep.lastAt + this.resolveMs(ep.kind)));
    let next = Infinity;
    for (const ep of Object.values(this.state.episodes)) next = Math.min(next, ep.lastAt + this.resolveMs(ep.kind));
    // Episodes only ever get later lastAt values, so this stays a lower bound until one is added.
    this.nextEnd = next;
    return out;
  }

  private end(key: string, ep: Episode, at: number): Alert[] {
    delete this.state.episodes[key];
    if (!ep.fired || !this.rules.notifyResolved) return [];
    return [this.alert(ep, 'resolve', at)];
  }

  private alert(ep: Episode, type: Alert['type'], at: number): Alert {
    const seq = ep.nextSeq++;
    return {
      key: `${ep.id}#${seq}`,
      episodeId: ep.id,
      seq,
      type,
      kind: ep.kind,
      meterId: ep.meterId,
      at,
      startedAt: ep.startedAt,
      ...(ep.onset !== undefined ? { onset: ep.onset } : {}),
      count: ep.count,
      event: structuredClone(ep.lastEvent),
    };
  }
}

/** The load's start as the episode's first anomaly tells it, kept for every later message of the episode. */
function onsetOf(ev: AnomalyEvent): { onset?: number } {
  const load = ev.kind === 'high' ? seenLoad({ startedAt: ev.eventTs, event: ev }) : null;
  return load ? { onset: load.since } : {};
}
