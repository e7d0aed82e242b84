import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Alert, Message } from './alert-core/types.js';

export interface DeadLetter {
  at: string;
  sink: string;
  attempts: number;
  error: string;
  alert: Alert;
  message: Message;
}

/** Alerts a sink gave up on, one JSON object a line, so nobody loses one silently; replay by hand. */
export class DeadLetterFile {
  constructor(readonly path: string) {
    mkdirSync(dirname(path), { recursive: true });
  }

  write(entry: DeadLetter): void {
    appendFileSync(this.path, `${JSON.stringify(entry)}\n`);
  }
}
