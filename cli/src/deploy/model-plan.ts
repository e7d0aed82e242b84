import { dirname, isAbsolute, resolve } from 'node:path';
import { findComposeFile } from '../compose.js';
import { commandPrerequisite, preflightStep } from './prepare.js';
import { modelOnlySteps, modelPrerequisites, modelToShip, type ModelTarget, type ModelToShip } from './model-only.js';
import type { Step, StepContext } from './steps.js';
import { readTargets, remoteOf } from './targets.js';

/**
 * The targets and steps of `deploy --model-only` (also what `retrain --deploy` runs): for the
 * compose stack, the host directory the ksqldb.modelDir setting names (relative to the compose
 * file's directory, as docker compose resolves the bind mount's source), which docker-compose.yml
 * mounts into ksqlDB as its model.path; for a cluster, each target's `modelDir`.
 */

/** The compose stack's model directory on this machine. */
export function composeModelDir(setting: string, cwd = process.cwd()): string {
  if (isAbsolute(setting)) return setting;
  const compose = findComposeFile(cwd);
  return resolve(compose ? dirname(compose) : cwd, setting);
}

export interface ModelOnlyPlan {
  heading: string;
  model: ModelToShip;
  targets: ModelTarget[];
  steps: Step[];
}

export function modelOnlyPlan(o: { modelDir: string; targetsFile?: string; ksqldbUrl: string; modelDirSetting: string; ctx: StepContext & { swapTimeoutMs: number; pollMs?: number } }): ModelOnlyPlan {
  const model = modelToShip(o.modelDir);
  let targets: ModelTarget[];
  if (o.targetsFile) {
    const all = readTargets(o.targetsFile);
    const without = all.filter((t) => !t.modelDir);
    if (without.length > 0) {
      throw new Error(
        `${o.targetsFile}: ${without.map((t) => t.name).join(', ')} ha${without.length === 1 ? 's' : 've'} no "modelDir": --model-only copies the model into the directory each server's ksql.functions.anomoly_power.model.path names; add e.g. "modelDir": "deploy@ksql-1:/etc/ksqldb/model" (and set that property on the server), or deploy the jar with \`stream-smarts deploy --targets ${o.targetsFile}\``,
      );
    }
    targets = all.map((t) => ({ name: t.name, url: t.url, modelDir: t.modelDir! }));
  } else {
    targets = [{ name: 'compose', url: o.ksqldbUrl, modelDir: composeModelDir(o.modelDirSetting) }];
  }
  const prereqs = modelPrerequisites(targets, model.dir, o.ctx);
  if (targets.some((t) => remoteOf(t.modelDir))) prereqs.push(commandPrerequisite('ssh', ['-V'], 'remote model directories are reached with ssh and scp'));
  return {
    heading: `Deploy model ${model.modelId} (${model.contentHash.slice(0, 12)}…) to ${targets.map((t) => t.name).join(', ')} without a restart`,
    model,
    targets,
    steps: [preflightStep(prereqs), ...modelOnlySteps(targets, model, o.ctx)],
  };
}
