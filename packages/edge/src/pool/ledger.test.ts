import { createCircuitBreaker } from '@tts/core/resilience'
import { describe, expect, it } from 'vitest'
import { UpstreamError } from '../upstream/index.ts'
import { createLedger, inputShaped } from './ledger.ts'
import { classifyUpstreamFailure, type Member } from './member.ts'

/** The parts of a member the ledger uses: a real breaker, its verdicts, its notes. */
function member(id: string) {
  const breaker = createCircuitBreaker({ threshold: 3, classify: classifyUpstreamFailure })
  const noted: string[] = []
  const m = {
    id,
    breaker,
    classify: classifyUpstreamFailure,
    settle(error: unknown) {
      const verdict = classifyUpstreamFailure(error)
      if (verdict === 'failure') breaker.failure(error)
      else if (verdict === 'success') breaker.success()
      else breaker.release()
    },
    noteError(error: unknown) {
      noted.push((error as { code?: string }).code ?? 'unknown')
    },
  }
  return { member: m as unknown as Member, breaker, noted }
}

const e500 = () =>
  new UpstreamError('upstream_error', 'the upstream server answered 500', { status: 500 })
const down = () => new UpstreamError('upstream_unavailable', 'unreachable')

describe('ledger', () => {
  it('four failed attempts on one member count once, when committed', () => {
    const a = member('a')
    const ledger = createLedger()
    for (let i = 0; i < 4; i++) ledger.failed(a.member, down())
    expect(a.breaker.failures).toBe(0)
    ledger.commit()
    expect(a.breaker.failures).toBe(1)
    expect(a.noted).toHaveLength(4)
  })

  it('forgiving the input drops its failures but counts the others', () => {
    const a = member('a')
    const b = member('b')
    const ledger = createLedger()
    ledger.failed(a.member, e500())
    ledger.failed(a.member, e500())
    ledger.failed(b.member, down())
    expect(ledger.inputFailures).toBe(2)
    expect([...ledger.inputMembers]).toEqual([a.member])
    ledger.forgiveInput()
    expect(a.breaker.failures).toBe(0)
    expect(b.breaker.failures).toBe(1)
  })

  it('a member that failed both ways is not forgiven', () => {
    const a = member('a')
    const ledger = createLedger()
    ledger.failed(a.member, e500())
    ledger.failed(a.member, down())
    ledger.forgiveInput()
    expect(a.breaker.failures).toBe(1)
  })

  it('a 429 or an answer (4xx) is told at once and never counts', () => {
    const a = member('a')
    const ledger = createLedger()
    ledger.failed(a.member, new UpstreamError('upstream_busy', '429', { status: 429 }))
    ledger.failed(a.member, new UpstreamError('upstream_error', '400', { status: 400 }))
    ledger.commit()
    expect(a.breaker.failures).toBe(0)
    expect(ledger.inputFailures).toBe(0)
  })

  it('knows which failures the input can cause', () => {
    expect(inputShaped(e500())).toBe(true)
    expect(inputShaped(new UpstreamError('upstream_truncated', 'cut'))).toBe(true)
    expect(inputShaped(new UpstreamError('upstream_invalid_audio', 'empty'))).toBe(true)
    expect(inputShaped(down())).toBe(false)
    expect(inputShaped(new UpstreamError('upstream_unavailable', '503', { status: 503 }))).toBe(
      false,
    )
    expect(inputShaped(new UpstreamError('upstream_timeout', 'slow'))).toBe(false)
    expect(inputShaped(new DOMException('t', 'TimeoutError'))).toBe(false)
  })
})
