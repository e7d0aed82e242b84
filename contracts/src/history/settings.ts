import type { LoadedConfig } from '../config/load.js';
import { SETTINGS } from '../config/settings.js';

/** The history settings in force (STREAM_SMARTS_MAX_POWER_KW, STREAM_SMARTS_MAX_BAD_SHARE), for HistoryReader. */
export function historySettings(loaded: LoadedConfig): { maxPowerKw: number; maxBadShare: number } {
  const raw = (key: 'history.maxPowerKw' | 'history.maxBadShare') => loaded.settings.find((s) => s.key === key)?.raw ?? SETTINGS[key].default;
  return {
    maxPowerKw: SETTINGS['history.maxPowerKw'].schema.parse(raw('history.maxPowerKw')),
    maxBadShare: SETTINGS['history.maxBadShare'].schema.parse(raw('history.maxBadShare')),
  };
}
