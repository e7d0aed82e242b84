import type { AnomalyEvent, AnomalyKind } from '@stream-smarts/contracts';

/** How anomalies become alerts; see episodes.ts and rules.ts. All times are milliseconds of event time. */
export interface EpisodeRules {
  /** High-usage anomalies within `fireWindowMs` before an episode alerts; 1 alerts on the first. */
  fireAfter: number;
  fireWindowMs: number;
  /**
   * The same for `low` episodes. Less power than ever is never urgent (a holiday, a fridge that
   * died overnight) and a quiet day brushes the envelope's lower edge for hours, so low episodes
   * must last longer than high ones before they alert.
   */
  lowFireAfter: number;
  lowFireWindowMs: number;
  /** Least event time between two alerts of one continuing high episode. */
  repeatIntervalMs: number;
  /** The same for low episodes: a week away notifies when it starts, ends, and at most this often between; 0: never between. */
  lowRepeatIntervalMs: number;
  /** An episode with no anomaly for this long is over. */
  resolveAfterMs: number;
  /**
   * The same for low episodes. The 24-h mean climbs back over its band hours after the house is
   * lived in again, and a low day brushes the band on and off: a short quiet period would end and
   * re-open one absence many times.
   */
  lowResolveAfterMs: number;
  /** Whether an alerted episode's end sends a "back to normal" message. */
  notifyResolved: boolean;
}

export type AlertType = 'fire' | 'repeat' | 'resolve' | 'test';

/** One thing to tell the household. `key` is its idempotency key: the same alert always gets the same key. */
export interface Alert {
  key: string;
  episodeId: string;
  /** 0 for the first alert of an episode, then 1, 2, ... */
  seq: number;
  type: AlertType;
  kind: AnomalyKind;
  meterId: string;
  /** Event time that caused this alert (for a resolve: when the quiet period ran out). */
  at: number;
  /** Event time of the episode's first anomaly. */
  startedAt: number;
  /** When the load began, as the episode's first anomaly told it (see templates.ts seenLoad). */
  onset?: number;
  /** Anomalies seen in the episode so far. */
  count: number;
  /** The latest anomaly of the episode. */
  event: AnomalyEvent;
}

/** A rendered alert: what sinks send. */
export interface Message {
  title: string;
  body: string;
}
