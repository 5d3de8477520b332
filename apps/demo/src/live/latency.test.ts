import { describe, expect, it } from 'vitest'
import { createLatencyWindow } from './latency.ts'

describe('createLatencyWindow', () => {
  it('gives the nearest-rank percentile: P95 of 1.11 s and 3.94 s is 3.94 s', () => {
    const w = createLatencyWindow()
    expect(w.quantile(0.95)).toBeUndefined()
    w.add(1110)
    expect(w.quantile(0.95)).toBe(1110)
    w.add(3940)
    expect(w.quantile(0.95)).toBe(3940)
    expect(w.quantile(0.5)).toBe(1110)
    for (let i = 1; i <= 18; i++) w.add(i)
    // 20 samples: rank ceil(0.95 × 20) = 19 of the sorted samples, i.e. 1110.
    expect(w.quantile(0.95)).toBe(1110)
  })

  it('hands over to the sketch once it no longer holds every sample', () => {
    const w = createLatencyWindow(3)
    for (const ms of [5, 6, 7]) w.add(ms)
    expect(w.quantile(0.5)).toBe(6)
    w.add(8)
    expect(w.quantile(0.5)).toBeUndefined()
  })
})
