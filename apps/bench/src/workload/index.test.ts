import { describe, expect, it } from 'vitest'
import { generateWorkload, mulberry32, zipf } from './index.ts'

const options = {
  seed: 7,
  sentences: 120,
  requests: 1000,
  exponent: 1.1,
  minSentences: 1,
  maxSentences: 4,
}

describe('workload', () => {
  it('is the same for the same seed and differs for another', () => {
    const a = generateWorkload(options)
    expect(generateWorkload(options).requests).toEqual(a.requests)
    expect(generateWorkload({ ...options, seed: 8 }).requests).not.toEqual(a.requests)
  })

  it('draws ranks with Zipf popularity: rank 0 far more often than rank 50', () => {
    const next = zipf(100, 1.1, mulberry32(3))
    const counts = new Array<number>(100).fill(0)
    for (let i = 0; i < 20_000; i++) {
      const k = next()
      counts[k] = (counts[k] ?? 0) + 1
    }
    expect(counts[0]).toBeGreaterThan(10 * (counts[50] ?? 0))
  })

  it('repeats sentences across paragraphs far more than whole paragraphs', () => {
    const w = generateWorkload(options)
    expect(w.bank.length).toBe(120)
    expect(new Set(w.bank).size).toBe(120)
    // Sentence-level reuse is what the edge exploits; whole-request reuse is what a hash cache can.
    expect(w.distinctSentences).toBeLessThan(w.distinctRequests)
    for (const r of w.requests) expect(r.length).toBeGreaterThan(10)
  })
})
