import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startSupervised } from '../support/process.js';

/**
 * A real Mosquitto broker (the Debian package; testing/mosquitto/ensure.sh installs it for
 * `make test`) on 127.0.0.1 on a free port, anonymous, with persistence off: started by the test
 * that needs it, stopped after it, and ended with the test process however that ends
 * (the watchdog of cli/src/h2o/supervise.ts). Its work directory's name carries the marker that
 * scripts/check-no-leftovers.sh looks for, so a broker left running fails `make test`.
 */
export interface RunningMosquitto {
  version: string;
  url: string;
  port: number;
  stop(): Promise<void>;
  tail(): string;
}

function mosquittoBinary(): string {
  for (const p of ['/usr/sbin/mosquitto', '/usr/local/sbin/mosquitto', '/opt/homebrew/sbin/mosquitto', '/usr/local/opt/mosquitto/sbin/mosquitto']) if (existsSync(p)) return p;
  try {
    return execFileSync('sh', ['-c', 'command -v mosquitto'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error('the MQTT tests need a real Mosquitto broker and none is installed: run testing/mosquitto/ensure.sh (as root it installs the Debian package), or sudo apt-get install mosquitto');
  }
}

async function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });
}

export async function startMosquitto(readyTimeoutMs = 10_000): Promise<RunningMosquitto> {
  const bin = mosquittoBinary();
  // `mosquitto -h` prints its version and exits 3.
  const help = spawnSync(bin, ['-h'], { encoding: 'utf8' });
  const version = /mosquitto version (\S+)/.exec(`${help.stdout}${help.stderr}`)?.[1] ?? 'unknown';
  const dir = mkdtempSync(join(tmpdir(), '-Dstream-smarts.test-mosquitto-'));
  const port = await freePort();
  const conf = join(dir, 'mosquitto.conf');
  writeFileSync(conf, [`listener ${port} 127.0.0.1`, 'allow_anonymous true', 'persistence false', 'log_dest stdout', 'log_type error', 'log_type warning', 'log_type notice', ''].join('\n'));
  const proc = startSupervised(bin, ['-c', conf], join(dir, 'mosquitto.log'));
  const deadline = Date.now() + readyTimeoutMs;
  let exited = false;
  void proc.exited.then(() => (exited = true));
  while (!(await accepts(port))) {
    if (exited || Date.now() > deadline) {
      const tail = proc.tail();
      await proc.stop();
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`Mosquitto ${version} did not start on 127.0.0.1:${port}; its log ends:\n${tail}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    version,
    port,
    url: `mqtt://127.0.0.1:${port}`,
    tail: () => proc.tail(),
    async stop() {
      await proc.stop(3_000);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
