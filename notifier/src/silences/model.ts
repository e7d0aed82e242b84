import { randomUUID } from 'node:crypto';
import { z } from 'zod';

/**
 * Silences with Alertmanager's semantics (prometheus/alertmanager, silence/silence.go):
 * - a silence is matchers plus a time range [startsAt, endsAt]; it mutes every alert whose labels
 *   all its matchers match (here the labels are `meter`, `kind` and `type`);
 * - validateSilence: at least one matcher; at least one matcher must not match the empty string;
 *   the end must not be before the start;
 * - getState: pending before startsAt, expired after endsAt, active between;
 * - expire: an active silence ends now; a pending one gets startsAt = endsAt = now; an expired one
 *   is left as it is;
 * - state.merge: of two versions of one silence, the one with the later updatedAt wins — which is
 *   what a compacted Kafka topic keyed by silence id keeps, too;
 * - a silence is kept for a retention period after it ended (Alertmanager's --data.retention,
 *   120h), then forgotten.
 * Away mode rides on the same records (id "away"), so `stream-smarts away on` reaches every
 * notifier the same way a silence does.
 */

export const LABELS = ['meter', 'kind', 'type'] as const;
export type LabelName = (typeof LABELS)[number];
export type Labels = Record<LabelName, string>;

const MatcherSchema = z.object({
  name: z.enum(LABELS),
  value: z.string(),
  isRegex: z.boolean().default(false),
  isEqual: z.boolean().default(true),
});
export type Matcher = z.infer<typeof MatcherSchema>;

export const SilenceSchema = z.object({
  kind: z.literal('silence'),
  id: z.string().min(1),
  matchers: z.array(MatcherSchema),
  startsAt: z.number(),
  endsAt: z.number(),
  createdBy: z.string(),
  comment: z.string(),
  updatedAt: z.number(),
});
export type Silence = z.infer<typeof SilenceSchema>;

export const AwaySchema = z.object({
  kind: z.literal('away'),
  id: z.literal('away'),
  away: z.boolean(),
  createdBy: z.string(),
  comment: z.string(),
  updatedAt: z.number(),
});
export type AwayRecord = z.infer<typeof AwaySchema>;

export const SilenceRecordSchema = z.discriminatedUnion('kind', [SilenceSchema, AwaySchema]);
export type SilenceRecord = z.infer<typeof SilenceRecordSchema>;

export type SilenceState = 'pending' | 'active' | 'expired';

/** Alertmanager's default retention of ended silences. */
export const RETENTION_MS = 120 * 3_600_000;

export function silenceState(s: Silence, now: number): SilenceState {
  if (now < s.startsAt) return 'pending';
  if (now > s.endsAt) return 'expired';
  return 'active';
}

function matcherMatches(m: Matcher, value: string): boolean {
  const hit = m.isRegex ? new RegExp(`^(?:${m.value})$`).test(value) : value === m.value;
  return m.isEqual ? hit : !hit;
}

export function matches(s: Silence, labels: Labels): boolean {
  return s.matchers.every((m) => matcherMatches(m, labels[m.name]));
}

/** The longest a silence may last: a year. Longer ones mute alerts for good (and reach past the dates a clock can show). */
export const MAX_SILENCE_DAYS = 365;
export const MAX_SILENCE_MS = MAX_SILENCE_DAYS * 86_400_000;

