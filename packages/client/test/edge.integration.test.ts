/**
 * The client against the real edge (wrangler dev: workerd with local R2/KV/Queues/DO) in front
 * of the real XTTS emulator, with real espeak-ng as the local engine.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseWav } from '@tts/core/audio'
import { isLanguageDetectorReady } from '@tts/core/lang'
import { uniqueSentence } from '@tts/core/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FallbackEvent } from '../src/client/types.ts'
import { isEdgeLimitError, isEdgeRequestError } from '../src/errors/index.ts'
import { createTtsClient, espeakEngine, fileCache, fileQueueStorage } from '../src/node.ts'
import { type RunningEdge, startEdge } from './edge.ts'
import { type RunningEmulator, startEmulatorProcess } from './emulator.ts'

let emulator: RunningEmulator
let edge: RunningEdge
let dir: string
const espeak = espeakEngine()

beforeAll(async () => {
  emulator = await startEmulatorProcess()
  // The edge's own upstream breaker cools down in 2 s here (5 min by default), and it does not
  // queue failed syntheses itself, so what gets warmed after the outage is the client's doing.
  edge = await startEdge(emulator.url, { breakerOpenMs: 2000, deferOnFailure: false })
  dir = await mkdtemp(join(tmpdir(), 'tts-client-edge-it-'))
  await espeak.warmUp()
  // A cold isolate's first synthesis (module load, language data, the upstream's speakers) can
  // take longer than the client's timeout on a loaded machine; these tests are about the
  // client, so the edge answers one request before them.
  const warm = await fetch(`${edge.url}/v1/audio/speech`, {
    method: 'POST',
    headers: { authorization: `Bearer ${edge.apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      model: 'tts-1',
      voice: 'alloy',
      input: uniqueSentence('Warming up'),
      response_format: 'wav',
    }),
    signal: AbortSignal.timeout(120_000),
  })
  expect(warm.status).toBe(200)
  await warm.arrayBuffer()
}, 300_000)
afterAll(async () => {
  await edge?.stop()
  await emulator?.stop()
  await rm(dir, { recursive: true, force: true })
})

/** A local URL nothing listens on: a port the OS handed out, then closed. */
async function deadEndpoint(): Promise<string> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise((resolve) => server.close(resolve))
  return `http://127.0.0.1:${port}`
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number
const fmt = (xs: number[]) =>
  `median ${median(xs).toFixed(1)} ms, max ${Math.max(...xs).toFixed(1)} ms`

/** A client whose network calls are counted (the real fetch underneath). */
function client(
  sub: string,
  extra: { apiKey?: string; skew?: { ms: number }; cache?: false; endpoint?: string } = {},
) {
  const calls: string[] = []
  const countingFetch: typeof fetch = (input, init) => {
    calls.push(input instanceof Request ? input.url : String(input))
    return fetch(input, init)
  }
  const skew = extra.skew ?? { ms: 0 }
  const tts = createTtsClient({
    endpoint: extra.endpoint ?? edge.url,
    apiKey: extra.apiKey ?? edge.apiKey,
    cache: extra.cache === false ? false : fileCache({ dir: join(dir, sub, 'cache') }),
    fallback: [espeak],
    warmQueue: { storage: fileQueueStorage(join(dir, sub, 'queue.json')) },
    breaker: {
      threshold: 5,
      openMs: 30_000,
      storage: fileQueueStorage(join(dir, sub, 'breaker.json')),
    },
    timeoutMs: 5000,
    fetch: countingFetch,
    now: () => Date.now() + skew.ms,
  })
  return { tts, calls }
}

