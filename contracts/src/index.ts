export * from './config/settings.js';
export * from './config/load.js';
export * from './config/kafka-options.js';
export * from './log.js';
export * from './kafka-log.js';
export * from './time/local-hour.js';
export * from './time/trailing-hour.js';
