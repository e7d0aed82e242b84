import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { HIGH_MEASURES, jarTablesSchema, MODEL_FORMAT, NOT_USED_W, type JarTables, type ModelFile } from '@stream-smarts/contracts';
import type { Calibration } from './bands3/calibrate.js';
import type { Bands3Method, Resolution } from './bands3/stats.js';
import { TrainError } from './errors.js';

const run = promisify(execFile);

/**
 * envelope.json (contracts/MODEL-FORMAT.md, stream-smarts/bands@3). Its tables are what bands.zip
 * predicts, computed by the UDF jar's `envelope` command with h2o-genmodel — never re-implemented
 * here — so the UDF, `run` and the plots agree to the bit.
 */
;
export type { ModelFile };

/** Lower-case hex SHA-256 of bands.zip's bytes. */
export function contentHash(bands: Uint8Array): string {
  return createHash('sha256').update(bands).digest('hex');
}

const REPO = fileURLToPath(new URL('../../../', import.meta.url));

/** Where the UDF's shaded jar is: $STREAM_SMARTS_UDF_JAR, else the Maven build output. */
export function udfJarCandidates(env: NodeJS.ProcessEnv = process.env): string[] {
  return [env.STREAM_SMARTS_UDF_JAR, `${REPO}udf-java/target/stream-smarts-udf.jar`, `${REPO}ext/stream-smarts-udf.jar`].filter(
    (p): p is string => typeof p === 'string' && p.length > 0,
  );
}

export function findUdfJar(env: NodeJS.ProcessEnv = process.env): string {
  const found = udfJarCandidates(env).find((p) => existsSync(p));
  if (!found) {
    throw new TrainError(
      `the UDF jar that computes the bands from the MOJO is not built (looked for ${udfJarCandidates(env).join(', ')})`,
      'build it with `mvn -B -q -f udf-java package -DskipTests`, or set STREAM_SMARTS_UDF_JAR to its path',
    );
  }
  return found;
}

/** Runs `java -jar <jar> envelope --model DIR` on a directory holding bands.zip. */
export async function predictTables(modelDir: string, jar = findUdfJar()): Promise<JarTables> {
  let stdout: string;
  try {
    ({ stdout } = await run('java', ['-jar', jar, 'envelope', '--model', modelDir], { maxBuffer: 32 * 1024 * 1024 }));
  } catch (e) {
    const err = e as { code?: string; stderr?: string; message: string };
    if (err.code === 'ENOENT') throw new TrainError('java is not installed (needed to read the MOJO with the UDF jar)', 'install a JDK 17+, e.g. `apt-get install openjdk-17-jre-headless`');
    throw new TrainError(`the UDF jar could not read the MOJO in ${modelDir}: ${(err.stderr ?? err.message).trim().split('\n')[0]}`, 'check bands.zip is an H2O MOJO; rebuild the UDF jar if it is stale (`mvn -B -q -f udf-java package -DskipTests`)');
  }
  const parsed = jarTablesSchema.safeParse(JSON.parse(stdout));
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    throw new TrainError(`the UDF jar's tables are not what MODEL-FORMAT describes (${i.path.join('.')}: ${i.message})`, 'rebuild the UDF jar (`mvn -B -q -f udf-java package -DskipTests`)');
  }
  return parsed.data;
}

/** Every table of a model as [name, minute values] pairs: each band of each day type, and the 2018 envelope. */
function tableRows(t: JarTables): [string, readonly number[]][] {
  const out: [string, readonly number[]][] = [];
  const b = t.bands;
  for (let k = 0; k < b.dayTypes; k++) {
    for (const m of HIGH_MEASURES) out.push([`${m}.ref[${k}]`, b.high[m].ref[k]!], [`${m}.upper[${k}]`, b.high[m].upper[k]!]);
    out.push([`mean_24h.ref[${k}]`, b.mean_24h.ref[k]!], [`mean_24h.lower[${k}]`, b.mean_24h.lower[k]!]);
  }
  out.push(['kwh.lower', b.kwh.lower], ['kwh.upper', b.kwh.upper]);
  return out;
}

/**
 * The largest difference, Wh/h, between the MOJO's tables and the statistics it was fitted to, at
 * the minutes it was fitted at (each slot's middle minute; between them the GBM's splits decide
 * where one slot's value gives way to the next). A "not used" upper is compared relatively.
 */
export function maxAbsDiff(a: JarTables, b: JarTables, slotMinutes = 10): number {
  let worst = 0;
  const theirs = new Map(tableRows(b));
  for (const [name, xs] of tableRows(a)) {
    const ys = theirs.get(name);
    if (!ys) return Infinity;
    for (let m = slotMinutes / 2; m < xs.length; m += slotMinutes) {
      const d = Math.abs(xs[m]! - ys[m]!);
      worst = Math.max(worst, ys[m]! >= NOT_USED_W ? d / 1000 : d);
    }
  }
  return worst;
}

export interface ModelFileInput {
  modelId: string;
  timezone: string;
  h2oVersion: string;
  trainedAt: Date;
  history: { from: number; to: number; rows: number; rejected: number; days: number };
  method: Bands3Method;
  resolution: Resolution;
  calibration: Calibration;
  /** The alert budget calibrated to, alerts a week of each kind. */
  budgetPerWeek: number;
  bandsZip: Uint8Array;
  predicted: JarTables;
  fitMaxAbsWh: number;
  holdout?: Record<string, unknown>;
}

export function buildModelFile(i: ModelFileInput): ModelFile {
  return {
    format: MODEL_FORMAT,
    modelId: i.modelId,
    contentHash: contentHash(i.bandsZip),
    timezone: i.timezone,
    unit: 'Wh/h',
    algorithm: 'per-slot edges with margins calibrated to the alert budget; H2O GBM distribution=gaussian over the bands',
    h2oVersion: i.h2oVersion,
    trainedAt: i.trainedAt.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    history: { from: new Date(i.history.from).toISOString(), to: new Date(i.history.to).toISOString(), rows: i.history.rows, rejected: i.history.rejected, days: i.history.days },
    resolution: i.resolution,
    method: i.method as unknown as Record<string, unknown>,
    calibration: { budgetPerWeek: i.budgetPerWeek, ...i.calibration } as unknown as Record<string, unknown>,
    bands: i.predicted.bands,
    hours: [...i.predicted.hours].sort((a, b) => a.hour - b.hour),
    cells: [...i.predicted.cells].sort((a, b) => a.day - b.day || a.hour - b.hour),
    fit: { maxAbsWh: i.fitMaxAbsWh },
    ...(i.holdout ? { holdout: i.holdout } : {}),
  };
}
