import { HIGH_MEASURES, type Logger, type Source } from '@stream-smarts/contracts';
import { DEFAULT_RULES, type EpisodeRules } from '@stream-smarts/notifier';
import { noProgress, type Progress } from '../../h2o/progress.js';
import { DEFAULT_BUDGET, type Budget } from '../../train/bands3/calibrate.js';
import { DEFAULT_BANDS3, type Bands3Method, type Resolution } from '../../train/bands3/stats.js';
import { fitModel, statistics } from '../../train/fit.js';
import { H2OClient } from '../../train/h2o-client.js';
import { acquireH2O } from '../../train/h2o-server.js';
import { ensureUdfJar } from '../../train/udf-jar.js';
import { runDetectionBenchmark, type BenchmarkResult, type History, type Mode } from './index.js';
import { bands2Method, tablesMethod } from './methods.js';
import { cellText, mins, renderTable, targets, type RowFigures } from './report.js';
import { BENCH_IMPULSES_PER_KWH, minMaxMethod, type WindowResult } from './runner.js';

/**
 * `make bench ONLY=detect` and `stream-smarts evaluate --benchmark`: the product beside the 2018
 * method and bands@2 (what shipped before), over every household, trained once and retrained
 * every 7 days, in one run; then the ablation (what each part of the method earns).
 *
 * The product's trained-once rows are trained exactly as `train` trains: statistics, H2O, the UDF
 * jar's tables from the MOJO. Its retrained rows (nine models a window) score the statistics'
 * tables, which the MOJO reproduces within the largest difference the trained-once fits of the same
 * run measured (printed): H2O for all of them would take longer than the run has.
 */
const PRODUCT = 'stream-smarts (bands@3)';
const METHOD_2018 = '2018: min/max per hour';
const BANDS2 = 'bands@2 (before)';

export interface BenchmarkRun extends BenchmarkResult {
  ablation: AblationRow[];
  h2oFits: number;
  fits: number;
  /** Largest difference between a MOJO's tables and its statistics over the H2O fits, Wh/h. */
  maxFitDiffWh: number;
  ms: number;
}

interface AblationRow {
  variant: string;
  /** Over every household, trained once: false alerts a week, mean and worst household. */
  falseMean: number;
  falseWorst: number;
  /** 2 kW heaters found within 60 min, of all; and their median minutes. */
  heaters60: number;
  heaters: number;
  heaterMedian: number | null;
  /** Ovens within 45 min; weeks away within 36 h. */
  ovens45: number;
  ovens: number;
  away36: number;
  aways: number;
}

/** The variants of the ablation: each leaves one part out (or adds one), trained once, statistics' tables. */
function ablationVariants(base: Bands3Method): { name: string; method: Bands3Method; budget?: Budget }[] {
  const without = (c: (typeof HIGH_MEASURES)[number]) => ({ name: `without ${c}`, method: { ...base, channels: base.channels.filter((x) => x !== c) } });
  return [
    { name: 'bands@3 as shipped', method: base },
    ...(['floor_15m', 'step_20m', 'step_45m', 'step_90m', 'activity_3h'] as const).map(without),
    { name: 'weekday/weekend tables', method: { ...base, dayTypes: true } },
    { name: 'the last 28 days only', method: { ...base, recentDays: 28 } },
    { name: 'margins in watts, not relative', method: { ...base, marginMode: 'watts' } },
    { name: 'one margin for the whole day', method: { ...base, blocks: 1 } },
    { name: 'alert budget one in two weeks', method: base, budget: { perWeek: 0.5 } },
    { name: 'alert budget one a week', method: base, budget: { perWeek: 1 } },
  ];
}

