import type { TestProject } from 'vitest/node';
import { SASL_USERS, startBroker, type BrokerInfo } from './broker.js';

declare module 'vitest' {
  export interface ProvidedContext {
    kafka: BrokerInfo & { saslUsers: typeof SASL_USERS };
  }
}

/** One real Kafka broker for the whole test run; stopped after the run, whatever happens. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const broker = await startBroker();
  process.stdout.write(
    `\n[kafka] Apache Kafka ${broker.version} (KRaft) on ${broker.bootstrap}, SASL_PLAINTEXT on ${broker.saslBootstrap}, SSL on ${broker.sslBootstrap}; ready in ${(broker.startupMs / 1000).toFixed(1)} s\n`,
  );
  project.provide('kafka', {
    version: broker.version,
    bootstrap: broker.bootstrap,
    saslBootstrap: broker.saslBootstrap,
    sslBootstrap: broker.sslBootstrap,
    caFile: broker.caFile,
    startupMs: broker.startupMs,
    saslUsers: SASL_USERS,
  });
  const stopOnSignal = () => void broker.stop().finally(() => process.exit(130));
  process.once('SIGINT', stopOnSignal);
  process.once('SIGTERM', stopOnSignal);
  return async () => {
    process.off('SIGINT', stopOnSignal);
    process.off('SIGTERM', stopOnSignal);
    await broker.stop();
    process.stdout.write(`[kafka] broker stopped\n`);
  };
}
