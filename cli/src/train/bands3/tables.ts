import { HIGH_MEASURES, legacyTables, NOT_USED_W, type HighMeasure, type JarTables } from '@stream-smarts/contracts';
import type { Calibration } from './calibrate.js';
import { pulseW, upperOf, type Bands3Stats } from './stats.js';

/**
 * The band values a calibrated model holds, per ten-minute slot: for each day type, every high
 * measure's `ref` and `upper = edge + its margin`, and the 24-h mean's `ref` and `lower = edge ×
 * (1 − its margin)`, plus the 2018 envelope. These are what bands.zip is fitted to
 * (contracts/MODEL-FORMAT.md, "The MOJO"): one value per (band level, slot).
 */
export interface SlotBands {
  dayTypes: 1 | 2;
  slotMinutes: number;
  /** MOJO band level → one value per slot. */
  levels: Map<string, Float64Array>;
}

const DAY_TYPE_NAMES = ['weekday', 'weekend'] as const;

/** The MOJO's band level of a measure's bound for a day type (MODEL-FORMAT "The MOJO"). */
function bandLevel(measure: HighMeasure | 'mean_24h' | 'kwh', bound: 'ref' | 'upper' | 'lower', dayType: number, dayTypes: 1 | 2): string {
  return measure === 'kwh' || dayTypes === 1 ? `${measure}.${bound}` : `${measure}.${bound}.${DAY_TYPE_NAMES[dayType]}`;
}

/** Every band level of a model with this many day types, in MODEL-FORMAT's order. */
export function bandLevels(dayTypes: 1 | 2): string[] {
  const out: string[] = [];
  for (let t = 0; t < dayTypes; t++) {
    for (const m of HIGH_MEASURES) out.push(bandLevel(m, 'ref', t, dayTypes), bandLevel(m, 'upper', t, dayTypes));
    out.push(bandLevel('mean_24h', 'ref', t, dayTypes), bandLevel('mean_24h', 'lower', t, dayTypes));
  }
  out.push('kwh.lower', 'kwh.upper');
  return out;
}

export function slotBands(s: Bands3Stats, cal: Pick<Calibration, 'marginHigh' | 'marginLow'>): SlotBands {
  const types = s.method.dayTypes ? 2 : 1;
  const nSlots = 1440 / s.method.slotMinutes;
  const minW = s.method.minMarginPulses * pulseW(s.resolution);
  const levels = new Map<string, Float64Array>();
  const put = (level: string, f: (sl: number) => number) => levels.set(level, Float64Array.from({ length: nSlots }, (_, sl) => f(sl)));
  for (let t = 0; t < types; t++) {
    for (const c of HIGH_MEASURES) {
      const st = s.high[c];
      const k = cal.marginHigh[c];
      // A measure the method leaves out, or a slot the history gives it no value at: not used.
      const used = (sl: number) => st !== undefined && k !== undefined && !Number.isNaN(st.ref[t]![sl]!) && !Number.isNaN(st.edge[t]![sl]!);
      const block = (sl: number) => k![Math.floor((sl * s.method.slotMinutes * k!.length) / 1440)]!;
      put(bandLevel(c, 'ref', t, types), (sl) => (used(sl) ? st!.ref[t]![sl]! : 0));
      put(bandLevel(c, 'upper', t, types), (sl) => (used(sl) ? Math.min(NOT_USED_W, upperOf(s.method, st!.edge[t]![sl]!, block(sl), minW)) : NOT_USED_W));
    }
    put(bandLevel('mean_24h', 'ref', t, types), (sl) => s.low.ref[t]![sl]!);
    put(bandLevel('mean_24h', 'lower', t, types), (sl) => Math.max(0, s.low.edge[t]![sl]! * (1 - cal.marginLow)));
  }
  put('kwh.lower', (sl) => s.kwh.lower[Math.floor((sl * s.method.slotMinutes) / 60)]!);
  put('kwh.upper', (sl) => s.kwh.upper[Math.floor((sl * s.method.slotMinutes) / 60)]!);
  return { dayTypes: types as 1 | 2, slotMinutes: s.method.slotMinutes, levels };
}

/**
 * The tables the slot values stand for, minute by minute (each minute takes its slot's value):
 * what the MOJO is fitted to reproduce. `train` reports how far the MOJO's tables are from these;
 * the detection benchmark's fast rows score with them directly.
 */
export function tablesFromSlots(b: SlotBands): JarTables {
  const per = (level: string) => Array.from({ length: 1440 }, (_, m) => b.levels.get(level)![Math.floor(m / b.slotMinutes)]!);
  const types = Array.from({ length: b.dayTypes }, (_, t) => t);
  const high = Object.fromEntries(HIGH_MEASURES.map((c) => [c, { ref: types.map((t) => per(bandLevel(c, 'ref', t, b.dayTypes))), upper: types.map((t) => per(bandLevel(c, 'upper', t, b.dayTypes))) }])) as JarTables['bands']['high'];
  const kwh = { lower: per('kwh.lower'), upper: per('kwh.upper') };
  return {
    bands: {
      dayTypes: b.dayTypes,
      high,
      mean_24h: { ref: types.map((t) => per(bandLevel('mean_24h', 'ref', t, b.dayTypes))), lower: types.map((t) => per(bandLevel('mean_24h', 'lower', t, b.dayTypes))) },
      kwh,
    },
    ...legacyTables(kwh),
  };
}
