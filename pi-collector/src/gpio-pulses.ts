import { spawn, execFile } from 'node:child_process';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import type { Logger } from '@stream-smarts/contracts';
import type { PulseSink, PulseSource } from './source.js';

/**
 * Meter pulses from a GPIO line through the Linux GPIO character device, by running `gpiomon`
 * (Debian/Raspberry Pi OS package `gpiod`) and reading its output — never the deprecated sysfs
 * interface. Both command lines are supported, detected from `gpiomon --version`:
 *
 *   libgpiod 1.x (Raspberry Pi OS bookworm ships 1.6):  gpiomon [-r|-f] [-B bias] CHIP LINE
 *     prints  "event:  RISING EDGE offset: 17 timestamp: [     123.456789012]"
 *   libgpiod 2.x (trixie and later):  gpiomon -c CHIP -e rising|falling|both [-b bias] [-p 10ms] -E realtime LINE
 *     prints  "1700000000.123456789\trising\t"GPIO17""  (or  "... gpiochip0 17" for unnamed lines)
 *
 * Pulse instants: v2 is asked for realtime event timestamps and they are used; v1's timestamps
 * are on the monotonic clock on current kernels, so the arrival time of the line is used instead
 * (gpiomon flushes each event; the lag is well under the interval). Debounce: v2 in the kernel
 * (--debounce-period), plus the same window in software for v1 (the v1 uAPI has none).
 */
export interface GpioOptions {
  /** gpiochip name, number or path: gpiochip0, 0, /dev/gpiochip0. */
  chip: string;
  /** Line offset or name (e.g. 17 or GPIO17). */
  line: string;
  edge: 'rising' | 'falling';
  bias: 'as-is' | 'pull-up' | 'pull-down' | 'disable';
  debounceUs: number;
  /** Command to run; default gpiomon on PATH. */
  command?: string;
  log: Logger;
}

export type GpiomonVersion = 1 | 2;

const run = promisify(execFile);

export async function detectGpiomon(command = 'gpiomon'): Promise<{ major: GpiomonVersion; text: string }> {
  let out: string;
  try {
    const r = await run(command, ['--version'], { timeout: 5000 });
    out = `${r.stdout}${r.stderr}`;
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { stdout?: string; stderr?: string };
    if (err.code === 'ENOENT') throw new Error(`${command} not found: install it with "sudo apt install gpiod" (the Linux GPIO character-device tools)`);
    out = `${err.stdout ?? ''}${err.stderr ?? ''}`;
  }
  const m = /libgpiod\)?\s*v?(\d+)\.(\d+)/i.exec(out) ?? /\bv(\d+)\.(\d+)/.exec(out);
  if (!m) throw new Error(`cannot tell the libgpiod version from "${command} --version": ${out.trim().slice(0, 200)}`);
  return { major: Number(m[1]) >= 2 ? 2 : 1, text: out.trim().split('\n')[0]! };
}

export function gpiomonArgs(major: GpiomonVersion, o: Pick<GpioOptions, 'chip' | 'line' | 'edge' | 'bias' | 'debounceUs'>): string[] {
  if (major === 1) {
    const args = [o.edge === 'rising' ? '--rising-edge' : '--falling-edge'];
    if (o.bias !== 'as-is') args.push(`--bias=${o.bias}`);
    return [...args, o.chip, o.line];
  }
  const args = ['--chip', o.chip, '--edges', o.edge, '--event-clock', 'realtime'];
  if (o.bias !== 'as-is') args.push('--bias', o.bias);
  if (o.debounceUs > 0) args.push('--debounce-period', `${o.debounceUs}us`);
  return [...args, o.line];
}

const V1 = /^event:\s+(RISING|FALLING) EDGE offset:\s*(\d+)\s+timestamp:\s*\[\s*(\d+)\.(\d+)\]/;
const V2 = /^(\d+)\.(\d+)\s+(rising|falling)\b/;

/** The pulse instant of one gpiomon output line, or undefined for a line that is not an event. */
export function parseGpiomonLine(line: string, major: GpiomonVersion, arrivedAt: number): number | undefined {
  if (major === 1) return V1.test(line) ? arrivedAt : undefined;
  const m = V2.exec(line);
  if (!m) return undefined;
  const t = Number(m[1]) * 1000 + Math.floor(Number(`0.${m[2]}`) * 1000);
  // A clock far from ours means gpiomon ignored --event-clock; trust arrival instead.
  return Math.abs(t - arrivedAt) < 60_000 ? t : arrivedAt;
}

export class GpioPulseSource implements PulseSource {
  readonly kind = 'gpio' as const;
  readonly live = true;
  pulses = 0;
  bounces = 0;

  constructor(private readonly opts: GpioOptions) {
    if (!/^\S+$/.test(opts.chip)) throw new Error(`GPIO chip "${opts.chip}" is not a chip name, number or path (see gpiodetect)`);
    if (!/^\S+$/.test(opts.line)) throw new Error(`GPIO line "${opts.line}" is not a line offset or name (see gpioinfo)`);
  }

  async run(sink: PulseSink, _from: string | null, signal: AbortSignal): Promise<void> {
    const command = this.opts.command ?? 'gpiomon';
    const { major, text } = await detectGpiomon(command);
    const args = gpiomonArgs(major, this.opts);
    this.opts.log.info({ gpiomon: text, args }, `watching GPIO ${this.opts.chip} line ${this.opts.line} for ${this.opts.edge} edges`);
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const onAbort = () => child.kill('SIGTERM');
    signal.addEventListener('abort', onAbort, { once: true });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-2000);
    });
    const debounceMs = this.opts.debounceUs / 1000;
    let last = -Infinity;
    const rl = createInterface({ input: child.stdout });
    rl.on('line', (line) => {
      const t = parseGpiomonLine(line, major, Date.now());
      if (t === undefined) return;
      if (t - last < debounceMs) {
        this.bounces++;
        return;
      }
      last = t;
      this.pulses++;
      sink.pulse(t, 1);
    });
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once('error', (e) => reject(new Error(`cannot run ${command}: ${e.message}`)));
      child.once('close', (c) => resolve(c));
    });
    signal.removeEventListener('abort', onAbort);
    if (signal.aborted) return;
    throw new Error(
      `gpiomon stopped (exit ${code}) watching chip ${this.opts.chip} line ${this.opts.line}: ${stderr.trim() || '(no message)'}; ` +
        'list chips and lines with "gpiodetect" and "gpioinfo", and check the user is in the gpio group',
    );
  }
}
