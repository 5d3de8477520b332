import { DDSketch } from '@datadog/sketches-js'
import { describe, expect, it } from 'vitest'
import { isTtsError } from '../errors/index.ts'
import { QuantileSketch } from './sketch.ts'

/** mulberry32: a seeded generator, so every run sees the same "random" data. */
function rng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function normal(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random())
}

const N = 50_000
const distributions: Record<string, (r: () => number) => number> = {
  // Latencies: log-normal around e^6 ≈ 400 ms, a long right tail.
  lognormal: (r) => Math.exp(6 + normal(r)),
  exponential: (r) => -Math.log(1 - r()) * 300,
  uniform: (r) => 1 + r() * 99_999,
  // Cache hits at ~5 ms, misses at ~800 ms: the shape the edge really sees.
  bimodal: (r) => (r() < 0.8 ? 5 + r() * 3 : 600 + r() * 400),
  // Tiny and huge values in one sketch.
  wide: (r) => 10 ** (r() * 12 - 3),
}
const QS = [0, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999, 1]

/** The true value at the sketch's rank rule: the ⌊q·(n−1)⌋-th smallest. */
const exact = (sorted: number[], q: number) => sorted[Math.floor(q * (sorted.length - 1))] ?? NaN

describe('QuantileSketch accuracy', () => {
  for (const [name, draw] of Object.entries(distributions)) {
    for (const alpha of [0.01, 0.05]) {
      it(`${name}: every quantile within α = ${alpha} of the true value`, () => {
        const random = rng(42)
        const values = Array.from({ length: N }, () => draw(random))
        const sketch = new QuantileSketch({ relativeAccuracy: alpha })
        for (const v of values) sketch.add(v)
        const sorted = [...values].sort((a, b) => a - b)
        let worst = 0
        for (const q of QS) {
          const truth = exact(sorted, q)
          const error = Math.abs(sketch.quantile(q) - truth) / truth
          worst = Math.max(worst, error)
          expect(error, `q=${q}`).toBeLessThanOrEqual(alpha + 1e-12)
        }
        // It is an approximation, not a sorted copy: some error shows, and memory stays small.
        expect(worst).toBeGreaterThan(0)
        expect(Object.keys(sketch.toJSON().bins).length).toBeLessThan(N / 20)
        expect(sketch.count).toBe(N)
        expect(sketch.sum).toBeCloseTo(
          values.reduce((a, b) => a + b, 0),
          3,
        )
        expect([sketch.min, sketch.max]).toEqual([sorted[0], sorted[N - 1]])
      })
    }
  }

  it('gives the same quantiles as @datadog/sketches-js on the same data', () => {
    const random = rng(7)
    const ours = new QuantileSketch()
    const theirs = new DDSketch({ relativeAccuracy: 0.01 })
    for (let i = 0; i < 20_000; i++) {
      const v = Math.exp(5 + normal(random))
      ours.add(v)
      theirs.accept(v)
    }
    for (const q of [0.01, 0.5, 0.9, 0.95, 0.99]) {
      expect(ours.quantile(q)).toBeCloseTo(theirs.getValueAtQuantile(q), 9)
    }
  })
})

describe('QuantileSketch merge and JSON', () => {
  const random = rng(3)
  const values = Array.from({ length: 10_000 }, () => Math.exp(6 + normal(random)))

  it('merging parts equals sketching the whole, also through JSON', () => {
    const whole = new QuantileSketch()
    for (const v of values) whole.add(v)
    const parts = [0, 1, 2, 3].map(() => new QuantileSketch())
    values.forEach((v, i) => {
      parts[i % 4]?.add(v)
    })
    const merged = new QuantileSketch()
    merged.merge(parts[0] as QuantileSketch)
    for (const p of parts.slice(1)) merged.merge(JSON.parse(JSON.stringify(p)))
    for (const q of QS) expect(merged.quantile(q)).toBe(whole.quantile(q))
    expect(merged.count).toBe(whole.count)
    expect(merged.sum).toBeCloseTo(whole.sum, 6)
    expect(merged.toJSON().bins).toEqual(whole.toJSON().bins)
    const copy = QuantileSketch.fromJSON(JSON.parse(JSON.stringify(whole)))
    expect(copy.quantile(0.99)).toBe(whole.quantile(0.99))
    expect([copy.min, copy.max]).toEqual([whole.min, whole.max])
  })

  it('refuses to merge sketches of different accuracy', () => {
    const a = new QuantileSketch({ relativeAccuracy: 0.01 })
    const b = new QuantileSketch({ relativeAccuracy: 0.02 })
    b.add(1)
    expect(() => a.merge(b)).toThrow(/relative accuracy 0.02 into one of 0.01/)
  })

  it('refuses garbage JSON, and a refused merge changes nothing', () => {
    const s = new QuantileSketch()
    s.add(5)
    const good = s.toJSON()
    const target = new QuantileSketch()
    target.add(1)
    const before = JSON.stringify(target.toJSON())
    for (const [bad, message] of [
      [{ ...good, bins: { x: 3 } }, /bin x/],
      [{ ...good, bins: { ...good.bins, 7: -1 } }, /bin 7: -1/],
      [{ ...good, count: 2 }, /bins hold 1 values but its count is 2/],
      [{ ...good, sum: Number.NaN }, /finite/],
    ] as const) {
      expect(() => target.merge(bad as never)).toThrow(message)
      expect(JSON.stringify(target.toJSON())).toBe(before)
    }
  })
})

describe('QuantileSketch edges', () => {
  it('is NaN while empty and JSON-safe', () => {
    const s = new QuantileSketch()
    expect(s.quantile(0.5)).toBeNaN()
    expect(s.toJSON()).toMatchObject({ count: 0, min: null, max: null, bins: {} })
  })

  it('keeps zeros in their own bin', () => {
    const s = new QuantileSketch()
    for (let i = 0; i < 90; i++) s.add(0)
    for (let i = 0; i < 10; i++) s.add(100)
    expect(s.quantile(0.5)).toBe(0)
    expect(s.quantile(0.95)).toBeCloseTo(100, 0)
  })

  it('rejects negative, NaN and infinite values, and bad quantiles', () => {
    const s = new QuantileSketch()
    for (const v of [-1, Number.NaN, Number.POSITIVE_INFINITY]) {
      try {
        s.add(v)
        expect.unreachable()
      } catch (e) {
        expect(isTtsError(e) && e.code).toBe('invalid_metric')
      }
    }
    expect(() => s.quantile(1.5)).toThrow(/between 0 and 1/)
    expect(() => new QuantileSketch({ relativeAccuracy: 1 })).toThrow(/relativeAccuracy/)
  })

  it('past its bin limit collapses the lowest bins and keeps the high quantiles exact', () => {
    const random = rng(11)
    const values = Array.from({ length: 20_000 }, () => 10 ** (random() * 12 - 3))
    const limited = new QuantileSketch({ maxBins: 100 })
    const free = new QuantileSketch()
    for (const v of values) {
      limited.add(v)
      free.add(v)
    }
    expect(Object.keys(limited.toJSON().bins).length).toBeLessThanOrEqual(100)
    expect(limited.quantile(0.99)).toBe(free.quantile(0.99))
    expect(limited.quantile(0.95)).toBe(free.quantile(0.95))
    expect(limited.count).toBe(values.length)
  })
})
