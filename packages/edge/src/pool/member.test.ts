import { TimeoutError } from '@tts/core/resilience'
import { describe, expect, it } from 'vitest'
import { UpstreamError } from '../upstream/index.ts'
import { classifyUpstreamFailure } from './member.ts'

describe('classifyUpstreamFailure', () => {
  it('counts what says the upstream is unwell, and nothing else', () => {
    expect(classifyUpstreamFailure(new TimeoutError(3000))).toBe('failure')
    expect(classifyUpstreamFailure(new UpstreamError('upstream_unavailable', 'down'))).toBe(
      'failure',
    )
    expect(
      classifyUpstreamFailure(new UpstreamError('upstream_error', '500', { status: 500 })),
    ).toBe('failure')
    expect(classifyUpstreamFailure(new UpstreamError('upstream_truncated', 'cut'))).toBe('failure')
    // Busy is not broken; a 4xx is an answer; our own bad request or the caller leaving is no fault.
    expect(
      classifyUpstreamFailure(new UpstreamError('upstream_busy', '429', { status: 429 })),
    ).toBe('ignore')
    expect(
      classifyUpstreamFailure(new UpstreamError('upstream_error', '422', { status: 422 })),
    ).toBe('success')
    expect(classifyUpstreamFailure(new DOMException('gone', 'AbortError'))).toBe('ignore')
  })
})
