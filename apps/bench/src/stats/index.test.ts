import { describe, expect, it } from 'vitest'
import { quantile, round, summarize } from './index.ts'

describe('stats', () => {
  it('takes nearest-rank quantiles of unsorted samples', () => {
    const samples = Array.from({ length: 100 }, (_, i) => 100 - i)
    const s = summarize(samples)
    expect([s.p50, s.p95, s.p99, s.min, s.max, s.n]).toEqual([50, 95, 99, 1, 100, 100])
    expect(s.mean).toBeCloseTo(50.5)
  })

  it('is NaN for no samples rather than a made-up zero', () => {
    expect(quantile([], 0.5)).toBeNaN()
    expect(summarize([]).p95).toBeNaN()
  })

  it('rounds to readable precision', () => {
    expect([round(1234.56), round(12.345), round(0.12345)]).toEqual([1235, 12.35, 0.123])
  })
})
