import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Where downloads are kept (H2O's 270 MB jar): the user's cache directory, not the clone, so every
 * clone on a machine — CI's fresh clone included — reuses them. STREAM_SMARTS_CACHE_DIR overrides
 * it (the systemd units point it at the service's CacheDirectory). The test harness's
 * testing/support/cache-dir.ts follows the same rule for Kafka.
 */
export function cacheDir(...parts: string[]): string {
  const base = process.env['STREAM_SMARTS_CACHE_DIR'] || join(process.env['XDG_CACHE_HOME'] || join(homedir(), '.cache'), 'stream-smarts');
  return join(base, ...parts);
}
