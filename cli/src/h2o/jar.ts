import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { redactUrlsIn, type Logger } from '@stream-smarts/contracts';
import { cacheDir } from './cache-dir.js';
import { LocalH2OError } from './errors.js';
import { noProgress, type Progress } from './progress.js';
import { H2O_VERSION } from './release.js';

const run = promisify(execFile);

/**
 * Where the runnable H2O server comes from. H2O's server jars stop at 3.46.0.10 on Maven Central
 * (ai.h2o:h2o-core, h2o-app: checked in maven-metadata.xml), so the 3.46.0.11 server is the h2o.jar
 * inside the `h2o` package on PyPI: `pip download` fetches it (~270 MB, once; pip checks PyPI's
 * sha256) and only the jar is kept, in <cache>/h2o/<version>/h2o.jar (see cacheDir).
 */
export function h2oJarPath(version = H2O_VERSION): string {
  return join(cacheDir('h2o', version), 'h2o.jar');
}

const INSTALL_PIP = 'install python3 with pip (`sudo apt-get install python3-pip`), or set H2O_URL to a running H2O 3.46.0.11';

// Copies h2o.jar out of the wheel (h2o/backend/bin/h2o.jar) or the sdist (h2o-<v>/h2o/backend/bin/h2o.jar)
// with the Python that pip came with, so neither unzip nor tar needs to be installed.
const EXTRACT = `
import shutil, sys, tarfile, zipfile
src, dest, version = sys.argv[1:4]
if src.endswith('.whl'):
    with zipfile.ZipFile(src) as z, z.open('h2o/backend/bin/h2o.jar') as f, open(dest, 'wb') as out:
        shutil.copyfileobj(f, out, 1 << 20)
else:
    with tarfile.open(src) as t:
        f = t.extractfile('h2o-%s/h2o/backend/bin/h2o.jar' % version)
        with open(dest, 'wb') as out:
            shutil.copyfileobj(f, out, 1 << 20)
`;

function bytesUnder(dir: string): number {
  let total = 0;
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return 0;
  }
  for (const e of entries) {
    const p = join(dir, e);
    try {
      const s = statSync(p);
      total += s.isDirectory() ? bytesUnder(p) : s.size;
    } catch {
      // Renamed or removed while we looked: pip moves files as it goes.
    }
  }
  return total;
}

/** pip's `Downloading <url> (265.8 MB)` line, in megabytes. */
export function parsePipSize(line: string): number | undefined {
  const m = /Downloading \S+ \(([\d.]+) (kB|MB|GB)\)/.exec(line);
  if (!m) return undefined;
  const n = Number(m[1]);
  return m[2] === 'kB' ? n / 1000 : m[2] === 'GB' ? n * 1000 : n;
}

async function requirePip(): Promise<void> {
  try {
    await run('python3', ['-m', 'pip', '--version'], { timeout: 60_000 });
  } catch (e) {
    const err = e as { code?: string; stderr?: string };
    const what = err.code === 'ENOENT' ? 'python3 is not installed' : `python3 has no pip (${(err.stderr ?? '').trim().split('\n').pop() ?? ''})`;
    throw new LocalH2OError(`${what}; train downloads H2O ${H2O_VERSION} (its h2o.jar, ~270 MB, once) from PyPI with pip`, INSTALL_PIP);
  }
}

/**
 * `pip download h2o==<version>` into `into`, drawing the download on `progress`. pip keeps the
 * file in a pip-unpack-* directory under TMPDIR while it downloads, so pointing TMPDIR at a
 * directory of ours lets the bytes so far be counted; pip prints the size when it starts.
 */
