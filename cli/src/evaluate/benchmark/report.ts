import { hh, HEATER_STARTS } from './protocol.js';
import type { EventResult, WindowResult } from './runner.js';

/**
 * The benchmark's figures (issue 19): per household, method and mode — false alerts a week (new
 * alerts outside every event and the hour after it, over the weeks where one could fall), and per
 * kind of event found / total with minutes from its start to the first alert — and the worst
 * household, which is what a product for households is judged by.
 */

export interface Cell {
  total: number;
  detected: number;
  /** Found within the cell's target time. */
  inTime: number;
  medianMinutes: number | null;
  maxMinutes: number | null;
  /** Most notifications one event caused (start to an hour after its end). */
  maxNotifications: number;
  /** "Back to normal" while the event was still going on, over all its events. */
  earlyResolves: number;
}

export interface RowFigures {
  household: string;
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
  cells: Record<string, Cell>;
  windows: { file: string; index: number; falsePerWeek: number; falseHigh: number; falseLow: number }[];
}

function median(xs: number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** The cells a result belongs to, each with its target time in minutes (Infinity: none). */
function cellsOf(e: Pick<EventResult, 'scenario' | 'kw' | 'startHour' | 'shape'>): { key: string; target: number }[] {
  if (e.scenario === 'heater') {
    const out = [{ key: `heater ${e.kw} kW ${hh(e.startHour!)}`, target: e.kw === 2 ? 60 : e.kw === 1 && e.startHour === 2 ? 60 : Infinity }];
    out.push({ key: `heater ${e.kw} kW ${e.shape}`, target: Infinity });
    return out;
  }
  if (e.scenario === 'oven') return [{ key: 'oven', target: 45 }];
  if (e.scenario === 'away') return [{ key: 'away', target: 720 }];
  if (e.scenario === 'fridge') return [{ key: 'dead fridge', target: Infinity }];
  return [{ key: e.scenario, target: Infinity }];
}

const CELL_ORDER = [
  ...HEATER_STARTS.map((h) => `heater 2 kW ${hh(h)}`),
  'heater 2 kW steady',
  'heater 2 kW thermostat',
  ...HEATER_STARTS.map((h) => `heater 1 kW ${hh(h)}`),
  ...HEATER_STARTS.map((h) => `heater 3 kW ${hh(h)}`),
  'oven',
  'away',
  'dead fridge',
  'real-all-night-load',
  'real-away',
];

export function figures(household: string, method: string, mode: string, rs: readonly WindowResult[]): RowFigures {
  const weeks = rs.reduce((a, r) => a + r.weeks, 0);
  const fh = rs.reduce((a, r) => a + r.falseHigh, 0);
  const fl = rs.reduce((a, r) => a + r.falseLow, 0);
  const allNight = rs.reduce((a, r) => a + r.onAllNightLoads, 0);
  const acc = new Map<string, { m: (number | null)[]; n: number[]; early: number; inTime: number }>();
  for (const r of rs) {
    for (const e of r.events) {
      for (const { key, target } of cellsOf(e)) {
        const x = acc.get(key) ?? { m: [], n: [], early: 0, inTime: 0 };
        x.m.push(e.minutes);
        x.n.push(e.notifications);
        x.early += e.earlyResolves;
        if (e.minutes !== null && e.minutes <= target) x.inTime++;
        acc.set(key, x);
      }
    }
  }
  const cells: Record<string, Cell> = {};
  for (const [key, x] of acc) {
    const ok = x.m.filter((v): v is number => v !== null);
    cells[key] = { total: x.m.length, detected: ok.length, inTime: x.inTime, medianMinutes: median(ok), maxMinutes: ok.length ? Math.max(...ok) : null, maxNotifications: Math.max(0, ...x.n), earlyResolves: x.early };
  }
  const calendarWeeks = rs.reduce((a, r) => a + (r.window.testTo - r.window.testFrom) / 7, 0);
  const per = (n: number) => (weeks > 0 ? n / weeks : 0);
  return {
    household,
    method,
    mode,
    weeks,
    falseHighPerWeek: per(fh),
    falseLowPerWeek: per(fl),
    falsePerWeek: per(fh + fl),
    worstWindowFalsePerWeek: Math.max(0, ...rs.map((r) => (r.weeks > 0 ? (r.falseHigh + r.falseLow) / r.weeks : 0))),
    notificationsPerWeek: calendarWeeks > 0 ? rs.reduce((a, r) => a + r.notifications, 0) / calendarWeeks : 0,
    falsePerWeekCountingAllNightLoads: per(fh + fl + allNight),
    cells,
    windows: rs.map((r) => ({ file: r.file, index: r.window.index, falsePerWeek: r.weeks > 0 ? (r.falseHigh + r.falseLow) / r.weeks : 0, falseHigh: r.falseHigh, falseLow: r.falseLow })),
  };
}

const f2 = (x: number) => x.toFixed(2);
export const mins = (x: number | null) => (x === null ? '—' : x < 100 ? x.toFixed(0) : x < 1440 ? `${(x / 60).toFixed(1)} h` : `${(x / 1440).toFixed(1)} d`);

/** One cell: found/total, median/max minutes to the first alert. */
export function cellText(c: Cell | undefined): string {
  if (!c) return '—';
  return `${c.detected}/${c.total} ${mins(c.medianMinutes)}/${mins(c.maxMinutes)}`;
}

const mdRow = (xs: readonly string[]) => `| ${xs.join(' | ')} |`;

/** The columns the tables show. */
const TABLE_CELLS = ['heater 2 kW 02:00', 'heater 2 kW 19:00', 'heater 2 kW 22:00', 'heater 2 kW thermostat', 'heater 1 kW 02:00', 'heater 3 kW 19:00', 'oven', 'away', 'dead fridge'];

/** Rows side by side, as Markdown: false alerts, notifications and the event cells. */
export function renderTable(rows: readonly RowFigures[], o: { first?: 'household' | 'method' } = {}): string {
  const names = TABLE_CELLS.filter((n) => rows.some((r) => r.cells[n]));
  const head = [o.first === 'method' ? 'method' : 'household', 'mode', 'false alerts/wk (high+low)', 'notifications/wk', ...names.map((n) => `${n}: found, median/max min`), 'oven ≤ 45 min', 'away: most messages', '"back to normal" while on'];
  const lines = [mdRow(head), mdRow(head.map(() => '---'))];
  for (const r of rows) {
    const early = Object.entries(r.cells)
      .filter(([k]) => k.startsWith('heater') && / \d\d:00$/.test(k) || k === 'oven')
      .reduce((a, [, c]) => a + c.earlyResolves, 0);
    const oven = r.cells['oven'];
    lines.push(
      mdRow([
        o.first === 'method' ? r.method : r.household,
        r.mode,
        `${f2(r.falsePerWeek)} (${f2(r.falseHighPerWeek)}+${f2(r.falseLowPerWeek)})`,
        r.notificationsPerWeek.toFixed(1),
        ...names.map((n) => cellText(r.cells[n])),
        oven ? `${oven.inTime}/${oven.total}` : '—',
        r.cells['away'] ? String(r.cells['away'].maxNotifications) : '—',
        String(early),
      ]),
    );
  }
  return lines.join('\n');
}

/** The issue's targets for one household's row, each met or not with its figure. */
export function targets(r: RowFigures, baseline?: RowFigures): { target: string; met: boolean; figure: string }[] {
  const c = (k: string) => r.cells[k];
  const two = HEATER_STARTS.map((h) => c(`heater 2 kW ${hh(h)}`)).filter((x): x is Cell => !!x);
  const twoAll = two.reduce((a, x) => a + x.total, 0);
  const twoFound = two.reduce((a, x) => a + x.detected, 0);
  const medians = two.map((x) => x.medianMinutes);
  const worstMedian = medians.some((m) => m === null) ? null : Math.max(...(medians as number[]));
  const latest = Math.max(0, ...two.map((x) => (x.detected < x.total ? Infinity : (x.maxMinutes ?? Infinity))));
  const one = c('heater 1 kW 02:00');
  const oven = c('oven');
  const away = c('away');
  const heaterMedian = (x: RowFigures) => median(Object.entries(x.cells).filter(([k]) => /^heater \d kW \d\d:00$/.test(k)).flatMap(([, v]) => (v.medianMinutes === null ? [] : [v.medianMinutes])));
  const out = [
    { target: '≤ 0.3 false alerts a week (high and low)', met: r.falsePerWeek <= 0.3, figure: `${f2(r.falsePerWeek)} (${f2(r.falseHighPerWeek)} high, ${f2(r.falseLowPerWeek)} low)` },
    { target: 'every 2 kW heater found, at each start time', met: twoAll > 0 && twoFound === twoAll, figure: `${twoFound}/${twoAll}` },
    { target: '2 kW heater median ≤ 20 min at each start time', met: worstMedian !== null && worstMedian <= 20, figure: HEATER_STARTS.map((h) => `${hh(h)} ${mins(c(`heater 2 kW ${hh(h)}`)?.medianMinutes ?? null)}`).join(', ') },
    { target: 'no 2 kW heater later than 60 min', met: latest <= 60, figure: `latest ${Number.isFinite(latest) ? mins(latest) : 'not found'}` },
    { target: 'a 1 kW heater at night within 60 min', met: !!one && one.inTime === one.total, figure: one ? `${one.inTime}/${one.total} within 60 min, latest ${mins(one.maxMinutes)}` : '—' },
    { target: 'an oven left on found 2 times in 3 within 45 min', met: !!oven && oven.inTime * 3 >= oven.total * 2, figure: oven ? `${oven.inTime}/${oven.total}` : '—' },
    { target: 'a week away within 12 h, ≤ 2 notifications', met: !!away && away.inTime === away.total && away.maxNotifications <= 2, figure: away ? `${away.inTime}/${away.total} within 12 h (median ${mins(away.medianMinutes)}), most ${away.maxNotifications} messages` : '—' },
  ];
  if (baseline) {
    const a = heaterMedian(r);
    const b = heaterMedian(baseline);
    out.push({ target: 'better than the 2018 method on false alerts and delay', met: r.falsePerWeek < baseline.falsePerWeek && a !== null && (b === null || a < b), figure: `false ${f2(r.falsePerWeek)} vs ${f2(baseline.falsePerWeek)}, heater median ${mins(a)} vs ${mins(b)}` });
  }
  return out;
}

/**
 * The worst household for each figure: the most false alerts, and per cell the fewest found (as
 * a share), the latest median and the latest maximum — each from whichever household is worst
 * at it, named in `household`.
 */
export function worstOf(rows: readonly RowFigures[]): RowFigures {
  const first = rows[0]!;
  const by = <T>(f: (r: RowFigures) => T, worse: (a: T, b: T) => boolean) => rows.reduce((w, r) => (worse(f(r), f(w)) ? r : w), first);
  const fp = by((r) => r.falsePerWeek, (a, b) => a > b);
  const keys = new Set(rows.flatMap((r) => Object.keys(r.cells)));
  const cells: Record<string, Cell> = {};
  for (const k of keys) {
    const have = rows.filter((r) => r.cells[k]);
    const share = (r: RowFigures) => r.cells[k]!.detected / r.cells[k]!.total;
    const w = have.reduce((a, r) => (share(r) < share(a) ? r : a), have[0]!);
    const med = Math.max(...have.map((r) => r.cells[k]!.medianMinutes ?? Infinity));
    const mx = Math.max(...have.map((r) => r.cells[k]!.maxMinutes ?? Infinity));
    cells[k] = {
      total: w.cells[k]!.total,
      detected: w.cells[k]!.detected,
      inTime: Math.min(...have.map((r) => r.cells[k]!.inTime)),
      medianMinutes: Number.isFinite(med) ? med : null,
      maxMinutes: Number.isFinite(mx) ? mx : null,
      maxNotifications: Math.max(...have.map((r) => r.cells[k]!.maxNotifications)),
      earlyResolves: Math.max(...have.map((r) => r.cells[k]!.earlyResolves)),
    };
  }
  return {
    ...fp,
    household: `worst (false alerts: ${fp.household})`,
    cells,
    worstWindowFalsePerWeek: Math.max(...rows.map((r) => r.worstWindowFalsePerWeek)),
    notificationsPerWeek: Math.max(...rows.map((r) => r.notificationsPerWeek)),
  };
}
