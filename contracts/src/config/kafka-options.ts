import { readFileSync } from 'node:fs';
import type { KafkaConfig } from './load.js';

/**
 * The kafkajs client options for a configured cluster (plain, TLS, SASL PLAIN/SCRAM).
 * The client itself is made by createKafka (kafka-client.ts).
 */
export interface KafkaClientOptions {
  clientId: string;
  brokers: string[];
  ssl?: boolean | { ca?: string[]; rejectUnauthorized: boolean };
  sasl?: SaslOptions;
}

export type SaslOptions =
  | { mechanism: 'plain'; username: string; password: string }
  | { mechanism: 'scram-sha-256'; username: string; password: string }
  | { mechanism: 'scram-sha-512'; username: string; password: string };

export function kafkaClientOptions(cfg: KafkaConfig): KafkaClientOptions {
  const opts: KafkaClientOptions = { clientId: cfg.clientId, brokers: [...cfg.brokers] };
  if (cfg.ssl) {
    opts.ssl = {
      rejectUnauthorized: cfg.ssl.rejectUnauthorized,
      ...(cfg.ssl.caFile ? { ca: [readFileSync(cfg.ssl.caFile, 'utf8')] } : {}),
    };
  }
  if (cfg.sasl) opts.sasl = { ...cfg.sasl } as SaslOptions;
  return opts;
}
