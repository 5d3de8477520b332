import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    environment: 'node',
    // Integration tests spawn the emulator and, when present, the edge on a shared 2-core box.
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
})
