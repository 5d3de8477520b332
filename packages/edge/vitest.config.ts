import { createHash, randomBytes } from 'node:crypto'
import { cloudflareTest } from '@cloudflare/vitest-plugin'
import { defineConfig } from 'vitest/config'

// Fresh credentials per run: nothing secret is checked in, and tests read them from `env`.
const key = (name: string) => `tts_test_${name}_${randomBytes(12).toString('hex')}`
const keys = {
  speech: key('speech'),
  admin: key('admin'),
  voices: key('voices'),
  other: key('other'),
  flood: key('flood'),
}
const hash = (k: string) => createHash('sha256').update(k).digest('hex')
const API_KEYS = JSON.stringify([
  { hash: hash(keys.speech), scopes: ['speech'], tenant: 'tenant-a' },
  { hash: hash(keys.voices), scopes: ['speech', 'voices'], tenant: 'tenant-a' },
  { hash: hash(keys.admin), scopes: ['speech', 'voices', 'admin'], tenant: 'ops' },
  { hash: hash(keys.other), scopes: ['speech'], tenant: 'tenant-b' },
  { hash: hash(keys.flood), scopes: ['speech'], tenant: 'tenant-c' },
])
const ring = (id: string) => `${id}:${randomBytes(32).toString('base64')}`

export default defineConfig({
  plugins: [
    cloudflareTest(({ inject }) => ({
      wrangler: { configPath: './wrangler.jsonc' },
      miniflare: {
        // No look-up of Cloudflare's request metadata: tests run without outside network.
        cf: false,
        bindings: {
          UPSTREAM_URL: inject('upstreamUrl'),
          API_KEYS,
          CACHE_KEYS: ring('k1'),
          TOKEN_KEYS: ring('t1'),
          UPSTREAM_API_KEY: '',
          TEST_KEYS: JSON.stringify(keys),
          // Cache counts written after each request, not batched for 5 s: a test's waitUntil
          // work would otherwise wait out the batching window (test/cache-stats tests batching).
          CACHE_STATS_FLUSH_MS: '0',
          TEST_OTHER_RING: `${ring('k2')},${ring('k0')}`,
        },
      },
    })),
  ],
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: ['./test/global-setup.ts'],
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
})