/** validateSilence's rules, as messages a user can act on; [] when valid. */
export function validateSilence(s: Pick<Silence, 'matchers' | 'startsAt' | 'endsAt'>): string[] {
  const problems: string[] = [];
  if (s.matchers.length === 0) problems.push('at least one matcher required (e.g. --kind high or --meter house)');
  for (const m of s.matchers) {
    if (m.isRegex) {
      try {
        new RegExp(m.value);
      } catch (e) {
        problems.push(`invalid regular expression ${JSON.stringify(m.value)} for ${m.name}: ${(e as Error).message}`);
      }
    }
  }
  // matchesEmpty: only an equality or regex matcher (not negated) can match the empty string.
  const matchesEmpty = (m: Matcher) => {
    if (!m.isEqual) return false;
    try {
      return matcherMatches(m, '');
    } catch {
      return false;
    }
  };
  if (s.matchers.length > 0 && s.matchers.every(matchesEmpty)) {
    problems.push('at least one matcher must not match the empty string');
  }
  if (!Number.isFinite(s.startsAt) || !Number.isFinite(s.endsAt)) problems.push('start and end must be valid times');
  else if (s.endsAt < s.startsAt) problems.push('end time must not be before start time');
  else if (s.endsAt - s.startsAt > MAX_SILENCE_MS) problems.push(`a silence lasts at most ${MAX_SILENCE_DAYS} days (a year); end it sooner`);
  return problems;
}

export function newSilence(o: { matchers: Matcher[]; startsAt: number; endsAt: number; createdBy: string; comment: string; now: number }): Silence {
  // As Silences.Set: a start in the past becomes now.
  const startsAt = Math.max(o.startsAt, o.now);
  return { kind: 'silence', id: randomUUID(), matchers: o.matchers, startsAt, endsAt: o.endsAt, createdBy: o.createdBy, comment: o.comment, updatedAt: o.now };
}

/** Silences.expire: the version to store, or null when it is already expired. */
export function expired(s: Silence, now: number): Silence | null {
  switch (silenceState(s, now)) {
    case 'expired':
      return null;
    case 'active':
      return { ...s, endsAt: now, updatedAt: now };
    case 'pending':
      return { ...s, startsAt: now, endsAt: now, updatedAt: now };
  }
}

/** Every silence and the away switch, merged by updatedAt as Alertmanager merges them. */
export class SilenceBook {
  private readonly records = new Map<string, SilenceRecord>();

  /** Keeps `r` if it is newer than what is held for its id; returns whether it changed anything. */
  merge(r: SilenceRecord): boolean {
    const prev = this.records.get(r.id);
    if (prev && prev.updatedAt >= r.updatedAt) return false;
    this.records.set(r.id, r);
    return true;
  }

  /** A tombstone (compaction removed it, or GC): forget the id. */
  remove(id: string): void {
    this.records.delete(id);
  }

  get(id: string): SilenceRecord | undefined {
    return this.records.get(id);
  }

  silences(now: number, states: SilenceState[] = ['active', 'pending', 'expired']): Silence[] {
    return [...this.records.values()]
      .filter((r): r is Silence => r.kind === 'silence' && now <= r.endsAt + RETENTION_MS && states.includes(silenceState(r, now)))
      .sort((a, b) => a.startsAt - b.startsAt || a.id.localeCompare(b.id));
  }

  /** The first active silence that mutes an alert with these labels. */
  muting(labels: Labels, now: number): Silence | undefined {
    return this.silences(now, ['active']).find((s) => matches(s, labels));
  }

  away(): AwayRecord | undefined {
    const r = this.records.get('away');
    return r?.kind === 'away' ? r : undefined;
  }

  all(): SilenceRecord[] {
    return [...this.records.values()];
  }
}

/** Finds a silence by its id or a unique prefix of it (ids are long UUIDs). */
export function findSilence(book: SilenceBook, now: number, idOrPrefix: string): { silence?: Silence; problem?: string } {
  const all = book.silences(now);
  const exact = all.find((s) => s.id === idOrPrefix);
  if (exact) return { silence: exact };
  const hits = all.filter((s) => s.id.startsWith(idOrPrefix));
  if (hits.length === 1) return { silence: hits[0]! };
  if (hits.length === 0) return { problem: `no silence with id ${idOrPrefix} (see \`stream-smarts silence list --all\`)` };
  return { problem: `${idOrPrefix} is the start of ${hits.length} silence ids; give more of it` };
}
