/**
 * Streamed playback in real Chromium (Debian's, driven by playwright-core): the browser entry
 * bundled by esbuild speaks through Web Audio while the real XTTS emulator, at the XTTS profile
 * (first chunk after 600 ms, RTF 0.3), is still synthesizing. The page's origin passes
 * `/v1/audio/speech` through to the emulator as the edge does (streamed, same origin) and can
 * cut a stream after N bytes, as a broken connection would.
 */
import { existsSync } from 'node:fs'
import type { ServerResponse } from 'node:http'
import { Readable } from 'node:stream'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type BrowserPage, openBrowserPage } from './browser-page.ts'
import { CHROMIUM } from './chromium.ts'
import { type RunningEmulator, startEmulatorProcess } from './emulator.ts'

let emulator: RunningEmulator
let browser: BrowserPage
let page: Page
const state = { speech: 0, cutAfterBytes: 0, closedEarly: 0 }

/** The stand-in edge: passes the request to the emulator, streamed, cut when the test says. */
async function speech(body: Buffer<ArrayBuffer>, res: ServerResponse) {
  state.speech++
  const cut = state.cutAfterBytes
  const upstream = await fetch(`${emulator.url}/v1/audio/speech`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  })
  res.writeHead(upstream.status, {
    'content-type': upstream.headers.get('content-type') ?? 'application/octet-stream',
    'x-tts-cache': 'MISS',
    'x-tts-language': 'en',
  })
  let sent = 0
  let finished = false
  res.on('close', () => {
    if (!finished) state.closedEarly++
  })
  try {
    for await (const chunk of Readable.fromWeb(upstream.body as never)) {
      const bytes = chunk as Buffer
      if (cut > 0 && sent + bytes.byteLength >= cut) {
        res.write(bytes.subarray(0, cut - sent))
        finished = true // cut on purpose, not by the caller
        res.destroy()
        return
      }
      sent += bytes.byteLength
      if (res.destroyed) return
      res.write(bytes)
    }
  } catch {
    return void res.destroy() // the caller left; the upstream read ends with it
  }
  finished = true
  res.end()
}

/** Random text of about `n` characters, speakable, with ≥ 64 bits of randomness. */
const sentence = (n: number) => {
  const words = ['the', 'quiet', 'river', 'carries', 'light', 'across', 'a', 'valley', 'today']
  let out = `Reference ${crypto.randomUUID().slice(0, 18)}.`
  while (out.length < n) out += ` ${words[Math.floor(Math.random() * words.length)]}`
  return `${out}.`
}

type Client = typeof import('../src/index.ts')

