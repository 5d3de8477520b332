import { describe, expect, it } from 'vitest'
import { mergeFaults, NO_FAULTS } from './index.ts'

describe('mergeFaults', () => {
  it('applies a patch and keeps the rest', () => {
    const faults = mergeFaults(
      { ...NO_FAULTS, hang: true },
      { errorRate: 0.5, rateLimit: { retryAfterS: 7 } },
    )
    expect(faults).toEqual({
      ...NO_FAULTS,
      hang: true,
      errorRate: 0.5,
      rateLimit: { retryAfterS: 7 },
    })
    expect(mergeFaults(faults, { rateLimit: null, cutAfterBytes: 100 })).toMatchObject({
      rateLimit: null,
      cutAfterBytes: 100,
    })
  })

  it('says which field is wrong and what is allowed', () => {
    expect(() => mergeFaults(NO_FAULTS, { errorRate: 2 })).toThrow(
      'errorRate must be a number from 0 to 1, got 2',
    )
    expect(() => mergeFaults(NO_FAULTS, { errorStatus: 200 })).toThrow(
      /errorStatus must be an integer from 400 to 599/,
    )
    expect(() => mergeFaults(NO_FAULTS, { hang: 'yes' })).toThrow(/hang must be true or false/)
    expect(() => mergeFaults(NO_FAULTS, { slow: true })).toThrow(
      /unknown fault 'slow'; known: errorRate/,
    )
    expect(() => mergeFaults(NO_FAULTS, [1])).toThrow(/JSON object/)
    expect(() => mergeFaults(NO_FAULTS, { rateLimit: 5 })).toThrow(/retryAfterS/)
  })
})
