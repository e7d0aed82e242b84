import { loadConfig, createLogger, type LoadedConfig, type Logger, type SettingKey } from '@stream-smarts/contracts';

/** Settings of the Kafka stack: commands that run without Kafka (run, evaluate, plot) do not check them. */
export const KAFKA_STACK_SETTINGS = (key: SettingKey): boolean => /^(kafka|schemaRegistry|ksqldb|h2o)\./.test(key);

/** Options every command accepts (commander's optsWithGlobals()). */
export interface GlobalOptions {
  json?: boolean;
  verbose?: boolean;
  logLevel?: string;
  envFile?: string;
  bootstrapServers?: string;
  schemaRegistryUrl?: string;
  ksqldbUrl?: string;
  h2oUrl?: string;
  timezone?: string;
}

export interface Context {
  json: boolean;
  loaded: LoadedConfig;
  config: LoadedConfig['config'];
  log: Logger;
  /** Command output (tables, JSON); logs go to stderr. */
  out: (text: string) => void;
}

/**
 * Loads the configuration from the global flags (plus a command's own setting flags, by flag
 * name) and makes the logger. A bad setting throws ConfigError, which main.ts reports.
 */
export function createContext(opts: GlobalOptions, env: NodeJS.ProcessEnv = process.env, commandFlags: Record<string, string | undefined> = {}, use: { unused?: (key: SettingKey) => boolean } = {}): Context {
  const loaded = loadConfig({
    env,
    ...(use.unused ? { unused: use.unused } : {}),
    ...(opts.envFile ? { envFile: opts.envFile, envFileRequired: true } : {}),
    flags: {
      'log-level': opts.logLevel ?? (opts.verbose ? 'debug' : undefined),
      'bootstrap-servers': opts.bootstrapServers,
      'schema-registry-url': opts.schemaRegistryUrl,
      'ksqldb-url': opts.ksqldbUrl,
      'h2o-url': opts.h2oUrl,
      timezone: opts.timezone,
      ...commandFlags,
    },
  });
  // A person at a terminal reads a line an event; --json (or stderr not a terminal) gets JSON lines.
  const log = createLogger({
    level: loaded.config.logLevel,
    secrets: loaded.secrets,
    name: 'stream-smarts',
    ...(opts.json ? { pretty: false } : {}),
    ...(opts.verbose ? { verbose: true } : {}),
  });
  for (const w of loaded.warnings) log.warn(w);
  return {
    json: Boolean(opts.json),
    loaded,
    config: loaded.config,
    log,
    out: (text) => void process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
  };
}
