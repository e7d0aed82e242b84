import type { Command } from 'commander';
import { zoneOffsetMin, redactText } from '@stream-smarts/contracts';
import {
  expired,
  findSilence,
  KafkaSilenceStore,
  LocalSilenceStore,
  newSilence,
  notifierConfig,
  silenceState,
  validateSilence,
  MAX_SILENCE_DAYS,
  MAX_SILENCE_MS,
  type Matcher,
  type Silence,
  type SilenceStore,
} from '@stream-smarts/notifier';
import { CommandError } from '../command-error.js';
import { createContext, type Context, type GlobalOptions } from '../context.js';
import { renderTable } from '../table.js';

export const example = 'stream-smarts silence add --for 2h --kind high --comment "sauna"   # no alerts for high usage for two hours';

/** 90m, 2h, 1d, 1h30m: milliseconds. */
export function parseFor(text: string): number {
  const t = text.trim().toLowerCase();
  if (!/^(\d+[dhm])+$/.test(t)) throw new CommandError(`--for "${text}": expected a duration such as 30m, 2h, 1h30m or 3d`);
  let ms = 0;
  for (const [, n, u] of t.matchAll(/(\d+)([dhm])/g)) ms += Number(n) * { d: 86_400_000, h: 3_600_000, m: 60_000 }[u as 'd' | 'h' | 'm'];
  if (ms <= 0) throw new CommandError(`--for "${text}": must be longer than zero`);
  if (ms > MAX_SILENCE_MS) throw new CommandError(`--for "${text}": at most ${MAX_SILENCE_DAYS}d (a year); a longer silence would mute these alerts for good — use a year, and add another when it ends`);
  return ms;
}

/** "22:00" (the next one, household time) or an ISO-8601 time with an offset: epoch ms. */
export function parseTime(flag: string, text: string, timeZone: string, now: number): number {
  const hm = /^([01]?\d|2[0-3]):([0-5]\d)$/.exec(text.trim());
  if (hm) {
    const local = now + zoneOffsetMin(now, timeZone) * 60_000;
    const day = Math.floor(local / 86_400_000) * 86_400_000;
    let t = day + (Number(hm[1]) * 60 + Number(hm[2])) * 60_000;
    if (t <= local) t += 86_400_000;
    return t - zoneOffsetMin(t - zoneOffsetMin(now, timeZone) * 60_000, timeZone) * 60_000;
  }
  if (/^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d)?(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(text.trim())) return Date.parse(text.trim());
  throw new CommandError(`${flag} "${text}": expected HH:MM (household time, ${timeZone}) or an ISO-8601 time with offset, e.g. 2026-07-14T22:00+01:00`);
}

/** The store named by --store or notifier.silenceStore; a Kafka that is not there gets a way out. */
export async function openStore(ctx: Context, flag: string | undefined, follow = false): Promise<SilenceStore> {
  const cfg = notifierConfig(ctx.loaded);
  const store = flag ?? cfg.silences.store;
  if (store !== 'kafka' && store !== 'local') throw new CommandError(`--store "${flag}": expected kafka or local`);
  if (store === 'local') return new LocalSilenceStore(cfg.stateDir);
  try {
    return await KafkaSilenceStore.open({ kafka: ctx.config.kafka, topic: cfg.silences.topic, log: ctx.log.child({}, { level: 'error' }), follow, quick: true, groupPrefix: 'stream-smarts-cli' });
  } catch (e) {
    throw new CommandError(
      `cannot reach Kafka at ${ctx.config.kafka.brokers.join(',')} for the silences topic ${cfg.silences.topic} (${redactText((e as Error).message, ctx.loaded.secrets)}); ` +
        'start Kafka (docker compose up -d) or, for `stream-smarts run` without Kafka, use --store local (or set STREAM_SMARTS_SILENCE_STORE=local)',
      1,
    );
  }
}

function describeMatchers(ms: Matcher[]): string {
  return ms.map((m) => `${m.name}${m.isEqual ? '' : '!'}${m.isRegex ? '=~' : '='}${m.value}`).join(' ');
}

