export * from './errors.js';
export * from './timestamp.js';
export * from './text.js';
export * from './rows.js';
export * from './report.js';
export * from './reader.js';
export * from './settings.js';
export * from './measure.js';
