import { Option, type Command } from 'commander';
import { createContext, type GlobalOptions } from '../context.js';
import { stopAllLocalH2O } from '../h2o/local-server.js';
import { noProgress, terminalProgress } from '../h2o/progress.js';
import { TrainError } from '../train/errors.js';
import { H2O_IMAGE, H2O_RELEASE } from '../train/h2o-help.js';
import { formatBadRows } from '../train/history.js';
import { train } from '../train/run.js';

export const example = 'stream-smarts train --history power.csv.gz  # fit the expected range to your own history with H2O';

interface TrainFlags {
  history: string[];
  out?: string;
  modelsDir: string;
  lowerQuantile: string;
  upperQuantile: string;
  maxBadShare: string;
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
    .option('--max-bad-share <share>', 'stop if more than this share of history rows is bad', '0.01')
    .addOption(new Option('--no-current', 'do not point <models-dir>/current at the new model'))
    .addHelpText(
      'after',
      `
The measure is trailing-hour energy in Wh/h at each reading, labelled with its local day (ISO 1-7)
and hour (0-23) in --timezone. For each of the 168 cells the model gives lower and upper; a
reading scores (kwh - lower) / max(upper - lower, 1): above 1.0 is more than ever seen then.

Needs nothing running. It trains on the H2O at H2O_URL (default http://localhost:54321); when
none answers at the default URL, it starts a local H2O ${H2O_RELEASE} on 127.0.0.1 for the run and
stops it at the end (also on Ctrl-C). That needs Java 17 and, the first time, python3 with pip:
H2O's jar (~270 MB) is downloaded once from PyPI into ~/.cache/stream-smarts
(STREAM_SMARTS_CACHE_DIR). JVM options for it: STREAM_SMARTS_H2O_JAVA_OPTS (e.g. -Xmx1g).
An H2O_URL or --h2o-url you give must answer; start one with e.g.
  $ docker compose --profile train up -d h2o
  $ docker run -d --name h2o -p 54321:54321 ${H2O_IMAGE}
The UDF jar computes envelope.json from the MOJOs; when it is not built, train builds it once the
way \`stream-smarts build\` does (local Maven, else Docker's Maven image).

Writes lower.zip, upper.zip, envelope.json, model-card.md and envelope.svg (contracts/MODEL-FORMAT.md).
Exit status: 0 trained, 1 failed (H2O unreachable, Java missing, bad history, too short), 2 bad
usage, 130/143 interrupted (Ctrl-C/SIGTERM; a local H2O is stopped first).

Examples:
  $ stream-smarts train --history power-2026-*.csv.gz --timezone Australia/Sydney
  $ stream-smarts train --history raw_power.jsonl --lower-quantile 0.01 --upper-quantile 0.99 --out models/p99
  $ stream-smarts --json train --history history.csv | jq .envelope.hours`,
    )
    .action(async (flags: TrainFlags, cmd: Command) => {
      const ctx = createContext(cmd.optsWithGlobals<GlobalOptions>());
      const progress = !ctx.json && process.stderr.isTTY === true ? terminalProgress(process.stderr) : noProgress;
      const h2oSource = ctx.loaded.settings.find((s) => s.key === 'h2o.url')?.source;
      // Ctrl-C or SIGTERM: stop the local H2O this run started, then exit as the signal asks.
      // (Had the process died outright, the H2O's watchdog would have stopped it within a second.)
      const onSignal = (signal: NodeJS.Signals) => {
        progress.stop();
        void stopAllLocalH2O()
          .catch(() => 0)
          .then((n) => {
            process.stderr.write(`stream-smarts train: interrupted by ${signal}${n > 0 ? '; stopped the local H2O' : ''}; no model written\n`);
            process.exit(signal === 'SIGINT' ? 130 : 143);
          });
      };
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      try {
        const lowerQuantile = fraction('--lower-quantile', flags.lowerQuantile);
        const upperQuantile = fraction('--upper-quantile', flags.upperQuantile);
        const maxBadShare = fraction('--max-bad-share', flags.maxBadShare);
        const result = await train({
          history: flags.history,
          ...(flags.out ? { out: flags.out } : {}),
          modelsDir: flags.modelsDir,
          updateCurrent: flags.current,
          timezone: ctx.config.timezone,
          lowerQuantile,
          upperQuantile,
          maxBadShare,
          h2oUrl: ctx.config.h2o.url,
          ...(h2oSource ? { h2oUrlSource: h2oSource } : {}),
          startLocalH2O: true,
          ...(ctx.config.h2o.javaOptions ? { h2oJavaOptions: ctx.config.h2o.javaOptions } : {}),
          log: ctx.log,
          progress,
        });
        progress.stop();
        const e = result.envelope;
        if (ctx.json) {
          ctx.out(JSON.stringify({ dir: result.dir, current: result.current ?? null, h2o: result.h2o, timings: result.timings, files: result.history.files, envelope: e }, null, 2));
        } else {
          ctx.out(`Trained model ${e.modelId} on ${e.history.rows} rows (${e.history.rejected} rejected), ${e.history.from} → ${e.history.to}, ${e.timezone}.`);
          ctx.out(`Wrote ${result.dir}/{lower.zip,upper.zip,envelope.json,model-card.md,envelope.svg}${result.current ? `; ${result.current} → ${e.modelId}` : ''}.`);
          const where = result.h2o.local ? `a local H2O ${e.h2oVersion}, started in ${(result.timings.h2oStartMs / 1000).toFixed(1)} s and stopped` : `H2O ${e.h2oVersion}`;
          ctx.out(`Content hash ${e.contentHash.slice(0, 12)}…; ${where}; ${(result.timings.totalMs / 1000).toFixed(1)} s.`);
          const thin = e.cells.filter((c) => c.rows < 10).length;
          if (thin > 0) ctx.out(`${thin} of 168 cells have fewer than 10 rows (see model-card.md).`);
          if (result.history.bad.length > 0) ctx.out(`Skipped ${result.history.bad.length} bad rows:\n${formatBadRows(result.history.bad)}`);
        }
      } catch (err) {
        progress.stop();
        if (err instanceof TrainError) {
          process.stderr.write(`stream-smarts train: ${err.message} — fix: ${err.fix}\n`);
          process.exitCode = err.exitCode;
          return;
        }
        throw err;
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    });
}
