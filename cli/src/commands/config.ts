import type { Command } from 'commander';
import { describeSettings, SETTINGS, SETTING_KEYS } from '@stream-smarts/contracts';
import { createContext, type GlobalOptions } from '../context.js';
import { renderTable } from '../table.js';

export const example = 'stream-smarts config                 # every setting, its value and where it came from';

export function register(program: Command): void {
  program
    .command('config')
    .description('show the resolved configuration and the source of each value (secrets redacted)')
    .option('--settings', 'list every setting with its environment variables and meaning instead')
    .addHelpText(
      'after',
      `
Precedence: flags > environment > .env file > defaults.
Secrets can also be read from a file named by <VARIABLE>_FILE (e.g. PUSHBULLET_ACCESS_TOKEN_FILE).

Examples:
  $ stream-smarts config
  $ stream-smarts --bootstrap-servers kafka:9092 config --json
  $ stream-smarts config --settings`,
    )
    .action((opts: { settings?: boolean }, cmd: Command) => {
      const ctx = createContext(cmd.optsWithGlobals<GlobalOptions>());
      if (opts.settings) {
        const rows = SETTING_KEYS.map((k) => {
          const s = SETTINGS[k];
          return [k, s.env.join(', ') + ('flag' in s && s.flag ? `, --${s.flag}` : ''), ('default' in s && s.default) || '', s.describe + (('secret' in s && s.secret) ? ' (secret)' : '')];
        });
        ctx.out(ctx.json ? JSON.stringify(rows.map(([key, sources, def, describe]) => ({ key, sources, default: def, describe })), null, 2) : renderTable(['setting', 'environment / flag', 'default', 'meaning'], rows));
        return;
      }
      const rows = describeSettings(ctx.loaded);
      ctx.out(ctx.json ? JSON.stringify(rows, null, 2) : renderTable(['setting', 'value', 'source'], rows.map((r) => [r.key, r.value, r.source])));
    });
}
