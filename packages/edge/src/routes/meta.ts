/**
 * @module routes/meta — `/healthz` (the worker runs), `/readyz` (upstream and breaker),
 * `/metrics` (Prometheus text, admin), `/openapi.json` and `/docs` (API reference page).
 */

import { PROMETHEUS_CONTENT_TYPE } from '@tts/core/metrics'
import { Hono } from 'hono'
import { requireScope } from '../auth/index.ts'
import type { AppEnv } from '../env.ts'
import { metrics } from '../observe/index.ts'
import { poolClient } from '../pool-client/index.ts'

/** Health, metrics and documentation routes. */
export const metaRoutes = new Hono<AppEnv>()

metaRoutes.get('/healthz', (c) => c.json({ status: 'ok' }))

metaRoutes.get('/readyz', async (c) => {
  const client = poolClient(c.env)
  const pool = await client.status()
  return c.json(
    { status: pool.ready ? 'ready' : 'degraded', pool: client.settings.name, ...pool },
    pool.ready ? 200 : 503,
  )
})

metaRoutes.get('/metrics', requireScope('admin'), async (c) => {
  // The pool's counters (breaker transitions, dead letters) span every isolate: ask the object.
  const pool = await poolClient(c.env)
    .metricsText()
    .catch(() => '')
  return c.body(`${metrics.toPrometheus()}${pool}`, 200, {
    'content-type': PROMETHEUS_CONTENT_TYPE,
  })
})

const DOCS = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>tts-edge API</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><main id="reference">Loading the API reference from <a href="/openapi.json">/openapi.json</a>…</main>
<script type="module">
const spec = await (await fetch('/openapi.json')).json()
const esc = (s) => String(s ?? '').replace(/[&<>"]/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[ch])
let html = '<h1>' + esc(spec.info.title) + ' ' + esc(spec.info.version) + '</h1><p>' + esc(spec.info.description) + '</p>'
for (const [path, ops] of Object.entries(spec.paths)) for (const [method, op] of Object.entries(ops)) {
  html += '<section><h2><code>' + method.toUpperCase() + ' ' + esc(path) + '</code></h2><p>' + esc(op.summary) + '</p>'
  const body = op.requestBody?.content && Object.values(op.requestBody.content)[0]?.schema
  if (body) html += '<pre>' + esc(JSON.stringify(body, null, 2)) + '</pre>'
  html += '<p>Responses: ' + Object.keys(op.responses ?? {}).map(esc).join(', ') + '</p></section>'
}
document.getElementById('reference').innerHTML = html
</script></body></html>`

metaRoutes.get('/docs', (c) => c.html(DOCS))
