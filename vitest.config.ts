import { defineConfig } from 'vitest/config';

/** The HTTP suites that run a second time with every app on its own PostgreSQL database. */
const HTTP_SUITES = [
  'test/e2e/bots.*.test.ts',
  'test/host/*.http.test.ts',
  'test/services/*.http.test.ts',
  'test/providers/{account,input,lifecycle,staff,ratelimit}.test.ts',
  'test/http/*.test.ts',
];

const shared = {
  setupFiles: ['reflect-metadata'],
  pool: 'forks' as const,
  testTimeout: 30_000,
  hookTimeout: 60_000,
};

export default defineConfig({
  // vitest resolves workspace packages through Vite's SSR resolver; the "source" condition points it at src/.
  ssr: { resolve: { conditions: ['source'] } },
  test: {
    projects: [
      {
        extends: true,
        test: { name: 'all', include: ['test/**/*.test.ts', 'packages/*/test/**/*.test.ts'], ...shared },
      },
      {
        extends: true,
        test: { name: 'postgres', include: HTTP_SUITES, env: { TEST_STORE: 'postgres' }, ...shared },
      },
    ],
  },
});
