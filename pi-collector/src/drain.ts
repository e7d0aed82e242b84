import type { Logger } from '@stream-smarts/contracts';
import { RecordRejectedError, SchemaRejectedError, type RawPowerProducer } from './producer.js';
import type { Spool } from './spool.js';

/**
 * Moves readings from the spool to Kafka, oldest first, for as long as the collector runs.
 * Before the first send and after any failed one it asks Kafka what it already holds for this
 * meter (lastProducedTs) and marks those readings produced, so a reading whose send outcome was
 * unknown — or that was produced just before a crash, before the spool's mark was written — is
 * never sent twice. Outages only back off; the spool keeps everything meanwhile.
 * Resolves on stop(); rejects with SchemaRejectedError when Schema Registry refuses the schema, and
 * with RecordRejectedError when Kafka refuses the records (sending them again cannot succeed; they
 * stay in the spool). An outage is logged as "Kafka unreachable" or "Schema Registry unreachable",
 * a refusal as "Kafka refused the record: <reason>", so the two are never confused.
 */
export class Drain {
  private stopped = false;
  private needReconcile = true;
  private failingSince: number | undefined;
  private backoffMs = 500;
  private wakeBackoff: (() => void) | undefined;
  sent = 0;

  constructor(
    private readonly spool: Spool,
    private readonly producer: RawPowerProducer,
    private readonly log: Logger,
    private readonly batchSize = 500,
  ) {}

  async run(): Promise<void> {
    while (!this.stopped) {
      await this.spool.waitForReading();
      if (this.stopped) break;
      // Where a failure happened decides whether Kafka may hold readings we do not know about.
      let stage: 'reconcile' | 'schema' | 'send' = 'reconcile';
      try {
        if (this.needReconcile) {
          const last = await this.producer.lastProducedTs();
          if (last > this.spool.producedTs) {
            this.log.info({ lastInKafka: new Date(last).toISOString() }, 'Kafka already holds readings up to here; not sending them again');
            this.spool.markProduced(last);
          }
          this.needReconcile = false;
          if (this.spool.size === 0) continue;
        }
        stage = 'schema';
        await this.producer.registerSchema();
        stage = 'send';
        const batch = this.spool.peek(this.batchSize);
        await this.producer.send(batch);
        this.spool.markProduced(batch[batch.length - 1]!.ts);
        this.sent += batch.length;
        if (this.failingSince !== undefined) {
          this.log.info({ outageS: Math.round((Date.now() - this.failingSince) / 1000), spooled: this.spool.size }, 'Kafka reachable again; draining the spool');
          this.failingSince = undefined;
        }
        this.backoffMs = 500;
      } catch (e) {
        if (e instanceof SchemaRejectedError) throw e;
        if (e instanceof RecordRejectedError) {
          this.log.error({ spooled: this.spool.size, type: e.type }, e.message);
          throw e;
        }
        // A failed send may still have landed; a failed schema registration sent nothing.
        if (stage !== 'schema') this.needReconcile = true;
        const what = stage === 'schema' ? 'Schema Registry unreachable' : 'Kafka unreachable';
        if (this.failingSince === undefined) {
          this.failingSince = Date.now();
          this.log.warn({ err: (e as Error).message, spooled: this.spool.size }, `${what}; spooling readings to disk and retrying`);
        } else {
          this.log.debug({ err: (e as Error).message, spooled: this.spool.size }, `${what}, still`);
        }
        await this.sleep(this.backoffMs);
        this.backoffMs = Math.min(this.backoffMs * 2, 5000);
      }
    }
  }

  /** Stops after the send in progress; pending readings stay in the spool for next time. */
  stop(): void {
    this.stopped = true;
    this.spool.wake();
    this.wakeBackoff?.();
  }

  /** Resolves once the spool is empty (or the drain stops). For replay runs that should end. */
  async idle(): Promise<void> {
    while (!this.stopped && this.spool.size > 0) await new Promise((r) => setTimeout(r, 100));
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(resolve, ms);
      this.wakeBackoff = () => {
        clearTimeout(t);
        resolve();
      };
    });
  }
}
