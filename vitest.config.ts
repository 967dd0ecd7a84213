import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['packages/*/test/**/*.test.ts', 'editors/*/test/**/*.test.ts', 'grammar/test/**/*.test.ts', 'tests/**/*.test.ts'],
    // Native addons (better-sqlite3, DuckDB) are safer in child processes than in worker threads.
    pool: 'forks',
    // Tests spawn the bundled CLI; build it once first so they never run a stale one.
    globalSetup: ['tests/support/build-cli.ts'],
    // Engine start-up (PGlite boots a WASM Postgres) and native builds make cold tests slow.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
