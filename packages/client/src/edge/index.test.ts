import { afterEach, describe, expect, it } from 'vitest'
import { type Handler, sendProblem, sendWav, startServer, tinyWav } from '../../test/http-server.ts'
import { isAbortedError, isEdgeRequestError, isEdgeUnavailableError } from '../errors/index.ts'
import { createEdgeTransport, type SpeechRequest } from './index.ts'

const request: SpeechRequest = {
  input: 'Hello',
  voice: 'default',
  language: 'en',
  response_format: 'wav',
  speed: 1,
}
let close: (() => Promise<void>) | undefined
afterEach(async () => {
  await close?.()
  close = undefined
})

async function edgeWith(handler: Handler, timeoutMs = 2000) {
  const server = await startServer(handler)
  close = server.close
  const edge = createEdgeTransport({
    endpoint: server.url,
    apiKey: 'sk-test-1234',
    timeoutMs,
    model: 'xtts-v2',
  })
  return { edge, server }
}

describe('edge transport', () => {
  it('posts the OpenAI-shaped body with the bearer key and reads the X-TTS headers', async () => {
    const wav = tinyWav(300)
    const { edge, server } = await edgeWith((_, res) =>
      sendWav(res, { 'x-tts-cache': 'HIT', 'x-tts-language': 'fr' }, wav),
    )
    const out = await edge.speech(request)
    expect(out.audio).toEqual(wav)
    expect(out.mimeType).toBe('audio/wav')
    expect(out.cacheStatus).toBe('hit')
    expect(out.language).toBe('fr')
    const sent = server.requests[0]
    expect(sent?.url).toBe('/v1/audio/speech')
    expect(sent?.headers.authorization).toBe('Bearer sk-test-1234')
    expect(JSON.parse(sent?.body ?? '')).toEqual({ stream: true, model: 'xtts-v2', ...request })
  })

  it('turns a caller 4xx problem into an EdgeRequestError with its code', async () => {
    const { edge } = await edgeWith((_, res) => sendProblem(res, 401, 'unauthorized'))
    const error = await edge.speech(request).catch((e: unknown) => e)
    expect(isEdgeRequestError(error)).toBe(true)
    expect(error).toMatchObject({ code: 'unauthorized', status: 401 })
  })

  it.each([
    [503, 'upstream_unavailable'],
    [429, 'rate_limited'],
    [500, 'internal'],
  ])('turns %i into an EdgeUnavailableError', async (status, code) => {
    const { edge, server } = await edgeWith((_, res) =>
      sendProblem(res, status, code, { 'retry-after': '1' }),
    )
    const error = await edge.speech(request).catch((e: unknown) => e)
    expect(isEdgeUnavailableError(error)).toBe(true)
    expect(error).toMatchObject({ code, status, retryAfterMs: 1000 })
    expect(server.requests).toHaveLength(1) // the transport itself never retries
  })

  it('reports a refused connection as network_error', async () => {
    const { edge } = await edgeWith((_, res) => sendWav(res))
    await close?.()
    close = undefined
    const error = await edge.speech(request).catch((e: unknown) => e)
    expect(error).toMatchObject({ name: 'EdgeUnavailableError', code: 'network_error' })
  })

  it('reports a silent edge as timeout', async () => {
    const { edge } = await edgeWith(() => new Promise(() => {}), 200)
    const error = await edge.speech(request).catch((e: unknown) => e)
    expect(error).toMatchObject({ name: 'EdgeUnavailableError', code: 'timeout' })
  })

  it('treats a 200 that is not audio as a failure of the edge', async () => {
    const { edge } = await edgeWith((_, res) => {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end('{"error":"oops"}')
    })
    const error = await edge.speech(request).catch((e: unknown) => e)
    expect(error).toMatchObject({ name: 'EdgeUnavailableError', code: 'invalid_audio' })
  })

  it('reports the caller aborting as AbortedError', async () => {
    const { edge } = await edgeWith(() => new Promise(() => {}))
    const controller = new AbortController()
    const pending = edge.speech(request, controller.signal).catch((e: unknown) => e)
    setTimeout(() => controller.abort(), 20)
    expect(isAbortedError(await pending)).toBe(true)
  })

  it("prefetches in the contract's items form, each phrase with its own settings, resolving on 202", async () => {
    const { edge, server } = await edgeWith((_, res) => {
      res.writeHead(202, { 'content-type': 'application/json' })
      res.end('{"queued":3}')
    })
    await edge.prefetch([
      request,
      { ...request, input: 'Bye' },
      { ...request, input: 'Hola', language: 'es' },
    ])
    const bodies = server.requests.map((r) => JSON.parse(r.body))
    expect(server.requests.every((r) => r.url === '/v1/audio/speech/prefetch')).toBe(true)
    const item = { voice: 'default', response_format: 'wav', speed: 1 }
    expect(bodies).toEqual([
      {
        model: 'xtts-v2',
        items: [
          { ...item, input: 'Hello', language: 'en' },
          { ...item, input: 'Bye', language: 'en' },
          { ...item, input: 'Hola', language: 'es' },
        ],
      },
    ])
    expect(bodies[0]).not.toHaveProperty('inputs')
  })

  it('splits a prefetch of more than 100 phrases into batches of at most 100, in order', async () => {
    const { edge, server } = await edgeWith((_, res) => {
      res.writeHead(202, { 'content-type': 'application/json' })
      res.end('{}')
    })
    const phrases = Array.from({ length: 205 }, (_, i) => ({ ...request, input: `phrase ${i}` }))
    await edge.prefetch(phrases)
    const batches = server.requests.map(
      (r) => (JSON.parse(r.body) as { items: { input: string }[] }).items,
    )
    expect(batches.map((b) => b.length)).toEqual([100, 100, 5])
    expect(batches.flat().map((i) => i.input)).toEqual(phrases.map((p) => p.input))
  })
})
