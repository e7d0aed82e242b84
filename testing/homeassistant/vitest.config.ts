import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';

const src = (p: string) => fileURLToPath(new URL(p, import.meta.url));

/**
 * `make test-ha`: the delivery tests against a real Home Assistant (restarted, frozen). Kept out of
 * the main run's include (they take minutes) and without its Kafka global setup (they need none).
 */
export default defineConfig({
  resolve: {
    alias: {
      '@stream-smarts/contracts': src('../../contracts/src/index.ts'),
      '@stream-smarts/notifier': src('../../notifier/src/index.ts'),
    },
  },
  test: {
    root: src('../..'),
    include: ['testing/homeassistant/**/*.ha-test.ts'],
    testTimeout: 180_000,
    hookTimeout: 300_000,
    fileParallelism: false,
    reporters: ['default'],
  },
});