function ablationRow(variant: string, rows: readonly RowFigures[], windows: readonly WindowResult[]): AblationRow {
  const evs = windows.flatMap((w) => w.events);
  const two = evs.filter((e) => e.scenario === 'heater' && e.kw === 2);
  const found = two.filter((e) => e.minutes !== null).map((e) => e.minutes!).sort((a, b) => a - b);
  const med = two.length ? [...two.map((e) => e.minutes ?? Infinity)].sort((a, b) => a - b)[two.length >> 1]! : null;
  const within = (xs: typeof evs, t: number) => xs.filter((e) => e.minutes !== null && e.minutes <= t).length;
  const ovens = evs.filter((e) => e.scenario === 'oven');
  const aways = evs.filter((e) => e.scenario === 'away');
  const fp = rows.map((r) => r.falsePerWeek);
  void found;
  return {
    variant,
    falseMean: fp.reduce((a, b) => a + b, 0) / Math.max(1, fp.length),
    falseWorst: Math.max(0, ...fp),
    heaters60: within(two, 60),
    heaters: two.length,
    heaterMedian: med !== null && Number.isFinite(med) ? med : null,
    ovens45: within(ovens, 45),
    ovens: ovens.length,
    away36: within(aways, 36 * 60),
    aways: aways.length,
  };
}

export async function benchmarkWithH2O(o: {
  histories: History[];
  rules?: EpisodeRules;
  budget?: Budget;
  method?: Bands3Method;
  h2oUrl: string;
  h2oUrlSource?: Source;
  javaOptions?: readonly string[];
  log?: Logger;
  progress?: Progress;
  only?: { methods?: string[]; modes?: Mode[] };
  ablation?: boolean;
  onWindow?: (method: string, mode: string, r: WindowResult) => void;
  signal?: AbortSignal;
}): Promise<BenchmarkRun> {
  const t0 = Date.now();
  const progress = o.progress ?? noProgress;
  const rules = o.rules ?? DEFAULT_RULES;
  const method = o.method ?? DEFAULT_BANDS3;
  const budget = o.budget ?? DEFAULT_BUDGET;
  const resolution: Resolution = { impulsesPerKwh: BENCH_IMPULSES_PER_KWH, intervalS: Math.round(o.histories[0]!.grid.intervalMs / 1000) };
  const modes = o.only?.modes ?? ['once', 'retrained'];
  const want = (name: string) => !o.only?.methods || o.only.methods.includes(name);
  const udf = await ensureUdfJar({ progress, ...(o.log ? { log: o.log } : {}) });
  const server = await acquireH2O({ url: o.h2oUrl, ...(o.h2oUrlSource ? { source: o.h2oUrlSource } : {}), startLocal: true, ...(o.javaOptions ? { javaOptions: o.javaOptions } : {}), ...(o.log ? { log: o.log } : {}), progress });
  let h2oFits = 0;
  let fits = 0;
  let maxFitDiffWh = 0;
  try {
    const h2o = new H2OClient(server.url);
    const product = {
      h2o: tablesMethod(PRODUCT, rules, async (dg) => {
        h2oFits++;
        const f = await fitModel(dg, { resolution, method, rules, budget, h2o, jar: udf.jar });
        maxFitDiffWh = Math.max(maxFitDiffWh, f.fitMaxAbsWh);
        return f.tables;
      }),
      stats: tablesMethod(PRODUCT, rules, async (dg) => {
        fits++;
        return statistics(dg, { resolution, method, rules, budget }).tables;
      }),
    };
    const methods = [
      ...(want(PRODUCT) ? [{ ...product.h2o, modes: ['once' as const] }, { ...product.stats, modes: ['retrained' as const] }] : []),
      ...(want(BANDS2) ? [bands2Method(rules, BANDS2)] : []),
      ...(want(METHOD_2018) ? [minMaxMethod(METHOD_2018, rules)] : []),
    ];
    const result = await runDetectionBenchmark({ histories: o.histories, methods, modes, ...(o.onWindow ? { onWindow: o.onWindow } : {}), ...(o.signal ? { signal: o.signal } : {}) });
    const ablation: AblationRow[] = [];
    if (o.ablation) {
      for (const v of ablationVariants(method)) {
        o.signal?.throwIfAborted();
        const m = tablesMethod(v.name, rules, async (dg) => statistics(dg, { resolution, method: v.method, rules, budget: v.budget ?? budget }).tables);
        const r = await runDetectionBenchmark({ histories: o.histories, methods: [m], modes: ['once'], ...(o.signal ? { signal: o.signal } : {}) });
        ablation.push(ablationRow(v.name, r.rows, Object.values(r.windows).flat()));
      }
    }
    return { ...result, ablation, h2oFits, fits, maxFitDiffWh, ms: Date.now() - t0 };
  } finally {
    progress.stop();
    await server.release();
  }
}

