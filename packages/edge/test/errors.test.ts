import { describe, expect, it } from 'vitest'
import { call, keys, speak } from './helpers.ts'

type Problem = { type: string; title: string; status: number; code: string; detail: string }

function expectProblem(
  res: { status: number; headers: Headers; json<T>(): T },
  status: number,
  code: string,
): Problem {
  expect(res.status).toBe(status)
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/)
  const body = res.json<Problem>()
  expect(body).toMatchObject({ status, code })
  expect(body.detail.length).toBeGreaterThan(10)
  expect(JSON.stringify(body)).not.toMatch(/\.ts:\d+|at async|stack/)
  return body
}

describe('bad input gets its problem+json, never a 500', () => {
  const post = (
    body: string,
    headers: Record<string, string> = { 'content-type': 'application/json' },
  ) => call('/v1/audio/speech', { method: 'POST', body, headers })

  it('malformed JSON', async () => {
    const p = expectProblem(await post('{"input": "hi",'), 400, 'invalid_request')
    expect(p.detail).toMatch(/JSON/i)
  })

  it('a body that is not JSON at all, or no body', async () => {
    expectProblem(
      await post('input=hi', { 'content-type': 'application/x-www-form-urlencoded' }),
      415,
      'unsupported_media_type',
    )
    const none = await call('/v1/audio/speech', { method: 'POST' })
    expect([400, 415]).toContain(none.status)
    expect(none.headers.get('content-type')).toMatch(/^application\/problem\+json/)
  })

  it('wrong types', async () => {
    const p = expectProblem(await speak({ input: 42, speed: 'fast' }), 400, 'invalid_request')
    expect(p.detail).toMatch(/input/)
    expect(p.detail).toMatch(/speed/)
    expectProblem(await speak({ input: 'hi', stream: 'yes' }), 400, 'invalid_request')
  })

  it('empty, blank or over-long input', async () => {
    expect(expectProblem(await speak({ input: '' }), 400, 'invalid_request').detail).toMatch(
      /empty/,
    )
    expect(expectProblem(await speak({ input: '   \n ' }), 400, 'invalid_request').detail).toMatch(
      /text/,
    )
    expect(
      expectProblem(await speak({ input: 'a'.repeat(4097) }), 400, 'invalid_request').detail,
    ).toMatch(/4096/)
  })

  it('speed out of range', async () => {
    expect(
      expectProblem(await speak({ input: 'hi', speed: 9 }), 400, 'invalid_request').detail,
    ).toMatch(/4\.0/)
    expect(
      expectProblem(await speak({ input: 'hi', speed: 0.1 }), 400, 'invalid_request').detail,
    ).toMatch(/0\.25/)
  })

  it('unknown or dishonest formats list the supported ones', async () => {
    for (const format of ['aac', 'ogg', 'FLAC']) {
      const p = expectProblem(
        await speak({ input: 'hi', response_format: format }),
        400,
        'unsupported_format',
      )
      expect(p.detail).toMatch(/mp3, opus, wav, pcm, flac/)
    }
  })

  it('unknown voice', async () => {
    const p = expectProblem(
      await speak({ input: 'Hello there.', voice: 'nobody-at-all' }),
      400,
      'unknown_voice',
    )
    expect(p.detail).toMatch(/nobody-at-all/)
    expectProblem(
      await speak({ input: 'Hello there.', voice: 'voice_0123456789abcdef0123' }),
      400,
      'unknown_voice',
    )
  })

  it('unknown language lists the supported ones', async () => {
    const p = expectProblem(
      await speak({ input: 'Hello there.', language: 'tlh' }),
      400,
      'unsupported_language',
    )
    expect(p.detail).toMatch(/auto.*en.*zh-cn/)
  })

  it('a body over the size limit is 413', async () => {
    const res = await call('/v1/audio/speech', {
      method: 'POST',
      body: JSON.stringify({ input: 'x'.repeat(70_000), voice: 'alloy' }),
      headers: { 'content-type': 'application/json' },
    })
    expectProblem(res, 413, 'payload_too_large')
  })

  it('a wrong method is 405 with Allow', async () => {
    const res = await call('/v1/audio/speech', { method: 'PUT', body: '{}' })
    expectProblem(res, 405, 'method_not_allowed')
    expect(res.headers.get('allow')).toBe('GET, POST')
    const voices = await call('/v1/voices/voice_0123456789abcdef', { method: 'GET' })
    expectProblem(voices, 405, 'method_not_allowed')
  })

  it('an unknown route is 404', async () => {
    expectProblem(await call('/v1/nope'), 404, 'not_found')
    expectProblem(
      await call('/v1/voices/voice_0123456789abcdef0123', { method: 'DELETE' }),
      404,
      'not_found',
    )
  })
})

describe('auth', () => {
  it('no key or an unknown key is 401 with WWW-Authenticate', async () => {
    const none = await speak({ input: 'hi' }, { key: null })
    expectProblem(none, 401, 'unauthorized')
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/)
    expectProblem(await speak({ input: 'hi' }, { key: 'tts_not_a_real_key' }), 401, 'unauthorized')
    expectProblem(
      await speak({ input: 'hi' }, { headers: { authorization: 'Basic dXNlcjpwYXNz' }, key: null }),
      401,
      'unauthorized',
    )
  })

  it('a valid key without the scope is 403', async () => {
    expectProblem(await call('/v1/voices', { key: keys.speech }), 403, 'forbidden')
    expectProblem(await call('/metrics', { key: keys.speech }), 403, 'forbidden')
    expectProblem(await call('/v1/cache', { method: 'DELETE', key: keys.voices }), 403, 'forbidden')
  })

  it('limits each key: past 600 requests a minute, 429 rate_limited with Retry-After', async () => {
    let sent = 0
    let limited: Awaited<ReturnType<typeof call>> | undefined
    // The limiter counts in fixed 60 s windows: a run that straddles a window boundary gets a
    // fresh allowance mid-way, so the 429 comes at request 601 of a window, not of the test.
    while (!limited && sent < 1300) {
      const res = await call('/v1/languages', { key: keys.flood })
      sent++
      if (res.status === 429) limited = res
      else expect(res.status).toBe(200)
    }
    expect(sent).toBeGreaterThanOrEqual(601)
    expect(sent).toBeLessThanOrEqual(1201)
    expectProblem(limited as Awaited<ReturnType<typeof call>>, 429, 'rate_limited')
    expect(limited?.headers.get('retry-after')).toBe('60')
    expect((await call('/v1/languages', { key: keys.speech })).status).toBe(200)
  })

  it('never echoes the key back', async () => {
    const res = await speak({ input: 'hi' }, { key: 'tts_secret_value_that_must_not_leak' })
    expect(new TextDecoder().decode(res.body)).not.toContain('tts_secret_value')
  })

  it('health, readiness and the API document need no key', async () => {
    expect((await call('/healthz', { key: null })).status).toBe(200)
    const ready = await call('/readyz', { key: null })
    expect(ready.status).toBe(200)
    // Without a key only the verdict (public-surface.test.ts covers what else is hidden).
    expect(ready.json()).toEqual({ status: 'ok' })
    const doc = (await call('/openapi.json', { key: null })).json<{
      paths: Record<string, unknown>
    }>()
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/v1/audio/speech',
        '/v1/voices',
        '/v1/voices/{id}',
        '/v1/languages',
        '/v1/cache/stats',
      ]),
    )
    expect((await call('/docs', { key: null })).headers.get('content-type')).toMatch(/text\/html/)
  })
})
