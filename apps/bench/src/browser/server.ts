/**
 * @module browser/server — serves the bench's page (bundled by esbuild from `page.ts`) on
 * 127.0.0.1 at a run-time port, and passes `/v1/*` to the edge as a stream, adding the run's
 * API key there so it never reaches the page. Same origin for page and API: no CORS set-up.
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { HOST } from '../procs/index.ts'

/** The running page server. */
export interface PageServer {
  url: string
  close(): Promise<void>
}

/**
 * Bundles the page into `dir` and serves it in front of `edgeUrl`.
 *
 * @example
 * const page = await startPageServer(tmp, edge.url, edge.apiKey)
 */
export async function startPageServer(
  dir: string,
  edgeUrl: string,
  apiKey: string,
): Promise<PageServer> {
  const built = await build({
    entryPoints: [fileURLToPath(new URL('./page.ts', import.meta.url))],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    conditions: ['browser'],
    minify: true,
    write: false,
    outdir: join(dir, 'www'),
    logLevel: 'silent',
  })
  const script = built.outputFiles.find((f) => f.path.endsWith('.js'))?.contents
  if (!script) throw new Error('the bench page did not bundle')
  const server: Server = createServer(async (req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/'
    if (path === '/') {
      res.writeHead(200, { 'content-type': 'text/html' })
      res.end('<!doctype html><title>loading</title><script type="module" src="/page.js"></script>')
      return
    }
    if (path === '/page.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(script)
      return
    }
    if (!path.startsWith('/v1/')) return void res.writeHead(404).end()
    const chunks: Buffer[] = []
    for await (const c of req) chunks.push(c as Buffer)
    const abort = new AbortController()
    res.on('close', () => abort.abort())
    try {
      const upstream = await fetch(`${edgeUrl}${req.url}`, {
        method: req.method ?? 'POST',
        headers: {
          'content-type': req.headers['content-type'] ?? 'application/json',
          authorization: `Bearer ${apiKey}`,
        },
        body: chunks.length ? Buffer.concat(chunks) : null,
        signal: abort.signal,
      })
      const headers: Record<string, string> = {}
      for (const h of ['content-type', 'x-tts-cache', 'x-tts-language', 'retry-after'])
        if (upstream.headers.has(h)) headers[h] = upstream.headers.get(h) as string
      res.writeHead(upstream.status, headers)
      if (upstream.body) {
        for await (const chunk of Readable.fromWeb(upstream.body as never)) res.write(chunk)
      }
      res.end()
    } catch {
      res.destroy()
    }
  })
  await new Promise<void>((resolve) => server.listen(0, HOST, resolve))
  return {
    url: `http://${HOST}:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
