import { pino, type Logger, type LevelWithSilent, type DestinationStream } from 'pino';
import pretty from 'pino-pretty';
import { redactKnown, redactor, secretForms } from './redact.js';

export type { Logger };

export interface LoggerOptions {
  level?: LevelWithSilent;
  /** Secret values in force (from the config loader): scrubbed from every line, whatever field they hide in. */
  secrets?: readonly string[];
  /** Human-readable output; defaults to whether stderr is a terminal. */
  pretty?: boolean;
  /** Where lines go; defaults to stderr so stdout stays clean for command output and --json. */
  destination?: { write(line: string): unknown };
  name?: string;
}

/** Field names that hold secrets wherever they appear in a logged object. */
const REDACT_PATHS = [
  'password',
  'token',
  'accessToken',
  'authorization',
  '*.password',
  '*.token',
  '*.accessToken',
  '*.authorization',
  '*.Authorization',
  'headers.authorization',
  'headers.Authorization',
  'headers["access-token"]',
  'headers["Access-Token"]',
  '*.headers.authorization',
  '*.headers.Authorization',
  '*.headers["access-token"]',
  '*.headers["Access-Token"]',
  'sasl.password',
  '*.sasl.password',
];

/** A line scrubbed of the given secrets (in every form, see secretForms), of pieces of them, and of every secret this process knows. */
export function scrubber(secrets: readonly string[]): (line: string) => string {
  const own = redactor(secretForms(secrets));
  return (line) => redactKnown(own(line));
}

/** Called before every log line is written: a progress bar on stderr clears its line (cli/src/progress.ts). */
let logLineHook: (() => void) | undefined;

/** Sets the hook run before each log line; returns a function that removes it. */
export function beforeLogLines(hook: () => void): () => void {
  logLineHook = hook;
  return () => {
    if (logLineHook === hook) logLineHook = undefined;
  };
}

export function createLogger(opts: LoggerOptions = {}): Logger {
  const scrub = scrubber(opts.secrets ?? []);
  const usePretty = opts.pretty ?? (opts.destination === undefined && Boolean(process.stderr.isTTY));
  const sink: { write(line: string): unknown } = usePretty
    ? pretty({ destination: 2, sync: true, colorize: true, translateTime: 'HH:MM:ss', ignore: 'pid,hostname' })
    : (opts.destination ?? { write: (line: string) => process.stderr.write(line) });
  const destination: DestinationStream = {
    write: (line: string) => {
      logLineHook?.();
      void sink.write(scrub(line));
    },
  };
  return pino(
    {
      level: opts.level ?? 'info',
      ...(opts.name ? { name: opts.name } : {}),
      base: undefined,
      redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
    },
    destination,
  );
}
