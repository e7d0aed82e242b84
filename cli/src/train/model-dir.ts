import { existsSync, lstatSync, mkdirSync, readdirSync, renameSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { TrainError } from './errors.js';

/**
 * Writing a model directory (contracts/MODEL-FORMAT.md) and pointing `models/current` at it.
 * `current` is a relative symlink so a clone or a copied `models/` keeps working; where symlinks
 * are refused (some Windows setups) it is a one-line file holding the directory's name.
 */

/** `2026-11-23T193000Z`: sortable, and safe as a directory name on every OS. */
export function modelIdFor(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/:/g, '');
}

export function prepareModelDir(dir: string): void {
  if (existsSync(dir)) {
    if (!lstatSync(dir).isDirectory()) throw new TrainError(`--out ${dir} exists and is not a directory`, 'choose another --out');
    const stale = readdirSync(dir).filter((f) => ['bands.zip', 'lower.zip', 'upper.zip', 'envelope.json'].includes(f));
    if (stale.length > 0) throw new TrainError(`--out ${dir} already holds a model (${stale.join(', ')})`, 'choose a new --out, or remove the old model first');
  }
  mkdirSync(dir, { recursive: true });
}


/**
 * Moves a complete model from its work directory to `dir`: one rename when `dir` is empty (as
 * prepareModelDir leaves a new one), else file by file with envelope.json last, so a reader that
 * sees envelope.json sees the whole model.
 */
export function publishModelDir(work: string, dir: string): void {
  if (readdirSync(dir).length === 0) {
    rmSync(dir, { recursive: true });
    renameSync(work, dir);
    return;
  }
  const files = readdirSync(work).sort((a, b) => (a === 'envelope.json' ? 1 : b === 'envelope.json' ? -1 : a < b ? -1 : 1));
  for (const f of files) renameSync(join(work, f), join(dir, f));
  rmSync(work, { recursive: true, force: true });
}

/** Points `<modelsDir>/current` at `modelDir` (which must be inside modelsDir). */
export function pointCurrent(modelsDir: string, modelDir: string): string {
  const current = join(modelsDir, 'current');
  const target = relative(resolve(modelsDir), resolve(modelDir));
  if (target.startsWith('..') || target === '' || dirname(target) !== '.') return current;
  const tmp = join(modelsDir, `.current-${process.pid}`);
  rmSync(tmp, { force: true });
  try {
    symlinkSync(target, tmp, 'dir');
  } catch {
    writeFileSync(tmp, `${basename(target)}\n`);
  }
  // rename over the old link replaces it in one step; a directory named current must go first.
  if (existsSync(current) && lstatSync(current).isDirectory() && !lstatSync(current).isSymbolicLink()) {
    throw new TrainError(`${current} is a real directory, not a link`, `move it aside; \`current\` must name the newest model`);
  }
  try {
    renameSync(tmp, current);
  } catch {
    unlinkSync(current);
    renameSync(tmp, current);
  }
  return current;
}
