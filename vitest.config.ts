import { defineConfig } from 'vitest/config';

const shared = {
  include: ['src/**/*.test.{ts,tsx}', 'channels/**/*.test.{ts,tsx}'],
  testTimeout: 30_000,
  hookTimeout: 60_000,
};

// The whole suite runs twice: once on embedded PGlite, once on PostgreSQL.
export default defineConfig({
  test: {
    projects: [
      { extends: true, test: { ...shared, name: 'pglite', env: { TEST_DB: 'pglite' } } },
      { extends: true, test: { ...shared, name: 'postgres', env: { TEST_DB: 'postgres' } } },
      // Accessibility in real Chromium (Debian's /usr/bin/chromium through playwright-core).
      {
        extends: true,
        test: {
          name: 'a11y',
          include: ['a11y-tests/**/*.a11y.test.ts'],
          env: { TEST_DB: 'pglite' },
          testTimeout: 60_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
