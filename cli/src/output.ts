import { redactKnown } from '@stream-smarts/contracts';

/**
 * What stands between every command and its standard output and error (installed once, by
 * main.ts, before any command runs):
 *
 * - Every chunk written passes redactKnown last, after all formatting and shortening: whatever a
 *   table, a NOT DELIVERED line, an echoed server error or a library's message holds, no secret
 *   the configuration knows (nor a piece of one, nor its base64 Basic form) reaches the terminal.
 * - A write that fails ends the command as a CLI should, never with a stack: EPIPE on stdout
 *   (`stream-smarts … | head`, the reader is gone) exits 0 quietly, as `yes | head` does; any other
 *   failure (ENOSPC from `> /dev/full`, EFBIG past `ulimit -f`, EIO) prints one line on stderr and
 *   exits 1. Node reports these as an 'error' event on the stream, for pipes and files alike
 *   (process.stdout is a net.Socket on a pipe, a SyncWriteStream on a file; "A note on process
 *   I/O" in Node's process docs); without a listener that event is an uncaught exception.
 */
const WRITE_FAILED_EXIT = 1;

const REASONS: Record<string, string> = {
  ENOSPC: 'no space left on the device',
  EFBIG: 'the file is too large (a file size limit, ulimit -f?)',
  EDQUOT: 'the disk quota is used up',
  EIO: 'an input/output error',
  EBADF: 'it is closed',
};

function describeWriteFailure(stream: 'standard output' | 'standard error', e: NodeJS.ErrnoException): string {
  const code = e.code ?? 'an error';
  const why = REASONS[code] ?? e.message;
  return `cannot write to ${stream}: ${why} (${code}) — fix: free space or write elsewhere (e.g. redirect to another file)`;
}

type Write = typeof process.stdout.write;

function redactChunk(chunk: unknown): unknown {
  if (typeof chunk === 'string') return redactKnown(chunk);
  if (chunk instanceof Uint8Array) {
    // Text only: a binary chunk (a PNG to stdout) passes as it is.
    const text = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString('utf8');
    if (Buffer.byteLength(text) !== chunk.byteLength || text.includes('\uFFFD')) return chunk;
    const out = redactKnown(text);
    return out === text ? chunk : Buffer.from(out, 'utf8');
  }
  return chunk;
}

function wrap(stream: NodeJS.WriteStream): void {
  const original = stream.write.bind(stream) as (...a: unknown[]) => boolean;
  const write = (chunk: unknown, ...rest: unknown[]) => original(redactChunk(chunk), ...rest);
  stream.write = write as Write;
}

let installed = false;

/** Redaction and write-failure handling on process.stdout and process.stderr; `who` names the command for the one line. */
export function installOutputGuard(who: () => string): void {
  if (installed) return;
  installed = true;
  wrap(process.stdout);
  wrap(process.stderr);
  let failed = false;
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (failed) return;
    failed = true;
    if (e.code === 'EPIPE') process.exit(0);
    try {
      process.stderr.write(`${who()}: ${describeWriteFailure('standard output', e)}\n`);
    } catch {
      // Nothing left to tell it on.
    }
    process.exit(WRITE_FAILED_EXIT);
  });
  // stderr is where failures are told: when it fails too, the exit code is all that is left.
  process.stderr.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE' || e.code === 'ERR_STREAM_DESTROYED') return;
    process.exitCode = WRITE_FAILED_EXIT;
  });
}
