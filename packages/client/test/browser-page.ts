/**
 * @module test/browser-page — the browser tests' one page set-up: the browser entry
 * (`test/browser/page.ts`) bundled by esbuild into a fresh temporary directory, a page server
 * on 127.0.0.1 (port chosen at run time) that serves it and answers the routes a test plays
 * the edge with, and Debian's Chromium (the repo's launcher: headless, its standard flags, a
 * fresh profile in that directory) on that page once it says `ready`. One place, so the tests
 * cannot drift apart in how the page is built, served, opened or torn down.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { createServer, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { extname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import type { BrowserContext, Page } from 'playwright-core'
import { launchChromium } from './chromium.ts'

/** Answers one request to a route; `body` is the whole request body, already read. */
export type Route = (body: Buffer<ArrayBuffer>, res: ServerResponse) => void | Promise<void>

export interface BrowserPageOptions {
  /** Prefix of the temporary directory (bundle, profile, anything else of the run). */
  name: string
  /** Answers by path (query left out); other paths are the bundle's files, or a 404. */
  routes?: Record<string, Route>
  /** Told the path of each bundle file served. */
  onFile?: (path: string) => void
  /** Extra launch options (the flags are added to the standard ones), given the run's dir. */
  launch?: (dir: string) => Parameters<typeof launchChromium>[1]
  /** Run after Chromium closed and before the run's dir is removed (a daemon Chromium left). */
  afterBrowserClosed?: (dir: string) => Promise<void>
}

/** An open page and how to close everything behind it. */
export interface BrowserPage {
  page: Page
  context: BrowserContext
  /** The page server's origin, `http://127.0.0.1:<port>`. */
  origin: string
  /** The run's temporary directory. */
  dir: string
  /** Closes Chromium, the page server and removes the directory; safe to call twice. */
  close(): Promise<void>
}

const TYPES: Record<string, string> = { '.js': 'text/javascript', '.html': 'text/html' }
const INDEX = '<!doctype html><title>loading</title><script type="module" src="/page.js"></script>'

function pageServer(www: string, options: BrowserPageOptions): Server {
  return createServer(async (req, res) => {
    const chunks: Buffer[] = []
    for await (const c of req) chunks.push(c as Buffer)
    const path = (req.url ?? '/').split('?')[0] as string
    if (path === '/') return void res.writeHead(200, { 'content-type': 'text/html' }).end(INDEX)
    const route = options.routes?.[path]
    if (route) return route(Buffer.concat(chunks), res)
    const file = await readFile(join(www, path.slice(1))).catch(() => undefined)
    if (!file) return void res.writeHead(404).end()
    options.onFile?.(path)
    res.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream' })
    res.end(file)
  })
}

/**
 * Bundles the browser entry, serves it, and opens it in Chromium; call `close()` in `afterAll`.
 * Whatever was opened before a failure is closed before the error is thrown.
 *
 * @example
 * let browser: BrowserPage
 * beforeAll(async () => {
 *   browser = await openBrowserPage({ name: 'tts-client-stream-', routes: { '/v1/audio/speech': speech } })
 * }, 120_000)
 * afterAll(() => browser?.close())
 */
export async function openBrowserPage(options: BrowserPageOptions): Promise<BrowserPage> {
  const dir = await mkdtemp(join(tmpdir(), options.name))
  let server: Server | undefined
  let context: BrowserContext | undefined
  let closed = false
  const close = async () => {
    if (closed) return
    closed = true
    await context?.close()
    await options.afterBrowserClosed?.(dir)
    if (server) {
      const s = server
      s.closeAllConnections()
      await new Promise<void>((resolve) => s.close(() => resolve()))
    }
    await rm(dir, { recursive: true, force: true })
  }
  try {
    const www = join(dir, 'www')
    await build({
      entryPoints: { page: fileURLToPath(new URL('./browser/page.ts', import.meta.url)) },
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'browser',
      conditions: ['browser'],
      outdir: www,
      logLevel: 'silent',
    })
    const s = pageServer(www, options)
    server = s
    await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve))
    const origin = `http://127.0.0.1:${(s.address() as AddressInfo).port}`
    const ctx = await launchChromium(join(dir, 'profile'), options.launch?.(dir))
    context = ctx
    const page = ctx.pages()[0] ?? (await ctx.newPage())
    await page.goto(origin)
    await page.waitForFunction(() => document.title === 'ready')
    return { page, context: ctx, origin, dir, close }
  } catch (error) {
    await close().catch(() => {})
    throw error
  }
}
