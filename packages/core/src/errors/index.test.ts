import { describe, expect, it } from 'vitest'
import { isTtsError, TtsError } from './index.ts'

describe('TtsError', () => {
  it('carries a code, a cause and details', () => {
    const cause = new Error('socket closed')
    const e = new TtsError('upstream_unavailable', 'no upstream answered', {
      cause,
      details: { tries: 3 },
    })
    expect(e.code).toBe('upstream_unavailable')
    expect(e.cause).toBe(cause)
    expect(e.details).toEqual({ tries: 3 })
    expect(e).toBeInstanceOf(Error)
  })

  it('is recognised by the guard without instanceof, and plain errors are not', () => {
    const foreign = Object.assign(new Error('x'), {
      [Symbol.for('tts-edge.error')]: true,
      code: 'x',
    })
    expect(isTtsError(foreign)).toBe(true)
    expect(isTtsError(new Error('x'))).toBe(false)
    expect(isTtsError(null)).toBe(false)
    expect(isTtsError('circuit_open')).toBe(false)
  })
})
