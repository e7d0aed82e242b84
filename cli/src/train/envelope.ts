import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { cellIndex, type CellStats } from './cells.js';
import { TrainError } from './errors.js';

const run = promisify(execFile);

/**
 * envelope.json (contracts/MODEL-FORMAT.md, stream-smarts/envelope@1). Its cells are what the MOJOs
 * predict, computed by the UDF jar's `envelope` command with h2o-genmodel — never re-implemented
 * here — so the UDF, `run` and the plots agree to the bit.
 */
export const ENVELOPE_FORMAT = 'stream-smarts/envelope@1';

export interface EnvelopeCell {
  day: number;
  hour: number;
  lower: number;
  upper: number;
  rows: number;
}

export interface EnvelopeHour {
  hour: number;
  lower: number;
  upper: number;
}

export interface Envelope {
  format: typeof ENVELOPE_FORMAT;
  modelId: string;
  contentHash: string;
  timezone: string;
  unit: 'Wh/h';
  quantiles: { lower: number; upper: number };
  algorithm: string;
  h2oVersion: string;
  trainedAt: string;
  history: { from: string; to: string; rows: number; rejected: number };
  cells: EnvelopeCell[];
  hours: EnvelopeHour[];
}

/** Lower-case hex SHA-256 of lower.zip's bytes followed by upper.zip's. */
export function contentHash(lower: Uint8Array, upper: Uint8Array): string {
  return createHash('sha256').update(lower).update(upper).digest('hex');
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
      `the UDF jar that computes the envelope from the MOJOs is not built (looked for ${udfJarCandidates(env).join(', ')})`,
      'build it with `mvn -B -q -f udf-java package -DskipTests`, or set STREAM_SMARTS_UDF_JAR to its path',
    );
  }
  return found;
}

interface JarEnvelope {
  cells: { day: number; hour: number; lower: number; upper: number }[];
  hours: { hour: number; lower: number; upper: number }[];
}

/** Runs `java -jar <jar> envelope --model DIR` on a directory holding lower.zip and upper.zip. */
export async function predictEnvelope(modelDir: string, jar = findUdfJar()): Promise<JarEnvelope> {
  let stdout: string;
  try {
    ({ stdout } = await run('java', ['-jar', jar, 'envelope', '--model', modelDir], { maxBuffer: 8 * 1024 * 1024 }));
  } catch (e) {
    const err = e as { code?: string; stderr?: string; message: string };
    if (err.code === 'ENOENT') throw new TrainError('java is not installed (needed to read the MOJOs with the UDF jar)', 'install a JDK 17+, e.g. `apt-get install openjdk-17-jre-headless`');
    throw new TrainError(`the UDF jar could not read the MOJOs in ${modelDir}: ${(err.stderr ?? err.message).trim().split('\n')[0]}`, 'check lower.zip and upper.zip are H2O MOJOs; rebuild the UDF jar if it is stale');
  }
  const env = JSON.parse(stdout) as JarEnvelope;
  if (env.cells?.length !== 168 || env.hours?.length !== 24) {
    throw new TrainError(`the UDF jar's envelope has ${env.cells?.length} cells and ${env.hours?.length} hours, not 168 and 24`, 'rebuild the UDF jar (`mvn -B -q -f udf-java package -DskipTests`)');
  }
  return env;
}

export interface EnvelopeInput {
  modelId: string;
  timezone: string;
  quantiles: { lower: number; upper: number };
  h2oVersion: string;
  trainedAt: Date;
  history: { from: number; to: number; rows: number; rejected: number };
  stats: readonly CellStats[];
  lowerZip: Uint8Array;
  upperZip: Uint8Array;
  predicted: JarEnvelope;
}

export function buildEnvelope(i: EnvelopeInput): Envelope {
  const cells = [...i.predicted.cells]
    .sort((a, b) => a.day - b.day || a.hour - b.hour)
    .map((c) => ({ day: c.day, hour: c.hour, lower: c.lower, upper: c.upper, rows: i.stats[cellIndex(c.day, c.hour)]?.rows ?? 0 }));
  // The jar's hours are the per-hour envelope of the two-argument form; keep them as it computed them.
  const hours = [...i.predicted.hours].sort((a, b) => a.hour - b.hour).map((h) => ({ hour: h.hour, lower: h.lower, upper: h.upper }));
  return {
    format: ENVELOPE_FORMAT,
    modelId: i.modelId,
    contentHash: contentHash(i.lowerZip, i.upperZip),
    timezone: i.timezone,
    unit: 'Wh/h',
    quantiles: i.quantiles,
    algorithm: 'H2O GBM distribution=quantile',
    h2oVersion: i.h2oVersion,
    trainedAt: i.trainedAt.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    history: { from: new Date(i.history.from).toISOString(), to: new Date(i.history.to).toISOString(), rows: i.history.rows, rejected: i.history.rejected },
    cells,
    hours,
  };
}

/** score(kwh; lower, upper) = (kwh − lower) / max(upper − lower, 1), as in MODEL-FORMAT.md. */
export function score(kwh: number, lower: number, upper: number): number {
  return (kwh - lower) / Math.max(upper - lower, 1);
}
