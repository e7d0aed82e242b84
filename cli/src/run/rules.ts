import type { LoadedConfig } from '@stream-smarts/contracts';
import { alertRules, type EpisodeRules } from '@stream-smarts/notifier';

/**
 * When `run` and `evaluate` alert: exactly the rules the Kafka-mode notifier uses, from the one
 * place they are defined (notifier/src/alert-core/rules.ts, numbers in the settings table).
 *
 * Why these defaults. High: 10 anomalous readings within 15 minutes — ksql/040's
 * SUSTAINED_ANOMALIES rule; a normal day brushes the envelope's upper edge for a minute or two now
 * and then (a kettle late in the hour), and alerting on the first anomaly gave ~6 false alerts a
 * week on `evaluate --days 60`. Low: 45 within 60 minutes; the lower edge is the quietest the
 * household has been in that cell, so a day whose standby load is a few watts under every earlier
 * one reads low for hours, on and off with the fridge's cycle. A low episode (away, fridge dead)
 * then reminds at most once a day. Figures: the issue-8 report (seeds 1, 3, 7, 11, 60 days each).
 */
export function runRules(loaded: LoadedConfig): EpisodeRules {
  return alertRules(loaded);
}
