/**
 * @module ready-endpoint — the demo's stand-in for an app's own status route: a Vite dev-server
 * route, `GET /__tts/readyz`, that asks the edge's `/readyz` with the key only the dev server holds
 * (`TTS_DEMO_API_KEY`, the dev key with the admin scope), so the page can show each upstream's
 * breaker, load and last error without ever holding a key. The edge shows anyone without an admin
 * key only ok/degraded; a built page (no dev server) asks the edge directly and shows just that.
 */
import type { Plugin } from 'vite'

/** The route the page asks for the edge's readiness. */
export const READY_PATH = '/__tts/readyz'

/**
 * The Vite plugin serving {@link READY_PATH}.
 *
 * @example
 * defineConfig({ plugins: [readyEndpoint({ endpoint: 'http://127.0.0.1:8787', apiKey })] })
 */
export function readyEndpoint(options: { endpoint: string; apiKey: string | undefined }): Plugin {
  return {
    name: 'demo:ready-endpoint',
    configureServer(server) {
      server.middlewares.use(READY_PATH, async (req, res) => {
        const reply = (status: number, body: string) => {
          res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' })
          res.end(body)
        }
        if (req.method !== 'GET') return reply(405, '{"error":"use GET"}')
        try {
          const ready = await fetch(`${options.endpoint}/readyz`, {
            headers: options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {},
            signal: AbortSignal.timeout(8000),
          })
          reply(ready.status, await ready.text())
        } catch {
          reply(502, '{"error":"the edge could not be reached"}')
        }
      })
    },
  }
}
