/**
 * Browser tokens in real Chromium against the real edge (wrangler's workerd) and the emulator:
 * a page plays `<audio src="EDGE/v1/audio/speech?…&token=…">` with a token minted for its origin
 * (no key in the page, no header: exactly what `<audio src>` can do), and the same token fails
 * from a page on another origin and once it has expired. Two page servers on two ports are two
 * origins; the first may also `fetch` the edge (CORS), as the SDK does.
 */
import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { uniqueSentence } from '@tts/core/testing'
import type { BrowserContext, Page, Request } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CHROMIUM, launchChromium } from './chromium.ts'
import { type RunningEdge, startEdge } from './edge.ts'
import { type RunningEmulator, startEmulatorProcess } from './emulator.ts'

/** Chromium asks media with `Range: bytes=0-`; the edge answers 200 or 206. */
const PLAYING = [200, 206]

let emulator: RunningEmulator
let edge: RunningEdge
let dir: string
let context: BrowserContext
const servers: Server[] = []

/** A page server on its own port (its own origin) with an empty page. */
async function startPage(): Promise<string> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>ready</title>')
  })
  servers.push(server)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

async function mint(body: Record<string, unknown>): Promise<{ token: string; expires_at: string }> {
  const res = await fetch(`${edge.url}/v1/tokens`, {
    method: 'POST',
    headers: { authorization: `Bearer ${edge.apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  expect(res.status).toBe(201)
  return (await res.json()) as { token: string; expires_at: string }
}

interface Played {
  ok: boolean
  currentTime: number
  error: string | undefined
  status: number | string
  headers: Record<string, string>
  src: string
}

/** Plays `<audio src>` on `page` until 0.25 s of it has played, or reports why it did not. */
async function play(page: Page, token: string): Promise<Played> {
  const query = new URLSearchParams({
    input: uniqueSentence('Played from a page'),
    voice: 'alloy',
    response_format: 'wav',
    token,
  })
  const src = `${edge.url}/v1/audio/speech?${query}`
  // The first request Chromium made for this URL (it may ask again with a Range), how it ended
  // and the headers it sent. A refused load ends as a failed request: Chromium's opaque response
  // blocking (ORB) drops a cross-origin no-cors answer that is not media, such as problem+json.
  const seen = new Promise<Pick<Played, 'status' | 'headers'>>((resolve) => {
    const done = async (request: Request) => {
      if (request.url() !== src) return
      const response = await request.response().catch(() => null)
      resolve({
        status: response ? response.status() : `failed: ${request.failure()?.errorText}`,
        headers: await request.allHeaders(),
      })
    }
    page.on('requestfinished', done)
    page.on('requestfailed', done)
  })
  const result = await page.evaluate(async (url) => {
    const audio = document.createElement('audio')
    audio.src = url
    document.body.append(audio)
    try {
      await audio.play()
      const started = performance.now()
      while (audio.currentTime < 0.25) {
        if (performance.now() - started > 30_000) throw new Error('playback did not advance')
        await new Promise((r) => setTimeout(r, 50))
      }
      audio.pause()
      return { ok: true, currentTime: audio.currentTime, error: undefined }
    } catch (error) {
      return { ok: false, currentTime: audio.currentTime, error: String(error) }
    } finally {
      audio.remove()
    }
  }, src)
  const request = await Promise.race([
    seen,
    new Promise<Pick<Played, 'status' | 'headers'>>((r) =>
      setTimeout(() => r({ status: 'no request seen', headers: {} }), 10_000),
    ),
  ])
  return { ...result, ...request, src }
}

/**
 * What the edge answers the request Chromium made (same URL, same Origin/Referer): the page
 * itself cannot read a refused no-cors answer, so the test asks the edge the same question.
 */
async function edgeAnswer(
  played: Played,
): Promise<{ status: number; code: string; detail: string }> {
  const forwarded = Object.fromEntries(
    Object.entries(played.headers).filter(([name]) => name === 'origin' || name === 'referer'),
  )
  const res = await fetch(played.src, { headers: forwarded })
  const body = (await res.json()) as { code: string; detail: string }
  return { status: res.status, code: body.code, detail: body.detail }
}

describe.skipIf(!existsSync(CHROMIUM))('browser tokens in <audio src> (real Chromium)', () => {
  let home: string
  let elsewhere: string

  beforeAll(async () => {
    emulator = await startEmulatorProcess()
    home = await startPage()
    elsewhere = await startPage()
    // `home` may also call the edge with fetch (CORS), as an app using the SDK does.
    edge = await startEdge(
      emulator.url,
      {},
      { TOKEN_KEYS: `t1:${randomBytes(32).toString('base64')}`, CORS_ORIGINS: home },
    )
    dir = await mkdtemp(join(tmpdir(), 'tts-token-audio-'))
    context = await launchChromium(join(dir, 'profile'))
  }, 180_000)

  afterAll(async () => {
    await context?.close()
    for (const s of servers) await new Promise<void>((resolve) => s.close(() => resolve()))
    await edge?.stop()
    await emulator?.stop()
    if (dir) await rm(dir, { recursive: true, force: true })
  })

  const open = async (origin: string) => {
    const page = await context.newPage()
    await page.goto(origin)
    return page
  }

  it('plays on the origin it was minted for, and fails from another origin', async () => {
    const { token } = await mint({ origin: home, ttl_seconds: 600 })
    const page = await open(home)
    const played = await play(page, token)
    expect(played.ok).toBe(true)
    expect(played.status).toBeOneOf(PLAYING)
    expect(played.currentTime).toBeGreaterThanOrEqual(0.25)
    // What the edge checks: <audio src> sends no Origin, and its Referer names the page.
    expect(played.headers.origin).toBeUndefined()
    expect(new URL(played.headers.referer ?? 'about:blank').origin).toBe(home)

    const other = await open(elsewhere)
    const refused = await play(other, token)
    expect(refused.ok).toBe(false)
    expect(refused.error).toMatch(/NotSupportedError/)
    expect(refused.status).toMatch(/^failed: net::ERR_BLOCKED_BY/)
    expect(await edgeAnswer(refused)).toMatchObject({
      status: 403,
      code: 'token_origin_mismatch',
      detail: `the browser token is bound to ${home}; the request came from ${elsewhere}`,
    })

    // The control: a token bound to no origin plays from the other page too.
    const unbound = await mint({ ttl_seconds: 600 })
    expect((await play(other, unbound.token)).ok).toBe(true)
    await Promise.all([page.close(), other.close()])
  })

  it("lets a page send Cache-Control: no-store (the SDK's store: false) past the CORS preflight", async () => {
    const { token } = await mint({ origin: home, ttl_seconds: 600 })
    const page = await open(home)
    const asked = {
      url: `${edge.url}/v1/audio/speech`,
      token,
      text: uniqueSentence('Kept nowhere'),
    }
    // The headers the SDK sends: none of them is CORS-safelisted, so Chromium asks first.
    const answer = await page.evaluate(async ({ url, token, text }) => {
      try {
        const res = await fetch(url, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${token}`,
            'content-type': 'application/json',
            'cache-control': 'no-store',
          },
          body: JSON.stringify({ voice: 'alloy', input: text, response_format: 'wav' }),
        })
        const bytes = (await res.arrayBuffer()).byteLength
        return { status: res.status, cache: res.headers.get('x-tts-cache'), bytes }
      } catch (error) {
        return { status: 0, cache: String(error), bytes: 0 }
      }
    }, asked)
    expect(answer).toMatchObject({ status: 200, cache: 'BYPASS' })
    expect(answer.bytes).toBeGreaterThan(10_000)
    await page.close()
  })

  it('plays until it expires, then fails', async () => {
    const { token, expires_at } = await mint({ origin: home, ttl_seconds: 15 })
    const page = await open(home)
    const played = await play(page, token)
    expect(played.ok).toBe(true)
    expect(played.status).toBeOneOf(PLAYING)
    // Poll the clock rather than sleep a fixed time: the edge counts whole seconds.
    const expiry = Date.parse(expires_at)
    while (Date.now() < expiry + 1000) await new Promise((r) => setTimeout(r, 250))
    const expired = await play(page, token)
    expect(expired.ok).toBe(false)
    expect(expired.status).toMatch(/^failed: net::ERR_BLOCKED_BY/)
    expect(await edgeAnswer(expired)).toMatchObject({ status: 401, code: 'token_expired' })
    await page.close()
  }, 90_000)
})
