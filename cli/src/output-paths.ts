import { closeSync, mkdtempSync, openSync, realpathSync, rmdirSync, statSync, unlinkSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { CommandError } from './command-error.js';

/**
 * Checks of the files a command will write, made before any work starts, so a long replay or
 * simulation does not end in a bare EROFS, and one output never overwrites another:
 * - distinctFiles: two flags naming the same file (the same path, a symlink or a hard link to it)
 *   are refused, naming both (`simulate --out same.csv --truth same.csv` would leave only the
 *   truth); an output that is also an input (`run --replay h.csv --alerts-out h.csv`) too.
 * - checkWritable: the file can be opened for writing where it is (its directory exists and
 *   takes a new file; an existing file takes an append), so the flag is named before the work.
 * - checkDirWritable: a directory the command will create things in (train's model, plot's
 *   figures) is one, or can be made, and takes a new entry.
 */
export interface PathFlag {
  flag: string;
  path: string | undefined;
}

/** Identity of a path: device and inode when it exists, else its resolved path (through a symlinked directory). */
function identity(path: string): string {
  try {
    const s = statSync(path);
    return `inode:${s.dev}:${s.ino}`;
  } catch {
    try {
      return `path:${resolve(realpathSync(dirname(path)), resolve(path).slice(resolve(dirname(path)).length + 1))}`;
    } catch {
      return `path:${resolve(path)}`;
    }
  }
}

/** Refuses two flags that name the same file; `-` (stdout or stdin) is never a file. */
export function distinctFiles(flags: readonly PathFlag[]): void {
  const seen = new Map<string, PathFlag>();
  for (const f of flags) {
    if (f.path === undefined || f.path === '-' || f.path === '') continue;
    const id = identity(f.path);
    const other = seen.get(id);
    if (other) {
      throw new CommandError(`${other.flag} "${other.path}" and ${f.flag} "${f.path}" are the same file: one would overwrite the other — give each its own file`);
    }
    seen.set(id, f);
  }
}

const WHY: Record<string, string> = {
  EROFS: 'the file system is read-only',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'it is a directory',
  ENOTDIR: 'a part of the path is not a directory',
  ENOENT: 'its directory does not exist',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'the disk quota is used up',
};

/**
 * Throws, naming the flag, unless `path` can be written: an existing file is opened for append
 * (nothing is written to it), a new one is created and removed again.
 */
export function checkWritable(flag: string, path: string | undefined): void {
  if (path === undefined || path === '-' || path === '') return;
  let existed = true;
  try {
    statSync(path);
  } catch {
    existed = false;
  }
  try {
    const fd = openSync(path, existed ? 'a' : 'wx');
    closeSync(fd);
    if (!existed) unlinkSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'error';
    const why = WHY[code] ?? (e as Error).message;
    const fix = code === 'ENOENT' || code === 'ENOTDIR' ? `create ${dirname(resolve(path))} first, or give ${flag} a path in an existing directory` : `give ${flag} a file you can write`;
    throw new CommandError(`${flag} "${path}": cannot write there: ${why} (${code}); nothing was run — ${fix}`, 1);
  }
}

/**
 * Throws, naming the flag, unless `dir` is a directory that takes a new entry or could be created:
 * the nearest part of it that exists must be a directory, and a probe directory is made in it and
 * removed again (the only check that holds for root too, where access(2) says yes to everything
 * but a read-only file system, and sysfs refuses a mkdir with EPERM). Nothing else is created.
 */
export function checkDirWritable(flag: string, dir: string): void {
  const target = resolve(dir);
  let at = target;
  for (;;) {
    let st;
    try {
      st = statSync(at);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if ((code === 'ENOENT' || code === 'ENOTDIR') && dirname(at) !== at) {
        at = dirname(at);
        continue;
      }
      throw new CommandError(`${flag} "${dir}": cannot write there: ${WHY[code ?? ''] ?? (e as Error).message} (${code ?? 'error'}); nothing was run — give ${flag} a directory you can write`, 1);
    }
    if (!st.isDirectory()) {
      throw new CommandError(
        at === target
          ? `${flag} "${dir}" is a file, not a directory; nothing was run — give ${flag} a directory (it is created if missing)`
          : `${flag} "${dir}": ${at} is a file, so the directory cannot be made; nothing was run — give ${flag} a path under a directory`,
        1,
      );
    }
    break;
  }
  try {
    rmdirSync(mkdtempSync(join(at, '.stream-smarts-probe-')));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'error';
    const where = at === target ? '' : ` (in ${at}, where it would be created)`;
    throw new CommandError(`${flag} "${dir}": cannot write there${where}: ${WHY[code] ?? (e as Error).message} (${code}); nothing was run — give ${flag} a directory you can write`, 1);
  }
}
