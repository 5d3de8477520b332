import { describe, expect, it } from 'vitest'
import { isTtsError, TtsError } from '../errors/index.ts'
import { httpStatusOf, isTransientError, retryAfterOf } from './classify.ts'
import {
  BrokenCircuitError,
  GateFullError,
  GateTimeoutError,
  HttpStatusError,
  isBrokenCircuitError,
  isGateFullError,
  isGateTimeoutError,
  isTimeoutError,
  parseRetryAfter,
  TimeoutError,
} from './errors.ts'

const NOW = Date.parse('2026-11-25T12:00:00Z')

describe('parseRetryAfter', () => {
  it.each([
    ['0', 0],
    ['7', 7000],
    [' 120 ', 120_000],
    ['Wed, 25 Nov 2026 12:00:30 GMT', 30_000],
    ['Wed, 25 Nov 2026 11:00:00 GMT', 0], // in the past: go now
  ])('%j → %i ms', (value, ms) => {
    expect(parseRetryAfter(value, NOW)).toBe(ms)
  })

  it.each([null, undefined, '', 'soon', '1.5', '-3', '2026-11-25', 'Wed, 99 Foo 2026'])(
    '%j → undefined',
    (value) => {
      expect(parseRetryAfter(value, NOW)).toBeUndefined()
    },
  )
})

describe('HttpStatusError', () => {
  it('is built from a response with its Retry-After, without secrets from the URL', () => {
    const response = new Response(null, {
      status: 429,
      statusText: 'Too Many Requests',
      headers: { 'retry-after': 'Wed, 25 Nov 2026 12:00:05 GMT' },
    })
    Object.defineProperty(response, 'url', {
      value: 'https://xtts.example/tts_stream?api_key=hunter2',
    })
    const error = HttpStatusError.fromResponse(response, () => NOW)
    expect(error).toMatchObject({ status: 429, retryAfterMs: 5000, code: 'http_status' })
    expect(error.message).toBe('HTTP 429 Too Many Requests from https://xtts.example')
    expect(error.details).toEqual({ status: 429, retryAfterMs: 5000 })
    expect(isTtsError(error)).toBe(true)
  })

  it('has no retryAfterMs when the response named none', () => {
    const error = HttpStatusError.fromResponse(new Response(null, { status: 500 }))
    expect(error.retryAfterMs).toBeUndefined()
    expect(error.details).toEqual({ status: 500 })
  })
})

describe('classification', () => {
  it.each([
    ['HttpStatusError(503, x)', new HttpStatusError(503, 'x'), true],
    ['HttpStatusError(408, x)', new HttpStatusError(408, 'x'), true],
    ['HttpStatusError(429, x)', new HttpStatusError(429, 'x'), true],
    ['HttpStatusError(404, x)', new HttpStatusError(404, 'x'), false],
    ['HttpStatusError(401, x)', new HttpStatusError(401, 'x'), false],
    ['{ status: 502 }', { status: 502 }, true],
    ['{ response: { status: 400 } }', { response: { status: 400 } }, false],
    ['TypeError(fetch failed)', new TypeError('fetch failed'), true],
    ['Error(Network connection lost.)', new Error('Network connection lost.'), true],
    ['TimeoutError(10)', new TimeoutError(10), true],
    [
      'DOMException(signal timed out, TimeoutError)',
      new DOMException('signal timed out', 'TimeoutError'),
      true,
    ],
    ['DOMException(aborted, AbortError)', new DOMException('aborted', 'AbortError'), false],
    ['BrokenCircuitError(1000)', new BrokenCircuitError(1000), false],
    ['GateFullError(1, 1)', new GateFullError(1, 1), false],
    ['GateTimeoutError(10)', new GateTimeoutError(10), false],
    ['TtsError(invalid_options, x)', new TtsError('invalid_options', 'x'), false],
    ['TtsError(unauthorized, x)', new TtsError('unauthorized', 'x'), false],
    [
      'TtsError(invalid_audio, stream ended early)',
      new TtsError('invalid_audio', 'stream ended early'),
      true,
    ],
    ['ReferenceError(x is not defined)', new ReferenceError('x is not defined'), false],
  ])('isTransientError(%s) is %s', (_, error, expected) => {
    expect(isTransientError(error)).toBe(expected)
  })

  it('reads status and Retry-After from the shapes callers throw', () => {
    expect(httpStatusOf(new HttpStatusError(418, 'x'))).toBe(418)
    expect(httpStatusOf({ response: { status: 503 } })).toBe(503)
    expect(httpStatusOf(new Error('x'))).toBeUndefined()
    expect(httpStatusOf(null)).toBeUndefined()
    expect(retryAfterOf({ retryAfterMs: 1500 })).toBe(1500)
    expect(retryAfterOf({ retryAfterMs: -1 })).toBe(0)
    const response = new Response(null, { status: 503, headers: { 'retry-after': '2' } })
    expect(retryAfterOf({ response })).toBe(2000)
    expect(retryAfterOf(new Error('x'))).toBeUndefined()
  })
})

describe('guards', () => {
  it('tell the typed errors apart by code and name, not instanceof', () => {
    const errors = [
      new BrokenCircuitError(5),
      new TimeoutError(5),
      new GateFullError(1, 0),
      new GateTimeoutError(5),
    ]
    const guards = [isBrokenCircuitError, isTimeoutError, isGateFullError, isGateTimeoutError]
    const table = errors.map((e) => guards.map((g) => g(e)))
    expect(table).toEqual([
      [true, false, false, false],
      [false, true, false, false],
      [false, false, true, false],
      [false, false, false, true],
    ])
    expect(errors.map((e) => (e as { code: string }).code)).toEqual([
      'circuit_open',
      'timeout',
      'upstream_busy',
      'upstream_busy',
    ])
    expect(isTimeoutError(new DOMException('x', 'TimeoutError'))).toBe(false)
  })
})
