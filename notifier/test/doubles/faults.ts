/**
 * Failure injection shared by the doubles: a queue of statuses to answer next, and a random
 * failure rate (seeded, so a failing run can be repeated).
 */
export class Faults {
  private queue: number[] = [];
  private seed: number;
  failRate = 0;
  failStatus = 500;
  /** Added before every answer, so a crash can land while a request is in flight. */
  latencyMs = 0;

  constructor(seed = 42) {
    this.seed = seed;
  }

  failNext(...statuses: number[]): void {
    this.queue.push(...statuses);
  }

  /** The status to fail this request with, or undefined to serve it. */
  next(): number | undefined {
    const queued = this.queue.shift();
    if (queued !== undefined) return queued;
    if (this.failRate > 0 && this.random() < this.failRate) return this.failStatus;
    return undefined;
  }

  private random(): number {
    // mulberry32
    let t = (this.seed += 0x6d2b79f5);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
}

export async function readBody(req: import('node:http').IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
