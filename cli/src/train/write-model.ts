import { mkdirSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { writeFileDurableSync, type ModelFile } from '@stream-smarts/contracts';
import { CHART_MEASURES, renderBandsChart } from '../plot/bands-chart.js';
import type { Fitted } from './fit.js';
import type { HoldoutResult } from './holdout.js';
import type { MeasuredDays } from './measured-days.js';
import { renderModelCard, type CardHistory } from './model-card.js';
import { prepareModelDir, publishModelDir } from './model-dir.js';

/**
 * Writes one model directory (contracts/MODEL-FORMAT.md): bands.zip, model-card.md, envelope.svg
 * and envelope.json. The one writer `train` and `retrain` share, so a retrained model is the same
 * files as a trained one.
 *
 * The files go to a hidden sibling directory and are moved into place when complete, so a failure
 * (full disk, a signal) leaves no half model and no temporary files behind; envelope.json is
 * written last, so a reader that sees it sees a whole model (the UDF's hot swap relies on it).
 */

/** History values of the trained days for the figure: every 5th minute of each measure. */
function chartPoints(days: MeasuredDays, from: number, to: number) {
  const g = days.grid(from, to);
  const keys = [...CHART_MEASURES.map(([m]) => m), 'mean_24h'] as const;
  const pts = Object.fromEntries(keys.map((k) => [k, [] as { x: number; y: number }[]])) as Record<(typeof keys)[number], { x: number; y: number }[]>;
  for (let i = 0; i < g.days * 1440; i += 5) {
    const x = (i % 1440) / 60;
    for (const k of keys) {
      const y = g[k][i]!;
      if (!Number.isNaN(y)) pts[k].push({ x, y });
    }
  }
  return pts;
}

export interface ModelDirInput {
  dir: string;
  model: ModelFile;
  fitted: Fitted;
  /** What the model card says about the data it came from. */
  history: CardHistory;
  holdout?: HoldoutResult;
  /** The measured days and the day range [fromDay, toDay) trained on, for the figure. */
  days: MeasuredDays;
  fromDay: number;
  toDay: number;
}

export function writeModelDir(i: ModelDirInput): void {
  const m = i.model;
  prepareModelDir(i.dir);
  const work = join(dirname(i.dir), `.${basename(i.dir)}.tmp-${process.pid}`);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  try {
    writeFileDurableSync(join(work, 'bands.zip'), i.fitted.mojo);
    writeFileDurableSync(join(work, 'model-card.md'), renderModelCard(m, i.history, i.fitted, i.holdout));
    writeFileDurableSync(
      join(work, 'envelope.svg'),
      renderBandsChart({
        subtitle: `Model ${m.modelId} · ${m.timezone} · ${m.history?.days} days ${m.history?.from?.slice(0, 10)} to ${m.history?.to?.slice(0, 10)} · Wh/h`,
        tables: i.fitted.tables,
        points: chartPoints(i.days, i.fromDay, i.toDay),
      }),
    );
    writeFileDurableSync(join(work, 'envelope.json'), JSON.stringify(m, null, 2) + '\n');
    publishModelDir(work, i.dir);
  } catch (e) {
    rmSync(work, { recursive: true, force: true });
    throw e;
  }
}
