import { existsSync, readFileSync, renameSync } from 'node:fs';
import { writeFileDurableSync } from '@stream-smarts/contracts';
import { z } from 'zod';
import { EpisodeStateSchema, type EpisodeState } from './alert-core/episodes.js';

/**
 * What the notifier keeps across restarts: per clock (a topic-partition, or "run") its episodes
 * and watermark, and per topic-partition the last offset whose alerts were all delivered. A message
 * at or below that offset arriving again (its commit was lost in a crash) has had its effect
 * already and is passed over.
 */
export const NotifierStateSchema = z.object({
  version: z.literal(2),
  clocks: z.record(z.string(), EpisodeStateSchema),
  offsets: z.record(z.string(), z.string()),
  /**
   * Per topic-partition, the first offset of the last batch saved. A lost commit makes Kafka hand
   * over that batch again, so offsets from here to `offsets` are replays; one below it was never
   * part of a saved batch (the topic was recreated, or the group's offsets reset on purpose).
   */
  batchFrom: z.record(z.string(), z.string()).default({}),
});
export type NotifierState = z.infer<typeof NotifierStateSchema>;

/** Version 1 had one clock for every partition. */
const V1Schema = z.object({ version: z.literal(1), episodes: EpisodeStateSchema, offsets: z.record(z.string(), z.string()) });

export function emptyState(): NotifierState {
  return { version: 2, clocks: {}, offsets: {}, batchFrom: {} };
}

function upgrade(v1: z.infer<typeof V1Schema>): NotifierState {
  // Its one watermark goes to the partition it came from when there was one, as is the norm.
  const positions = Object.keys(v1.offsets);
  const clock = positions.length === 1 ? positions[0]! : '';
  return { version: 2, clocks: { [clock]: v1.episodes as EpisodeState }, offsets: v1.offsets, batchFrom: v1.offsets };
}

/** Reads the state file; a missing file is a fresh start, a corrupt one is set aside (and said so) rather than trusted. */
export function loadState(path: string): { state: NotifierState; problem?: string } {
  if (!existsSync(path)) return { state: emptyState() };
  try {
    const json = JSON.parse(readFileSync(path, 'utf8')) as unknown;
    const v2 = NotifierStateSchema.safeParse(json);
    if (v2.success) return { state: v2.data };
    const v1 = V1Schema.safeParse(json);
    if (v1.success) return { state: upgrade(v1.data) };
    throw new Error(v2.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  } catch (e) {
    const aside = `${path}.corrupt-${Date.now()}`;
    renameSync(path, aside);
    return { state: emptyState(), problem: `state file ${path} is unreadable (${(e as Error).message}); moved to ${aside}, starting afresh` };
  }
}

/**
 * Saves the whole state atomically. The notifier does it once per consumer batch, with one fsync,
 * before it commits the batch's offsets; that one flush costs a few milliseconds, which a batch of
 * thousands of messages shares.
 */
export function saveState(path: string, state: NotifierState, durable = true): void {
  writeFileDurableSync(path, JSON.stringify(state), { durable });
}
