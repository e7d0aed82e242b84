import type { Logger } from './log.js';

/**
 * A kafkajs `logCreator` that sends the client's own log lines through our pino logger,
 * so they share its level, format and secret scrubbing. kafkajs levels: 0 nothing, 1 error,
 * 2 warn, 4 info, 5 debug. Typed structurally: it is only a function of kafkajs's log entry.
 */
export function kafkajsLogCreator(logger: Logger) {
  return (_level: number) =>
    ({ namespace, level, log }: { namespace: string; level: number; log: { message: string } & Record<string, unknown> }) => {
      const { message, timestamp: _t, logger: _l, ...rest } = log;
      const child = { kafkajs: namespace, ...rest };
      if (level === 1) logger.error(child, message);
      else if (level === 2) logger.warn(child, message);
      else if (level === 4) logger.debug(child, message);
      else logger.trace(child, message);
    };
}