describe('client ↔ edge ↔ emulator', () => {
  it('gets edge audio, then the same from the local cache with zero network requests', async () => {
    const { tts, calls } = client('hit')
    const text = uniqueSentence('Good morning, this is the edge speaking')
    const first = await tts.synthesize(text, { language: 'en' })
    expect(first).toMatchObject({
      provider: 'edge',
      cacheStatus: 'miss',
      format: 'wav',
      mimeType: 'audio/wav',
    })
    expect(parseWav(first.audio).durationMs).toBeGreaterThan(500)
    expect(calls).toHaveLength(1)
    const second = await tts.synthesize(text, { language: 'en' })
    expect(second).toMatchObject({ provider: 'cache', cacheStatus: 'hit' })
    expect(second.audio).toEqual(first.audio)
    expect(calls).toHaveLength(1)
    // Another device (no local cache) gets the edge's own cached copy.
    const other = client('other', { cache: false })
    const fromEdgeCache = await other.tts.synthesize(text, { language: 'en' })
    expect(fromEdgeCache).toMatchObject({ provider: 'edge', cacheStatus: 'hit', cached: true })
  })

  it('keeps nothing with store: false: no local entry, and the edge reads and keeps nothing', async () => {
    const { tts, calls } = client('no-store')
    const text = `${uniqueSentence('This one is private')} ${uniqueSentence('Keep none of it')}`
    for (let i = 0; i < 2; i++) {
      const kept = await tts.synthesize(text, { language: 'en', store: false })
      expect(kept).toMatchObject({ provider: 'edge', cacheStatus: 'bypass', cached: false })
      expect(parseWav(kept.audio).durationMs).toBeGreaterThan(500)
    }
    // Both went to the edge (no local entry to answer the second), and nothing was stored.
    expect(calls).toHaveLength(2)
    expect((await tts.cache.stats())?.entries).toBe(0)
    // Nor at the edge: asked the usual way, it is a miss there, then kept on both sides.
    const usual = await tts.synthesize(text, { language: 'en' })
    expect(usual).toMatchObject({ provider: 'edge', cacheStatus: 'miss' })
    expect((await tts.cache.stats())?.entries).toBe(1)
    await expect(tts.synthesize(text, { store: 'no' as unknown as boolean })).rejects.toThrow(
      /`store` must be true or false/,
    )
  })

  it('does not mask caller errors as a fallback: bad key → 401, unknown voice → 400', async () => {
    const wrongKey = client('auth', { apiKey: 'tts_wrong_key_000000000000' })
    const e401 = await wrongKey.tts
      .synthesize(uniqueSentence('Hello'), { language: 'en' })
      .catch((e: unknown) => e)
    expect(isEdgeRequestError(e401)).toBe(true)
    expect(e401).toMatchObject({ status: 401, code: 'unauthorized' })
    const good = client('voice')
    const e400 = await good.tts
      .synthesize(uniqueSentence('Hello'), { language: 'en', voice: 'no-such-voice' })
      .catch((e: unknown) => e)
    expect(isEdgeRequestError(e400)).toBe(true)
    expect((e400 as { status: number }).status).toBe(400)
    expect(good.tts.breaker.state).toBe('closed')
  })

  it('tells a spent quota apart: local speech with the reason and figures, or the typed error', async () => {
    // The key may synthesize 10 characters a day: a unique sentence is always more than that.
    const { tts } = client('quota', { apiKey: edge.quotaKey, cache: false })
    const fallbacks: FallbackEvent[] = []
    tts.on('fallback', (e) => fallbacks.push(e))
    const spoken = await tts.synthesize(uniqueSentence('Over the quota'), { language: 'en' })
    expect(spoken).toMatchObject({ provider: 'local', engine: espeak.name })
    expect(fallbacks.map((f) => f.reason)).toEqual(['quota_exceeded'])
    const error = fallbacks[0]?.error
    expect(isEdgeLimitError(error)).toBe(true)
    expect(error).toMatchObject({
      code: 'quota_exceeded',
      status: 429,
      limits: { day: { limit: 10, remaining: 10 } },
    })
    expect((error as { retryAfterMs: number }).retryAfterMs).toBeGreaterThan(0)
    expect(fallbacks[0]?.requestId).toEqual(expect.any(String))
    expect(tts.breaker.state).toBe('closed')

    const strict = createTtsClient({
      endpoint: edge.url,
      apiKey: edge.quotaKey,
      cache: false,
      fallback: false,
      warmQueue: false,
      breaker: { storage: fileQueueStorage(join(dir, 'quota-strict', 'breaker.json')) },
      timeoutMs: 5000,
    })
    const thrown = await strict
      .synthesize(uniqueSentence('Still over the quota'), { language: 'en' })
      .catch((e: unknown) => e)
    expect(isEdgeLimitError(thrown)).toBe(true)
    expect(thrown).toMatchObject({ code: 'quota_exceeded', requestId: expect.any(String) })
  })

  it("picks Arabic and French for voice 'auto': the edge for French, no model in the client", async () => {
    const { tts, calls } = client('lang', { cache: false })
    const ar = await tts.synthesize('مرحبا بكم في خدمة تحويل النص إلى كلام')
    const fr = await tts.synthesize("Bonjour à tous, je suis très heureux d'être ici aujourd'hui.")
    expect([ar.language, fr.language, ar.provider, fr.provider]).toEqual([
      'ar',
      'fr',
      'edge',
      'edge',
    ])
    expect(calls).toHaveLength(2)
    // French went out as 'auto' and came back named in X-TTS-Language.
    expect(isLanguageDetectorReady()).toBe(false)

    // Edge unreachable: only now does the client load the model, to choose espeak's voice.
    const { tts: offline } = client('lang-offline', {
      cache: false,
      endpoint: await deadEndpoint(),
    })
    const arLocal = await offline.synthesize('شكرا جزيلا لكم على حسن الاستماع')
    const frLocal = await offline.synthesize('Merci beaucoup et à bientôt, mes chers amis.')
    expect([arLocal, frLocal]).toMatchObject([
      { provider: 'local', engine: 'espeak', language: 'ar' },
      { provider: 'local', engine: 'espeak', language: 'fr' },
    ])
    expect(isLanguageDetectorReady()).toBe(true)
  })

  it('falls back while the upstream is down, opens the breaker, and warms what it spoke once the edge is back', async () => {
    const skew = { ms: 0 }
    const { tts, calls } = client('outage', { skew })
    const reasons: string[] = []
    tts.on('fallback', (e) => reasons.push(e.reason))

    await emulator.faults({ down: true })
    const openTexts = [
      uniqueSentence('Spoken while the circuit was open'),
      uniqueSentence('Another sentence from the outage'),
    ]
    const outageTexts = Array.from({ length: 5 }, () => uniqueSentence('Upstream outage sentence'))
    try {
      const closed: number[] = []
      for (let i = 0; i < 5; i++) {
        const t0 = performance.now()
        const out = await tts.synthesize(outageTexts[i] as string, { language: 'en' })
        closed.push(performance.now() - t0)
        expect(out).toMatchObject({ provider: 'local', engine: 'espeak' })
      }
      expect(tts.breaker.state).toBe('open')
      const edgeCalls = calls.length
      const open: number[] = []
      for (let i = 0; i < 6; i++) {
        const t0 = performance.now()
        const out = await tts.synthesize(openTexts[i % 2] as string, { language: 'en' })
        open.push(performance.now() - t0)
        expect(out.provider).toBe('local')
      }
      expect(calls.length).toBe(edgeCalls) // no network at all while open
      console.info(
        `[edge fallback timing] upstream down, breaker closed — call to local audio: ${fmt(closed)} (edge answered ${reasons[0]})\n` +
          `[edge fallback timing] breaker open — call to local audio: ${fmt(open)}`,
      )
    } finally {
      await emulator.faults({ down: false })
    }
    await expect.poll(() => tts.pendingWarm()).toBe(7)
    // The edge's own upstream breaker cools down (2 s here); /readyz says when it serves again.
    await expect
      .poll(
        async () => {
          const res = await fetch(`${edge.url}/readyz`)
          await res.body?.cancel()
          return res.status
        },
        {
          timeout: 30_000,
          interval: 250,
        },
      )
      .toBe(200)

    skew.ms += 30_000
    expect(tts.breaker.state).toBe('half-open')
    const before = (await emulator.stats()).syntheses
    const back = await tts.synthesize(uniqueSentence('The upstream is back'), { language: 'en' })
    expect(back.provider).toBe('edge')
    expect(tts.breaker.state).toBe('closed')
    await expect.poll(() => tts.pendingWarm(), { timeout: 30_000 }).toBe(0)
    // The edge's queue synthesizes the 7 warmed texts in the background; wait for the emulator
    // to have done them all, then a device with no local cache hears the edge's cached copy.
    await expect
      .poll(async () => (await emulator.stats()).syntheses - before, {
        timeout: 120_000,
        interval: 500,
      })
      .toBeGreaterThanOrEqual(1 + 7)
    const other = client('after', { cache: false })
    for (const text of openTexts) {
      const out = await other.tts.synthesize(text, { language: 'en' })
      expect(out).toMatchObject({ provider: 'edge', cacheStatus: 'hit' })
    }
  }, 180_000)
})
