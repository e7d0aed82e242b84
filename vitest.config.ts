import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';

const src = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  resolve: {
    // Tests run against the TypeScript sources of the workspace packages, not their build output.
    alias: {
      '@stream-smarts/contracts': src('./contracts/src/index.ts'),
      '@stream-smarts/pi-collector': src('./pi-collector/src/index.ts'),
      '@stream-smarts/notifier': src('./notifier/src/index.ts'),
    },
  },
  test: {
    include: ['{contracts,cli,notifier,pi-collector}/test/**/*.test.ts', 'testing/**/*.test.ts'],
    globalSetup: ['testing/kafka/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 90_000,
    reporters: ['default'],
  },
});
