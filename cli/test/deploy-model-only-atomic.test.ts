import { createHash } from 'node:crypto';
import * as realFs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '@stream-smarts/contracts';

/**
 * The copy of `deploy --model-only`, watched between every file-system call it makes: the fs
 * functions it uses are wrapped (vi.mock) so that after each call the test reads the target
 * directory as the UDF's watcher would at that instant. What the watcher may see (udf-java
 * LiveModel): under the final names, only whole files, old or new; envelope.json new only once
 * bands.zip is; and never a temporary file under a final name.
 */

type Snapshot = { after: string; files: Record<string, string> };
const log: Snapshot[] = [];
let failRename: string | undefined;
let watchDir = '';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
function snapshot(after: string): void {
  if (!watchDir || !realFs.existsSync(watchDir)) return;
  const files: Record<string, string> = {};
  for (const f of realFs.readdirSync(watchDir)) files[f] = sha(realFs.readFileSync(join(watchDir, f)));
  log.push({ after, files });
}

vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  return {
    ...fs,
    copyFileSync: (src: string, dest: string) => {
      fs.copyFileSync(src, dest);
      snapshot(`copy ${dest}`);
    },
    renameSync: (from: string, to: string) => {
      if (failRename && to.endsWith(failRename)) throw Object.assign(new Error(`ENOSPC: no space left on device, rename '${from}' -> '${to}'`), { code: 'ENOSPC' });
      fs.renameSync(from, to);
      snapshot(`rename ${to}`);
    },
  };
});

const { copyModelSteps, modelToShip } = await import('../src/deploy/model-only.js');

const MODELS = fileURLToPath(new URL('../../udf-java/src/test/resources/models/', import.meta.url));
const OLD = join(MODELS, 'reference');
const NEW = join(MODELS, 'winter');
const hashes = (dir: string) => Object.fromEntries(['bands.zip', 'envelope.json'].map((f) => [f, sha(realFs.readFileSync(join(dir, f)))]));
const ctx = { log: createLogger({ level: 'silent', name: 'test' }), healthTimeoutMs: 1000, output: 'pipe' as const };

beforeEach(() => {
  log.length = 0;
  failRename = undefined;
  watchDir = realFs.mkdtempSync(join(tmpdir(), 'atomic-'));
  for (const f of ['bands.zip', 'envelope.json']) realFs.copyFileSync(join(OLD, f), join(watchDir, f));
  // (node:fs is the wrapped one here too: what setting up logged is not the copy's.)
  log.length = 0;
});

describe('deploy --model-only copies atomically, as the UDF watcher needs', () => {
  it('writes under temporary names, renames into place bands.zip first and envelope.json last; every state a watcher can see is whole', async () => {
    const old = hashes(OLD);
    const neu = hashes(NEW);
    const [step] = copyModelSteps({ name: 't', url: 'http://127.0.0.1:1', modelDir: watchDir }, modelToShip(NEW), ctx);
    await step!.run();
    // Every write went to a hidden temporary name; the final names appeared only by rename.
    const writes = log.filter((s) => s.after.startsWith('copy ')).map((s) => s.after.slice(5).split('/').pop()!);
    expect(writes).toEqual([expect.stringMatching(/^\.bands\.zip\.tmp-stream-smarts-\d+$/), expect.stringMatching(/^\.envelope\.json\.tmp-stream-smarts-\d+$/)]);
    expect(log.filter((s) => s.after.startsWith('rename ')).map((s) => s.after.split('/').pop())).toEqual(['bands.zip', 'envelope.json']);
    expect(log.length).toBe(4);
    for (const s of log) {
      // Under its final name a file is always the whole old or the whole new one.
      expect([old['bands.zip'], neu['bands.zip']], s.after).toContain(s.files['bands.zip']);
      expect([old['envelope.json'], neu['envelope.json']], s.after).toContain(s.files['envelope.json']);
      // A watcher that sees the new envelope.json finds the new bands.zip beside it.
      if (s.files['envelope.json'] === neu['envelope.json']) expect(s.files['bands.zip'], s.after).toBe(neu['bands.zip']);
    }
    // Done: the new model, nothing else.
    expect(realFs.readdirSync(watchDir).sort()).toEqual(['bands.zip', 'envelope.json']);
    expect(hashes(watchDir)).toEqual(neu);
  });

  it('a copy that fails before envelope.json is renamed leaves the old envelope.json (the UDF keeps the old model) and no temporary file', async () => {
    failRename = 'envelope.json';
    const [step] = copyModelSteps({ name: 't', url: 'http://127.0.0.1:1', modelDir: watchDir }, modelToShip(NEW), ctx);
    await expect(step!.run()).rejects.toThrow(/cannot write .*envelope\.json: ENOSPC: no space left on device/);
    expect(realFs.readdirSync(watchDir).sort()).toEqual(['bands.zip', 'envelope.json']);
    expect(sha(realFs.readFileSync(join(watchDir, 'envelope.json')))).toBe(hashes(OLD)['envelope.json']);
  });
});
