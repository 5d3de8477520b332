import { TimeoutError } from '@tts/core/resilience'
import { describe, expect, it } from 'vitest'
import { failureCode, toFailure, UNSERVED_CODES } from '../pool/errors.ts'
import { isDeadlineError, UpstreamError } from './errors.ts'

/** An error as it arrives after an RPC or stream boundary: a message, nothing else. */
function plain(message: string): Error {
  return new Error(message)
}

describe('deadline and departure errors', () => {
  const deadlines: Array<[string, unknown]> = [
    [
      'DOMException TimeoutError',
      new DOMException('The operation was aborted due to timeout', 'TimeoutError'),
    ],
    ['DOMException AbortError', new DOMException('The operation was aborted', 'AbortError')],
    ['legacy code 23', { code: 23, message: 'x' }],
    ['legacy code 20', { code: 20, message: 'x' }],
    ['workerd timeout text', plain('The operation was aborted due to timeout')],
    ['workerd cancelled call', plain('Network connection lost.')],
    ['workerd abort text', plain('This operation was aborted')],
    ['a caller gone', plain('every listener went away')],
    ['never a response', plain('The script will never generate a response.')],
    ['core TimeoutError', new TimeoutError(3000)],
    ['upstream_timeout', new UpstreamError('upstream_timeout', 'slow')],
    [
      'a deadline as cause',
      new Error('read failed', { cause: new DOMException('t', 'TimeoutError') }),
    ],
    ['an Error named TimeoutError', Object.assign(new Error('t'), { name: 'TimeoutError' })],
  ]

  it.each(deadlines)(
    '%s is upstream_timeout, and unserved (stale copy, deferral)',
    (_name, error) => {
      const reason = error
      expect(isDeadlineError(reason)).toBe(true)
      expect(failureCode(reason)).toBe('upstream_timeout')
      expect(UNSERVED_CODES.has(failureCode(reason))).toBe(true)
      expect(toFailure(reason)).toMatchObject({
        ok: false,
        code: 'upstream_timeout',
        message: 'the upstream did not answer in time',
      })
    },
  )

  it('a real AbortSignal.timeout reason is one too', async () => {
    const signal = AbortSignal.timeout(1)
    await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve()))
    expect(isDeadlineError(signal.reason)).toBe(true)
    expect(failureCode(signal.reason)).toBe('upstream_timeout')
  })

  const others: Array<[string, unknown, string]> = [
    [
      'a 500',
      new UpstreamError('upstream_error', 'the upstream server answered 500', { status: 500 }),
      'upstream_error',
    ],
    [
      'a network failure',
      new UpstreamError('upstream_unavailable', 'unreachable', {
        cause: plain('Network connection lost.'),
      }),
      'upstream_unavailable',
    ],
    ['a truncated stream', new UpstreamError('upstream_truncated', 'cut'), 'upstream_truncated'],
    ['a plain bug', new TypeError('x is undefined'), 'upstream_error'],
    ['nothing', undefined, 'upstream_error'],
    ['a string', 'boom', 'upstream_error'],
  ]

  it.each(others)('%s keeps its own code', (_name, error, code) => {
    expect(isDeadlineError(error)).toBe(false)
    expect(failureCode(error)).toBe(code)
  })
})
