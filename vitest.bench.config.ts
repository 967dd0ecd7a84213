import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['packages/*/bench/**/*.bench.ts', 'bench/**/*.bench.ts'],
    benchmark: {
      include: ['packages/*/bench/**/*.bench.ts', 'bench/**/*.bench.ts'],
    },
    pool: 'forks',
    testTimeout: 600_000,
    hookTimeout: 600_000,
  },
});
