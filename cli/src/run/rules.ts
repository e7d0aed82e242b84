import type { LoadedConfig } from '@stream-smarts/contracts';
import { alertRules, type EpisodeRules } from '@stream-smarts/notifier';

/**
 * When `run` and `evaluate` alert: exactly the rules the Kafka-mode notifier uses, from the one
 * place they are defined (notifier/src/alert-core/rules.ts, numbers in the settings table).
 *
 * The defaults (settings table): high fires on the 3rd anomalous reading within 15 minutes and
 * resolves after 15 quiet minutes; low on the 5th within 60 minutes, resolving after 36 h. The
 * model's margins are calibrated to the household's alert budget by counting fires exactly as
 * these rules count them (cli/src/train/bands3/calibrate.ts), so a change to these numbers is a
 * reason to retrain.
 */
export function runRules(loaded: LoadedConfig): EpisodeRules {
  return alertRules(loaded);
}
