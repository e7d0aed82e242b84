import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { SCENARIO_KINDS, type Scenario, type ScenarioKind } from '@stream-smarts/pi-collector';

const instant = z.union([
  z.number().int().nonnegative(),
  z
    .string()
    .refine((s) => /^\d{10,16}$/.test(s) || (/^\d{4}-\d\d-\d\dT/.test(s) && Number.isFinite(Date.parse(s))), 'must be epoch milliseconds or an ISO-8601 time')
    .transform((s) => (/^\d+$/.test(s) ? Number(s) : Date.parse(s))),
]);

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
