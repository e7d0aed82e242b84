import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, open, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Readable, type Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/**
 * Every file a command writes goes to a temporary name in the same directory and is renamed over
 * the target only when complete and flushed: a failure (full disk), an error or a signal leaves
 * the previous file or none — never a truncated one. The temporary name is hidden
 * (`.name.tmp-…`) and removed on failure; only SIGKILL can leave one behind, and never in the
 * target's place.
 */
export function tempNameFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
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
}

export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  await viaTemp(path, (tmp) => writeFile(tmp, data));
}

/** Streams chunks (through optional transforms, e.g. gzip) into `path` atomically; an abort removes the partial file. */
export async function writeStreamAtomic(path: string, chunks: AsyncIterable<string | Uint8Array> | Iterable<string>, transforms: Transform[] = [], signal?: AbortSignal): Promise<void> {
  await viaTemp(path, (tmp) => pipeline([Readable.from(chunks), ...transforms, createWriteStream(tmp)], signal ? { signal } : {}));
}
