import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '@stream-smarts/contracts';
import { GpioPulseSource, gpiomonArgs, parseGpiomonLine } from '../src/gpio-pulses.js';
import type { PulseSink } from '../src/source.js';

const dir = mkdtempSync(join(tmpdir(), 'pi-collector-gpio-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const log = createLogger({ level: 'silent' });

/**
 * A stand-in for gpiomon on PATH: answers --version like libgpiod v1 or v2 does, records its
 * arguments, and prints events in that version's real default output format. Event lines follow
 * libgpiod's tools/gpiomon.c (v1.6: "event:  RISING EDGE offset: 17 timestamp: [ 1.000000001]";
 * v2: "<sec>.<nsec>\t<edge>\t<line>").
 */
function fakeGpiomon(version: '1.6.3' | '2.1.3', events: string[], exit = 0, stderr = ''): string {
  const path = join(dir, `gpiomon-${version}-${Math.random().toString(36).slice(2)}`);
  const lines = events.map((e) => `printf '%b\\n' ${JSON.stringify(e)}`).join('\n');
  writeFileSync(
    path,
    `#!/bin/sh
if [ "$1" = "--version" ]; then echo "gpiomon (libgpiod) v${version}"; echo "Copyright (C) 2017-2023 Bartosz Golaszewski"; exit 0; fi
echo "$@" > ${JSON.stringify(path + '.args')}
${lines}
${stderr ? `echo ${JSON.stringify(stderr)} >&2` : ''}
exit ${exit}
`,
  );
  chmodSync(path, 0o755);
  return path;
}

function sinkOf() {
  const pulses: number[] = [];
  const sink: PulseSink = { pulse: (t) => void pulses.push(t), advance: () => undefined, commit: () => undefined, gap: () => undefined };
  return { pulses, sink };
}

const opts = { chip: 'gpiochip0', line: '17', edge: 'falling' as const, bias: 'pull-up' as const, debounceUs: 5000, log };

describe('GPIO pulses through gpiomon', () => {
  it('builds the v1 and v2 command lines (v2 with realtime event clock and kernel debounce)', () => {
    expect(gpiomonArgs(1, opts)).toEqual(['--falling-edge', '--bias=pull-up', 'gpiochip0', '17']);
    expect(gpiomonArgs(2, opts)).toEqual(['--chip', 'gpiochip0', '--edges', 'falling', '--event-clock', 'realtime', '--bias', 'pull-up', '--debounce-period', '5000us', '17']);
  });

  it('parses both output formats; v2 realtime stamps are used, v1 uses arrival time', () => {
    const now = Date.UTC(2026, 10, 23, 10, 0, 0);
    expect(parseGpiomonLine('event: FALLING EDGE offset: 17 timestamp: [     853.123456789]', 1, now)).toBe(now);
    expect(parseGpiomonLine(`${now / 1000 - 1}.250000000\tfalling\t"GPIO17"`, 2, now)).toBe(now - 750);
    expect(parseGpiomonLine(`${now / 1000}.5\tfalling\tgpiochip0 17`, 2, now)).toBe(now + 500);
    expect(parseGpiomonLine('12.000000001\tfalling\tgpiochip0 17', 2, now)).toBe(now); // monotonic clock: arrival
    expect(parseGpiomonLine('Monitoring line 17 on gpiochip0', 1, now)).toBeUndefined();
  });

  it('counts pulses from a v1 gpiomon (Raspberry Pi OS bookworm) and drops bounces inside the debounce window', async () => {
    const ev = 'event: FALLING EDGE offset: 17 timestamp: [     853.123456789]';
    const cmd = fakeGpiomon('1.6.3', [ev, ev, ev]);
    const { pulses, sink } = sinkOf();
    const src = new GpioPulseSource({ ...opts, debounceUs: 0, command: cmd });
    // The fake exits after its events; a real gpiomon runs until stopped, so its exit is an error.
    await expect(src.run(sink, null, new AbortController().signal)).rejects.toThrow(/gpiomon stopped \(exit 0\) watching chip gpiochip0 line 17/);
    expect(pulses).toHaveLength(3);
    const bouncy = new GpioPulseSource({ ...opts, debounceUs: 10_000_000, command: fakeGpiomon('1.6.3', [ev, ev, ev]) });
    const s2 = sinkOf();
    await expect(bouncy.run(s2.sink, null, new AbortController().signal)).rejects.toThrow(/gpiomon stopped/);
    expect(s2.pulses).toHaveLength(1);
    expect(bouncy.bounces).toBe(2);
  });

  it('counts pulses from a v2 gpiomon with their realtime timestamps', async () => {
    const t = Math.floor(Date.now() / 1000);
    const cmd = fakeGpiomon('2.1.3', [`${t}.100000000\tfalling\t"GPIO17"`, `${t}.900000000\tfalling\t"GPIO17"`]);
    const { pulses, sink } = sinkOf();
    await expect(new GpioPulseSource({ ...opts, command: cmd }).run(sink, null, new AbortController().signal)).rejects.toThrow(/gpiomon stopped/);
    expect(pulses).toEqual([t * 1000 + 100, t * 1000 + 900]);
  });

  it('a GPIO line that does not exist: stops with gpiomon\'s message, the chip and line, and how to find the right ones', async () => {
    const cmd = fakeGpiomon('2.1.3', [], 1, 'gpiomon: cannot find line 99');
    const err = await new GpioPulseSource({ ...opts, line: '99', command: cmd }).run(sinkOf().sink, null, new AbortController().signal).catch((e: unknown) => e as Error);
    expect((err as Error).message).toMatch(/gpiomon stopped \(exit 1\) watching chip gpiochip0 line 99: gpiomon: cannot find line 99;.*gpioinfo/);
  });

  it('gpiomon not installed: says which package to install', async () => {
    const err = await new GpioPulseSource({ ...opts, command: join(dir, 'no-such-gpiomon') }).run(sinkOf().sink, null, new AbortController().signal).catch((e: unknown) => e as Error);
    expect((err as Error).message).toMatch(/not found: install it with "sudo apt install gpiod"/);
  });
});

describe('the collector on a live GPIO line (fake gpiomon v2 printing a pulse every 50 ms)', () => {
  it('closes clock-aligned intervals as time passes; readings plus the checkpointed open interval hold every pulse', async () => {
    const { runCollector } = await import('../src/collector.js');
    const { readHotState } = await import('../src/state.js');
    const cmd = join(dir, 'gpiomon-live');
    writeFileSync(
      cmd,
      `#!/bin/sh
if [ "$1" = "--version" ]; then echo "gpiomon (libgpiod) v2.1.3"; exit 0; fi
trap 'exit 0' TERM
while :; do printf '%s\\tfalling\\t"GPIO17"\\n' "$(date +%s.%N)"; sleep 0.05; done
`,
    );
    chmodSync(cmd, 0o755);
    const source = new GpioPulseSource({ ...opts, debounceUs: 0, command: cmd });
    const readings: { ts: number; pulses: number }[] = [];
    const stateDir = join(dir, 'live-state');
    const ac = new AbortController();
    const run = runCollector(
      { meterId: 'live', intervalS: 1, impulsesPerKwh: 1000, timezone: 'UTC', stateDir, spoolMaxReadings: 1000, checkpointMs: 1000, source, log, onReading: (r) => readings.push(r) },
      ac.signal,
    );
    while (readings.length < 3) await new Promise((r) => setTimeout(r, 50));
    ac.abort();
    await run;
    const state = readHotState(stateDir)!;
    for (let i = 1; i < readings.length; i++) expect(readings[i]!.ts - readings[i - 1]!.ts).toBe(1000);
    expect(readings.every((r) => r.ts % 1000 === 0)).toBe(true);
    expect(readings.reduce((s, r) => s + r.pulses, 0) + state.openPulses).toBe(source.pulses);
    expect(source.pulses).toBeGreaterThan(0);
  });
});
