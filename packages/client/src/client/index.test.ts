import { describe, expect, it } from 'vitest'
import { fakeEngine } from '../../test/fake-engine.ts'
import { sendProblem, sendWav, tinyWav } from '../../test/http-server.ts'
import { testClient as setup } from '../../test/test-client.ts'
import { isAbortedError, isEdgeRequestError, isEdgeUnavailableError } from '../errors/index.ts'
import { memoryQueueStorage } from '../queue/index.ts'
import { createTtsClient } from './index.ts'

const opts = { language: 'en' } as const

describe('createTtsClient', () => {
  it('answers from the edge, then from the local cache with no request at all', async () => {
    const { client, server } = await setup((_, res) => sendWav(res))
    const first = await client.synthesize('Hello there', opts)
    expect(first).toMatchObject({
      provider: 'edge',
      cacheStatus: 'miss',
      cached: false,
      language: 'en',
      format: 'wav',
    })
    const second = await client.synthesize('  Hello   there ', opts) // same normalised text
    expect(second).toMatchObject({ provider: 'cache', cacheStatus: 'hit', cached: true })
    expect(second.audio).toEqual(first.audio)
    expect(server.requests).toHaveLength(1)
    const m = client.metrics.snapshot()
    expect(m.providers).toEqual({ edge: 1, cache: 1, local: 0 })
    expect(m.cache).toMatchObject({ hits: 1, misses: 1, hitRate: 0.5 })
    expect(m.audioSeconds).toBeCloseTo(0.4, 2)
  })

  it('throws a caller 4xx as an error, never as a fallback', async () => {
    const { client, calls, fallbacks } = await setup((_, res) =>
      sendProblem(res, 400, 'invalid_request'),
    )
    const error = await client.synthesize('Hello', opts).catch((e: unknown) => e)
    expect(isEdgeRequestError(error)).toBe(true)
    expect(calls).toHaveLength(0)
    expect(fallbacks).toHaveLength(0)
    expect(client.breaker.state).toBe('closed')
  })

  it('falls back at once on a 5xx: one edge attempt, local audio, text queued for warming', async () => {
    const { client, calls, fallbacks, speech } = await setup((_, res) =>
      sendProblem(res, 503, 'upstream_unavailable'),
    )
    const out = await client.synthesize('Bonjour', { language: 'fr', speed: 1.25, pitch: 1.5 })
    expect(out).toMatchObject({ provider: 'local', engine: 'fake', cacheStatus: 'none' })
    expect(speech()).toHaveLength(1)
    expect(calls[0]).toMatchObject({
      text: 'Bonjour',
      language: 'fr',
      locale: 'fr-FR',
      speed: 1.25,
      pitch: 1.5,
    })
    expect(fallbacks[0]?.reason).toBe('upstream_unavailable')
    await expect.poll(() => client.pendingWarm()).toBe(1)
  })

  it('opens after 5 failures, skips the edge while open, half-opens after the cool-down and warms on recovery', async () => {
    let up = false
    const prefetched: string[] = []
    const { client, fallbacks, speech, advance } = await setup(
      (req, res) => {
        if (req.url === '/v1/audio/speech/prefetch') {
          prefetched.push(
            ...(JSON.parse(req.body).items as { input: string }[]).map((i) => i.input),
          )
          res.writeHead(202).end()
          return
        }
        if (up) return sendWav(res)
        res.destroy() // a network error for the caller
      },
      { breaker: { threshold: 5, openMs: 60_000 } },
    )
    const states: string[] = []
    client.on('breaker', (t) => states.push(t.to))
    for (let i = 0; i < 5; i++) await client.synthesize(`Sentence ${i}`, opts)
    expect(client.breaker.state).toBe('open')
    expect(speech()).toHaveLength(5)
    expect(fallbacks.map((f) => f.reason)).toEqual(Array(5).fill('network_error'))

    const open = await client.synthesize('Sentence 0', opts)
    expect(open.provider).toBe('local')
    expect(speech()).toHaveLength(5)
    expect(fallbacks[5]).toMatchObject({
      reason: 'circuit_open',
      message: 'speech service temporarily unavailable, using device voice',
    })
    expect(await client.pendingWarm()).toBe(5) // 'Sentence 0' twice collapsed into one

    advance(60_000)
    expect(client.breaker.state).toBe('half-open')
    up = true
    const back = await client.synthesize('After recovery', opts)
    expect(back.provider).toBe('edge')
    expect(client.breaker.state).toBe('closed')
    expect(states).toEqual(['open', 'half-open', 'closed'])
    await expect.poll(() => client.pendingWarm()).toBe(0)
    expect(prefetched.sort()).toEqual([0, 1, 2, 3, 4].map((i) => `Sentence ${i}`))
  })

  it('keeps the circuit open across a restart: the new client makes no request', async () => {
    const breakerStorage = memoryQueueStorage()
    const { client, server, speech } = await setup(
      (_, res) => {
        res.destroy()
      },
      {
        breaker: { threshold: 2, openMs: 60_000, storage: breakerStorage },
      },
    )
    await client.synthesize('One', opts)
    await client.synthesize('Two', opts)
    expect(client.breaker.state).toBe('open')
    await expect.poll(() => breakerStorage.load()).toContain('"open"')
    const restarted = createTtsClient({
      endpoint: server.url,
      fallback: fakeEngine().engine,
      cache: false,
      now: () => 1_000_000, // the clock of the first client, which saved the state
      breaker: { threshold: 2, openMs: 60_000, storage: breakerStorage },
    })
    const out = await restarted.synthesize('Three', opts)
    expect(out.provider).toBe('local')
    expect(restarted.breaker.state).toBe('open')
    expect(speech()).toHaveLength(2)
  })

  it('retries with the core policy only when nothing local can take over', async () => {
    const { client, speech } = await setup(
      (_, res) => sendProblem(res, 502, 'upstream_unavailable'),
      {
        fallback: false,
        maxRetries: 2,
      },
    )
    const error = await client.synthesize('Hello', opts).catch((e: unknown) => e)
    expect(isEdgeUnavailableError(error)).toBe(true)
    expect(speech()).toHaveLength(3)
    expect(client.metrics.snapshot()).toMatchObject({ errors: 1, errorRate: 1 })
  })

  it("honours the edge's Retry-After between retries", async () => {
    const at: number[] = []
    const { client } = await setup(
      (_, res) => {
        at.push(performance.now())
        if (at.length === 1)
          return sendProblem(res, 503, 'upstream_unavailable', { 'retry-after': '1' })
        sendWav(res)
      },
      { fallback: false, maxRetries: 1 },
    )
    expect((await client.synthesize('Hello', opts)).provider).toBe('edge')
    expect(at).toHaveLength(2)
    expect((at[1] as number) - (at[0] as number)).toBeGreaterThanOrEqual(900)
  })

  it("detects the language for voice 'auto' and picks the local locale from it", async () => {
    const { client, calls } = await setup((_, res) => sendProblem(res, 503, 'upstream_unavailable'))
    const ar = await client.synthesize('مرحبا بكم في خدمة تحويل النص إلى كلام')
    const fr = await client.synthesize(
      "Bonjour à tous, je suis très heureux d'être ici aujourd'hui.",
    )
    expect([ar.language, fr.language]).toEqual(['ar', 'fr'])
    expect(calls.map((c) => c.locale)).toEqual(['ar-SA', 'fr-FR'])
  })

  it('sends the language its script decides to the edge', async () => {
    const { client, server } = await setup((_, res) => sendWav(res, { 'x-tts-language': 'en' }))
    const out = await client.synthesize('Я хотел бы заказать столик на двоих сегодня вечером.')
    expect(JSON.parse(server.requests[0]?.body ?? '')).toMatchObject({
      language: 'ru',
      voice: 'alloy',
    })
    expect(out.language).toBe('ru') // what was sent, not a disagreeing header
  })

  it('cancels with the caller signal without counting it against the edge', async () => {
    const { client, calls } = await setup(() => new Promise(() => {}))
    const controller = new AbortController()
    const pending = client
      .synthesize('Hello', { ...opts, signal: controller.signal })
      .catch((e: unknown) => e)
    setTimeout(() => controller.abort(), 30)
    expect(isAbortedError(await pending)).toBe(true)
    expect(calls).toHaveLength(0)
    expect(client.breaker.state).toBe('closed')
  })

  it('sends speed and pitch to the edge (pitch only when not 1) and keys its cache on them', async () => {
    const { client, speech } = await setup((_, res) => sendWav(res))
    await client.synthesize('Bonjour', { language: 'fr', speed: 0.55, pitch: 1.3 })
    await client.synthesize('Bonjour', { language: 'fr', speed: 0.55 })
    const bodies = speech().map((r) => JSON.parse(r.body) as Record<string, unknown>)
    expect(bodies).toHaveLength(2)
    expect(bodies[0]).toMatchObject({ speed: 0.55, pitch: 1.3 })
    expect(bodies[1]).toMatchObject({ speed: 0.55 })
    expect(bodies[1]).not.toHaveProperty('pitch')
    await expect(client.synthesize('Hi', { ...opts, pitch: 0.3 })).rejects.toThrow(/0.5 to 2/)
  })

  it('rejects bad call arguments with the field named', async () => {
    const { client } = await setup((_, res) => sendWav(res))
    await expect(client.synthesize('', opts)).rejects.toMatchObject({
      code: 'invalid_request',
      field: 'text',
    })
    await expect(client.synthesize('Hi', { ...opts, speed: 9 })).rejects.toThrow(/0.25 to 4/)
  })

  it('speaks through the player hook; stop() ends playback; a new speak interrupts', async () => {
    const played: number[] = []
    const { client } = await setup((_, res) => sendWav(res), {
      player: (audio, signal) =>
        new Promise<void>((resolve, reject) => {
          played.push(audio.bytes.byteLength)
          const timer = setTimeout(resolve, 5_000)
          signal.addEventListener('abort', () => {
            clearTimeout(timer)
            reject(signal.reason)
          })
        }),
    })
    const first = client.speak('One', opts).catch((e: unknown) => e)
    await expect.poll(() => played.length).toBe(1)
    const second = client.speak('Two', opts).catch((e: unknown) => e)
    expect(isAbortedError(await first)).toBe(true)
    await expect.poll(() => played.length).toBe(2)
    client.stop()
    expect(isAbortedError(await second)).toBe(true)
  })

  it('a new speak() interrupts earlier speaks, not a synthesize() running beside them', async () => {
    let release: (() => void) | undefined
    const { client } = await setup(
      async (req, res) => {
        if (JSON.parse(req.body).input === 'Slow bytes')
          await new Promise<void>((r) => (release = r))
        sendWav(res)
      },
      { player: async () => {} },
    )
    const bytes = client.synthesize('Slow bytes', opts)
    await expect.poll(() => release !== undefined).toBe(true)
    await client.speak('Spoken', opts)
    release?.()
    expect((await bytes).provider).toBe('edge')
  })

  it("speak({ mode: 'queue' }) waits for the one playing, in order", async () => {
    const order: string[] = []
    const { client } = await setup(
      (req, res) => sendWav(res, {}, tinyWav(JSON.parse(req.body).input.length * 10)),
      {
        player: async (audio) => {
          order.push(`start ${audio.bytes.byteLength}`)
          await new Promise((r) => setTimeout(r, 50))
          order.push(`end ${audio.bytes.byteLength}`)
        },
      },
    )
    const a = client.speak('One', { ...opts, mode: 'queue' })
    const b = client.speak('Three', { ...opts, mode: 'queue' })
    const [ra, rb] = await Promise.all([a, b])
    expect([ra.played, rb.played]).toEqual(['audio', 'audio'])
    const one = tinyWav(30).byteLength
    const three = tinyWav(50).byteLength
    expect(order).toEqual([`start ${one}`, `end ${one}`, `start ${three}`, `end ${three}`])
  })

  it('speak() without a player in Node says what to do', async () => {
    const { client } = await setup((_, res) => sendWav(res))
    await expect(client.speak('Hi', opts)).rejects.toMatchObject({
      code: 'invalid_config',
      field: 'player',
    })
  })
})
