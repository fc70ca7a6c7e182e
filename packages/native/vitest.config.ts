import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Child processes: a native crash fails one file, not the runner.
    pool: 'forks',
    testTimeout: 30000,
    hookTimeout: 30000,
  },
});
