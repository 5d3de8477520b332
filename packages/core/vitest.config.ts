import { cloudflareTest } from '@cloudflare/vitest-plugin'
import { defineConfig } from 'vitest/config'

// The whole core suite runs twice: in Node and inside workerd, where the edge runs it.
export default defineConfig({
  test: {
    projects: [
      {
        test: { name: 'node', include: ['src/**/*.test.ts'], environment: 'node' },
      },
      {
        plugins: [
          cloudflareTest({
            miniflare: { compatibilityDate: '2026-10-01', compatibilityFlags: [] },
          }),
        ],
        test: { name: 'workerd', include: ['src/**/*.test.ts'] },
      },
    ],
  },
})
