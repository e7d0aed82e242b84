import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { createLogger, type Logger } from '@stream-smarts/contracts';
import { haveMaven } from '../commands/deploy.js';
import { buildStep } from '../deploy/steps.js';
import { noProgress, type Progress } from '../h2o/progress.js';
import { REPO_ROOT, buildPlan, readModel, type ModelInfo } from '../udf/build.js';
import { udfJarCandidates } from './envelope.js';
import { TrainError } from './errors.js';

/**
 * The UDF jar `train` computes the envelope with (its `envelope` command runs h2o-genmodel on the
 * new MOJOs). When none is built, it is built once, by the same plan and step as
 * `stream-smarts build` (local Maven, else Docker's Maven image), into udf-java/target, where
 * later runs find it. The model the jar carries does not matter here — `envelope --model DIR`
 * reads the model it is given — so it is the repository's models/current, as `build` would use.
 */

async function haveDockerEngine(): Promise<boolean> {
  try {
    await execa('docker', ['info', '--format', '{{.ServerVersion}}'], { timeout: 15_000 });
    return true;
  } catch {
    return false;
  }
}

export interface UdfJar {
  jar: string;
  /** Set when this run built it. */
  builtMs?: number;
}

export async function ensureUdfJar(o: { log?: Logger; progress?: Progress; env?: NodeJS.ProcessEnv; repo?: string } = {}): Promise<UdfJar> {
  const candidates = udfJarCandidates(o.env ?? process.env);
  const found = candidates.find((p) => existsSync(p));
  if (found) return { jar: found };
  const repo = o.repo ?? REPO_ROOT;
  const notBuilt = `the UDF jar that computes the envelope from the MOJOs is not built (looked for ${candidates.join(', ')})`;
  const maven = await haveMaven();
  if (!maven && !(await haveDockerEngine())) {
    throw new TrainError(
      `${notBuilt}, and neither Maven nor a Docker engine is here to build it`,
      'install Maven and a JDK 17 (`sudo apt-get install maven openjdk-17-jdk-headless`) and retry — train builds it once — or set STREAM_SMARTS_UDF_JAR to a built stream-smarts-udf.jar',
    );
  }
  let model: ModelInfo;
  try {
    model = readModel(join(repo, 'models', 'current'));
  } catch (e) {
    throw new TrainError(`${notBuilt}, and it cannot be built: ${(e as Error).message}`, 'restore models/current (`git checkout models`), or build the jar with `stream-smarts build --model DIR`');
  }
  const plan = buildPlan(model, { haveMaven: maven, repo });
  const t0 = Date.now();
  const via = plan.via === 'maven' ? 'local Maven' : "Docker's Maven image";
  o.log?.info({ command: plan.command.join(' ') }, `the UDF jar is not built: building it with ${via} (once)`);
  const line = (o.progress ?? noProgress).line(`building the UDF jar with ${via} (once)`);
  try {
    await buildStep(plan, { log: o.log ?? createLogger({ level: 'silent' }), healthTimeoutMs: 0, output: 'pipe' }).run();
  } catch (e) {
    throw new TrainError(
      `${notBuilt}, and building it failed: ${(e as Error).message}`,
      plan.via === 'maven'
        ? 'Maven needs a JDK 17, not only a JRE (`sudo apt-get install openjdk-17-jdk-headless`); run `stream-smarts build` to see the whole build output'
        : 'run `stream-smarts build` to see the whole build output',
    );
  } finally {
    line.done();
  }
  const builtMs = Date.now() - t0;
  o.log?.info({ jar: plan.builtJar, ms: builtMs }, `built the UDF jar in ${(builtMs / 1000).toFixed(1)} s`);
  return { jar: plan.builtJar, builtMs };
}
