/**
 * @module routes/meta — `/metrics` (Prometheus text, admin), described in the OpenAPI document,
 * and `/docs`: the API reference page (Scalar, rendering `/openapi.json`). `/healthz` and
 * `/readyz` are in routes/health.ts.
 */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi'
import { Scalar } from '@scalar/hono-api-reference'
import { PROMETHEUS_CONTENT_TYPE } from '@tts/core/metrics'
import { requireScope } from '../auth/index.ts'
import { recentAudioBytes } from '../cache/memory.ts'
import type { AppEnv } from '../env.ts'
import { metrics } from '../observe/index.ts'
import { poolClient } from '../pool-client/index.ts'
import { validationHook } from './hook.ts'
import { AUTHED, problemResponses } from './problems.ts'

/** Metrics and documentation routes. */
export const metaRoutes = new OpenAPIHono<AppEnv>({ defaultHook: validationHook })

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
    // A bounded cache, not a leak: shown so heap readings can tell the two apart (bench row 11).
    metrics
      .gauge(
        'tts.edge.cache.memory_bytes',
        {},
        {
          unit: 'bytes',
          help: 'Bytes of recent plaintext audio this isolate keeps (at most CACHE_MEMORY_BYTES)',
        },
      )
      .set(recentAudioBytes())
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
