import type { WindowResult } from './runner.js';

/**
 * The benchmark's figures (issue 12): per method and mode, false alerts a week (new alerts outside
 * any injected or labelled event and the hour after it, high and low apart), notifications a
 * week, and per scenario detected / total with minutes from its start to the first alert.
 */

export interface ScenarioFigures {
  name: string;
  total: number;
  detected: number;
  medianMinutes: number | null;
  maxMinutes: number | null;
  /** Most notifications one event of this scenario caused (start to an hour after its end). */
  maxNotifications: number;
}

export interface RowFigures {
  method: string;
  mode: string;
  weeks: number;
  falseHighPerWeek: number;
  falseLowPerWeek: number;
  falsePerWeek: number;
  worstWindowFalsePerWeek: number;
  notificationsPerWeek: number;
  /** False alerts a week if the labelled all-night loads counted as false alerts. */
  falsePerWeekCountingAllNightLoads: number;
  scenarios: ScenarioFigures[];
  windows: { file: string; index: number; falsePerWeek: number; falseHigh: number; falseLow: number }[];
}

function median(xs: number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export const SCENARIO_ORDER = ['heater-night', 'heater-evening', 'oven', 'away', 'fridge', 'real-all-night-load', 'real-away'];

export function figures(method: string, mode: string, rs: readonly WindowResult[]): RowFigures {
  const weeks = rs.reduce((a, r) => a + r.weeks, 0);
  const fh = rs.reduce((a, r) => a + r.falseHigh, 0);
  const fl = rs.reduce((a, r) => a + r.falseLow, 0);
  const allNight = rs.reduce((a, r) => a + r.onAllNightLoads, 0);
  const by = new Map<string, { m: (number | null)[]; n: number[] }>();
  for (const r of rs) {
    for (const e of r.events) {
      const x = by.get(e.name) ?? { m: [], n: [] };
      x.m.push(e.minutes);
      x.n.push(e.notifications);
      by.set(e.name, x);
    }
  }
  const scenarios = [...by.entries()]
    .sort((a, b) => SCENARIO_ORDER.indexOf(a[0]) - SCENARIO_ORDER.indexOf(b[0]))
    .map(([name, x]): ScenarioFigures => {
      const ok = x.m.filter((v): v is number => v !== null);
      return { name, total: x.m.length, detected: ok.length, medianMinutes: median(ok), maxMinutes: ok.length ? Math.max(...ok) : null, maxNotifications: Math.max(0, ...x.n) };
    });
  const per = (n: number) => (weeks > 0 ? n / weeks : 0);
  return {
    method,
    mode,
    weeks,
    falseHighPerWeek: per(fh),
    falseLowPerWeek: per(fl),
    falsePerWeek: per(fh + fl),
    worstWindowFalsePerWeek: Math.max(0, ...rs.map((r) => (r.falseHigh + r.falseLow) / r.weeks)),
    notificationsPerWeek: per(rs.reduce((a, r) => a + r.notifications, 0)),
    falsePerWeekCountingAllNightLoads: per(fh + fl + allNight),
    scenarios,
    windows: rs.map((r) => ({ file: r.file, index: r.window.index, falsePerWeek: (r.falseHigh + r.falseLow) / r.weeks, falseHigh: r.falseHigh, falseLow: r.falseLow })),
  };
}

const f2 = (x: number) => x.toFixed(2);
const mins = (x: number | null) => (x === null ? '—' : x < 100 ? x.toFixed(0) : x < 1440 ? `${(x / 60).toFixed(1)} h` : `${(x / 1440).toFixed(1)} d`);

/** One scenario cell: found/total, median and max minutes to the first alert. */
function cell(s: ScenarioFigures | undefined): string {
  if (!s) return '—';
  return `${s.detected}/${s.total} ${mins(s.medianMinutes)}/${mins(s.maxMinutes)}`;
}

/** The comparison table, methods side by side, as text (Markdown-compatible). */
export function renderTable(rows: readonly RowFigures[]): string {
  const names = SCENARIO_ORDER.filter((n) => rows.some((r) => r.scenarios.some((s) => s.name === n)));
  const head = ['method', 'mode', 'false alerts/wk (high+low)', 'worst window', 'notifications/wk', ...names.map((n) => `${n} found, median/max min`), 'away: most notifications'];
  const lines = [head, head.map(() => '---')];
  for (const r of rows) {
    const away = r.scenarios.find((s) => s.name === 'away');
    lines.push([
      r.method,
      r.mode,
      `${f2(r.falsePerWeek)} (${f2(r.falseHighPerWeek)}+${f2(r.falseLowPerWeek)})`,
      f2(r.worstWindowFalsePerWeek),
      r.notificationsPerWeek.toFixed(1),
      ...names.map((n) => cell(r.scenarios.find((s) => s.name === n))),
      away ? String(away.maxNotifications) : '—',
    ]);
  }
  return lines.map((l) => `| ${l.join(' | ')} |`).join('\n');
}

/** The targets, each with whether a row meets it. */
export function targets(r: RowFigures): { target: string; met: boolean; figure: string }[] {
  const s = (n: string) => r.scenarios.find((x) => x.name === n);
  const heaters = [s('heater-night'), s('heater-evening')].filter((x): x is ScenarioFigures => x !== undefined);
  const allHeaters = heaters.reduce((a, x) => a + x.total, 0);
  const found = heaters.reduce((a, x) => a + x.detected, 0);
  const medianHeater = median(heaters.flatMap((x) => (x.medianMinutes === null ? [] : [x.medianMinutes])));
  const maxHeater = Math.max(0, ...heaters.map((x) => x.maxMinutes ?? Infinity));
  const oven = s('oven');
  const away = s('away');
  return [
    { target: '≤ 0.3 false alerts a week, every window', met: r.worstWindowFalsePerWeek <= 0.3, figure: `${f2(r.falsePerWeek)} overall, worst window ${f2(r.worstWindowFalsePerWeek)}` },
    { target: 'every heater found', met: found === allHeaters, figure: `${found}/${allHeaters}` },
    { target: 'heater median ≤ 20 min', met: medianHeater !== null && medianHeater <= 20, figure: `night ${mins(s('heater-night')?.medianMinutes ?? null)}, evening ${mins(s('heater-evening')?.medianMinutes ?? null)}` },
    { target: 'no heater later than 60 min', met: maxHeater <= 60, figure: `latest ${mins(Number.isFinite(maxHeater) ? maxHeater : null)}` },
    { target: 'every oven within 30 min', met: !!oven && oven.detected === oven.total && (oven.maxMinutes ?? Infinity) <= 30, figure: oven ? `${oven.detected}/${oven.total}, latest ${mins(oven.maxMinutes)}` : '—' },
    { target: 'a week away found within 12 h', met: !!away && away.detected === away.total && (away.maxMinutes ?? Infinity) <= 720, figure: away ? `${away.detected}/${away.total}, latest ${mins(away.maxMinutes)}` : '—' },
    { target: '≤ 2 notifications for a whole absence', met: !!away && away.maxNotifications <= 2, figure: away ? `most ${away.maxNotifications}` : '—' },
  ];
}
