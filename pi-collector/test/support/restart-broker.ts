import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { resolveKafka } from '../../../testing/kafka/broker.js';
import { startSupervised } from '../../../testing/support/process.js';

/**
 * Starts again a broker that startBroker({ workDir }) created and that was stopped: same
 * server.properties, so the same ports, cluster id and log directory — a real outage and
 * recovery at the same address. (startBroker itself always formats storage with a new cluster
 * id, which an existing data directory refuses, so it cannot restart one.)
 */
export async function restartBroker(workDir: string, bootstrap: string): Promise<{ stop: () => Promise<void> }> {
  const libs = await resolveKafka();
  const jvm = ['-Xms256m', '-Xmx768m', '-XX:+UseG1GC', '-Djava.awt.headless=true', `-Dlog4j2.configurationFile=${join(workDir, 'log4j2.properties')}`];
  const proc = startSupervised('java', [...jvm, '-Dstream-smarts.test-broker=1', '-cp', `${libs}/*`, 'kafka.Kafka', join(workDir, 'server.properties')], join(workDir, 'broker-restarted.log'));
  const kafka = new Kafka({ brokers: [bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 0 }, connectionTimeout: 1000 });
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (proc.child.exitCode !== null) throw new Error(`the restarted broker exited:\n${proc.tail()}`);
    if (Date.now() > deadline) {
      await proc.stop();
      throw new Error(`the restarted broker did not answer within 30 s:\n${proc.tail()}`);
    }
    const admin = kafka.admin();
    try {
      await admin.connect();
      const c = await admin.describeCluster();
      await admin.disconnect();
      if (c.brokers.length > 0) break;
    } catch {
      await admin.disconnect().catch(() => undefined);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { stop: () => proc.stop() };
}
