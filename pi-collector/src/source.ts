/**
 * One interface for every source of meter pulses: the GPIO line, a replayed history file, the
 * simulated household. A source hands pulses and the passing of time to a sink; it never deals
 * with intervals, spooling or Kafka.
 */
export interface PulseSink {
  /** `count` pulses at instant t (epoch ms). */
  pulse(t: number, count?: number): void;
  /** Every pulse up to `now` has been handed over (lets quiet intervals close). */
  advance(now: number): void;
  /**
   * Replayable sources: everything before `cursor` has been handed over, so a restart may resume
   * there. Called only at points where the sink's state and the cursor agree.
   */
  commit(cursor: string): void;
  /**
   * Replayed histories: nothing is known of the meter between `from` and `to` (a gap in the
   * file). The intervals in it are unknown, not quiet: the sink skips them rather than emit zero
   * readings. Required, so no sink can forget it (the collector once did, and replayed a gap
   * into Kafka as a week of zeros).
   */
  gap(from: number, to: number): void;
  /** Backpressure: replayable sources await it at their yield points, so a slow consumer holds them back. */
  drain?(): Promise<void>;
}

export interface PulseSource {
  readonly kind: 'gpio' | 'replay' | 'simulator';
  /**
   * Live sources (GPIO) follow the wall clock and cannot repeat a pulse: after a restart their
   * missed time is a gap. Replayable sources resume exactly at the committed cursor.
   */
  readonly live: boolean;
  /** Feeds the sink until the input ends (replay, simulator) or the signal aborts. */
  run(sink: PulseSink, from: string | null, signal: AbortSignal): Promise<void>;
}
