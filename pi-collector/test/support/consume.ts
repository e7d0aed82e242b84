import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import avro from 'avsc';
import { Kafka, logLevel } from 'kafkajs';
import { RAW_POWER_AVSC_PATH, type Reading } from '@stream-smarts/contracts';

export interface Consumed {
  reading: Reading;
  key: string;
  timestamp: number;
  schemaId: number;
  magic: number;
}

/** The schema from the one .avsc file, decoding independently of the registry client. */
const rawPowerType = avro.Type.forSchema(JSON.parse(readFileSync(RAW_POWER_AVSC_PATH, 'utf8')) as avro.Schema);

/** Decodes the Confluent wire format by hand: magic byte 0, big-endian schema id, Avro body. */
function decodeWire(buf: Buffer): { magic: number; schemaId: number; reading: Reading } {
  return { magic: buf.readUInt8(0), schemaId: buf.readInt32BE(1), reading: rawPowerType.fromBuffer(buf.subarray(5)) as Reading };
}

/**
 * Reads `topic` from the beginning until `until(records)` holds or nothing new arrives for
 * `quietMs` after the topic's end was reached; returns this meter's records.
 */
export async function consumeMeter(bootstrap: string, topic: string, meterId: string, until: (got: Consumed[]) => boolean, timeoutMs = 45_000): Promise<Consumed[]> {
  const kafka = new Kafka({ brokers: [bootstrap], logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: `test-${randomUUID()}`, sessionTimeout: 10_000, heartbeatInterval: 1000 });
  const got: Consumed[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`only ${got.length} records of meter ${meterId} arrived within ${timeoutMs / 1000} s`)), timeoutMs);
      void consumer.run({
        eachMessage: async ({ message }) => {
          const key = message.key?.toString() ?? '';
          if (key !== meterId || !message.value) return;
          const { magic, schemaId, reading } = decodeWire(message.value);
          got.push({ reading, key, timestamp: Number(message.timestamp), schemaId, magic });
          if (until(got)) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return got;
}
