import { cloudflareTest } from '@cloudflare/vitest-plugin'
import { defineConfig } from 'vitest/config'

// The whole core suite runs twice: in Node and inside workerd, where the edge runs it.
export default defineConfig({
  test: {
    projects: [
      {
        // bench/ tests read installed packages with node:fs: Node only.
        test: {
          name: 'node',
          include: ['src/**/*.test.ts', 'bench/**/*.test.ts'],
          environment: 'node',
        },
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
