import { describe, expect, it } from 'vitest';
import { parseFor, parseTime } from '../src/commands/silence.js';
import { cli } from './run-cli.js';

describe('stream-smarts silence: times and durations', () => {
  it('reads --until HH:MM as the next such time in the household zone, across DST, and ISO times with offsets', () => {
    const now = Date.UTC(2026, 6, 14, 12, 0); // 13:00 in London (BST)
    expect(new Date(parseTime('--until', '22:00', 'Europe/London', now)).toISOString()).toBe('2026-07-14T21:00:00.000Z');
    // Already 22:00 in Sydney: 09:30 is tomorrow morning there.
    expect(new Date(parseTime('--until', '09:30', 'Australia/Sydney', now)).toISOString()).toBe('2026-07-14T23:30:00.000Z');
    // The night the clocks go forward: 03:00 BST.
    expect(new Date(parseTime('--until', '03:00', 'Europe/London', Date.UTC(2026, 2, 29, 0, 30))).toISOString()).toBe('2026-03-29T02:00:00.000Z');
    expect(parseTime('--start', '2026-07-14T08:00+01:00', 'UTC', now)).toBe(Date.UTC(2026, 6, 14, 7));
    expect(() => parseTime('--until', 'tonight', 'UTC', now)).toThrow(/--until "tonight": expected HH:MM/);
    expect(parseFor('1h30m')).toBe(90 * 60_000);
    expect(parseFor('3d')).toBe(3 * 86_400_000);
    expect(() => parseFor('2 hours')).toThrow(/expected a duration such as 30m/);
  });

  it('refuses bad flags with one line and exit 2, and --dry-run adds nothing', async () => {
    const noComment = await cli(['silence', 'add', '--for', '2h', '--kind', 'high', '--store', 'local']);
    expect(noComment.exitCode).toBe(2);
    expect(noComment.stderr.trim()).toMatch(/^stream-smarts silence add: --comment is required/);
    const both = await cli(['silence', 'add', '--for', '2h', '--until', '22:00', '--kind', 'high', '--comment', 'x', '--store', 'local']);
    expect(both.stderr).toMatch(/give one of --for .* and --until/);
    const kind = await cli(['silence', 'add', '--for', '2h', '--kind', 'medium', '--comment', 'x', '--store', 'local']);
    expect(kind.stderr).toMatch(/--kind "medium": expected high or low/);
    const dry = await cli(['silence', 'add', '--for', '2h', '--kind', 'high', '--comment', 'sauna', '--store', 'local', '--dry-run']);
    expect(dry.exitCode, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(/^would add silence kind=high from .* to .*: sauna$/m);
    const list = await cli(['silence', 'list', '--store', 'local']);
    expect(list.stdout).toMatch(/no active or pending silences/);
    const away = await cli(['away', 'maybe', '--store', 'local']);
    expect(away.exitCode).toBe(2);
    expect(away.stderr).toMatch(/"maybe": expected on, off or status/);
  });
});
