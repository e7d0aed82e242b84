import { z } from 'zod';
import type { AnomalyEvent, AnomalyKind } from '@stream-smarts/contracts';
import type { Alert, EpisodeRules } from './types.js';

/**
 * Anomalies become episodes, one per meter and kind. Pure: no I/O and no clock of its own.
 *
 * Event time (the anomaly's EVENT_TS) drives everything, so replaying a topic gives the same
 * alerts with the same keys. The watermark is the latest event time seen; an episode whose last
 * anomaly is more than `resolveAfterMs` behind it is over. When the stream goes quiet no event
 * moves the watermark, so `tick(wallNow)` extrapolates it by the wall time that has passed since
 * it last moved: a live system resolves episodes on time, and a fast replay (little wall time
 * between events) does not resolve them early.
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
});

const EpisodeSchema = z.object({
  id: z.string(),
  meterId: z.string(),
  kind: z.enum(['high', 'low']),
  startedAt: z.number(),
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

  episodes(): Episode[] {
    return Object.values(this.state.episodes);
  }

  /** Feeds one anomaly; returns the alerts it causes (resolves of other episodes first). */
  observe(ev: AnomalyEvent): Alert[] {
    const alerts = this.advance(ev.eventTs);
    const key = episodeKey(ev.meterId, ev.kind);
    let ep = this.state.episodes[key];
    if (ep && ev.eventTs - ep.lastAt > this.rules.resolveAfterMs) {
      // Out-of-order stragglers aside, advance() already ended it; this covers a late gap.
      alerts.push(...this.end(key, ep, ep.lastAt + this.rules.resolveAfterMs));
      ep = undefined;
    }
    if (!ep) {
      ep = {
        id: `${ev.meterId}:${ev.kind}:${ev.eventTs}`,
        meterId: ev.meterId,
        kind: ev.kind,
        startedAt: ev.eventTs,
        lastAt: ev.eventTs,
        count: 0,
        recent: [],
        fired: false,
        lastAlertAt: null,
        nextSeq: 0,
        lastEvent: ev,
      };
      this.state.episodes[key] = ep;
    }
    ep.count += 1;
    if (ev.eventTs >= ep.lastAt) {
      ep.lastAt = ev.eventTs;
      ep.lastEvent = ev;
    }
    if (!ep.fired) {
      ep.recent.push(ev.eventTs);
      const low = ev.kind === 'low';
      const fireAfter = (low ? this.rules.lowFireAfter : undefined) ?? this.rules.fireAfter;
      const from = ev.eventTs - ((low ? this.rules.lowFireWindowMs : undefined) ?? this.rules.fireWindowMs);
      ep.recent = ep.recent.filter((t) => t >= from && t <= ev.eventTs);
      if (ep.recent.length >= fireAfter) {
        ep.fired = true;
        ep.recent = [];
        ep.lastAlertAt = ev.eventTs;
        alerts.push(this.alert(ep, 'fire', ev.eventTs));
      }
    } else if (ep.lastAlertAt !== null && ev.eventTs - ep.lastAlertAt >= this.rules.repeatIntervalMs) {
      ep.lastAlertAt = ev.eventTs;
      alerts.push(this.alert(ep, 'repeat', ev.eventTs));
    }
    return alerts;
  }

  /** Ends the episodes the quiet period has passed for, by wall time since the watermark last moved. */
  tick(): Alert[] {
    if (this.state.watermark === null) return [];
    const idle = Math.max(0, this.now() - this.watermarkWall);
    return this.resolveBefore(this.state.watermark + idle);
  }

  /** Moves the watermark to `eventTs` (if later) and ends episodes quiet for longer than the rules allow. */
  private advance(eventTs: number): Alert[] {
    if (this.state.watermark === null || eventTs > this.state.watermark) {
      this.state.watermark = eventTs;
      this.watermarkWall = this.now();
    }
    return this.resolveBefore(this.state.watermark);
  }

  private resolveBefore(time: number): Alert[] {
    const out: Alert[] = [];
    // Sorted so the order of resolves, and so of their delivery, is deterministic.
    for (const [key, ep] of Object.entries(this.state.episodes).sort((a, b) => a[1].lastAt - b[1].lastAt || a[0].localeCompare(b[0]))) {
      if (time - ep.lastAt > this.rules.resolveAfterMs) out.push(...this.end(key, ep, ep.lastAt + this.rules.resolveAfterMs));
    }
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
      count: ep.count,
      event: structuredClone(ep.lastEvent),
    };
  }
}
