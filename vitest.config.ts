import { defineConfig } from 'vitest/config';

export default defineConfig({
  // vitest resolves workspace packages through Vite's SSR resolver; the "source" condition points it at src/.
  ssr: { resolve: { conditions: ['source'] } },
  test: {
    include: ['test/**/*.test.ts', 'packages/*/test/**/*.test.ts'],
    setupFiles: ['reflect-metadata'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