describe.skipIf(!existsSync(CHROMIUM))('streamed playback (real Chromium)', () => {
  beforeAll(async () => {
    emulator = await startEmulatorProcess(['--ttfb-ms', '600', '--rtf', '0.3'])
    browser = await openBrowserPage({
      name: 'tts-client-stream-',
      routes: { '/v1/audio/speech': speech },
    })
    page = browser.page
  }, 120_000)

  afterAll(async () => {
    await browser?.close()
    await emulator?.stop()
  })

  it('starts playing before the answer is complete, with gapless joins, and a repeat plays from the local cache', async () => {
    const text = sentence(120)
    const out = await page.evaluate(async (text) => {
      const c = (globalThis as never as { ttsClient: Client }).ttsClient
      let bodyEndAt = 0
      // Notes when the last byte of the answer arrived, in the page's own clock.
      const fetchWithEnd: typeof fetch = async (input, init) => {
        const res = await fetch(input, init)
        const end = new TransformStream({
          flush: () => {
            bodyEndAt = performance.now()
          },
        })
        return new Response(res.body?.pipeThrough(end) ?? null, res)
      }
      const tts = c.createTtsClient({
        endpoint: location.origin,
        fallback: false,
        fetch: fetchWithEnd,
        // A generous lead: this test is about joins, and the shared box may stall the page.
        streamPlayer: c.webAudioStreamPlayer({ leadMs: 250 }),
      })
      const first = await tts.speak(text, { language: 'en' })
      const firstAudioAt = first.playback?.firstAudioAt ?? 0
      const repeat = await tts.speak(text, { language: 'en' })
      return { first, bodyEndAt, firstAudioAt, repeat, entries: (await tts.cache.stats())?.entries }
    }, text)
    expect(out.first).toMatchObject({ provider: 'edge', played: 'audio' })
    const p = out.first.playback
    if (!p) throw new Error('no playback report')
    // Audible before the last byte came: ~1 s in, with seconds of synthesis still to go.
    expect(out.firstAudioAt).toBeLessThan(out.bodyEndAt - 200)
    expect(out.first.firstAudioMs).toBeGreaterThan(500) // no earlier than the upstream's first chunk
    // Every buffer began where the previous ended, and together they hold the whole audio.
    expect(p.misjoins).toBe(0)
    expect(p.underruns).toBe(0)
    expect(Math.abs(p.frames - (p.sourceFrames * p.sampleRate) / p.sourceRate)).toBeLessThan(2)
    expect(p.sourceFrames / p.sourceRate).toBeGreaterThan(3)
    expect(out.repeat).toMatchObject({ provider: 'cache', played: 'audio' })
    expect(out.repeat.firstAudioMs).toBeGreaterThanOrEqual(0)
    // Audio in hand is fed in slices; its joins are as exact as a stream's.
    expect(out.repeat.playback?.misjoins).toBe(0)
    expect(out.repeat.playback?.sourceFrames).toBe(p.sourceFrames)
    expect(out.entries).toBeGreaterThanOrEqual(1)
  })

  it('stop() mid-stream silences at once and cancels the request', async () => {
    state.closedEarly = 0
    state.speech = 0
    const out = await page.evaluate(async (text) => {
      const c = (globalThis as never as { ttsClient: Client }).ttsClient
      const tts = c.createTtsClient({ endpoint: location.origin, fallback: false })
      let stoppedAt = 0
      tts.on('playing', () => {
        stoppedAt = performance.now()
        tts.stop()
      })
      const error = await tts.speak(text, { language: 'en' }).then(
        () => 'resolved',
        (e: { code?: string }) => e.code,
      )
      return { error, settleMs: performance.now() - stoppedAt }
    }, sentence(400))
    expect(out.error).toBe('aborted')
    expect(out.settleMs).toBeLessThan(1000) // not the ~25 s the audio would have played
    await expect.poll(() => state.closedEarly, { timeout: 10_000 }).toBe(state.speech)
    expect(state.speech).toBe(1)
  })

  it('a stream cut after audio started fails with stream_interrupted and is not cached', async () => {
    state.cutAfterBytes = 60_000 // ~1.2 s of 24 kHz audio, well after the first chunk
    try {
      const text = sentence(200)
      const out = await page.evaluate(async (text) => {
        const c = (globalThis as never as { ttsClient: Client }).ttsClient
        const tts = c.createTtsClient({ endpoint: location.origin, fallback: false })
        const before = (await tts.cache.stats())?.entries ?? 0
        let started = false
        tts.on('playing', () => {
          started = true
        })
        const error = await tts.speak(text, { language: 'en' }).then(
          () => ({ code: 'resolved', received: 0 }),
          (e: { code?: string; receivedBytes?: number }) => ({
            code: e.code,
            received: e.receivedBytes,
          }),
        )
        const after = (await tts.cache.stats())?.entries ?? 0
        return { error, started, added: after - before }
      }, text)
      expect(out.started).toBe(true)
      expect(out.error.code).toBe('stream_interrupted')
      expect(out.error.received).toBeGreaterThan(0)
      expect(out.added).toBe(0)
    } finally {
      state.cutAfterBytes = 0
    }
  })
})
