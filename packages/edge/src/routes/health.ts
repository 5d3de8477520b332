/**
 * @module routes/health — `/healthz` (the worker runs) and `/readyz` (an upstream can serve).
 * Anyone may ask; without an admin key the answer is only `ok` or `degraded` (and the HTTP
 * status), so the public surface names no host, URL, load or error. With an admin-scope key the
 * body adds the details: `/healthz` the configured upstreams (no pool call), `/readyz` each
 * upstream's breaker, load, queue and last error, read fresh from the pool.
 *
 * A key without the admin scope, a browser token, an unknown key, or an admin key past its
 * rate limit gets the public answer, not a 401/403: a health probe must not turn red because of
 * a credential it carries, and the public answer tells nothing a caller could not learn anyway.
 * Public `/readyz` reads the isolate's snapshot (pool-client/snapshot.ts), never one pool call
 * per hit.
 */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi'
import type { Context } from 'hono'
import packageJson from '../../package.json' with { type: 'json' }
import { authenticate, checkRate } from '../auth/index.ts'
import { presentedToken } from '../auth/token-request.ts'
import type { AppEnv } from '../env.ts'
import { poolClient } from '../pool-client/index.ts'
import { readySnapshot } from '../pool-client/snapshot.ts'
import { isProblemError } from '../problem/index.ts'
import { settingsOf } from '../settings/index.ts'
import { validationHook } from './hook.ts'

/** Health and readiness routes. */
export const healthRoutes = new OpenAPIHono<AppEnv>({ defaultHook: validationHook })

/** True when the request carries a valid admin-scope API key within its rate limit. */
async function isAdmin(c: Context<AppEnv>): Promise<boolean> {
  const header = c.req.header('authorization')
  if (!header || presentedToken(c)) return false
  try {
    const principal = await authenticate(c.env, header)
    if (!principal.scopes.includes('admin')) return false
    await checkRate(c.env, principal, (p) => c.executionCtx.waitUntil(p))
    return true
  } catch (error) {
    if (isProblemError(error) && (error.code === 'unauthorized' || error.code === 'rate_limited'))
      return false
    throw error
  }
}

const adminOnly = (description: string) => ({ description: `${description} (admin key only)` })

const UpstreamConfigSchema = z.object({
  name: z.string().openapi({ description: 'The name callers see in X-TTS-Upstream' }),
  url: z.string(),
  adapter: z.string(),
  weight: z.number(),
  maxConcurrency: z.number(),
})

const HealthSchema = z
  .object({
    status: z.literal('ok'),
    version: z.string().optional().openapi(adminOnly('The worker’s version')),
    pool: z.string().optional().openapi(adminOnly('The upstream pool’s name')),
    upstreams: z.array(UpstreamConfigSchema).optional().openapi(adminOnly('Configured upstreams')),
  })
  .openapi('Health', { description: '`ok`; with an admin key, the configuration it runs' })

const UpstreamStateSchema = UpstreamConfigSchema.extend({
  breaker: z.enum(['closed', 'open', 'half-open']),
  failures: z.number(),
  retryAfterS: z.number().openapi({ description: 'Seconds until a probe may go (0 unless open)' }),
  inFlight: z.number(),
  queued: z.number(),
  lastErrorAt: z.string().nullable(),
  lastError: z.string().nullable().openapi({ description: 'The last failure’s code' }),
  lastSuccessAt: z.string().nullable(),
}).passthrough()

const ReadySchema = z
  .object({
    status: z.enum(['ok', 'degraded']),
    pool: z.string().optional().openapi(adminOnly('The upstream pool’s name')),
    ready: z.boolean().optional().openapi(adminOnly('An upstream’s breaker is closed')),
    flights: z.number().optional().openapi(adminOnly('Syntheses in flight')),
    checkedAt: z.string().optional().openapi(adminOnly('When the pool answered')),
    upstreams: z.array(UpstreamStateSchema).optional().openapi(adminOnly('Each upstream’s state')),
  })
  .openapi('Readiness', {
    description: '`ok` or `degraded`; with an admin key, each upstream’s breaker, load and errors',
  })

const security = [{}, { bearer: [] }]

healthRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/healthz',
    summary: 'Liveness: the worker runs (no key needed; details with an admin key)',
    security,
    responses: {
      200: { description: 'Alive', content: { 'application/json': { schema: HealthSchema } } },
    },
  }),
  async (c) => {
    c.header('cache-control', 'no-store')
    if (!(await isAdmin(c))) return c.json({ status: 'ok' as const }, 200)
    const { pool } = settingsOf(c.env)
    return c.json(
      {
        status: 'ok' as const,
        version: packageJson.version,
        pool: pool.name,
        upstreams: pool.config.upstreams.map((u) => ({
          name: u.name,
          url: u.url,
          adapter: u.adapter,
          weight: u.weight,
          maxConcurrency: u.maxConcurrency,
        })),
      },
      200,
    )
  },
)

healthRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/readyz',
    summary: 'Readiness: can an upstream serve (no key needed; details with an admin key)',
    security,
    responses: {
      200: { description: 'Ready', content: { 'application/json': { schema: ReadySchema } } },
      503: {
        description: 'Degraded: no upstream can serve now',
        content: { 'application/json': { schema: ReadySchema } },
      },
    },
  }),
  async (c) => {
    c.header('cache-control', 'no-store')
    const admin = await isAdmin(c)
    const client = poolClient(c.env)
    const snapshot = await readySnapshot(client, {
      fresh: admin,
      onError: (error) =>
        c.get('log').error('the pool could not be asked for readiness', { error: String(error) }),
    })
    const status = snapshot.ready ? ('ok' as const) : ('degraded' as const)
    const code = snapshot.ready ? 200 : 503
    if (!admin) return c.json({ status }, code)
    const names = new Map(client.settings.config.upstreams.map((u) => [u.url, u.name]))
    const body = {
      status,
      pool: client.settings.name,
      ready: snapshot.ready,
      flights: snapshot.pool?.flights ?? 0,
      checkedAt: new Date(snapshot.checkedAt).toISOString(),
      upstreams: (snapshot.pool?.upstreams ?? []).map((u) => ({
        name: names.get(u.url) ?? 'unnamed',
        ...u,
      })),
    }
    return c.json(body, code)
  },
)
