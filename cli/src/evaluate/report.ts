import { renderTable } from '../table.js';
import type { EvaluateResult } from './evaluate.js';

/** The figures the issue's target is stated in: heater-left-on within 30 minutes, under 1 false alert a week. */
const TARGET = { scenario: 'heater-left-on', withinMinutes: 30, falseAlertsPerWeek: 1 } as const;

export function meetsTarget(r: EvaluateResult): boolean {
  const heaters = r.scenarios.filter((s) => s.scenario === TARGET.scenario);
  return heaters.every((s) => s.detected && s.minutesToAlert! <= TARGET.withinMinutes) && r.falseAlertsPerWeek < TARGET.falseAlertsPerWeek;
}

const min = (v: number | null) => (v === null ? '—' : `${Math.round(v)}`);

export function renderReport(r: EvaluateResult, timezone: string): string {
  const when = (t: number) => new Date(t).toLocaleString('en-GB', { timeZone: timezone, dateStyle: 'medium', timeStyle: 'short' });
  const kinds = renderTable(
    ['scenario', 'detected', 'median min to alert', 'max min to alert'],
    r.byKind.map((k) => [k.scenario, `${k.detected}/${k.total}`, min(k.medianMinutes), min(k.maxMinutes)]),
  );
  const each = renderTable(
    ['scenario', 'start', 'end', 'detected', 'min to alert'],
    r.scenarios.map((s) => [s.scenario, when(s.start), when(s.end), s.detected ? 'yes' : 'NO', min(s.minutesToAlert)]),
  );
  const low = r.rules.lowFireAfter !== undefined ? ` (low: ${r.rules.lowFireAfter} in ${r.rules.lowFireWindowMs! / 60_000} min)` : '';
  const rules = `fireAfter ${r.rules.fireAfter} in ${r.rules.fireWindowMs / 60_000} min${low}, resolveAfter ${r.rules.resolveAfterMs / 60_000} min`;
  return [
    `evaluate: ${r.days.toFixed(1)} days (${when(r.from)} → ${when(r.to)}), ${r.readings.toLocaleString('en-US')} readings, ${r.anomalies.toLocaleString('en-US')} anomalous, ${r.alerts} alerts; model ${r.modelId}; rules ${rules}`,
    '',
    kinds,
    '',
    each,
    '',
    `false alerts: ${r.falseAlerts} (${r.falseAlertsPerDay.toFixed(2)} a day, ${r.falseAlertsPerWeek.toFixed(2)} a week)${r.falseAlertTimes.length ? ` at ${r.falseAlertTimes.slice(0, 8).map(when).join('; ')}${r.falseAlertTimes.length > 8 ? '; …' : ''}` : ''}`,
    `target (${TARGET.scenario} within ${TARGET.withinMinutes} min, under ${TARGET.falseAlertsPerWeek} false alert a week): ${meetsTarget(r) ? 'met' : 'NOT met'}`,
  ].join('\n');
}
