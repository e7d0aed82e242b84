import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { basename, resolve, sep } from 'node:path';

/**
 * Counts what the code under test writes to files under one directory, by wrapping node:fs's
 * synchronous calls (the collector uses no others) and re-exporting them to every ESM importer
 * (syncBuiltinESMExports). It needs nothing from the code it measures, so the same counter runs
 * on any version of the collector.
 *
 * Counted per file name (a temp file counts under its own name): bytes handed to write/
 * writeFile/appendFile, fsync and fdatasync calls (also on the directory), renames, truncations,
 * and the syncs that must commit file-system metadata because the file was created, renamed or
 * grew since its last sync (on ext4 each of those is a journal commit besides the data blocks).
 * With `skipSync` the syncs are counted and not done: the figures stay the same and a simulated
 * day does not wait for the disk.
 */
interface FileCounts {
  bytes: number;
  writes: number;
  syncs: number;
  metadataSyncs: number;
  renames: number;
  truncates: number;
}

export interface WriteCounter {
  readonly files: Map<string, FileCounts>;
  total(): FileCounts;
  reset(): void;
  restore(): void;
}

const WRAPPED = ['openSync', 'closeSync', 'writeSync', 'writeFileSync', 'appendFileSync', 'fsyncSync', 'fdatasyncSync', 'renameSync', 'ftruncateSync', 'truncateSync'] as const;

