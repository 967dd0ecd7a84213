import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['packages/*/bench/**/*.bench.ts', 'bench/**/*.bench.ts'],
    benchmark: {
      include: ['packages/*/bench/**/*.bench.ts', 'bench/**/*.bench.ts'],
    },
    pool: 'forks',
    // One benchmark file at a time: on a 2-core machine, two files timing at once would time each other.
    fileParallelism: false,
    testTimeout: 600_000,
    hookTimeout: 600_000,
  },
});
