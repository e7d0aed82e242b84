import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import { EpisodeStateSchema, emptyEpisodeState, type EpisodeState } from './alert-core/episodes.js';

/**
 * What the notifier keeps across restarts: the episodes, and per topic-partition the last offset
 * whose alerts were all delivered. A message at or below that offset arriving again (its commit
 * was lost in a crash) has had its effect already and is passed over.
 */
export const NotifierStateSchema = z.object({
  version: z.literal(1),
  episodes: EpisodeStateSchema,
  offsets: z.record(z.string(), z.string()),
});
export type NotifierState = z.infer<typeof NotifierStateSchema>;

export function emptyState(): NotifierState {
  return { version: 1, episodes: emptyEpisodeState(), offsets: {} };
}

/** Reads the state file; a missing file is a fresh start, a corrupt one is set aside (and said so) rather than trusted. */
export function loadState(path: string): { state: NotifierState; problem?: string } {
  if (!existsSync(path)) return { state: emptyState() };
  try {
    const parsed = NotifierStateSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
    if (parsed.success) return { state: parsed.data };
    throw new Error(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  } catch (e) {
    const aside = `${path}.corrupt-${Date.now()}`;
    renameSync(path, aside);
    return { state: emptyState(), problem: `state file ${path} is unreadable (${(e as Error).message}); moved to ${aside}, starting afresh` };
  }
}

/**
 * Writes the whole state to a temporary file and renames it over the old one: a reader, or a
 * restart after SIGKILL, sees the old state or the new, never half. With `durable` the file is
 * flushed to disk before the rename, so a power cut cannot lose it either; that costs milliseconds,
 * so callers ask for it when it matters (an episode opened or ended, an alert went out).
 */
export function saveState(path: string, state: NotifierState, durable = true): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, JSON.stringify(state));
    if (durable) fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}
