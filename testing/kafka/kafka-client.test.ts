import { describe, expect, inject, it } from 'vitest';
import { createKafka, describeTopic, ensureTopic } from '@stream-smarts/contracts';

const broker = inject('kafka');

/** contracts' Kafka toolkit against the real broker: the one ensureTopic every package uses. */
describe('ensureTopic and describeTopic (contracts/src/kafka-client.ts)', () => {
  it('creates a topic once: true for the creator, false for every later call and for racers, with the spec applied', async () => {
    const admin = createKafka({ clientId: 'kafka-client-test', brokers: [broker.bootstrap] }, { use: 'command' }).admin();
    await admin.connect();
    try {
      const topic = `ensure-${Date.now()}`;
      const spec = { partitions: 2, replicationFactor: 1, configs: { 'retention.ms': '3600000' } };
      expect(await ensureTopic(admin, topic, spec)).toEqual({ created: true });
      expect(await ensureTopic(admin, topic, spec)).toEqual({ created: false });
      expect(await describeTopic(admin, topic)).toEqual({ partitions: 2, retentionMs: 3_600_000 });

      // Five processes at once: exactly one made it, none failed.
      const raced = `race-${Date.now()}`;
      const admins = Array.from({ length: 5 }, () => createKafka({ clientId: 'racer', brokers: [broker.bootstrap] }, { use: 'command' }).admin());
      await Promise.all(admins.map((a) => a.connect()));
      try {
        const results = await Promise.all(admins.map((a) => ensureTopic(a, raced, { partitions: 1, configs: { 'cleanup.policy': 'compact' } })));
        expect(results.filter((r) => r.created)).toHaveLength(1);
      } finally {
        await Promise.all(admins.map((a) => a.disconnect()));
      }
    } finally {
      await admin.disconnect();
    }
  });
});
