import { describe, expect, it } from 'vitest'
import {
  isEdgeLimitError,
  isEdgeRequestError,
  isEdgeUnavailableError,
  isInputRejectedError,
} from '../errors/index.ts'
import { problemError, readProblem } from './problems.ts'
import { durationMs, rateLimitFigures } from './rate-limit.ts'

function answer(
  status: number,
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
) {
  const response = new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/problem+json', ...headers },
  })
  return { response, problem: readProblem(body) }
}

describe('problemError', () => {
  it('turns quota_exceeded into an EdgeLimitError with Retry-After, the figures and the request id', async () => {
    const { response, problem } = answer(
      429,
      { code: 'quota_exceeded', detail: 'this API key has used its quota', request_id: 'req-q1' },
      {
        'retry-after': '42',
        'x-ratelimit-limit-characters': '20',
        'x-ratelimit-remaining-characters': '3',
        'x-ratelimit-reset-characters': '42s',
        'x-ratelimit-limit-characters-day': '1000',
        'x-ratelimit-remaining-characters-day': '983',
        'x-ratelimit-reset-characters-day': '3h2m1s',
      },
    )
    const error = problemError(response, await problem)
    expect(isEdgeLimitError(error)).toBe(true)
    // Still an edge-unavailable error for code written before the limit errors existed.
    expect(isEdgeUnavailableError(error)).toBe(true)
    expect(isEdgeRequestError(error)).toBe(false)
    expect(error).toMatchObject({
      code: 'quota_exceeded',
      status: 429,
      retryAfterMs: 42_000,
      requestId: 'req-q1',
      limits: {
        minute: { limit: 20, remaining: 3, resetMs: 42_000 },
        day: { limit: 1000, remaining: 983, resetMs: 10_921_000 },
      },
    })
  })

  it.each(['rate_limited', 'queue_full'])(
    'tells %s apart by its code, with no figures',
    async (code) => {
      const { response, problem } = answer(429, { code }, { 'retry-after': '60' })
      const error = problemError(response, await problem)
      expect(isEdgeLimitError(error)).toBe(true)
      expect(error).toMatchObject({ code, retryAfterMs: 60_000, limits: {} })
    },
  )

  it('keeps a 429 with an unknown code an EdgeUnavailableError, not a limit', async () => {
    const { response, problem } = answer(429, { code: 'slow_down' })
    const error = problemError(response, await problem)
    expect(isEdgeUnavailableError(error)).toBe(true)
    expect(isEdgeLimitError(error)).toBe(false)
  })

  it('turns a 422 input_rejected into an InputRejectedError (an EdgeRequestError too)', async () => {
    const { response, problem } = answer(
      422,
      { code: 'input_rejected', detail: 'the upstream cannot synthesize this input' },
      { 'x-request-id': 'req-from-header' },
    )
    const error = problemError(response, await problem)
    expect(isInputRejectedError(error)).toBe(true)
    expect(isEdgeRequestError(error)).toBe(true)
    expect(error).toMatchObject({
      status: 422,
      code: 'input_rejected',
      requestId: 'req-from-header',
    })
  })

  it('names the request id of a 5xx in its message once', async () => {
    const plain = answer(502, {
      code: 'upstream_error',
      detail: 'the upstream failed',
      request_id: 'r-502',
    })
    const said = answer(500, {
      code: 'internal_error',
      detail: 'internal error (request id r-500)',
      request_id: 'r-500',
    })
    const a = problemError(plain.response, await plain.problem)
    const b = problemError(said.response, await said.problem)
    expect(a.message).toBe('the edge answered 502: the upstream failed (request id r-502)')
    expect(b.message).toBe('the edge answered 500: internal error (request id r-500)')
    expect(a).toMatchObject({ requestId: 'r-502' })
  })
})

describe('rate-limit headers', () => {
  it.each([
    ['850ms', 850],
    ['42s', 42_000],
    ['6m0s', 360_000],
    ['1h0m5s', 3_605_000],
    ['', undefined],
    ['soon', undefined],
    ['5s later', undefined],
  ])('reads %j as %s ms', (text, ms) => {
    expect(durationMs(text)).toBe(ms)
  })

  it('skips a window whose headers are incomplete', () => {
    const headers = new Headers({
      'x-ratelimit-limit-characters': '20',
      'x-ratelimit-remaining-characters': '3',
    })
    expect(rateLimitFigures(headers)).toEqual({})
  })
})
