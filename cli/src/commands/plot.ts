import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { historySettings } from '@stream-smarts/contracts';
import { writeFileDurable } from '@stream-smarts/contracts';
import { createContext, KAFKA_STACK_SETTINGS, type GlobalOptions } from '../context.js';
import { CommandError } from '../command-error.js';
import { checkDirWritable } from '../output-paths.js';
import { startProgress } from '../progress.js';
import { onStopSignals, stoppedExitCode } from '../signals.js';
import { defaultModelDir } from '../run/model.js';
import { FIGURES, parseDay, parseFigures, renderFigure, type FigureOptions } from '../plot/figures.js';
import { svgToPng } from '../plot/png.js';

export const example = 'stream-smarts plot range score timeline --history recent.csv --out plots  # the expected range, the score map and a timeline, as SVG and PNG';

interface Flags {
  model: string;
  history?: string;
  alerts?: string;
  truth?: string;
  days: string;
  day: string;
  from?: string;
  to?: string;
  format: string;
  out: string;
  scale: string;
  title?: string;
}

export function register(program: Command): void {
  program
    .command('plot')
    .description('draw the model and your readings as SVG/PNG: the expected range by hour, the score map, a timeline with alerts')
    .argument('<figures...>', `one or more of ${FIGURES.join(', ')}`)
    .option('--model <dir>', 'model directory (envelope.json); default ./models/current, else the repository\'s')
    .option('--history <file>', 'readings: CSV timestamp,wh or raw_power JSON lines (.gz fine), as train --history reads')
    .option('--days <n>', 'range: draw the last N local days of --history', '7')
    .option('--day <day>', 'range/score: all (the per-hour envelope), a weekday (1-7 or mon..sun: its own cells), or each (range: a panel per weekday)', 'all')
    .option('--alerts <file>', 'timeline: JSON lines of alerts as `stream-smarts run --alerts-out` writes them')
    .option('--truth <file>', 'timeline: ground truth as `stream-smarts simulate --truth` writes it, shaded')
    .option('--from <time>', 'timeline: start; range: ignore readings before (date = local midnight, or ISO-8601 with offset)')
    .option('--to <time>', 'timeline: end; range: the last --days end here')
    .option('--format <format>', 'svg, png or both', 'both')
    .option('--out <dir>', 'directory to write <figure>.svg / <figure>.png into', '.')
    .option('--scale <factor>', 'PNG pixels per SVG unit (2 for high-DPI screens)', '1')
    .option('--title <text>', 'replace the figure title')
    .addHelpText(
      'after',
      `
Figures (power is the trailing-hour energy in Wh/h; hours are local to the model's time zone):
  range     the expected range by hour of day (green band) with the last --days of --history over
            it, one line a day, readings outside the range in red  (the 2018 blog's first figure)
  score     the anomaly score over hour x power as a heat map, the 0 and 1.0 boundaries drawn
            (the blog's second figure)
  timeline  readings, each hour's expected range and the alerts of a run (--alerts) over time,
            with simulated ground truth (--truth) shaded; --from/--to pick a window

The history goes through the one history reader (bad, duplicate, out-of-order rows skipped and
reported as file:line; gaps drawn as gaps). Each file is written whole or not at all. Prints the
files written (with --json, a JSON list). Exit status: 0 written, 1 an input could not be read
(missing model, unusable history), 2 bad usage, 130/143 stopped by SIGINT/SIGTERM.

Examples:
  $ stream-smarts plot score
  $ stream-smarts plot range --history power.csv.gz --days 7 --out plots
  $ stream-smarts plot range --day each --history power.csv.gz --format svg
  $ stream-smarts plot timeline --history recent.csv --truth truth.json --from 2026-07-01 --to 2026-07-08
  $ stream-smarts plot timeline --alerts alerts.jsonl --history recent.csv --format png --scale 2`,
    )
    .action(async (names: string[], flags: Flags, cmd: Command) => {
      const ctx = createContext(cmd.optsWithGlobals<GlobalOptions>(), process.env, {}, { unused: KAFKA_STACK_SETTINGS });
      const figures = parseFigures(names);
      const format = flags.format.trim().toLowerCase();
      if (format !== 'svg' && format !== 'png' && format !== 'both') throw new CommandError(`--format ${JSON.stringify(flags.format)} is not one of svg, png, both`);
      const days = Number(flags.days);
      if (!/^\d+$/.test(flags.days.trim()) || days < 1) throw new CommandError(`--days ${JSON.stringify(flags.days)} is not a whole number of days, 1 or more`);
      const scale = Number(flags.scale);
      if (!(scale > 0 && scale <= 8)) throw new CommandError(`--scale ${JSON.stringify(flags.scale)} is not a number above 0 and at most 8`);
      const stop = onStopSignals();
      const bar = flags.history ? startProgress({ label: 'reading history', total: 1, json: ctx.json }) : undefined;
      const o: FigureOptions = {
        model: flags.model ?? defaultModelDir(),
        days,
        day: parseDay(flags.day),
        ...(flags.history ? { history: flags.history } : {}),
        ...(flags.alerts ? { alerts: flags.alerts } : {}),
        ...(flags.truth ? { truth: flags.truth } : {}),
        ...(flags.from ? { from: flags.from } : {}),
        ...(flags.to ? { to: flags.to } : {}),
        ...(flags.title ? { title: flags.title } : {}),
        read: { ...historySettings(ctx.loaded), signal: stop.signal, onProgress: (d, t) => (bar?.setTotal(t), bar?.update(d)) },
        warn: (line) => ctx.log.warn(line),
      };
      checkDirWritable('--out', flags.out);
      try {
        await mkdir(flags.out, { recursive: true });
      } catch (e) {
        throw new CommandError(`--out ${flags.out}: cannot create the directory: ${(e as Error).message}`, 1);
      }
      const written: { figure: string; file: string; format: 'svg' | 'png' }[] = [];
      const cache = {};
      try {
        for (const fig of figures) {
          const svg = await renderFigure(fig, o, cache);
          bar?.stop();
          if (stop.by) break;
          const write = async (file: string, data: string | Buffer, fmt: 'svg' | 'png') => {
            try {
              await writeFileDurable(file, data);
            } catch (e) {
              throw new CommandError(`--out ${flags.out}: cannot write ${file}: ${(e as Error).message}`, 1);
            }
            written.push({ figure: fig, file, format: fmt });
            ctx.log.debug({ file }, 'written');
          };
          if (format !== 'png') await write(join(flags.out, `${fig}.svg`), svg, 'svg');
          if (format !== 'svg') await write(join(flags.out, `${fig}.png`), svgToPng(svg, scale), 'png');
          if (stop.by) break;
        }
      } finally {
        bar?.stop();
        stop.dispose();
      }
      if (stop.by) {
        process.stderr.write(`stream-smarts plot: stopped by ${stop.by}${written.length ? `; written before: ${written.map((w) => w.file).join(', ')}` : '; nothing written'}\n`);
        process.exitCode = stoppedExitCode(stop.by);
        return;
      }
      ctx.out(ctx.json ? JSON.stringify(written, null, 2) : written.map((w) => w.file).join('\n'));
    });
}
