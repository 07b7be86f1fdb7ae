import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 600_000,
    // Infrastructure tests share one moto server and terraform's plugin cache: keep files from racing on them.
    fileParallelism: true,
    pool: 'forks',
  },
});
