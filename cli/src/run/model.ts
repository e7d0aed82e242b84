import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadModel, type LoadedModel } from '@stream-smarts/contracts';
import { REPO_ROOT } from '../udf/build.js';

export type { LoadedModel };

/**
 * The model `run` and `evaluate` score with when no --model is given: ./models/current when the
 * working directory has one (a user's own trained model), else the repository's models/current
 * (the default model shipped with the clone), so a fresh clone works from any directory.
 */
export function defaultModelDir(cwd = process.cwd()): string {
  const local = resolve(cwd, 'models', 'current');
  return existsSync(join(local, 'envelope.json')) ? local : join(REPO_ROOT, 'models', 'current');
}

/** Loads and checks envelope.json of a model directory; throws one line naming the file and the problem. */
export function openModel(dir: string | undefined): { dir: string; model: LoadedModel } {
  const d = resolve(dir ?? defaultModelDir());
  return { dir: d, model: loadModel(d) };
}