async function pipDownload(version: string, into: string, progress: Progress, log?: Logger): Promise<void> {
  const tmp = mkdtempSync(join(into, 'download-'));
  const line = progress.line(`downloading H2O ${version} (once)`, { unit: 'MB' });
  const t0 = Date.now();
  let stdout = '';
  let stderr = '';
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      // --no-cache-dir: pip's own cache would keep a second copy of the 270 MB archive.
      const p = spawn('python3', ['-m', 'pip', 'download', '--no-deps', '--no-cache-dir', '--progress-bar', 'off', '-d', into, `h2o==${version}`], {
        env: { ...process.env, TMPDIR: tmp, PIP_DISABLE_PIP_VERSION_CHECK: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const poll = setInterval(() => line.update(Math.round(bytesUnder(tmp) / 1e5) / 10), 250);
      p.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
        const mb = parsePipSize(stdout);
        if (mb !== undefined) line.setTotal(mb);
      });
      p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      p.once('error', (e) => {
        clearInterval(poll);
        reject(e);
      });
      p.once('exit', (c) => {
        clearInterval(poll);
        resolve(c);
      });
    });
    if (code !== 0) {
      const why = redactUrlsIn((stderr.trim() || stdout.trim()).split('\n').filter((l) => l.trim()).slice(-2).join(' | '));
      throw new LocalH2OError(
        `could not download H2O ${version} (the h2o package on PyPI, for its h2o.jar): pip exited with status ${code}: ${why}`,
        'check that PyPI (or your PIP_INDEX_URL) is reachable and retry; or set H2O_URL to a running H2O 3.46.0.11',
      );
    }
    line.done();
    log?.info({ ms: Date.now() - t0 }, `downloaded the h2o ${version} package from PyPI in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  } catch (e) {
    line.done();
    throw e;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * <cache>/h2o/<version>/h2o.jar, downloaded and extracted on first use with a progress line.
 * Safe to interrupt: the jar appears only once complete (written under another name, then renamed).
 */
export async function resolveH2OJar(opts: { version?: string; progress?: Progress; log?: Logger } = {}): Promise<{ jar: string; downloaded: boolean }> {
  const version = opts.version ?? H2O_VERSION;
  const progress = opts.progress ?? noProgress;
  const jar = h2oJarPath(version);
  if (existsSync(jar)) return { jar, downloaded: false };
  const dir = cacheDir('h2o', version);
  const pipDir = cacheDir('h2o', 'pip');
  try {
    mkdirSync(pipDir, { recursive: true });
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new LocalH2OError(`cannot create the download cache ${dir}: ${(e as Error).message}`, 'make it writable, or point STREAM_SMARTS_CACHE_DIR at a writable directory');
  }
  const find = () => readdirSync(pipDir).find((f) => f.startsWith(`h2o-${version}`) && (f.endsWith('.whl') || f.endsWith('.tar.gz')));
  let archive = find();
  if (!archive) {
    await requirePip();
    opts.log?.info({ into: dir }, `downloading H2O ${version} from PyPI (about 270 MB, once) into ${dir}`);
    await pipDownload(version, pipDir, progress, opts.log);
    archive = find();
    if (!archive) throw new LocalH2OError(`pip downloaded no h2o-${version} wheel or sdist into ${pipDir}`, 'retry; if it persists, download it by hand: `pip download --no-deps h2o==3.46.0.11`');
  }
  const line = progress.line(`unpacking h2o.jar from ${archive}`);
  const partial = `${jar}.partial`;
  try {
    await run('python3', ['-c', EXTRACT, join(pipDir, archive), partial, version], { timeout: 600_000 });
    renameSync(partial, jar);
  } catch (e) {
    rmSync(partial, { force: true });
    const err = e as { stderr?: string; message: string };
    // A truncated or foreign archive: remove it, so the next run downloads it again.
    rmSync(join(pipDir, archive), { force: true });
    throw new LocalH2OError(`could not extract h2o.jar from ${join(pipDir, archive)}: ${(err.stderr ?? err.message).trim().split('\n').pop() ?? ''}`, 'retry (the archive was removed and will be downloaded again)');
  } finally {
    line.done();
  }
  // The package is the jar plus a little Python; keeping both would double 270 MB of cache.
  rmSync(join(pipDir, archive), { force: true });
  return { jar, downloaded: true };
}
