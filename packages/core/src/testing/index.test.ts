import { describe, expect, it } from 'vitest'
import { nonce, nonceBits, uniqueSentence } from './index.ts'

describe('nonce', () => {
  it('carries at least the bits asked for, in letters and single spaces only', () => {
    for (const bits of [64, 80, 128]) {
      const n = nonce({ bits })
      expect(n).toMatch(/^[a-z]+( [a-z]+)*$/)
      const syllables = n.replaceAll(' ', '').length / 2
      expect(nonceBits(syllables)).toBeGreaterThanOrEqual(bits)
      expect(nonceBits(syllables - 1)).toBeLessThan(bits)
    }
  })

  it('refuses fewer than 64 bits with a message that says what is allowed', () => {
    expect(() => nonce({ bits: 32 })).toThrow(/≥ 64 \(got 32\)/)
    expect(() => nonce({ bits: Number.NaN })).toThrow(RangeError)
  })

  it('does not repeat in 20,000 draws and uses every syllable about equally', () => {
    const seen = new Set<string>()
    const counts = new Map<string, number>()
    for (let i = 0; i < 20_000; i++) {
      const n = nonce()
      seen.add(n)
      for (const s of n.replaceAll(' ', '').match(/../g) ?? []) {
        counts.set(s, (counts.get(s) ?? 0) + 1)
      }
    }
    expect(seen.size).toBe(20_000)
    expect(counts.size).toBe(80)
    // 220,000 syllables over 80 values: 2,750 expected each; a bias from `byte % 80` without
    // rejection would put the first 16 values 33 % above the rest.
    for (const c of counts.values()) expect(Math.abs(c - 2750)).toBeLessThan(400)
  })
})

describe('uniqueSentence', () => {
  it('ends the given words with a nonce and one full stop', () => {
    const s = uniqueSentence('Cut me short.')
    expect(s).toMatch(/^Cut me short [a-z]+( [a-z]+)*\.$/)
    expect(uniqueSentence('Cut me short')).not.toBe(uniqueSentence('Cut me short'))
  })
})