export function countWrites(dir: string, opts: { skipSync?: boolean } = {}): WriteCounter {
  const root = resolve(dir);
  const inside = (p: fs.PathLike | number) => typeof p === 'string' && (resolve(p) === root || resolve(p).startsWith(root + sep));
  // The durable writer's temporary names are unique (`.name.tmp-<pid>-<random>`); counted as `name.tmp`.
  const nameOf = (p: string) => (resolve(p) === root ? '(directory)' : resolve(p).slice(root.length + 1).replace(/(^|\/)\.([^/]+)\.tmp-\d+-[0-9a-f]+$/, '$1$2.tmp'));
  const files = new Map<string, FileCounts>();
  const counts = (name: string) => {
    let c = files.get(name);
    if (!c) files.set(name, (c = { bytes: 0, writes: 0, syncs: 0, metadataSyncs: 0, renames: 0, truncates: 0 }));
    return c;
  };
  /** fd -> file name, for the files under dir. */
  const fds = new Map<number, string>();
  /** file names whose metadata changed since their last sync. */
  const metaDirty = new Set<string>();
  const sizeOf = (name: string) => {
    try {
      return fs.statSync(`${root}/${name}`).size;
    } catch {
      return -1;
    }
  };
  const original = Object.fromEntries(WRAPPED.map((k) => [k, fs[k]])) as { [K in (typeof WRAPPED)[number]]: (typeof fs)[K] };
  const lenOf = (data: unknown, a?: unknown, b?: unknown): number => {
    if (typeof data === 'string') return Buffer.byteLength(data, typeof b === 'string' ? (b as BufferEncoding) : 'utf8');
    if (ArrayBuffer.isView(data)) {
      // writeSync(fd, buffer, offset?, length?, position?)
      const off = typeof a === 'number' ? a : 0;
      return typeof b === 'number' ? b : data.byteLength - off;
    }
    return 0;
  };
  const patched = {
    openSync(path: fs.PathLike, flags?: fs.OpenMode, mode?: fs.Mode) {
      const existed = inside(path) && fs.existsSync(path);
      const fd = original.openSync(path, flags ?? 'r', mode);
      if (inside(path)) {
        const name = nameOf(path as string);
        fds.set(fd, name);
        if (!existed || (typeof flags === 'string' && flags.startsWith('w'))) metaDirty.add(name);
      }
      return fd;
    },
    closeSync(fd: number) {
      fds.delete(fd);
      return original.closeSync(fd);
    },
    writeSync(fd: number, data: unknown, a?: unknown, b?: unknown, c?: unknown) {
      const name = fds.get(fd);
      const before = name !== undefined ? sizeOf(name) : 0;
      const n = (original.writeSync as (...args: unknown[]) => number)(fd, data, a, b, c);
      if (name !== undefined) {
        const k = counts(name);
        k.bytes += lenOf(data, a, b);
        k.writes++;
        if (sizeOf(name) > before) metaDirty.add(name);
      }
      return n;
    },
    writeFileSync(path: fs.PathOrFileDescriptor, data: string | NodeJS.ArrayBufferView, o?: fs.WriteFileOptions) {
      original.writeFileSync(path, data, o);
      const name = typeof path === 'number' ? fds.get(path) : inside(path as string) ? nameOf(path as string) : undefined;
      if (name !== undefined) {
        const k = counts(name);
        k.bytes += lenOf(data, undefined, typeof o === 'string' ? o : o?.encoding ?? undefined);
        k.writes++;
        metaDirty.add(name);
      }
    },
    appendFileSync(path: fs.PathOrFileDescriptor, data: string | Uint8Array, o?: fs.WriteFileOptions) {
      original.appendFileSync(path, data, o);
      const name = typeof path === 'number' ? fds.get(path) : inside(path as string) ? nameOf(path as string) : undefined;
      if (name !== undefined) {
        const k = counts(name);
        k.bytes += lenOf(data);
        k.writes++;
        metaDirty.add(name);
      }
    },
    fsyncSync(fd: number) {
      const name = fds.get(fd);
      if (name === undefined) return original.fsyncSync(fd);
      const k = counts(name);
      k.syncs++;
      if (metaDirty.delete(name) || name === '(directory)') k.metadataSyncs++;
      if (!opts.skipSync) original.fsyncSync(fd);
    },
    fdatasyncSync(fd: number) {
      const name = fds.get(fd);
      if (name === undefined) return original.fdatasyncSync(fd);
      const k = counts(name);
      k.syncs++;
      if (metaDirty.delete(name)) k.metadataSyncs++;
      if (!opts.skipSync) original.fdatasyncSync(fd);
    },
    renameSync(from: fs.PathLike, to: fs.PathLike) {
      original.renameSync(from, to);
      if (inside(to)) {
        counts(nameOf(to as string)).renames++;
        metaDirty.add(nameOf(to as string));
        // The data now lives under the new name; an open fd of the old name follows it.
        if (inside(from)) for (const [fd, n] of fds) if (n === nameOf(from as string)) fds.set(fd, nameOf(to as string));
      }
    },
    ftruncateSync(fd: number, len?: number) {
      original.ftruncateSync(fd, len);
      const name = fds.get(fd);
      if (name !== undefined) {
        counts(name).truncates++;
        metaDirty.add(name);
      }
    },
    truncateSync(path: fs.PathLike, len?: number) {
      original.truncateSync(path, len);
      if (inside(path)) {
        counts(nameOf(path as string)).truncates++;
        metaDirty.add(nameOf(path as string));
      }
    },
  };
  Object.assign(fs, patched);
  syncBuiltinESMExports();
  return {
    files,
    total() {
      const t: FileCounts = { bytes: 0, writes: 0, syncs: 0, metadataSyncs: 0, renames: 0, truncates: 0 };
      for (const c of files.values()) for (const k of Object.keys(t) as (keyof FileCounts)[]) t[k] += c[k];
      return t;
    },
    reset() {
      files.clear();
    },
    restore() {
      Object.assign(fs, original);
      syncBuiltinESMExports();
    },
  };
}

/** A table of the counts, one line per file, biggest first. */
export function formatCounts(c: WriteCounter, days = 1): string {
  const rows = [...c.files].sort((a, b) => b[1].bytes - a[1].bytes);
  const t = c.total();
  const line = (name: string, k: FileCounts) =>
    `  ${basename(name).padEnd(22)} ${fmtBytes(k.bytes / days).padStart(10)}/day  ${String(Math.round(k.writes / days)).padStart(6)} writes  ${String(Math.round(k.syncs / days)).padStart(6)} fsyncs (${Math.round(k.metadataSyncs / days)} with metadata)  ${Math.round(k.renames / days)} renames`;
  return [...rows.map(([n, k]) => line(n, k)), line('total', t)].join('\n');
}

export function fmtBytes(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)} MB`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)} kB`;
  return `${Math.round(n)} B`;
}
