import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 600_000,
    pool: 'forks',
    // Much of the suite waits rather than computes (moto, Terraform's provider, SQS delays, pacing windows), so one
    // worker more than there are cores keeps the cores busy. Vitest's default, one fewer, ran a 2-core CI one file
    // at a time. VITEST_MAX_WORKERS overrides it.
    maxWorkers: Number(process.env.VITEST_MAX_WORKERS ?? availableParallelism() + 1),
    // Handlers log JSON lines and EMF metrics; tests assert on behaviour, not on that output.
    env: { POWERTOOLS_LOG_LEVEL: 'SILENT', POWERTOOLS_METRICS_DISABLED: 'true' },
  },
});
