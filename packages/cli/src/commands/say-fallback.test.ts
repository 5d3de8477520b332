import { describe, expect, it } from 'vitest'
import { fallbackLine } from './say.ts'

describe('the fallback line of say', () => {
  it('says a spent quota is a quota, with when to try again, not an upstream failure', () => {
    const line = fallbackLine({
      reason: 'quota_exceeded',
      message: 'speech quota used up for now, using device voice',
      error: { status: 429 },
      retryAfterMs: 41_200,
    })
    expect(line).toBe(
      'speech quota used up for now, using device voice (quota_exceeded; the edge takes more in 42 s)',
    )
  })

  it('names the request id of a 5xx', () => {
    const line = fallbackLine({
      reason: 'upstream_error',
      message: 'speech service unreachable, using device voice',
      error: { status: 502 },
      requestId: 'req-9',
    })
    expect(line).toBe(
      'the edge answered 502 (upstream_error, request id req-9): its speech upstream could not serve, using device voice',
    )
  })
})
