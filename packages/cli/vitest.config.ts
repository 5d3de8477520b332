import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    environment: 'node',
    globalSetup: ['test/global-setup.ts'],
    // End-to-end tests start the emulator and the edge under wrangler on a shared 2-core box.
    // One file at a time: e2e tests take the shared emulator down on purpose, which must not
    // reach another file's test that happens to run at that moment.
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 180_000,
  },
})
