import { afterEach, describe, expect, it } from 'vitest'
import { sendProblem, sendWav, startServer } from '../../test/http-server.ts'
import { isEdgeRequestError } from '../errors/index.ts'
import { createEdgeAuth } from './auth.ts'
import { createEdgeTransport, type SpeechRequest } from './index.ts'

/** A token shaped like the edge's (`ttsb1.<claims>.<signature>`); the client reads only `exp`. */
function tokenFor(iat: number, exp: number, n: number): string {
  const claims = btoa(JSON.stringify({ v: 1, iat, exp, n })).replace(/=+$/, '')
  return `ttsb1.${claims}.sig${n}`
}

describe('edge auth', () => {
  it('sends an API key or a given token as a bearer', async () => {
    const now = () => 0
    expect(await createEdgeAuth({ apiKey: 'k-1234567890', now }).header()).toBe(
      'Bearer k-1234567890',
    )
    const given = createEdgeAuth({ token: 'ttsb1.a.b', now })
    expect(await given.header()).toBe('Bearer ttsb1.a.b')
    expect(given.invalidate()).toBe(false)
    expect(await createEdgeAuth({ now }).header()).toBeUndefined()
  })

  it('fetches a token once for concurrent requests and again shortly before it expires', async () => {
    let clock = 1_000_000
    let calls = 0
    const auth = createEdgeAuth({
      now: () => clock,
      getToken: async () => {
        calls++
        const iat = Math.floor(clock / 1000)
        return { token: tokenFor(iat, iat + 300, calls) }
      },
    })
    const [a, b] = await Promise.all([auth.header(), auth.header()])
    expect(calls).toBe(1)
    expect(a).toBe(b)
    clock += 260_000 // 40 s left: still kept
    expect(await auth.header()).toBe(a)
    clock += 15_000 // 25 s left: inside the 30 s margin
    expect(await auth.header()).not.toBe(a)
    expect(calls).toBe(2)
  })

  it('refreshes a short-lived token halfway through its life', async () => {
    let clock = 0
    let calls = 0
    const auth = createEdgeAuth({
      now: () => clock,
      getToken: async () => tokenFor(0, 20, ++calls),
    })
    await auth.header()
    clock = 9_000
    await auth.header()
    expect(calls).toBe(1)
    clock = 10_000
    await auth.header()
    expect(calls).toBe(2)
  })

  it('rejects a getToken() that resolves to no token', async () => {
    const auth = createEdgeAuth({ now: () => 0, getToken: async () => ({}) as { token: string } })
    await expect(auth.header()).rejects.toThrow(/getToken\(\) must resolve/)
  })
})

describe('edge transport with getToken', () => {
  let close: (() => Promise<void>) | undefined
  afterEach(async () => {
    await close?.()
    close = undefined
  })
  const request: SpeechRequest = {
    input: 'Hello',
    voice: 'default',
    language: 'en',
    response_format: 'wav',
    speed: 1,
  }

  it('retries once with a fresh token after the edge refuses one, and no more', async () => {
    let calls = 0
    const auth = createEdgeAuth({ now: Date.now, getToken: async () => `ttsb1.x.t${++calls}` })
    const server = await startServer((req, res) =>
      req.headers.authorization === 'Bearer ttsb1.x.t2'
        ? sendWav(res)
        : sendProblem(res, 401, 'token_expired'),
    )
    close = server.close
    const edge = createEdgeTransport({
      endpoint: server.url,
      apiKey: undefined,
      auth,
      timeoutMs: 2000,
      model: 'xtts-v2',
    })
    const out = await edge.speech(request)
    expect(out.mimeType).toBe('audio/wav')
    expect(server.requests.map((r) => r.headers.authorization)).toEqual([
      'Bearer ttsb1.x.t1',
      'Bearer ttsb1.x.t2',
    ])
    auth.invalidate()
    calls = 10 // every later token is refused
    const error = await edge.speech(request).catch((e: unknown) => e)
    expect(isEdgeRequestError(error) && error.code).toBe('token_expired')
    expect(server.requests).toHaveLength(4)
  })
})
