/**
 * @module app — the Hono application: routes, middleware and the one error handler.
 */
import { OpenAPIHono } from '@hono/zod-openapi'

/** The worker's HTTP application. */
export const app = new OpenAPIHono<{ Bindings: Env }>()
app.get('/healthz', (c) => c.json({ status: 'ok' }))
