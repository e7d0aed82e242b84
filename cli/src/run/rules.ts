import type { LoadedConfig } from '@stream-smarts/contracts';
import type { EpisodeRules } from '@stream-smarts/notifier';

/**
 * When `run` and `evaluate` alert, unless notifier.fireAfter / notifier.fireWindow are set.
 *
 * High: after 10 anomalous readings within 15 minutes — ksql/040's SUSTAINED_ANOMALIES rule. `run`
 * scores a reading a minute, and a normal day brushes the envelope's upper edge for a minute or two
 * now and then (a kettle late in the hour); alerting on the first anomaly gave ~6 false alerts a
 * week on `evaluate --days 60`. A heater left on at night still alerts within ~15 minutes.
 *
 * Low: after 45 within 60 minutes. The envelope's lower edge is the quietest the household has been
 * in that (day, hour) cell, so a day whose standby load is a few watts under every earlier one reads
 * low for hours, on and off with the fridge's cycle — 2–3 false alerts a week on some seeds. What
 * low catches (a holiday, a dead fridge) is never urgent: it alerts an hour or so later instead.
 * Figures for both: the issue-8 report (seeds 1, 3, 7, 11, 60 days each).
 */
export const RUN_FIRE_RULE = { fireAfter: 10, fireWindowMs: 15 * 60_000, lowFireAfter: 45, lowFireWindowMs: 60 * 60_000 } as const;

const setByUser = (loaded: LoadedConfig, key: string) => {
  const s = loaded.settings.find((x) => x.key === key);
  return s !== undefined && s.source.kind !== 'default';
};

/** The notifier's rules with run's fire rules where the user left them at the notifier defaults. */
export function runRules(loaded: LoadedConfig, notifierRules: EpisodeRules): EpisodeRules {
  const after = setByUser(loaded, 'notifier.fireAfter');
  const window = setByUser(loaded, 'notifier.fireWindow');
  return {
    ...notifierRules,
    ...(after ? {} : { fireAfter: RUN_FIRE_RULE.fireAfter }),
    ...(window ? {} : { fireWindowMs: RUN_FIRE_RULE.fireWindowMs }),
    // A user who sets the fire rule gets it for both kinds, as the notifier applies it.
    ...(after || window ? {} : { lowFireAfter: RUN_FIRE_RULE.lowFireAfter, lowFireWindowMs: RUN_FIRE_RULE.lowFireWindowMs }),
  };
}