const f2 = (x: number) => x.toFixed(2);

/** False alerts a week and the 2 kW heater's median minutes, every household × every method and mode. */
function renderMatrix(rows: readonly RowFigures[]): string {
  const cols = [...new Set(rows.map((r) => `${r.method} | ${r.mode}`))];
  const households = [...new Set(rows.map((r) => r.household))];
  const L = [`| household | ${cols.map((c) => c.replace(' | ', ', ')).join(' | ')} |`, `|---|${cols.map(() => '---').join('|')}|`];
  for (const h of households) {
    L.push(
      `| ${h} | ${cols
        .map((c) => {
          const r = rows.find((x) => x.household === h && `${x.method} | ${x.mode}` === c);
          if (!r) return '—';
          const two = ['heater 2 kW 02:00', 'heater 2 kW 19:00', 'heater 2 kW 22:00'].map((k) => mins(r.cells[k]?.medianMinutes ?? null));
          return `${f2(r.falsePerWeek)} · ${two.join('/')}`;
        })
        .join(' | ')} |`,
    );
  }
  return L.join('\n');
}

function renderAblation(rows: readonly AblationRow[]): string {
  const L = ['| variant (trained once, every household) | false alerts/wk, mean / worst household | 2 kW heaters within 60 min | 2 kW heater median | oven within 45 min | week away within 36 h |', '|---|---|---|---|---|---|'];
  for (const r of rows) L.push(`| ${r.variant} | ${f2(r.falseMean)} / ${f2(r.falseWorst)} | ${r.heaters60}/${r.heaters} | ${mins(r.heaterMedian)} | ${r.ovens45}/${r.ovens} | ${r.away36}/${r.aways} |`);
  return L.join('\n');
}

/** The report as text: per household, the worst household beside the other methods, the targets, the ablation. */
export function renderBenchmark(run: BenchmarkRun, attribution = ''): string {
  const L: string[] = [];
  for (const mode of [...new Set(run.rows.filter((r) => r.method === PRODUCT).map((r) => r.mode))]) {
    L.push(`### ${PRODUCT}, ${mode}: every household`);
    L.push('');
    L.push(renderTable([...run.rows.filter((r) => r.method === PRODUCT && r.mode === mode), ...run.worst.filter((r) => r.method === PRODUCT && r.mode === mode)]));
    L.push('');
  }
  L.push('### The worst household of each method (each figure from whichever household is worst at it)');
  L.push('');
  L.push(renderTable(run.worst, { first: 'method' }));
  L.push('');
  L.push('### Every household: false alerts a week · median minutes to the first alert of a 2 kW heater at 02:00/19:00/22:00');
  L.push('');
  L.push(renderMatrix(run.rows));
  L.push('');
  L.push('Cells: found/total median/max minutes from the event’s start to its first alert of its kind (event time). False alerts: new alerts outside every injected or labelled event and the hour after it, per week of the test time outside them. "back to normal" while on: resolves of an event’s kind while it still ran.');
  const retrained = run.rows.filter((r) => r.method === PRODUCT && r.mode.startsWith('retrained'));
  const base = (r: RowFigures) => run.rows.find((x) => x.method === METHOD_2018 && x.mode === r.mode && x.household === r.household);
  for (const r of retrained.length ? retrained : run.rows.filter((x) => x.method === PRODUCT)) {
    L.push('');
    L.push(`Targets, ${r.household}, ${r.mode}:`);
    for (const t of targets(r, base(r))) L.push(`  ${t.met ? 'met    ' : 'NOT met'}  ${t.target}: ${t.figure}`);
  }
  if (run.ablation.length) {
    L.push('');
    L.push('### Ablation: what each part earns');
    L.push('');
    L.push(renderAblation(run.ablation));
  }
  L.push('');
  L.push(`${run.h2oFits} models trained with H2O (their MOJOs reproduce the statistics within ${run.maxFitDiffWh.toFixed(2)} Wh/h), ${run.fits} more scored from their statistics; ${(run.ms / 1000).toFixed(0)} s in all.`);
  if (attribution) L.push(attribution);
  return L.join('\n');
}

