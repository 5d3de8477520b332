/**
 * The client against the real XTTS emulator, which serves the same OpenAI-compatible
 * `/v1/audio/speech` the edge does, with real espeak-ng as the local engine and the real
 * file cache. The edge itself is exercised in edge.integration.test.ts.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseWav } from '@tts/core/audio'
import { uniqueSentence } from '@tts/core/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isEdgeRequestError } from '../src/errors/index.ts'
import { createTtsClient, espeakEngine, fileCache, fileQueueStorage } from '../src/node.ts'
import type { LocalEngine } from '../src/types.ts'
import { type RunningEmulator, startEmulatorProcess } from './emulator.ts'

let emulator: RunningEmulator
let dir: string
beforeAll(async () => {
  emulator = await startEmulatorProcess(['--api-key', 'emu-key-1234'])
  dir = await mkdtemp(join(tmpdir(), 'tts-client-int-'))
})
afterAll(async () => {
  await emulator?.stop()
  await rm(dir, { recursive: true, force: true })
})

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number

/** Wraps the real engine to time its own work, so the client's share can be told apart. */
function timed(engine: LocalEngine) {
  const times: number[] = []
  const wrapped: LocalEngine = {
    name: engine.name,
    isAvailable: () => engine.isAvailable(),
    synthesize: async (request) => {
      const t0 = performance.now()
      try {
        return await (engine.synthesize as NonNullable<LocalEngine['synthesize']>)(request)
      } finally {
        times.push(performance.now() - t0)
      }
    },
  }
  return { engine: wrapped, times }
}

function client(
  extra: { apiKey?: string; skew?: { ms: number }; sub?: string; fallback?: LocalEngine } = {},
) {
  const skew = extra.skew ?? { ms: 0 }
  const sub = join(dir, extra.sub ?? 'main')
  return createTtsClient({
    endpoint: emulator.url,
    apiKey: extra.apiKey ?? 'emu-key-1234',
    cache: fileCache({ dir: join(sub, 'cache') }),
    fallback: [extra.fallback ?? espeakEngine()],
    warmQueue: { storage: fileQueueStorage(join(sub, 'queue.json')) },
    breaker: { threshold: 5, openMs: 60_000, storage: fileQueueStorage(join(sub, 'breaker.json')) },
    now: () => Date.now() + skew.ms,
  })
}

describe('client ↔ emulator', () => {
  it('answers from the edge API, then from the local cache with zero requests', async () => {
    const tts = client({ sub: 'cache-test' })
    const text = uniqueSentence('The quick brown fox jumps over the lazy dog')
    const first = await tts.synthesize(text, { language: 'en' })
    expect(first.provider).toBe('edge')
    expect(parseWav(first.audio).durationMs).toBeGreaterThan(500)
    const before = await emulator.stats()
    const second = await tts.synthesize(text, { language: 'en' })
    const after = await emulator.stats()
    expect(second).toMatchObject({ provider: 'cache', cached: true })
    expect(second.audio).toEqual(first.audio)
    expect(after.requests).toEqual(before.requests)
    // and a new client over the same directory (an app restart) still hits
    const third = await client({ sub: 'cache-test' }).synthesize(text, { language: 'en' })
    expect(third.provider).toBe('cache')
  })

  it('does not mask a 401 as a fallback', async () => {
    const tts = client({ apiKey: 'wrong-key', sub: 'auth' })
    const error = await tts
      .synthesize(uniqueSentence('Hello'), { language: 'en' })
      .catch((e: unknown) => e)
    expect(isEdgeRequestError(error)).toBe(true)
    expect((error as { status: number }).status).toBe(401)
    expect(tts.breaker.state).toBe('closed')
  })

  it('speaks locally when the emulator is down, opens after 5 failures, half-opens after the cool-down', async () => {
    const skew = { ms: 0 }
    const espeak = espeakEngine()
    await espeak.warmUp()
    const local = timed(espeak)
    const tts = client({ skew, sub: 'outage', fallback: local.engine })
    await tts.synthesize(uniqueSentence('Warm up the language model'), { language: 'en' })
    await emulator.faults({ down: true })
    try {
      const closed: number[] = []
      for (let i = 0; i < 5; i++) {
        const t0 = performance.now()
        const out = await tts.synthesize(uniqueSentence('Outage sentence'), { language: 'en' })
        closed.push(performance.now() - t0)
        expect(out).toMatchObject({ provider: 'local', engine: 'espeak' })
        expect(parseWav(out.audio).durationMs).toBeGreaterThan(300)
      }
      const closedEngine = local.times.splice(0)
      expect(tts.breaker.state).toBe('open')
      const before = await emulator.stats()
      const openTexts = Array.from({ length: 3 }, () => uniqueSentence('Open circuit sentence'))
      const open: number[] = []
      for (let i = 0; i < 10; i++) {
        const t0 = performance.now()
        const out = await tts.synthesize(openTexts[i % 3] as string, { language: 'en' })
        open.push(performance.now() - t0)
        expect(out.provider).toBe('local')
      }
      const openEngine = local.times.splice(0)
      expect((await emulator.stats()).requests).toEqual(before.requests)
      const overhead = (total: number[], engine: number[]) =>
        total.map((t, i) => t - (engine[i] ?? 0))
      const fmt = (xs: number[]) =>
        `median ${median(xs).toFixed(1)} ms, max ${Math.max(...xs).toFixed(1)} ms`
      console.info(
        `[fallback timing] edge down, breaker closed — call to local audio: ${fmt(closed)}; of which espeak: ${fmt(closedEngine)}; client + failed edge attempt: ${fmt(overhead(closed, closedEngine))}\n` +
          `[fallback timing] breaker open — call to local audio: ${fmt(open)}; of which espeak: ${fmt(openEngine)}; client overhead: ${fmt(overhead(open, openEngine))}`,
      )
      // Target < 50 ms to local audio; what the client adds to the engine's own time must stay
      // well inside it (espeak's rendering time depends on the box and the sentence).
      expect(median(overhead(open, openEngine))).toBeLessThan(50)
      await expect.poll(() => tts.pendingWarm()).toBe(8)
    } finally {
      await emulator.faults({ down: false })
    }
    skew.ms += 60_000
    expect(tts.breaker.state).toBe('half-open')
    const back = await tts.synthesize(uniqueSentence('The service is back'), { language: 'en' })
    expect(back.provider).toBe('edge')
    expect(tts.breaker.state).toBe('closed')
  })

  it("picks Arabic and French for voice 'auto', on the server and locally", async () => {
    const tts = client({ sub: 'lang' })
    const french = "Bonjour à tous, je suis très heureux d'être ici aujourd'hui."
    // Arabic's script decides it, so it goes out as 'ar'. Latin text goes out as 'auto' for the
    // edge to detect (edge.integration.test.ts); a bare XTTS server, like this one, refuses it.
    const ar = await tts.synthesize('مرحبا بكم في خدمة تحويل النص إلى كلام')
    expect(ar).toMatchObject({ provider: 'edge', language: 'ar' })
    const refused = await tts.synthesize(french).catch((e: unknown) => e)
    expect(isEdgeRequestError(refused)).toBe(true)
    expect(String((refused as Error).message)).toContain("'auto'")
    await emulator.faults({ down: true })
    try {
      const arLocal = await tts.synthesize('شكرا جزيلا لكم على حسن الاستماع')
      const frLocal = await tts.synthesize(french)
      expect([arLocal, frLocal]).toMatchObject([
        { provider: 'local', language: 'ar' },
        { provider: 'local', language: 'fr' },
      ])
    } finally {
      await emulator.faults({ down: false })
    }
  })
})
