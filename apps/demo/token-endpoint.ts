/**
 * @module token-endpoint — the demo's stand-in for an app's own server: a Vite dev-server route,
 * `POST /__tts/token`, that holds the API key (`TTS_DEMO_API_KEY`, read on the server only; it is
 * not a `VITE_` variable, so it never reaches the page) and mints a browser token with the edge's
 * `POST /v1/tokens`, bound to the page's origin, for the page's `getToken()`. A real app does the
 * same in its own backend, behind its own login.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Plugin } from 'vite'

/** The route the page asks for a token. */
export const TOKEN_PATH = '/__tts/token'
/** Minted tokens live 5 minutes; the client fetches the next one 30 s before. */
const TTL_SECONDS = 300

function reply(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' })
  res.end(JSON.stringify(body))
}

/** The page's origin: the `Origin` of its POST, else the dev server's own host. */
function pageOrigin(req: IncomingMessage): string {
  const origin = req.headers.origin
  return origin && origin !== 'null' ? origin : `http://${req.headers.host ?? '127.0.0.1'}`
}

/**
 * The Vite plugin serving {@link TOKEN_PATH}.
 *
 * @example
 * defineConfig({ plugins: [tokenEndpoint({ endpoint: 'http://127.0.0.1:8787', apiKey })] })
 */
export function tokenEndpoint(options: { endpoint: string; apiKey: string | undefined }): Plugin {
  return {
    name: 'demo:token-endpoint',
    configureServer(server) {
      server.middlewares.use(TOKEN_PATH, async (req, res) => {
        if (req.method !== 'POST') return reply(res, 405, { error: 'use POST' })
        if (!options.apiKey) {
          return reply(res, 503, { error: 'no API key for tokens: set TTS_DEMO_API_KEY' })
        }
        try {
          const minted = await fetch(`${options.endpoint}/v1/tokens`, {
            method: 'POST',
            headers: {
              authorization: `Bearer ${options.apiKey}`,
              'content-type': 'application/json',
            },
            body: JSON.stringify({ ttl_seconds: TTL_SECONDS, origin: pageOrigin(req) }),
          })
          reply(res, minted.status, await minted.json())
        } catch {
          reply(res, 502, { error: 'the edge could not be reached to mint a token' })
        }
      })
    },
  }
}
