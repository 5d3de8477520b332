/**
 * @module routes/meta — `/healthz` (the worker runs), `/readyz` (upstream and breaker),
 * `/metrics` (Prometheus text, admin), each described in the OpenAPI document, and `/docs`:
 * the API reference page (Scalar, rendering `/openapi.json`).
 */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi'
import { Scalar } from '@scalar/hono-api-reference'
import { PROMETHEUS_CONTENT_TYPE } from '@tts/core/metrics'
import { requireScope } from '../auth/index.ts'
import type { AppEnv } from '../env.ts'
import { metrics } from '../observe/index.ts'
import { poolClient } from '../pool-client/index.ts'
import { validationHook } from './hook.ts'
import { AUTHED, problemResponses } from './problems.ts'

/** Health, metrics and documentation routes. */
export const metaRoutes = new OpenAPIHono<AppEnv>({ defaultHook: validationHook })

metaRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/healthz',
    summary: 'Liveness: the worker runs (no key needed)',
    responses: {
      200: {
        description: 'Alive',
        content: { 'application/json': { schema: z.object({ status: z.literal('ok') }) } },
      },
    },
  }),
  (c) => c.json({ status: 'ok' as const }, 200),
)

const ReadySchema = z
  .object({
    status: z.enum(['ready', 'degraded']),
    pool: z.string().openapi({ description: 'The upstream pool’s name' }),
    ready: z.boolean(),
  })
  .passthrough()
  .openapi('Readiness', { description: 'Pool readiness, with each upstream’s breaker state' })

metaRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/readyz',
    summary: 'Readiness: can an upstream serve (no key needed)',
    responses: {
      200: { description: 'Ready', content: { 'application/json': { schema: ReadySchema } } },
      503: {
        description: 'Degraded: no upstream can serve now',
        content: { 'application/json': { schema: ReadySchema } },
      },
    },
  }),
  async (c) => {
    const client = poolClient(c.env)
    const pool = await client.status()
    const body = { status: pool.ready ? 'ready' : 'degraded', pool: client.settings.name, ...pool }
    return pool.ready
      ? c.json(body as z.infer<typeof ReadySchema>, 200)
      : c.json(body as z.infer<typeof ReadySchema>, 503)
  },
)

metaRoutes.use('/metrics', requireScope('admin'))
metaRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/metrics',
    summary: 'Prometheus metrics (admin key)',
    security: [{ bearer: [] }],
    responses: {
      200: {
        description: 'Prometheus text exposition',
        content: { [PROMETHEUS_CONTENT_TYPE]: { schema: z.string() } },
      },
      ...problemResponses(AUTHED),
    },
  }),
  async (c) => {
    // The pool's counters (breaker transitions, dead letters) span every isolate: ask the object.
    const pool = await poolClient(c.env)
      .metricsText()
      .catch(() => '')
    return c.text(`${metrics.toPrometheus()}${pool}`, 200, {
      'content-type': PROMETHEUS_CONTENT_TYPE,
    })
  },
)

// The page loads Scalar's script from its CDN in the reader's browser; the worker only
// serves this HTML, so nothing of Scalar is bundled into the worker.
metaRoutes.get('/docs', Scalar({ url: '/openapi.json', pageTitle: 'tts-edge API reference' }))
