import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/**
 * A server process that cannot outlive the process that started it: it runs under a small bash
 * watchdog that ends it when its owner goes away, however the owner ends — a thrown error, Ctrl-C,
 * SIGTERM, even SIGKILL, which no Node handler sees. It serves the
 * test harness (testing/support/process.ts re-exports it) and `train` from a bare install alike.
 *
 * Arguments: $1 the owner's pid, then the command. SIGTERM/SIGINT/SIGHUP to the watchdog stop the
 * command: SIGTERM, then SIGKILL after 10 s.
 */
const WATCHDOG = `
watch=$1; shift
"$@" &
child=$!
stop_child() {
  kill -TERM "$child" 2>/dev/null
  for _ in $(seq 1 40); do kill -0 "$child" 2>/dev/null || break; sleep 0.25; done
  kill -KILL "$child" 2>/dev/null
  wait "$child" 2>/dev/null
}
trap 'stop_child; exit 143' TERM INT HUP
while kill -0 "$watch" 2>/dev/null && kill -0 "$child" 2>/dev/null; do sleep 0.5; done
if kill -0 "$child" 2>/dev/null; then stop_child; exit 0; fi
wait "$child"
`;

export interface Supervised {
  /** The watchdog (bash); the command is its child. */
  child: ChildProcess;
  logFile: string;
  exited: Promise<number | null>;
  /** SIGTERM to the watchdog (which stops the command), SIGKILL after the grace period; resolves once gone. */
  stop(graceMs?: number): Promise<void>;
  /** The last lines of the command's output. */
  tail(lines?: number): string;
}

const live = new Set<Supervised>();
let exitHookInstalled = false;

/**
 * Starts `command` under the watchdog, its output appended to `logFile`. The watchdog runs in its
 * own process group, so a Ctrl-C in the terminal reaches only the owner, which then stops the
 * server in order (and the watchdog still ends it if the owner dies first).
 */
export function startSupervised(command: string, args: string[], logFile: string, env: NodeJS.ProcessEnv = process.env): Supervised {
  const fd = openSync(logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn('bash', ['-c', WATCHDOG, 'stream-smarts-watchdog', String(process.pid), command, ...args], { stdio: ['ignore', fd, fd], env, detached: true });
  } finally {
    closeSync(fd);
  }
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.once('error', () => resolve(null));
  });
  const tail = (lines = 40) => (existsSync(logFile) ? readFileSync(logFile, 'utf8').split('\n').slice(-lines).join('\n') : '(no log)');
  const s: Supervised = {
    child,
    logFile,
    exited,
    tail,
    async stop(graceMs = 15_000) {
      live.delete(s);
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
  live.add(s);
  void exited.then(() => live.delete(s));
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    // process.exit() elsewhere: no time to wait, but the watchdog takes it from a SIGTERM.
    process.on('exit', () => {
      for (const l of live) l.child.kill('SIGTERM');
    });
  }
  return s;
}

/** A port the OS says is free now; good enough for a server started straight after. */
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

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

/** H2O listens on its REST port and the next one (node to node): two free ports in a row. */
export async function freePortPair(): Promise<number> {
  for (let i = 0; i < 20; i++) {
    const p = await freePort();
    if (p < 65535 && (await portFree(p + 1))) return p;
  }
  throw new Error('found no two consecutive free ports on 127.0.0.1 for H2O');
}
