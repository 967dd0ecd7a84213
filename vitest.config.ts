import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['packages/*/test/**/*.test.ts', 'tests/**/*.test.ts'],
    // Native addons (better-sqlite3, DuckDB) are safer in child processes than in worker threads.
    pool: 'forks',
    // Engine start-up (PGlite boots a WASM Postgres) and native builds make cold tests slow.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
