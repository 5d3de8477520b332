import { describe, expect, it } from 'vitest'
import { createPoisonMemo, POISON_MEMO_MAX, rejectInput } from './poison.ts'

describe('poison memo', () => {
  it('adds up recent input failures of a key, and forgets them after the TTL', () => {
    let now = 0
    const memo = createPoisonMemo(
      () => 1000,
      () => now,
    )
    expect(memo.suspect('k', 1)).toBe(1)
    now = 500
    expect(memo.suspect('k', 1)).toBe(2)
    expect(memo.suspect('other', 1)).toBe(1)
    now = 1600
    expect(memo.suspect('k', 1)).toBe(1)
  })

  it('remembers a rejected key for the TTL only', () => {
    let now = 0
    const memo = createPoisonMemo(
      () => 1000,
      () => now,
    )
    memo.reject('k')
    expect(memo.rejected('k')).toBe(true)
    expect(memo.rejected('j')).toBe(false)
    now = 1001
    expect(memo.rejected('k')).toBe(false)
  })

  it('keeps at most POISON_MEMO_MAX keys, dropping the oldest', () => {
    const memo = createPoisonMemo(() => 60_000)
    for (let i = 0; i <= POISON_MEMO_MAX; i++) memo.reject(`k${i}`)
    expect(memo.rejected('k0')).toBe(false)
    expect(memo.rejected('k1')).toBe(true)
    expect(memo.rejected(`k${POISON_MEMO_MAX}`)).toBe(true)
  })

  it('a TTL of 0 remembers nothing', () => {
    const memo = createPoisonMemo(() => 0)
    memo.reject('k')
    expect(memo.rejected('k')).toBe(false)
  })

  it('the 422 says what the upstream could not do, never the text', () => {
    const error = rejectInput('de')
    expect(error.code).toBe('input_rejected')
    expect(error.message).toMatch(/could not synthesize this text in language 'de'/)
  })
})
