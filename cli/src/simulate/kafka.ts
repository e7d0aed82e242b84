import { kafkaClientOptions, RAW_POWER_TOPIC, type LoadedConfig, type Logger, type Reading } from '@stream-smarts/contracts';
import { RawPowerProducer } from '@stream-smarts/pi-collector';
import { CommandError } from '../command-error.js';

const BATCH = 2000;

/**
 * Produces the readings to raw_power with the collector's producer (Avro via Schema Registry,
 * idempotent, acks=all, key = meter id, record timestamp = reading ts), in batches.
 */
export async function produceHistory(loaded: LoadedConfig, meterId: string, readings: readonly Reading[], log: Logger): Promise<{ topic: string; produced: number; schemaId: number }> {
  const { config } = loaded;
  const producer = new RawPowerProducer({ kafka: kafkaClientOptions(config.kafka), schemaRegistry: config.schemaRegistry, topic: RAW_POWER_TOPIC, meterId, log });
  let schemaId: number;
  try {
    schemaId = await producer.registerSchema();
  } catch (e) {
    throw new CommandError(`Schema Registry ${config.schemaRegistry.url}: ${(e as Error).message}`, 1);
  }
  let produced = 0;
  try {
    for (let i = 0; i < readings.length; i += BATCH) {
      await producer.send(readings.slice(i, i + BATCH));
      produced = Math.min(readings.length, i + BATCH);
      log.debug({ produced, of: readings.length }, 'produced');
    }
  } catch (e) {
    throw new CommandError(`Kafka ${config.kafka.brokers.join(',')}: producing to ${RAW_POWER_TOPIC} failed after ${produced} of ${readings.length} readings: ${(e as Error).message}`, 1);
  } finally {
    await producer.disconnect();
  }
  return { topic: RAW_POWER_TOPIC, produced, schemaId };
}
