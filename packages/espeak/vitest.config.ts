import { defineConfig } from 'vitest/config'

// Node only: the engine's browser path is covered by importing it without Node built-ins
// (see src/browser.test.ts); running the 24 MB voice data inside workerd is not this package's job.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
  },
})
