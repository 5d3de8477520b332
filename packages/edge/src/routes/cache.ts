/**
 * @module routes/cache — `GET /v1/cache/stats` (entries, bytes, hit rate: the caller's own
 * cache scope, every scope for an admin key) and `DELETE /v1/cache` (admin: purges a tenant's
 * cache by starting a new generation).
 */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi'
import { requireScope } from '../auth/index.ts'
import { readCacheCounters, resetCacheCounters } from '../cache/counters.ts'
import { bumpGeneration, generationOwner } from '../cache/generation.ts'
import { scanIndex } from '../cache/index-scan.ts'
import { forgetRecentAudio } from '../cache/memory.ts'
import type { AppEnv } from '../env.ts'
import { ProblemError } from '../problem/index.ts'
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

const PurgeQuery = z.object({
  tenant: z.string().min(1).max(128).optional().openapi({
    description:
      "The tenant whose cache to purge (an admin may name any tenant); default: the caller's own. Not allowed under `CACHE_TENANCY=shared`, where one cache serves everyone.",
    example: 'acme',
  }),
})

const PurgeSchema = z
  .object({
    tenant: z.string().nullable().openapi({ description: 'The purged tenant; null when shared' }),
    generation: z.string().openapi({ description: 'The new cache generation' }),
    since: z.string().openapi({ description: 'When it began (ISO 8601)' }),
    deleted: z.number().openapi({
      description:
        'Always 0: nothing is deleted in the request; the cron removes the old objects in batches',
    }),
  })
  .openapi('CachePurge')

cacheRoutes.openapi(
  createRoute({
    method: 'delete',
    path: '/v1/cache',
    summary: "Purge a tenant's cache (admin)",
    description:
      "Starts a new cache generation for the tenant: one write, and every key of the tenant changes with it, so no location serves the tenant's old audio again — the purging location at once, every other within about 90 s (KV propagation plus the isolates' 30 s memo of the generation). Other tenants' entries are untouched. Nothing is deleted entry by entry in the request: the scheduled housekeeping removes the old R2 objects and index entries later, in batches within the Workers subrequest limit.",
    security: [{ bearer: [] }],
    request: { query: PurgeQuery },
    responses: {
      200: {
        description: 'Purged',
        content: { 'application/json': { schema: PurgeSchema } },
      },
      ...problemResponses([400, ...AUTHED]),
    },
  }),
  async (c) => {
    const { cacheTenancy } = settingsOf(c.env)
    const named = c.req.valid('query').tenant
    if (named !== undefined && cacheTenancy === 'shared') {
      throw new ProblemError(
        'invalid_request',
        '`tenant` cannot be named under CACHE_TENANCY=shared: one cache serves every tenant; purge without it',
      )
    }
    const tenant = named ?? c.get('principal').tenant
    const generation = await bumpGeneration(c.env.INDEX, generationOwner(cacheTenancy, tenant))
    forgetRecentAudio()
    forgetPreparedRequests()
    // The purged tenant's counts start again; under CACHE_TENANCY=key the counts are per key,
    // which a tenant's purge does not name, so they are kept.
    const counted =
      cacheTenancy === 'shared' ? null : cacheTenancy === 'tenant' ? `tenant:${tenant}` : undefined
    if (counted !== undefined) await resetCacheCounters(c.env, counted)
    return c.json(
      {
        tenant: cacheTenancy === 'shared' ? null : tenant,
        generation: generation.id,
        since: new Date(generation.since).toISOString(),
        deleted: 0,
      },
      200,
    )
  },
)
