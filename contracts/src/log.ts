import { pino, type Logger, type LevelWithSilent, type DestinationStream } from 'pino';
import { prettyFactory } from 'pino-pretty';
import { redactKnown, redactor, secretForms } from './redact.js';

export type { Logger };

export interface LoggerOptions {
  level?: LevelWithSilent;
  /** Secret values in force (from the config loader): scrubbed from every line, whatever field they hide in. */
  secrets?: readonly string[];
  /** Human-readable output; defaults to whether stderr is a terminal (and `destination` is not given). */
  pretty?: boolean;
  /**
   * Human output with every field, a block a line (pino-pretty's default). Otherwise a human line
   * is the message alone, plus the error's message on a warning or worse: one line an event, for
   * a person at a terminal. Defaults to a level of debug or trace. JSON lines always carry all.
   */
  verbose?: boolean;
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

/** The error's own message, for the one-line form: a warning without it would say nothing of why. */
function errorText(log: Record<string, unknown>): string | undefined {
  for (const key of ['err', 'error']) {
    const e = log[key];
    if (typeof e === 'string') return e;
    if (e && typeof e === 'object' && typeof (e as { message?: unknown }).message === 'string') return (e as { message: string }).message;
  }
  return undefined;
}

/** A JSON log line → the human line (pino-pretty), one line an event unless verbose. */
function humanFormat(verbose: boolean, colorize: boolean): (line: string) => string {
  const base = { colorize, translateTime: 'HH:MM:ss', ignore: 'pid,hostname,name' };
  if (verbose) return prettyFactory(base);
  const format = prettyFactory({
    ...base,
    hideObject: true,
    singleLine: true,
    messageFormat: (log, messageKey) => {
      const msg = String(log[messageKey] ?? '');
      const why = Number(log['level']) >= 40 ? errorText(log) : undefined;
      return why && !msg.includes(why) ? `${msg}: ${why}` : msg;
    },
  });
  // With the fields hidden, singleLine leaves the line without its end (pino-pretty ends a line with its object).
  return (line) => {
    const out = format(line);
    return out.endsWith('\n') ? out : `${out}\n`;
  };
}

export function createLogger(opts: LoggerOptions = {}): Logger {
  const scrub = scrubber(opts.secrets ?? []);
  const level = opts.level ?? 'info';
  const usePretty = opts.pretty ?? (opts.destination === undefined && Boolean(process.stderr.isTTY));
  const out = opts.destination ?? { write: (line: string) => process.stderr.write(line) };
  const human = usePretty ? humanFormat(opts.verbose ?? (level === 'debug' || level === 'trace'), opts.destination === undefined) : undefined;
  const destination: DestinationStream = {
    write: (line: string) => {
      logLineHook?.();
      // Scrubbed before formatting too: a secret split by the formatter's colours would slip past.
      const clean = scrub(line);
      void out.write(human ? scrub(human(clean)) : clean);
    },
  };
  return pino(
    {
      level,
      ...(opts.name ? { name: opts.name } : {}),
      base: undefined,
      redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
    },
    destination,
  );
}
