/**
 * @module routes/cache — `GET /v1/cache/stats` (entries, bytes, hit rate: the caller's own
 * cache scope, every scope for an admin key) and `DELETE /v1/cache` (admin: drops every entry).
 */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi'
import { requireScope } from '../auth/index.ts'
import { readCacheCounters, resetCacheCounters } from '../cache/counters.ts'
import { scanIndex } from '../cache/index-scan.ts'
import { forgetRecentAudio } from '../cache/memory.ts'
import { keyRingOf } from '../cache/ring.ts'
import { createAudioCache, edgeCacheOf } from '../cache/store.ts'
import type { AppEnv } from '../env.ts'
import { settingsOf } from '../settings/index.ts'
import { scopeOf } from '../speech/context.ts'
import { forgetPreparedRequests } from '../speech/prepared-memo.ts'
import { validationHook } from './hook.ts'
import { AUTHED, problemResponses } from './problems.ts'

/** Cache routes. */
export const cacheRoutes = new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
cacheRoutes.use('/v1/cache/stats', requireScope('speech'))
cacheRoutes.delete('/v1/cache', requireScope('admin'))

const StatsSchema = z
  .object({
    entries: z.number(),
    bytes: z.number(),
    responses: z.number(),
    segments: z.number(),
    hits: z.number(),
    misses: z.number(),
    hitRate: z.number().nullable(),
    scope: z.string().nullable().openapi({
      description:
        'The cache scope counted (`tenant:…`, `key:…` or `*` under CACHE_TENANCY=shared); null for an admin key, which sees every scope',
    }),
  })
  .openapi('CacheStats')

cacheRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/v1/cache/stats',
    summary: 'Cache size and hit rate',
    security: [{ bearer: [] }],
    responses: {
      200: { description: 'Stats', content: { 'application/json': { schema: StatsSchema } } },
      ...problemResponses(AUTHED),
    },
  }),
  async (c) => {
    const principal = c.get('principal')
    // A speech key sees its own scope only (issue 18): other tenants' volumes are not its business.
    const scope = principal.scopes.includes('admin')
      ? null
      : scopeOf(settingsOf(c.env).cacheTenancy, principal)
    let entries = 0
    let bytes = 0
    let responses = 0
    for await (const { meta } of scanIndex(c.env.INDEX)) {
      if (scope !== null && meta.scope !== scope) continue
      entries++
      bytes += meta.size
      if (meta.kind === 'response') responses++
    }
    const { hits, misses } = await readCacheCounters(c.env, scope)
    const hitRate = hits + misses === 0 ? null : hits / (hits + misses)
    return c.json(
      { entries, bytes, responses, segments: entries - responses, hits, misses, hitRate, scope },
      200,
    )
  },
)

cacheRoutes.openapi(
  createRoute({
    method: 'delete',
    path: '/v1/cache',
    summary: 'Delete every cache entry (admin)',
    security: [{ bearer: [] }],
    responses: {
      200: {
        description: 'Deleted',
        content: { 'application/json': { schema: z.object({ deleted: z.number() }) } },
      },
      ...problemResponses(AUTHED),
    },
  }),
  async (c) => {
    const cache = createAudioCache({
      r2: c.env.AUDIO,
      kv: c.env.INDEX,
      ring: await keyRingOf(c.env),
      edgeCache: edgeCacheOf(),
      waitUntil: (p) => c.executionCtx.waitUntil(p),
    })
    let deleted = 0
    for await (const { key } of scanIndex(c.env.INDEX)) {
      await cache.delete(key)
      deleted++
    }
    forgetRecentAudio()
    forgetPreparedRequests()
    await resetCacheCounters(c.env)
    return c.json({ deleted }, 200)
  },
)
