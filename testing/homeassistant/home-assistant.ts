import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, startSupervised, type Supervised } from '../support/process.js';

/**
 * A real Home Assistant 2024.3.3 (PyPI, installed by testing/homeassistant/ensure.sh in the user's
 * cache) on 127.0.0.1, for the delivery tests that restart and freeze it. Each instance gets its own
 * config dir (its name carries the marker scripts/check-no-leftovers.sh looks for) with:
 *
 * - an owner user and a long-lived access token, made offline by make_token.py with HA's own
 *   homeassistant.auth (no onboarding: the configuration does not need the frontend's flow);
 * - `http` on a free port and `api` (the REST API the notifier uses);
 * - `notify` platform `file` named `alerts` (homeassistant/components/file/notify.py, 2024.3.3:
 *   FileNotificationService.send_message appends `<message>\n` to <config>/<filename>, after a
 *   two-line header "<title> notifications (Log started: ...)" and 80 dashes when the file is
 *   empty; with timestamp: false no time is prefixed): what the phone would have shown;
 * - `tts` platform `demo` (homeassistant/components/demo/tts.py, a legacy provider: the action
 *   tts.demo_say) and a speaker, the custom integration stream_smarts_speaker next to this file,
 *   which appends every play_media to <config>/speaker.txt: what the speaker would have said.
 *
 * It runs with --skip-pip (offline: ensure.sh installed every requirement) under the watchdog of
 * testing/support/process.ts, so it cannot outlive the test process.
 */
export interface RealHomeAssistant {
  url: string;
  token: string;
  configDir: string;
  /** ms from spawn to GET /api/config saying RUNNING, per start. */
  readonly startups: number[];
  start(): Promise<number>;
  /** Starts it unless it runs (after a test that failed while it was stopped). */
  ensureRunning(): Promise<void>;
  /** SIGTERM and wait for the process to end (HA's own orderly stop). */
  stop(): Promise<void>;
  /** SIGSTOP / SIGCONT to the hass process: frozen, its port still accepts connections. */
  freeze(): void;
  thaw(): void;
  /** The lines the file notify platform wrote (header left out). */
  notifications(): string[];
  /** The messages the speaker was asked to play (decoded from the media-source id). */
  spoken(): string[];
  /** The last lines of HA's output. */
  tail(lines?: number): string;
  close(): Promise<void>;
}

const HERE = dirname(fileURLToPath(import.meta.url));

/** The venv's bin dir, installing Home Assistant first if need be (ensure.sh is idempotent). */
function homeAssistantBin(): string {
  const out = execFileSync(join(HERE, 'ensure.sh'), { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const bin = out.trim().split('\n').at(-1)!;
  if (!existsSync(join(bin, 'hass'))) throw new Error(`testing/homeassistant/ensure.sh printed ${bin}, which has no hass`);
  return bin;
}

export async function createHomeAssistant(): Promise<RealHomeAssistant> {
  const bin = homeAssistantBin();
  const configDir = mkdtempSync(join(tmpdir(), '-Dstream-smarts.test-homeassistant-'));
  const port = await freePort();
  cpSync(join(HERE, 'custom_components'), join(configDir, 'custom_components'), { recursive: true });
  writeFileSync(
    join(configDir, 'configuration.yaml'),
    [
      'homeassistant:',
      '  name: stream-smarts test',
      '  latitude: 52.0',
      '  longitude: 5.0',
      '  elevation: 0',
      '  unit_system: metric',
      '  time_zone: UTC',
      '  country: NL',
      'http:',
      '  server_host: 127.0.0.1',
      `  server_port: ${port}`,
      'api:',
      'logger:',
      '  default: warning',
      'notify:',
      '  - platform: file',
      '    name: alerts',
      '    filename: notifications.txt',
      '    timestamp: false',
      'tts:',
      '  - platform: demo',
      'media_player:',
      '  - platform: stream_smarts_speaker',
      '',
    ].join('\n'),
  );
  const token = execFileSync(join(bin, 'python'), [join(HERE, 'make_token.py'), configDir], { encoding: 'utf8' }).trim();
  if (!/^[\w-]+\.[\w-]+\.[\w-]+$/.test(token)) throw new Error(`make_token.py printed no token: ${token.slice(0, 200)}`);
  const url = `http://127.0.0.1:${port}`;
  const logFile = join(configDir, 'hass.out');
  let proc: Supervised | undefined;
  const startups: number[] = [];

  /** The hass process: the watchdog's child (bash runs it in the background, see supervise.ts). */
  const hassPid = (): number => {
    const w = proc?.child.pid;
    if (w === undefined) throw new Error('Home Assistant is not running');
    const out = execFileSync('ps', ['-o', 'pid=', '--ppid', String(w)], { encoding: 'utf8' }).trim().split(/\s+/)[0];
    if (!out) throw new Error('found no hass process under its watchdog');
    return Number(out);
  };

  async function state(): Promise<string | undefined> {
    try {
      const res = await fetch(`${url}/api/config`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(2_000) });
      if (res.status !== 200) return undefined;
      return ((await res.json()) as { state?: string }).state;
    } catch {
      return undefined;
    }
  }

  const ha: RealHomeAssistant = {
    url,
    token,
    configDir,
    startups,
    async start() {
      if (proc) throw new Error('Home Assistant is already running');
      const t0 = Date.now();
      proc = startSupervised(join(bin, 'hass'), ['-c', configDir, '--skip-pip'], logFile);
      const p = proc;
      let exited = false;
      void p.exited.then(() => (exited = true));
      while (Date.now() - t0 < 120_000) {
        if (exited) throw new Error(`Home Assistant exited while starting:\n${p.tail()}`);
        if ((await state()) === 'RUNNING') {
          startups.push(Date.now() - t0);
          return Date.now() - t0;
        }
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`Home Assistant was not RUNNING after 120 s:\n${p.tail()}`);
    },
    async ensureRunning() {
      if (!proc) await ha.start();
    },
    async stop() {
      const p = proc;
      if (!p) return;
      proc = undefined;
      await p.stop(30_000);
    },
    freeze() {
      process.kill(hassPid(), 'SIGSTOP');
    },
    thaw() {
      process.kill(hassPid(), 'SIGCONT');
    },
    notifications() {
      const f = join(configDir, 'notifications.txt');
      if (!existsSync(f)) return [];
      const lines = readFileSync(f, 'utf8').split('\n').filter((l) => l !== '');
      // The header file/notify.py writes to an empty file: "<title> notifications (Log started: …)" and 80 dashes.
      return lines.filter((l, i) => !(i === 0 && / notifications \(Log started: /.test(l)) && !(i === 1 && l === '-'.repeat(80)));
    },
    spoken() {
      const f = join(configDir, 'speaker.txt');
      if (!existsSync(f)) return [];
      return readFileSync(f, 'utf8')
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => new URL(l.slice(l.indexOf(' ') + 1)).searchParams.get('message') ?? l);
    },
    tail(lines = 40) {
      return existsSync(logFile) ? readFileSync(logFile, 'utf8').split('\n').slice(-lines).join('\n') : '(no output)';
    },
    async close() {
      // A frozen HA would ignore SIGTERM until SIGKILL: thaw it first.
      try {
        if (proc) ha.thaw();
      } catch {
        // Already gone.
      }
      await ha.stop();
      rmSync(configDir, { recursive: true, force: true });
    },
  };
  return ha;
}
