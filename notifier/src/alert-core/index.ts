/** The alert core: pure and clock-injected, shared by the notifier and `stream-smarts run`. */
export * from './types.js';
export * from './episodes.js';
export * from './templates.js';
export * from './rules.js';
