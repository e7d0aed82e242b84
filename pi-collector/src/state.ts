import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from './durable-file.js';
import type { IntervalSnapshot } from './intervals.js';

/**
 * The collector's checkpoint: the open interval (its pulse count), the trailing-hour window and,
 * for replayable sources, where in the source the next pulse comes from. Written atomically, so a
 * kill -9 or power cut leaves the previous or the next checkpoint, never half of one.
 */
export const CheckpointSchema = z.object({
  version: z.literal(1),
  meterId: z.string(),
  intervalS: z.number().int().positive(),
  source: z.string(),
  /** Replayable sources: opaque position of the next unread pulse (e.g. a byte offset). */
  cursor: z.string().nullable(),
  interval: z.object({
    openEnd: z.number().nullable(),
    openPulses: z.number().int().nonnegative(),
    lastClosed: z.number().nullable(),
    recent: z.array(z.tuple([z.number(), z.number()])),
  }),
  /** Pulses counted since the state directory was created (for people; not used for energy). */
  totalPulses: z.number().int().nonnegative(),
});

export type Checkpoint = z.infer<typeof CheckpointSchema>;

export class StateStore {
  readonly path: string;
  constructor(dir: string) {
    this.path = join(dir, 'state.json');
  }

  load(): Checkpoint | undefined {
    if (!existsSync(this.path)) return undefined;
    const text = readFileSync(this.path, 'utf8');
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (e) {
      throw new Error(`the collector state ${this.path} is not JSON (${(e as Error).message}); move it away to start afresh`);
    }
    const parsed = CheckpointSchema.safeParse(json);
    if (!parsed.success) throw new Error(`the collector state ${this.path} is not valid: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    return parsed.data;
  }

  save(c: Checkpoint): void {
    writeFileAtomic(this.path, JSON.stringify(c));
  }
}

export function checkpointOf(args: {
  meterId: string;
  intervalS: number;
  source: string;
  cursor: string | null;
  interval: IntervalSnapshot;
  totalPulses: number;
}): Checkpoint {
  return { version: 1, ...args };
}
