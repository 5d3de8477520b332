import { describe, expect, it } from 'vitest'
import { addToSketch, evictionThreshold, type LruSketch, SKETCH_SIZE } from './lru-sketch.ts'

describe('lru sketch', () => {
  it('is exact while small: the threshold is the last use that covers the bytes asked for', () => {
    const sketch: LruSketch = []
    addToSketch(sketch, 30, 5)
    addToSketch(sketch, 10, 5)
    addToSketch(sketch, 20, 5)
    addToSketch(sketch, 20, 1)
    expect(sketch).toEqual([
      [10, 5],
      [20, 6],
      [30, 5],
    ])
    expect(evictionThreshold(sketch, 5)).toBe(10)
    expect(evictionThreshold(sketch, 6)).toBe(20)
    expect(evictionThreshold(sketch, 100)).toBe(30)
    expect(evictionThreshold([], 1)).toBeUndefined()
  })

  it('stays bounded, and past its size never evicts less than asked', () => {
    const sketch: LruSketch = []
    const entries = Array.from({ length: 5_000 }, (_, i) => ({
      lastUsed: (i * 7919) % 100_003,
      size: 1 + (i % 13),
    }))
    for (const e of entries) addToSketch(sketch, e.lastUsed, e.size)
    expect(sketch.length).toBeLessThanOrEqual(SKETCH_SIZE)
    const total = entries.reduce((s, e) => s + e.size, 0)
    expect(sketch.reduce((s, [, w]) => s + w, 0)).toBe(total)
    for (const want of [1, 1_000, total / 3, total / 2, total - 1]) {
      const before = evictionThreshold(sketch, want) as number
      const freed = entries.filter((e) => e.lastUsed <= before).reduce((s, e) => s + e.size, 0)
      expect(freed).toBeGreaterThanOrEqual(want)
    }
  })
})
