import { Option, type Command } from 'commander';
import { historySettings } from '@stream-smarts/contracts';
import { createContext, type GlobalOptions } from '../context.js';
import { startProgress } from '../progress.js';
import { onStopSignals, stoppedExitCode } from '../signals.js';
import { TrainError } from '../train/errors.js';
import { H2O_IMAGE } from '../train/h2o-help.js';
import { formatBadRows } from '../train/history.js';
import { train } from '../train/run.js';

export const example = 'stream-smarts train --history power.csv.gz  # fit the expected range to your own history with H2O';

interface TrainFlags {
  history: string[];
  out?: string;
  modelsDir: string;
  lowerQuantile: string;
  upperQuantile: string;
  maxBadShare?: string;
  current: boolean;
}

function fraction(name: string, raw: string): number {
  const v = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(v) || v < 0 || v > 1) throw new TrainError(`${name} ${JSON.stringify(raw)} is not a number from 0 to 1`, `give e.g. ${name} 0.01`, 2);
  return v;
}

export function register(program: Command): void {
  program
    .command('train')
    .description('train the anomaly model on your history with H2O: two quantile GBM MOJOs, envelope.json, model card and plot')
    .requiredOption('--history <files...>', 'history: CSV `timestamp,wh` (ISO-8601 with offset) or JSON lines of raw_power records; .gz fine')
    .option('--out <dir>', 'model directory to write (default: <models-dir>/<date-time>)')
    .option('--models-dir <dir>', 'where models live and `current` points at the newest', 'models')
    .option('--lower-quantile <q>', 'lower edge of the expected range, as a quantile of each cell\'s history', '0')
    .option('--upper-quantile <q>', 'upper edge of the expected range', '1')
    .option('--max-bad-share <share>', 'stop if more than this share of history rows is bad (default STREAM_SMARTS_MAX_BAD_SHARE, 0.01)')
    .addOption(new Option('--no-current', 'do not point <models-dir>/current at the new model'))
    .addHelpText(
      'after',
      `
The measure is trailing-hour energy in Wh/h at each reading, labelled with its local day (ISO 1-7)
and hour (0-23) in --timezone. For each of the 168 cells the model gives lower and upper; a
reading scores (kwh - lower) / max(upper - lower, 1): above 1.0 is more than ever seen then.

Needs an H2O ${H2O_IMAGE.split(':')[1]} server at H2O_URL (default http://localhost:54321), e.g.:
  $ docker compose --profile train up -d h2o
  $ docker run -d --name h2o -p 54321:54321 ${H2O_IMAGE}
and the UDF jar (mvn -B -q -f udf-java package -DskipTests), which computes envelope.json from the MOJOs.

Writes lower.zip, upper.zip, envelope.json, model-card.md and envelope.svg (contracts/MODEL-FORMAT.md).
Exit status: 0 trained, 1 failed (H2O unreachable, bad history, too short), 2 bad usage.

Examples:
  $ stream-smarts train --history power-2026-*.csv.gz --timezone Australia/Sydney
  $ stream-smarts train --history raw_power.jsonl --lower-quantile 0.01 --upper-quantile 0.99 --out models/p99
  $ stream-smarts --json train --history history.csv | jq .envelope.hours`,
    )
    .action(async (flags: TrainFlags, cmd: Command) => {
      const ctx = createContext(cmd.optsWithGlobals<GlobalOptions>());
      const lowerQuantile = fraction('--lower-quantile', flags.lowerQuantile);
      const upperQuantile = fraction('--upper-quantile', flags.upperQuantile);
      const hs = historySettings(ctx.loaded);
      const maxBadShare = flags.maxBadShare !== undefined ? fraction('--max-bad-share', flags.maxBadShare) : hs.maxBadShare;
      const stop = onStopSignals();
      const bar = startProgress({ label: 'training', total: 100, json: ctx.json });
      try {
        const result = await train({
          history: flags.history,
          ...(flags.out ? { out: flags.out } : {}),
          modelsDir: flags.modelsDir,
          updateCurrent: flags.current,
          timezone: ctx.config.timezone,
          lowerQuantile,
          upperQuantile,
          maxBadShare,
          maxPowerKw: hs.maxPowerKw,
          signal: stop.signal,
          h2oUrl: ctx.config.h2o.url,
          log: ctx.log,
          onProgress: (stage, f) => bar.update(Math.round(f * 100), stage),
        });
        bar.stop();
        const e = result.envelope;
        if (ctx.json) {
          ctx.out(JSON.stringify({ dir: result.dir, current: result.current ?? null, timings: result.timings, files: result.history.files, envelope: e }, null, 2));
        } else {
          ctx.out(`Trained model ${e.modelId} on ${e.history.rows} rows (${e.history.rejected} rejected), ${e.history.from} → ${e.history.to}, ${e.timezone}.`);
          ctx.out(`Wrote ${result.dir}/{lower.zip,upper.zip,envelope.json,model-card.md,envelope.svg}${result.current ? `; ${result.current} → ${e.modelId}` : ''}.`);
          ctx.out(`Content hash ${e.contentHash.slice(0, 12)}…; H2O ${e.h2oVersion}; ${(result.timings.totalMs / 1000).toFixed(1)} s.`);
          const thin = e.cells.filter((c) => c.rows < 10).length;
          if (thin > 0) ctx.out(`${thin} of 168 cells have fewer than 10 rows (see model-card.md).`);
          if (result.history.rejected > 0) ctx.out(`Skipped ${result.history.rejected} bad rows:\n${formatBadRows(result.history.bad, result.history.rejected)}`);
        }
      } catch (err) {
        bar.stop();
        if (stop.by) {
          process.stderr.write(`stream-smarts train: stopped by ${stop.by}; no model written\n`);
          process.exitCode = stoppedExitCode(stop.by);
          return;
        }
        // TrainError and HistoryError carry their fix: main.ts prints "stream-smarts train: … — fix: …".
        throw err;
      } finally {
        stop.dispose();
      }
    });
}
