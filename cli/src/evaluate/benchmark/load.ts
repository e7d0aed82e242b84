import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HistoryReader, type HistoryReadOptions } from '@stream-smarts/contracts';
import { findRealEvents, readLabels } from './labels.js';
import { toGrid } from './protocol.js';
import type { History } from './index.js';

/** The development split of the real-household data, committed as the benchmark fixture. */
const FIXTURE_DIR = fileURLToPath(new URL('../../../../bench/data/uci-household/', import.meta.url));
const FIXTURE_FILES = ['dev-2007.csv.gz', 'dev-2010.csv.gz'];
/** The logger's fixed UTC+01:00 (the fixture's README). */
const FIXTURE_TIMEZONE = 'Etc/GMT-1';

/**
 * A history file read by the one history reader, laid on the benchmark's grid, with its labelled
 * real events: from a truth file when one is given (the fixture has truth.json), else found by the
 * fixed rules of labels.ts.
 */
export async function loadHistory(file: string, timezone: string, o: { household?: string; truth?: string; read?: Pick<HistoryReadOptions, 'maxPowerKw' | 'maxBadShare' | 'signal' | 'onProgress'> } = {}): Promise<History> {
  const reader = new HistoryReader([file], { timezone, ...(o.read ?? {}) });
  const rows: { endMs: number; wh: number; intervalMs: number }[] = [];
  for await (const b of reader.batches()) for (const r of b) rows.push({ endMs: r.endMs, wh: r.wh, intervalMs: r.intervalMs });
  const grid = toGrid(rows, timezone);
  const labelled = o.truth ? readLabels(o.truth, basename(file), grid) : findRealEvents(grid);
  return { household: o.household ?? basename(file), file: basename(file), grid, labelled };
}

function fixtureTruth(): string | undefined {
  const t = join(FIXTURE_DIR, 'truth.json');
  return existsSync(t) ? t : undefined;
}

/** The fixture's files, and its README for the attribution line. */
function fixturePaths(): string[] {
  return FIXTURE_FILES.map((f) => join(FIXTURE_DIR, f));
}

function fixtureAttribution(): string {
  const readme = join(dirname(fixturePaths()[0]!), 'README.md');
  return existsSync(readme) && /CC BY 4\.0/.test(readFileSync(readme, 'utf8'))
    ? 'Data: UCI "Individual household electric power consumption" (Hébrail, Bérard; doi:10.24432/C58K54), CC BY 4.0'
    : '';
}
