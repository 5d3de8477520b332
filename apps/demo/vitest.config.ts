import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    environment: 'node',
    // The browser test starts the emulator, wrangler dev, Vite and Chromium on a shared 2-core box.
    // One file at a time: two wrangler stacks and a browser at once starve a 2-core machine.
    fileParallelism: false,
    testTimeout: 240_000,
    hookTimeout: 300_000,
  },
})
