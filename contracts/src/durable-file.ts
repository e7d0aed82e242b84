import { randomBytes } from 'node:crypto';
import { closeSync, copyFileSync, createWriteStream, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir, open, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Readable, type Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/**
 * The one way every package replaces a file. The guarantee: after a crash, SIGKILL or power cut
 * the path holds the old bytes or the new, never a torn mix, and once the call returns the new
 * bytes survive a power cut. How: write a hidden temporary name in the same directory
 * (`.name.tmp-<pid>-<random>`, so two writers never share one), fsync it, rename it over the
 * target (atomic within a file system, POSIX rename(2)), fsync the directory so the rename itself
 * is on disk. A failure removes the temporary file; only SIGKILL can leave one, never in the
 * target's place.
 *
 * `durable: false` skips both fsyncs: still atomic against a crash of the process, not against a
 * power cut — for files rewritten often whose loss is harmless (a bench, a cache).
 */
export interface DurableWriteOptions {
  /** fsync the file and its directory (default true). */
  durable?: boolean;
}

export function tempNameFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
}

/** Flushes a directory's entries (a rename or a new file) to disk. */
export function fsyncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Some file systems refuse fsync on a directory; the rename is still atomic there.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Fills a temporary name beside `path` through `fill`, flushes it, renames it into place; removes it on any failure. */
function viaTempSync(path: string, fill: (tmp: string) => void, durable: boolean): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = tempNameFor(path);
  try {
    fill(tmp);
    if (durable) {
      const fd = openSync(tmp, 'r+');
      try {
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    }
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
  if (durable) fsyncDir(dirname(path));
}

/** Replaces `path` with `data`, synchronously, with the guarantee above. */
export function writeFileDurableSync(path: string, data: string | Uint8Array, o: DurableWriteOptions = {}): void {
  viaTempSync(path, (tmp) => writeFileSync(tmp, data), o.durable ?? true);
}

/** Replaces `dest` with a copy of `src`, synchronously, with the guarantee above (a jar ksqlDB may load at any moment). */
export function copyFileDurableSync(src: string, dest: string): void {
  viaTempSync(dest, (tmp) => copyFileSync(src, tmp), true);
}

/** Writes through `write` to a temporary name beside `path`, flushes it, renames it into place; removes it on any failure. */
async function viaTemp(path: string, write: (tmp: string) => Promise<void>): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = tempNameFor(path);
  try {
    await write(tmp);
    const fh = await open(tmp, 'r+');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
  fsyncDir(dirname(path));
}

/** Replaces `path` with `data`, asynchronously, with the guarantee above. */
export async function writeFileDurable(path: string, data: string | Uint8Array): Promise<void> {
  await viaTemp(path, (tmp) => writeFile(tmp, data));
}

/** Streams chunks (through optional transforms, e.g. gzip) into `path` with the guarantee above; an abort removes the partial file. */
export async function writeStreamDurable(path: string, chunks: AsyncIterable<string | Uint8Array> | Iterable<string>, transforms: Transform[] = [], signal?: AbortSignal): Promise<void> {
  await viaTemp(path, (tmp) => pipeline([Readable.from(chunks), ...transforms, createWriteStream(tmp)], signal ? { signal } : {}));
}
