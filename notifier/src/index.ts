/** @stream-smarts/notifier: the alert core (shared with `stream-smarts run`), the sinks and the Kafka notifier. */
export * from './alert-core/index.js';
export * from './sinks/types.js';
export * from './sinks/console.js';
export * from './sinks/pushbullet.js';
export * from './sinks/home-assistant.js';
export * from './sinks/quiet-hours.js';
export * from './sinks/build.js';
export * from './delivery.js';
export * from './dead-letter.js';
export * from './ledger.js';
export * from './state-store.js';
export * from './pipeline.js';
export * from './config.js';
export * from './consumer.js';
export * from './service.js';