function fmt(ms: number, tz: string): string {
  // A silence saved before silences were bounded may end past what a date can show.
  if (!Number.isFinite(ms) || Math.abs(ms) > 8.64e15) return 'never (invalid end)';
  return new Intl.DateTimeFormat('en-GB', { timeZone: tz, dateStyle: 'short', timeStyle: 'short' }).format(ms);
}

function rows(silences: Silence[], now: number, tz: string): string[][] {
  return silences.map((s) => [s.id.slice(0, 8), silenceState(s, now), describeMatchers(s.matchers), fmt(s.startsAt, tz), fmt(s.endsAt, tz), s.createdBy, s.comment]);
}

interface AddFlags {
  for?: string;
  until?: string;
  start?: string;
  meter?: string;
  kind?: string;
  type?: string;
  comment?: string;
  author?: string;
  store?: string;
  dryRun?: boolean;
}

async function add(ctx: Context, f: AddFlags): Promise<void> {
  const now = Date.now();
  const tz = ctx.config.timezone;
  if (!f.comment || f.comment.trim() === '') throw new CommandError('--comment is required: say why (e.g. --comment "sauna until 22:00"), as Alertmanager asks');
  if ((f.for === undefined) === (f.until === undefined)) throw new CommandError('give one of --for (e.g. 2h) and --until (e.g. 22:00)');
  if (f.kind !== undefined && !['high', 'low'].includes(f.kind)) throw new CommandError(`--kind "${f.kind}": expected high or low`);
  if (f.type !== undefined && !['fire', 'repeat', 'resolve'].includes(f.type)) throw new CommandError(`--type "${f.type}": expected fire, repeat or resolve`);
  const startsAt = f.start !== undefined ? parseTime('--start', f.start, tz, now) : now;
  const endsAt = f.for !== undefined ? startsAt + parseFor(f.for) : parseTime('--until', f.until!, tz, now);
  if (f.until !== undefined && endsAt - startsAt > MAX_SILENCE_MS) {
    throw new CommandError(`--until "${f.until}": ${Math.round((endsAt - startsAt) / 86_400_000)} days after the start; a silence lasts at most ${MAX_SILENCE_DAYS} days (a year) — pick an earlier end`);
  }
  const matchers: Matcher[] = [
    ...(f.meter !== undefined ? [{ name: 'meter' as const, value: f.meter, isRegex: false, isEqual: true }] : []),
    ...(f.kind !== undefined ? [{ name: 'kind' as const, value: f.kind, isRegex: false, isEqual: true }] : []),
    ...(f.type !== undefined ? [{ name: 'type' as const, value: f.type, isRegex: false, isEqual: true }] : []),
  ];
  const problems = validateSilence({ matchers, startsAt, endsAt });
  if (problems.length > 0) throw new CommandError(`invalid silence: ${problems.join('; ')}`);
  const silence = newSilence({ matchers, startsAt, endsAt, createdBy: f.author ?? process.env.USER ?? 'stream-smarts', comment: f.comment.trim(), now });
  if (f.dryRun) {
    ctx.out(ctx.json ? JSON.stringify({ dryRun: true, silence }) : `would add silence ${describeMatchers(matchers)} from ${fmt(silence.startsAt, tz)} to ${fmt(endsAt, tz)}: ${silence.comment}`);
    return;
  }
  const store = await openStore(ctx, f.store);
  try {
    await store.put(silence);
  } finally {
    await store.close();
  }
  if (ctx.json) ctx.out(JSON.stringify({ silence, store: store.where }));
  else ctx.out(`silence ${silence.id} added (${store.where}): ${describeMatchers(matchers)}, ${silenceState(silence, now)} until ${fmt(endsAt, tz)} — "${silence.comment}"`);
}

async function list(ctx: Context, f: { all?: boolean; store?: string }): Promise<void> {
  const now = Date.now();
  const store = await openStore(ctx, f.store);
  let silences: Silence[];
  try {
    silences = store.book().silences(now, f.all ? ['active', 'pending', 'expired'] : ['active', 'pending']);
  } finally {
    await store.close();
  }
  if (ctx.json) {
    ctx.out(JSON.stringify(silences.map((s) => ({ ...s, state: silenceState(s, now) })), null, 2));
    return;
  }
  if (silences.length === 0) {
    ctx.out(`no ${f.all ? '' : 'active or pending '}silences (${store.where})`);
    return;
  }
  ctx.out(renderTable(['id', 'state', 'matchers', 'starts', 'ends', 'by', 'comment'], rows(silences, now, ctx.config.timezone)));
}

