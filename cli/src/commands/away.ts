import type { Command } from 'commander';
import { notifierConfig, type AwayRecord } from '@stream-smarts/notifier';
import { CommandError } from '../command-error.js';
import { createContext, type Context, type GlobalOptions } from '../context.js';
import { openStore } from './silence.js';

export const example = 'stream-smarts away on --comment "holiday"     # nobody home: hold low-usage alerts, flag high ones';

async function setAway(ctx: Context, away: boolean, f: { comment?: string; store?: string }): Promise<void> {
  const cfg = notifierConfig(ctx.loaded);
  if (cfg.homeAssistant?.awayEntity) {
    ctx.log.warn({ entity: cfg.homeAssistant.awayEntity }, 'STREAM_SMARTS_AWAY_ENTITY is set: Home Assistant decides who is home, so this switch is ignored until you unset it');
  }
  const store = await openStore(ctx, f.store);
  const record: AwayRecord = { kind: 'away', id: 'away', away, createdBy: process.env.USER ?? 'stream-smarts', comment: f.comment ?? '', updatedAt: Date.now() };
  try {
    await store.put(record);
  } finally {
    await store.close();
  }
  ctx.out(
    ctx.json
      ? JSON.stringify({ away, store: store.where })
      : away
        ? `away mode on (${store.where}): low-usage alerts are held, high-usage alerts say "while nobody is home"`
        : `away mode off (${store.where}): alerts as usual`,
  );
}

async function status(ctx: Context, f: { store?: string }): Promise<void> {
  const cfg = notifierConfig(ctx.loaded);
  if (cfg.homeAssistant?.awayEntity) {
    ctx.out(ctx.json ? JSON.stringify({ source: cfg.homeAssistant.awayEntity }) : `away mode follows ${cfg.homeAssistant.awayEntity} in Home Assistant`);
    return;
  }
  const store = await openStore(ctx, f.store);
  const r = store.book().away();
  await store.close();
  ctx.out(ctx.json ? JSON.stringify({ away: r?.away ?? false, since: r ? new Date(r.updatedAt).toISOString() : null, store: store.where }) : `away mode ${r?.away ? `on since ${new Date(r.updatedAt).toISOString()}${r.comment ? ` (${r.comment})` : ''}` : 'off'} (${store.where})`);
}

export function register(program: Command): void {
  program
    .command('away')
    .description('away mode without Home Assistant: while on, low-usage alerts are held and high-usage ones say "while nobody is home"')
    .argument('<state>', 'on, off or status')
    .option('--comment <text>', 'why (shown in logs)')
    .option('--store <store>', 'kafka or local (default notifier.silenceStore)')
    .addHelpText(
      'after',
      `
With Home Assistant, set STREAM_SMARTS_AWAY_ENTITY to a person, group or zone instead (e.g.
group.family or zone.home): nobody home is then read from Home Assistant, and this switch is ignored.

Examples:
  $ stream-smarts away on --comment "two weeks in Brittany"
  $ stream-smarts away off
  $ stream-smarts away status --store local`,
    )
    // Errors go to main.ts's one reporter (cli/src/report-error.ts): one line, the exit code of the error.
    .action(async (state: string, f: { comment?: string; store?: string }, c: Command) => {
      const ctx = createContext(c.optsWithGlobals<GlobalOptions>());
      if (state === 'on' || state === 'off') return setAway(ctx, state === 'on', f);
      if (state === 'status') return status(ctx, f);
      throw new CommandError(`"${state}": expected on, off or status`);
    });
}
