import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { openSync, closeSync, readFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const SUPERVISOR = fileURLToPath(new URL('./run-supervised.sh', import.meta.url));

/** A port the OS says is free now; good enough for a server we start straight after. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      if (addr === null || typeof addr === 'string') return reject(new Error('no port'));
      srv.close(() => resolve(addr.port));
    });
  });
}

export interface Supervised {
  child: ChildProcess;
  logFile: string;
  exited: Promise<number | null>;
  /** SIGTERM, then SIGKILL after the grace period; resolves once the process is gone. */
  stop(graceMs?: number): Promise<void>;
  tail(lines?: number): string;
}

/**
 * Starts a long-running test server under run-supervised.sh, which ends it when this
 * process ends, however it ends. Output goes to `logFile`.
 */
export function startSupervised(command: string, args: string[], logFile: string, env: NodeJS.ProcessEnv = process.env): Supervised {
  const fd = openSync(logFile, 'a');
  const child = spawn(SUPERVISOR, [String(process.pid), command, ...args], { stdio: ['ignore', fd, fd], env });
  closeSync(fd);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const tail = (lines = 40) =>
    existsSync(logFile) ? readFileSync(logFile, 'utf8').split('\n').slice(-lines).join('\n') : '(no log)';
  return {
    child,
    logFile,
    exited,
    tail,
    async stop(graceMs = 15_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}
