import { Option, type Command } from 'commander';
import { historySettings, settingValue } from '@stream-smarts/contracts';
import { alertRules } from '@stream-smarts/notifier';
import { createContext, type GlobalOptions } from '../context.js';
import { checkDirWritable } from '../output-paths.js';
import { noProgress, terminalProgress } from '../h2o/progress.js';
import { DEFAULT_BUDGET } from '../train/bands3/calibrate.js';
import { TrainError } from '../train/errors.js';
import { H2O_IMAGE, H2O_RELEASE } from '../train/h2o-help.js';
import { formatBadRows } from '../train/history.js';
import { expectSentence, loadSentence } from '../train/model-card.js';
import { DEFAULT_HOLDOUT_WEEKS, DEFAULT_TRAIN_DAYS, train } from '../train/run.js';
import { stopOnSignal, trainerSettings } from './trainer.js';

export const example = 'stream-smarts train --history power.csv.gz  # learn what your house does at each time of day, with H2O';

interface TrainFlags {
  history: string[];
  out?: string;
  modelsDir: string;
  days: string;
  holdoutWeeks: string;
  alertBudget: string;
  impulsesPerKwh?: string;
  maxBadShare?: string;
  current: boolean;
}

function fraction(name: string, raw: string): number {
  const v = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(v) || v < 0 || v > 1) throw new TrainError(`${name} ${JSON.stringify(raw)} is not a number from 0 to 1`, `give e.g. ${name} 0.01`, 2);
  return v;
}

function whole(name: string, raw: string, min: number): number {
  if (!/^\d+$/.test(raw.trim()) || Number(raw) < min) throw new TrainError(`${name} ${JSON.stringify(raw)} is not a whole number of at least ${min}`, `give e.g. ${name} ${name === '--days' ? DEFAULT_TRAIN_DAYS : DEFAULT_HOLDOUT_WEEKS}`, 2);
  return Number(raw);
}

/** --alert-budget: false alerts a week of each kind, as a number (0.25) or "1/4w" (one in four weeks). */
export function alertBudget(raw: string): number {
  const t = raw.trim();
  const per = /^(\d+(?:\.\d+)?)\s*\/\s*(\d+(?:\.\d+)?)\s*w(?:eeks?)?$/i.exec(t);
  const v = per ? Number(per[1]) / Number(per[2]) : /^\d+(\.\d+)?$/.test(t) ? Number(t) : NaN;
  if (!(v > 0 && v <= 50)) throw new TrainError(`--alert-budget ${JSON.stringify(raw)} is not a number of false alerts a week above 0 (and at most 50)`, 'give e.g. --alert-budget 0.25 or --alert-budget 1/4w (one in four weeks, the default), --alert-budget 1 for one a week', 2);
  return v;
}

