// One notifier process for delivery.ha-test.ts: the built Pipeline (notifier/dist) with the Home
// Assistant sinks and a state dir, fed one anomaly message as the Kafka consumer would hand it over
// (offset 0, uncommitted until the batch is saved). Prints each delivery's reports as a JSON line,
// then "batch-saved". Environment: HA_URL, HA_TOKEN, STATE_DIR, EVENT_TS, BODY.
import { createLogger } from '@stream-smarts/contracts';
import { DEFAULT_TEMPLATES, HomeAssistantClient, HomeAssistantNotifySink, HomeAssistantVoiceSink, Pipeline } from '@stream-smarts/notifier';

const env = (k) => {
  const v = process.env[k];
  if (!v) throw new Error(`notifier-child: ${k} is not set`);
  return v;
};
const rules = { fireAfter: 1, fireWindowMs: 60_000, lowFireAfter: 1, lowFireWindowMs: 60_000, repeatIntervalMs: 3_600_000, lowRepeatIntervalMs: 86_400_000, resolveAfterMs: 900_000, lowResolveAfterMs: 900_000, notifyResolved: true };
const client = new HomeAssistantClient({ url: env('HA_URL'), token: env('HA_TOKEN'), timeoutMs: 2_000 });
const sinks = [
  new HomeAssistantVoiceSink(client, { mediaPlayer: 'media_player.test_speaker', ttsService: 'demo_say', timeZone: 'UTC' }),
  new HomeAssistantNotifySink(client, 'alerts'),
];
const pipeline = new Pipeline({
  rules,
  templates: { ...DEFAULT_TEMPLATES, high: env('BODY') },
  timezone: 'UTC',
  retry: { attempts: 6, baseDelayMs: 250, maxDelayMs: 2_000, startupWaitMs: 30 * 60_000 },
  sinks,
  stateDir: env('STATE_DIR'),
  log: createLogger({ level: 'info', pretty: false, destination: process.stderr }),
  onDelivered: (d) => process.stdout.write(`${JSON.stringify(d.reports)}\n`),
});
const eventTs = Number(env('EVENT_TS'));
const value = Buffer.from(JSON.stringify({ EVENT_TS: eventTs, HOUR: new Date(eventTs).getUTCHours(), KWH: 1500, FN: 2.5, KIND: 'high', METER_ID: 'house-crash' }));
await pipeline.handleBatch([{ topic: 'ANOMOLY_POWER', partition: 0, offset: '0', key: null, value }], { caughtUp: true });
process.stdout.write('batch-saved\n');
await pipeline.close();
