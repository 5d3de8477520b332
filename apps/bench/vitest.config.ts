import { defineConfig } from 'vitest/config'

// Unit tests of the harness's pure parts (workload, statistics, report); the suite itself runs
// with `pnpm bench`, never under `vitest`, because it starts servers and measures for minutes.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
  },
})