export function register(program: Command): void {
  program
    .command('train')
    .description('learn what your house does at each time of day from its history, with H2O: bands.zip (a MOJO), envelope.json, model card and plot')
    .requiredOption('--history <files...>', 'history: CSV `timestamp,wh` (ISO-8601 with offset) or JSON lines of raw_power records; .gz fine')
    .option('--out <dir>', 'model directory to write (default: <models-dir>/<date-time>)')
    .option('--models-dir <dir>', 'where models live and `current` points at the newest', 'models')
    .option('--days <n>', 'days of history to learn from, counted back from its last reading', String(DEFAULT_TRAIN_DAYS))
    .option('--holdout-weeks <n>', 'weeks held back and replayed for the model card ("would have alerted N times"); 0: none', String(DEFAULT_HOLDOUT_WEEKS))
    .option('--alert-budget <n>', 'false alerts you accept, a week, of each kind (high, low): the margins are chosen so your own history would have raised no more; e.g. 0.25 or 1/4w (one in four weeks), 1 (one a week: sooner alerts)', String(DEFAULT_BUDGET.perWeek))
    .option('--impulses-per-kwh <n>', "your meter's constant (printed on it): the history is counted in its pulses (default STREAM_SMARTS_IMPULSES_PER_KWH, 1000)")
    .option('--max-bad-share <share>', 'stop if more than this share of history rows is bad (default STREAM_SMARTS_MAX_BAD_SHARE, 0.01)')
    .addOption(new Option('--no-current', 'do not point <models-dir>/current at the new model'))
    .addHelpText(
      'after',
      `
What it learns (contracts/MODEL-FORMAT.md): for every minute of the day, how high this house
normally goes on measures of a load that stays on — the lowest power over 15 min, 1 h and 3 h, how
far the last 20, 45 and 90 minutes stand above the hour before them, the power of loads that come
and go over 3 h — and how low its 24-h mean goes. The margins above those levels are chosen for
this house: on blocks of its own history, each scored by a model of the rest, they would have
raised no more false alerts than --alert-budget. A load left on for two hours in the history is
never learned as normal. The history is counted in your meter's pulses (--impulses-per-kwh,
STREAM_SMARTS_IMPULSES_PER_KWH, default 1000) so no band is narrower than a few pulses. It then
trains without the last --holdout-weeks, replays them, and tells you how often the model would
have alerted and how soon a 2 kW load left on at 02:00, 19:00 and 13:00 would have been seen.

Needs nothing running. It trains on the H2O at H2O_URL (default http://localhost:54321); when
none answers at the default URL, it starts a local H2O ${H2O_RELEASE} on 127.0.0.1 for the run and
stops it at the end (also on Ctrl-C). That needs Java 17 and, the first time, python3 with pip:
H2O's jar (~270 MB) is downloaded once from PyPI into ~/.cache/stream-smarts
(STREAM_SMARTS_CACHE_DIR). JVM options for it: STREAM_SMARTS_H2O_JAVA_OPTS (e.g. -Xmx1g).
An H2O_URL or --h2o-url you give must answer; start one with e.g.
  $ docker compose --profile train up -d h2o
  $ docker run -d --name h2o -p 54321:54321 ${H2O_IMAGE}
The UDF jar computes envelope.json from the MOJO; when it is not built, train builds it once the
way \`stream-smarts build\` does (local Maven, else Docker's Maven image).

Writes bands.zip, envelope.json, model-card.md and envelope.svg.
Exit status: 0 trained, 1 failed (H2O unreachable, Java missing, bad history, too short), 2 bad
usage, 130/143 interrupted (Ctrl-C/SIGTERM; a local H2O is stopped first).

Examples:
  $ stream-smarts train --history power-2026-*.csv.gz --timezone Europe/Paris
  $ stream-smarts train --history raw_power.jsonl --days 60 --alert-budget 1 --out models/eager
  $ stream-smarts --json train --history history.csv | jq .holdout`,
    )
    .action(async (flags: TrainFlags, cmd: Command) => {
      const ctx = createContext(cmd.optsWithGlobals<GlobalOptions>(), process.env, { 'impulses-per-kwh': flags.impulsesPerKwh });
      const progress = !ctx.json && process.stderr.isTTY === true ? terminalProgress(process.stderr) : noProgress;
      const offSignals = stopOnSignal('train', progress, 'no model written');
      try {
        // Before the history is read and an H2O started: a model that cannot be written is known now.
        if (flags.out) checkDirWritable('--out', flags.out);
        else checkDirWritable('--models-dir', flags.modelsDir);
        const hs = historySettings(ctx.loaded);
        const maxBadShare = flags.maxBadShare !== undefined ? fraction('--max-bad-share', flags.maxBadShare) : hs.maxBadShare;
        const result = await train({
          history: flags.history,
          ...(flags.out ? { out: flags.out } : {}),
          modelsDir: flags.modelsDir,
          updateCurrent: flags.current,
          timezone: ctx.config.timezone,
          days: whole('--days', flags.days, 7),
          holdoutWeeks: whole('--holdout-weeks', flags.holdoutWeeks, 0),
          budget: { perWeek: alertBudget(flags.alertBudget) },
          impulsesPerKwh: settingValue(ctx.loaded, 'collector.impulsesPerKwh'),
          rules: alertRules(ctx.loaded),
          maxBadShare,
          maxPowerKw: hs.maxPowerKw,
          ...trainerSettings(ctx),
          progress,
        });
        progress.stop();
        const m = result.model;
        if (ctx.json) {
          ctx.out(JSON.stringify({ dir: result.dir, current: result.current ?? null, modelId: m.modelId, contentHash: m.contentHash, history: m.history, resolution: m.resolution, calibration: m.calibration, holdout: result.holdout ?? null, fit: m.fit, incidents: result.fitted.stats.incidents.length, h2o: result.h2o, timings: result.timings, files: result.history.files }, null, 2));
        } else {
          ctx.out(`Trained model ${m.modelId} on ${m.history?.days} days (${m.history?.rows} readings, ${m.history?.rejected} rows rejected), ${m.history?.from} → ${m.history?.to}, ${m.timezone}.`);
          ctx.out(`Calibrated to ${flags.alertBudget === String(DEFAULT_BUDGET.perWeek) ? 'one false alert in four weeks' : `${alertBudget(flags.alertBudget)} false alerts a week`} of each kind: on ${result.fitted.calibration.weeks.toFixed(1)} weeks of your history these bands would have raised ${result.fitted.calibration.high} high and ${result.fitted.calibration.low} low.`);
          ctx.out(expectSentence(result.holdout));
          const loads = loadSentence(result.holdout);
          if (loads) ctx.out(loads);
          ctx.out(`Wrote ${result.dir}/{bands.zip,envelope.json,model-card.md,envelope.svg}${result.current ? `; ${result.current} → ${m.modelId}` : ''}.`);
          const where = result.h2o.local ? `a local H2O ${m.h2oVersion}, started in ${(result.timings.h2oStartMs / 1000).toFixed(1)} s and stopped` : `H2O ${m.h2oVersion}`;
          ctx.out(`Content hash ${m.contentHash.slice(0, 12)}…; ${where}; ${(result.timings.totalMs / 1000).toFixed(1)} s.`);
          if (result.fitted.stats.incidents.length > 0) ctx.out(`${result.fitted.stats.incidents.length} stretch${result.fitted.stats.incidents.length === 1 ? '' : 'es'} of a load left on for 2 h or more were left out (see model-card.md).`);
          if (result.history.rejected > 0) ctx.out(`Skipped ${result.history.rejected} bad rows:\n${formatBadRows(result.history.bad, result.history.rejected)}`);
        }
      } catch (err) {
        progress.stop();
        // TrainError and HistoryError carry their fix: main.ts prints "stream-smarts train: … — fix: …".
        throw err;
      } finally {
        offSignals();
      }
    });
}
