import { waitOnExecutionContext } from 'cloudflare:test'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openStream, readToEnd, sentence, setFaults, speak, synthesesOf } from './helpers.ts'

// Each test gets a pool object of its own, so breaker state from one never decides another.
let isolated: Partial<Env> = {}
beforeEach(() => {
  // No deferred synthesis: the real queue consumer would synthesize these failed requests
  // later, against the shared emulator, in the middle of other files' tests.
  isolated = {
    POOL_NAME: `failures-${crypto.randomUUID()}`,
    POOL_OPTIONS: JSON.stringify({ deferOnFailure: false }),
  }
})
afterEach(() => setFaults({}))

async function expectNotCached(input: string, format: string) {
  await setFaults({})
  const before = (await synthesesOf(input)).total
  const again = await speak({ input, response_format: format }, { env: isolated })
  expect(again.status).toBe(200)
  expect(again.headers.get('x-tts-cache')).toBe('MISS')
  expect((await synthesesOf(input)).total).toBe(before + 1)
}

function expectProblem(
  res: { status: number; headers: Headers; json<T>(): T },
  status: number,
  code: string,
) {
  expect(res.status).toBe(status)
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/)
  const body = res.json<{ code: string; detail: string; status: number }>()
  expect(body.code).toBe(code)
  expect(body.status).toBe(status)
  expect(JSON.stringify(body)).not.toMatch(/at .*\.ts:\d+/)
}

describe('a stream cut by the upstream', () => {
  it('after audio went out: the body aborts (never a clean end) and nothing is cached', async () => {
    const input = `${sentence('This is a long enough sentence to be cut while it streams out')}`
    await setFaults({ cutAfterBytes: 20_000 })
    const { res, ctx, reader } = await openStream(
      { input, response_format: 'wav' },
      { env: isolated },
    )
    expect(res.status).toBe(200)
    expect(res.headers.get('x-tts-cache')).toBe('MISS')
    await expect(readToEnd(reader)).rejects.toThrow()
    await waitOnExecutionContext(ctx)
    await expectNotCached(input, 'wav')
  })

  it('before any audio: a 502 problem, nothing cached', async () => {
    const input = sentence('Cut before the first byte')
    await setFaults({ cutAfterBytes: 30 })
    const res = await speak({ input, response_format: 'mp3', stream: true }, { env: isolated })
    expectProblem(res, 502, 'upstream_invalid_audio')
    await expectNotCached(input, 'mp3')
  })

  it('without streaming: a 502 problem, nothing cached', async () => {
    const input = sentence('Cut without streaming')
    await setFaults({ cutAfterBytes: 5_000 })
    const res = await speak({ input, response_format: 'opus' }, { env: isolated })
    expect(res.status).toBeGreaterThanOrEqual(502)
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/)
    await expectNotCached(input, 'opus')
  })
})

describe('other upstream failures', () => {
  it('a 200 with a non-audio body is a 502, never passed on as audio', async () => {
    const input = sentence('Garbage in')
    await setFaults({ garbage: true })
    expectProblem(
      await speak({ input, response_format: 'wav', stream: true }, { env: isolated }),
      502,
      'upstream_invalid_audio',
    )
    expectProblem(
      await speak({ input, response_format: 'wav' }, { env: isolated }),
      502,
      'upstream_invalid_audio',
    )
    await expectNotCached(input, 'wav')
  })

  it('an upstream 500 is a 502 upstream_error', async () => {
    await setFaults({ errorRate: 1, errorStatus: 500 })
    expectProblem(
      await speak({ input: sentence('Server error'), response_format: 'wav' }, { env: isolated }),
      502,
      'upstream_error',
    )
  })

  it('an upstream that is down is a 503 upstream_unavailable', async () => {
    await setFaults({ down: true })
    expectProblem(
      await speak({ input: sentence('Nobody home'), response_format: 'wav' }, { env: isolated }),
      503,
      'upstream_unavailable',
    )
  })

  it('an upstream 429 is a 503 upstream_busy with its Retry-After', async () => {
    // The pool first learns the speakers (a cold one asks the upstream's /studio_speakers), so
    // the 429 meets the synthesis itself, whichever test ran before this one.
    expect(
      (await speak({ input: sentence('Warm'), response_format: 'wav' }, { env: isolated })).status,
    ).toBe(200)
    await setFaults({ rateLimit: { retryAfterS: 7 } })
    const res = await speak(
      { input: sentence('Too many'), response_format: 'wav' },
      { env: isolated },
    )
    expectProblem(res, 503, 'upstream_busy')
    expect(res.headers.get('retry-after')).toBe('7')
  })

  it('a hit is still served while the upstream is down', async () => {
    const input = sentence('Served from cache while down')
    expect((await speak({ input, response_format: 'mp3' }, { env: isolated })).status).toBe(200)
    await setFaults({ down: true })
    const hit = await speak({ input, response_format: 'mp3' }, { env: isolated })
    expect(hit.status).toBe(200)
    expect(hit.headers.get('x-tts-cache')).toBe('HIT')
  })
})