;

/** The targets of every household in one table: each cell met (✓) or its figure. */
function renderTargets(run: BenchmarkRun, mode: string): string {
  const rows = run.rows.filter((r) => r.method === PRODUCT && r.mode === mode);
  const base = (r: RowFigures) => run.rows.find((x) => x.method === METHOD_2018 && x.mode === r.mode && x.household === r.household);
  const all = rows.map((r) => targets(r, base(r)));
  const names = all[0]?.map((t) => t.target) ?? [];
  const L = [`| target | ${rows.map((r) => r.household).join(' | ')} |`, `|---|${rows.map(() => '---').join('|')}|`];
  names.forEach((n, k) => L.push(`| ${n} | ${all.map((ts) => `${ts[k]!.met ? '✓ ' : '✗ '}${ts[k]!.figure}`).join(' | ')} |`));
  return L.join('\n');
}

/** The block of README.md's quality section that `make bench ONLY=detect` writes. */
export function renderReadmeSection(run: BenchmarkRun, when: Date): string {
  const retrained = [...new Set(run.rows.filter((r) => r.method === PRODUCT).map((r) => r.mode))].find((m) => m.startsWith('retrained')) ?? run.rows[0]!.mode;
  const L: string[] = [];
  L.push(`Measured by \`make bench ONLY=detect\` on ${when.toISOString().slice(0, 10)} (${(run.ms / 60_000).toFixed(1)} min on 2 cores; ${run.h2oFits} models trained with H2O, ${run.fits} more scored from their statistics, which the MOJOs reproduce within ${run.maxFitDiffWh.toFixed(1)} W). Every figure of a household pools its windows; the **worst household** row takes each figure from whichever household is worst at it.`);
  L.push('');
  L.push(`**stream-smarts (bands@3), ${retrained}** — the deployment (a nightly \`retrain\` is closer still):`);
  L.push('');
  L.push(renderTable([...run.rows.filter((r) => r.method === PRODUCT && r.mode === retrained), ...run.worst.filter((r) => r.method === PRODUCT && r.mode === retrained)]));
  L.push('');
  L.push('**The worst household of each method**, trained once and retrained weekly:');
  L.push('');
  L.push(renderTable(run.worst, { first: 'method' }));
  L.push('');
  L.push('**Every household, every method**: false alerts a week · median minutes to the first alert of a 2 kW heater switched on at 02:00 / 19:00 / 22:00:');
  L.push('');
  L.push(renderMatrix(run.rows));
  L.push('');
  L.push(`**The issue's targets**, ${retrained} (✓ met, ✗ not, with the figure):`);
  L.push('');
  L.push(renderTargets(run, retrained));
  if (run.ablation.length) {
    L.push('');
    L.push('**Ablation** (trained once, every household; each row leaves one part out, or changes one):');
    L.push('');
    L.push(renderAblation(run.ablation));
  }
  return L.join('\n');
}

const README_BEGIN = '<!-- detect:begin — written by `make bench ONLY=detect` (bench/detect.ts); do not edit by hand -->';
const README_END = '<!-- detect:end -->';

/** README.md with its detection block replaced (it must hold both markers). */
export function replaceReadmeSection(readme: string, section: string): string {
  const a = readme.indexOf(README_BEGIN);
  const b = readme.indexOf(README_END);
  if (a < 0 || b < a) throw new Error(`README.md has no block between "${README_BEGIN}" and "${README_END}"`);
  return `${readme.slice(0, a + README_BEGIN.length)}\n${section}\n${readme.slice(b)}`;
}
