#!/usr/bin/env node
/**
 * The notifier on its own (the docker-compose service): `node notifier/dist/main.js`.
 * Configuration from the environment and ./.env, as for `stream-smarts notify`.
 */
import { ConfigError, createLogger, loadConfig } from '@stream-smarts/contracts';
import { startNotifier } from './service.js';

async function main(): Promise<void> {
  let loaded;
  try {
    loaded = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      for (const p of e.problems) process.stderr.write(`notifier: invalid configuration: ${p}\n`);
      process.exit(2);
    }
    throw e;
  }
  const log = createLogger({ level: loaded.config.logLevel, secrets: loaded.secrets, name: 'notifier' });
  for (const w of loaded.warnings) log.warn(w);
  let app;
  try {
    app = await startNotifier(loaded, log);
  } catch (e) {
    if (e instanceof ConfigError) {
      for (const p of e.problems) process.stderr.write(`notifier: invalid configuration: ${p}\n`);
      process.exit(2);
    }
    log.fatal({ err: e }, 'notifier could not start');
    process.exit(1);
  }
  const stop = (signal: string) => {
    log.info({ signal }, `stopping on ${signal}`);
    void app.stop().then(
      () => process.exit(0),
      (e: unknown) => {
        log.error({ err: e }, 'unclean stop');
        process.exit(1);
      },
    );
  };
  app.done.catch(() => process.exit(1));
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

await main();
