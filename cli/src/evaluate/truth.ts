import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { parseInstant } from '@stream-smarts/contracts';
import { SCENARIO_KINDS, type Scenario, type ScenarioKind } from '@stream-smarts/pi-collector';

// The history reader's rule for timestamps (contracts parseInstant): epoch milliseconds, or ISO-8601
// with its UTC offset — a time without one (2026-07-30T02:00) names no instant, and read as UTC it
// would shift every event by the zone's offset without a word.
const instant = z.union([z.number(), z.string()]).transform((v, ctx) => {
  if (typeof v === 'number') {
    if (Number.isInteger(v) && v >= 0) return v;
    ctx.addIssue({ code: 'custom', message: `${v} is not epoch milliseconds` });
    return z.NEVER;
  }
  const r = parseInstant(v);
  if (typeof r === 'string') {
    ctx.addIssue({ code: 'custom', message: r });
    return z.NEVER;
  }
  return r.ms;
});

const ScenarioSchema = z
  .object({ scenario: z.enum(SCENARIO_KINDS as unknown as [ScenarioKind, ...ScenarioKind[]]), start: instant, end: instant })
  .refine((s) => s.end > s.start, 'end must be after start');

/**
 * The ground truth `stream-smarts simulate` writes: a JSON list of {scenario, start, end} with ISO
 * or epoch-ms times (a {"scenarios": [...]} wrapper is accepted too). Throws one line naming the
 * file and the first bad entry.
 */
export function readTruth(path: string): Scenario[] {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new Error(err.code === 'ENOENT' ? `ground-truth file ${path} does not exist` : `cannot read the ground-truth file ${path}: ${err.message}`);
  }
  const list = Array.isArray(json) ? json : json !== null && typeof json === 'object' && Array.isArray((json as { scenarios?: unknown }).scenarios) ? (json as { scenarios: unknown[] }).scenarios : undefined;
  if (!list) throw new Error(`${path}: expected a JSON list of {scenario, start, end}`);
  return list.map((item, i) => {
    const r = ScenarioSchema.safeParse(item);
    if (!r.success) {
      const issue = r.error.issues[0]!;
      throw new Error(`${path}: entry ${i}: ${issue.path.join('.') || '(entry)'}: ${issue.message}`);
    }
    return r.data;
  });
}