async function expire(ctx: Context, id: string, f: { store?: string; dryRun?: boolean }): Promise<void> {
  const now = Date.now();
  const store = await openStore(ctx, f.store);
  try {
    const found = findSilence(store.book(), now, id);
    if (!found.silence) throw new CommandError(found.problem!, 1);
    const next = expired(found.silence, now);
    if (next === null) {
      ctx.out(ctx.json ? JSON.stringify({ silence: found.silence, changed: false }) : `silence ${found.silence.id} has already expired`);
      return;
    }
    if (f.dryRun) {
      ctx.out(ctx.json ? JSON.stringify({ dryRun: true, silence: next }) : `would expire silence ${found.silence.id} (${describeMatchers(found.silence.matchers)}, "${found.silence.comment}")`);
      return;
    }
    await store.put(next);
    ctx.out(ctx.json ? JSON.stringify({ silence: next, changed: true }) : `silence ${next.id} expired (${describeMatchers(next.matchers)}, "${next.comment}")`);
  } finally {
    await store.close();
  }
}

export function register(program: Command): void {
  const cmd = program
    .command('silence')
    .description('mute alerts for a while, as Alertmanager does: matchers (meter, kind, type) plus a time range')
    .addHelpText(
      'after',
      `
A silence mutes every alert whose labels match all its matchers while it is active (from its start
to its end). Muted alerts are recorded (notifier.stateDir/silenced.jsonl and the log), not delivered.
In Kafka mode silences live on a compacted topic (notifier.silenceTopic), so every notifier sees them
and they survive restarts; \`run\` without Kafka reads notifier.stateDir/silences.json (--store local).

Examples:
  $ stream-smarts silence add --for 2h --kind high --comment "sauna"
  $ stream-smarts silence add --until 22:00 --meter house --kind high --comment "sauna until ten"
  $ stream-smarts silence add --start 2026-07-14T08:00+01:00 --for 3d --kind low --comment "holiday" --store local
  $ stream-smarts silence list --all
  $ stream-smarts silence expire 3f2a9c1e`,
    );
  cmd
    .command('add')
    .description('add a silence')
    .option('--for <duration>', 'how long, from the start: 30m, 2h, 1h30m, 3d')
    .option('--until <time>', 'when it ends: HH:MM (the next one, household time) or ISO-8601')
    .option('--start <time>', 'when it starts (default now): HH:MM or ISO-8601')
    .option('--meter <id>', 'only alerts of this meter')
    .option('--kind <kind>', 'only high or low usage alerts')
    .option('--type <type>', 'only fire, repeat or resolve alerts')
    .option('--comment <text>', 'why (required)')
    .option('--author <name>', 'who (default $USER)')
    .option('--store <store>', 'kafka or local (default notifier.silenceStore)')
    .option('--dry-run', 'show the silence without adding it')
    .action((f: AddFlags, c: Command) => add(createContext(c.optsWithGlobals<GlobalOptions>()), f));
  cmd
    .command('list')
    .description('list active and pending silences (--all: expired ones too)')
    .option('--all', 'include expired silences (kept 5 days)')
    .option('--store <store>', 'kafka or local (default notifier.silenceStore)')
    .action((f: { all?: boolean; store?: string }, c: Command) => list(createContext(c.optsWithGlobals<GlobalOptions>()), f));
  cmd
    .command('expire <id>')
    .description('end a silence now (its id, or the start of it as `list` shows)')
    .option('--store <store>', 'kafka or local (default notifier.silenceStore)')
    .option('--dry-run', 'say what would be expired')
    .action((id: string, f: { store?: string; dryRun?: boolean }, c: Command) => expire(createContext(c.optsWithGlobals<GlobalOptions>()), id, f));
}
