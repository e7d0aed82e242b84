import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SETTINGS } from '../src/config/settings.js';
// @ts-expect-error: a plain .mjs script without type declarations
import { envExample } from '../../scripts/env-example.mjs';

describe('.env.example', () => {
  it('is what scripts/env-example.mjs writes from the settings table (regenerate it after adding a setting)', () => {
    const file = readFileSync(fileURLToPath(new URL('../../.env.example', import.meta.url)), 'utf8');
    expect(file).toBe((envExample as (s: typeof SETTINGS) => string)(SETTINGS));
  });

  it('names every setting by its first environment variable and never holds a secret value', () => {
    const file = readFileSync(fileURLToPath(new URL('../../.env.example', import.meta.url)), 'utf8');
    for (const s of Object.values(SETTINGS)) {
      expect(file).toContain(`#${s.env[0]}=`);
      if ('secret' in s && s.secret) expect(file).toMatch(new RegExp(`^#${s.env[0]}=$`, 'm'));
    }
  });
});
