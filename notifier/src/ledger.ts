import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { writeFileDurableSync } from '@stream-smarts/contracts';

/**
 * Which sink has accepted which alert, by idempotency key, appended the moment a sink accepts.
 * After a crash the in-flight message is processed again and its alerts rebuilt with the same keys;
 * a sink that already took one is skipped, so a crash repeats at most the sends that were in flight.
 * Appends are synchronous: once `add` returns, the line is in the OS's hands and survives SIGKILL.
 */
export class DeliveryLedger {
  private readonly done = new Set<string>();
  private lines = 0;

  constructor(
    private readonly path: string,
    private readonly keep = 10_000,
  ) {
    mkdirSync(dirname(path), { recursive: true });
    if (!existsSync(path)) return;
    const entries: string[] = [];
    for (const line of readFileSync(path, 'utf8').split('\n')) {
      if (!line) continue;
      try {
        const { sink, key } = JSON.parse(line) as { sink: string; key: string };
        entries.push(id(sink, key));
      } catch {
        // A line cut short by a crash: that send was not recorded, so it may repeat once.
      }
    }
    const kept = entries.slice(-keep);
    for (const e of kept) this.done.add(e);
    this.lines = entries.length;
    if (entries.length > keep) this.compact();
  }

  has(sink: string, key: string): boolean {
    return this.done.has(id(sink, key));
  }

  add(sink: string, key: string): void {
    appendFileSync(this.path, `${JSON.stringify({ sink, key, at: new Date().toISOString() })}\n`);
    this.done.add(id(sink, key));
    if (++this.lines > this.keep * 2) this.compact();
  }

  private compact(): void {
    const kept = [...this.done].slice(-this.keep);
    this.done.clear();
    for (const e of kept) this.done.add(e);
    // Durable: a power cut in the middle must leave the old ledger or the new, never an empty one
    // (an empty ledger would resend every alert still in flight).
    writeFileDurableSync(this.path, kept.map((e) => JSON.stringify(JSON.parse(e))).join('\n') + (kept.length ? '\n' : ''));
    this.lines = kept.length;
  }
}

const id = (sink: string, key: string) => JSON.stringify({ sink, key });
