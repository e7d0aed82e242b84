import { SETTINGS, type LoadedConfig, type SettingKey, type SettingValue } from '@stream-smarts/contracts';
import type { EpisodeRules } from './types.js';

/**
 * The one rule set. `stream-smarts run`, `evaluate` and the Kafka-mode notifier all take their
 * episode rules from here, and the numbers themselves from the settings table
 * (contracts/src/config/settings.ts: notifier.fireAfter, fireWindow, lowFireAfter, lowFireWindow,
 * repeatInterval, lowRepeatInterval, resolveAfter, notifyResolved). To change a default for
 * everyone, change it there; to change it for one household, set the environment variable.
 */
const RULE_SETTINGS = {
  fireAfter: 'notifier.fireAfter',
  fireWindowMs: 'notifier.fireWindow',
  lowFireAfter: 'notifier.lowFireAfter',
  lowFireWindowMs: 'notifier.lowFireWindow',
  repeatIntervalMs: 'notifier.repeatInterval',
  lowRepeatIntervalMs: 'notifier.lowRepeatInterval',
  resolveAfterMs: 'notifier.resolveAfter',
  lowResolveAfterMs: 'notifier.lowResolveAfter',
  notifyResolved: 'notifier.notifyResolved',
} as const satisfies Record<keyof EpisodeRules, SettingKey>;

function fromDefault<K extends SettingKey>(key: K): SettingValue<K> {
  return SETTINGS[key].schema.parse(SETTINGS[key].default) as SettingValue<K>;
}

function build(get: <K extends SettingKey>(key: K) => SettingValue<K>): EpisodeRules {
  return {
    fireAfter: get(RULE_SETTINGS.fireAfter),
    fireWindowMs: get(RULE_SETTINGS.fireWindowMs),
    lowFireAfter: get(RULE_SETTINGS.lowFireAfter),
    lowFireWindowMs: get(RULE_SETTINGS.lowFireWindowMs),
    repeatIntervalMs: get(RULE_SETTINGS.repeatIntervalMs),
    lowRepeatIntervalMs: get(RULE_SETTINGS.lowRepeatIntervalMs),
    resolveAfterMs: get(RULE_SETTINGS.resolveAfterMs),
    lowResolveAfterMs: get(RULE_SETTINGS.lowResolveAfterMs),
    notifyResolved: get(RULE_SETTINGS.notifyResolved),
  };
}

/** The rules with every setting at its default. */
export const DEFAULT_RULES: EpisodeRules = build(fromDefault);

/** The rules in force for a loaded configuration (defaults where a setting is unset). */
export function alertRules(loaded: LoadedConfig): EpisodeRules {
  return build(<K extends SettingKey>(key: K) => {
    const r = loaded.settings.find((s) => s.key === key);
    return r === undefined ? fromDefault(key) : (SETTINGS[key].schema.parse(r.raw) as SettingValue<K>);
  });
}
