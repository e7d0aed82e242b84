import { join } from 'node:path';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { wallClockToInstant, anomalyRow, loadConfig, type AnomalyEvent } from '@stream-smarts/contracts';
import { startNotifier, type Alert } from '@stream-smarts/notifier';
import { createHousehold, planScenarios, simulateReadings } from '@stream-smarts/pi-collector';
import { CollectingSink, createAlertStage } from '../src/run/alert-stage.js';
import { openModel } from '../src/run/model.js';
import { ReadingPipeline } from '../src/run/pipeline.js';
import { anomalyEventOf, scoreReading } from '../src/run/score.js';
import { capturingLogger, tempDir, TopicFixture } from '../../notifier/test/helpers.js';

const broker = inject('kafka');
const DAY = 86_400_000;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!().catch(() => undefined);
});

const summary = (alerts: Alert[]) => alerts.map((a) => `${a.type} ${a.key} at ${new Date(a.at).toISOString()}`).sort();

describe('run and the Kafka-mode notifier give the same alerts on the same readings', () => {
  it(`twelve simulated days with a heater left on, an oven left on and a holiday: run's in-process pipeline = the notifier consuming ANOMOLY_POWER from Apache Kafka ${broker.version}`, async () => {
    const { model } = openModel(undefined);
    const timezone = model.file.timezone;
    const DAYS = 12;
    const start = wallClockToInstant(timezone, 2026, 1, 5);
    const truth = planScenarios({ start, days: DAYS, timezone, seed: 2 });
    const readings = simulateReadings({ household: createHousehold({ timezone, seed: 2, anomalies: truth }), start, end: start + DAYS * DAY, timezone, meterId: 'home' });
    const env = { STREAM_SMARTS_TIMEZONE: timezone };
    const { log } = capturingLogger([], 'info');

    // 1. run: every reading through run's pipeline (scored, normal ones moving the episodes' clock).
    const runSink = new CollectingSink();
    const stage = createAlertStage({ loaded: loadConfig({ env, envFile: '/nonexistent/.env' }), log: log.child({}, { level: 'warn' }), sinks: [runSink], timezone });
    const anomalies: AnomalyEvent[] = [];
    const pipeline = new ReadingPipeline(model, {
      observe: (e) => (anomalies.push(e), stage.pipeline.observe(e)),
      advance: (ts, r) => stage.pipeline.advance(ts, r),
    });
    for (const r of readings) await pipeline.process(r);
    // The end of the stream: time passes, whatever is still open ends.
    await stage.pipeline.advance(readings.at(-1)!.ts + DAY);
    await stage.close();
    expect(anomalies.length).toBeGreaterThan(100);
    expect(anomalies.length).toBe(readings.filter((r) => scoreReading(model, r).kind !== null).length);

    // 2. The notifier: the same anomalies as ksqlDB would write them, on a real topic.
    const topic = `anomoly-power-equivalence-${Date.now()}`;
    const fx = await new TopicFixture(broker.bootstrap, topic).create(1);
    cleanups.push(() => fx.close());
    for (let i = 0; i < anomalies.length; i += 500) await fx.send(anomalies.slice(i, i + 500));
    let wall = Date.now();
    const notifierAlerts: Alert[] = [];
    const app = await startNotifier(
      loadConfig({
        env: {
          ...env,
          KAFKA_BOOTSTRAP_SERVERS: broker.bootstrap,
          STREAM_SMARTS_NOTIFIER_TOPIC: topic,
          STREAM_SMARTS_NOTIFIER_GROUP_ID: `${topic}-g`,
          STREAM_SMARTS_NOTIFIER_FROM_BEGINNING: 'true',
          STREAM_SMARTS_NOTIFIER_STATE_DIR: join(tempDir('equivalence'), 'state'),
          STREAM_SMARTS_SILENCE_TOPIC: `${topic}-silences`,
          STREAM_SMARTS_NOTIFIER_CONSOLE: 'true',
        },
        envFile: '/nonexistent/.env',
      }),
      log.child({}, { level: 'warn' }),
      { now: () => wall, tickMs: 3_600_000, consoleOut: { write: () => true }, onDelivered: (d) => notifierAlerts.push(d.alert) },
    );
    cleanups.push(() => app.stop());
    let offsets = await fx.offsets(`${topic}-g`);
    for (let i = 0; i < 600 && offsets.committed[0] !== offsets.high[0]; i++) {
      await new Promise((r) => setTimeout(r, 100));
      offsets = await fx.offsets(`${topic}-g`);
    }
    expect(offsets.committed[0]).toBe(offsets.high[0]);
    // The topic has nothing after the last anomaly: the partition is caught up, so wall time moves its clock.
    wall += DAY;
    await app.pipeline.tick();
    await app.stop();

    // Enough for the comparison to mean something: the heater's high episode and the holiday's low one.
    expect(runSink.alerts.some((a) => a.type === 'fire' && a.kind === 'high')).toBe(true);
    expect(runSink.alerts.some((a) => a.type === 'fire' && a.kind === 'low')).toBe(true);
    expect(summary(notifierAlerts)).toEqual(summary(runSink.alerts));
    const kinds = (t: string) => runSink.alerts.filter((a) => a.type === t).length;
    process.stdout.write(`[equivalence] ${readings.length} readings, ${anomalies.length} anomalies: ${runSink.alerts.length} alerts (fire ${kinds('fire')}, repeat ${kinds('repeat')}, resolve ${kinds('resolve')}) from run and from the notifier alike\n`);
  }, 120_000);
});
