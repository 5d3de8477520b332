import { defineConfig } from 'vitest/config'

// Node only. Conformance tests start real servers on 127.0.0.1 port 0; bounds are generous
// because the machine is shared with other test runs.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
})
