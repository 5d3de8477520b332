import { describe, expect, it } from 'vitest'
import { isTtsError } from '../errors/index.ts'
import { createMetrics } from './registry.ts'
import type { MetricLogger } from './types.ts'

function memoryLogger(): MetricLogger & { lines: { message: string; data: unknown }[] } {
  const lines: { message: string; data: unknown }[] = []
  return { lines, info: (message, data) => lines.push({ message, data }) }
}

function codeOf(fn: () => unknown): string {
  try {
    fn()
  } catch (e) {
    if (isTtsError(e)) return `${e.code}: ${e.message}`
    throw e
  }
  throw new Error('expected a TtsError')
}

describe('createMetrics: counters, gauges, histograms', () => {
  it('keys counters by name and labels, whatever the label order', () => {
    const m = createMetrics()
    m.counter('hits', { a: '1', b: '2' }).inc()
    m.counter('hits', { b: '2', a: '1' }).inc(2)
    m.counter('hits', { a: '9', b: '2' }).inc()
    m.counter('hits').inc(5)
    expect(m.counter('hits', { b: '2', a: '1' }).value).toBe(3)
    expect(m.snapshot().counters.map((c) => [c.labels, c.value])).toEqual([
      [{ a: '1', b: '2' }, 3],
      [{ a: '9', b: '2' }, 1],
      [{}, 5],
    ])
  })

  it('gauges go up, down and to a value', () => {
    const m = createMetrics()
    const g = m.gauge('in_flight', { upstream: 'gpu-1' })
    g.inc()
    g.inc(3)
    g.dec()
    expect(g.value).toBe(3)
    g.set(-2)
    expect(m.snapshot().gauges[0]).toMatchObject({ name: 'in_flight', value: -2, unit: 'count' })
  })

  it('histograms report count, sum, min, max, mean and P50/P95/P99 within 1 %', () => {
    const m = createMetrics()
    const h = m.histogram('latency', { route: 'speech' })
    for (let i = 1; i <= 1000; i++) h.record(i)
    expect(h.count).toBe(1000)
    const [s] = m.snapshot().histograms
    expect(s).toMatchObject({
      count: 1000,
      sum: 500_500,
      min: 1,
      max: 1000,
      mean: 500.5,
      unit: 'ms',
    })
    // Exact values at rank ⌊q·999⌋: 500, 950, 990.
    expect(Math.abs((s?.p50 ?? 0) - 500) / 500).toBeLessThanOrEqual(0.01)
    expect(Math.abs((s?.p95 ?? 0) - 950) / 950).toBeLessThanOrEqual(0.01)
    expect(Math.abs((s?.p99 ?? 0) - 990) / 990).toBeLessThanOrEqual(0.01)
  })

  it('an empty histogram snapshots with null statistics', () => {
    const m = createMetrics()
    m.histogram('latency')
    expect(m.snapshot().histograms[0]).toMatchObject({
      count: 0,
      min: null,
      p50: null,
      p99: null,
      mean: null,
    })
  })

  it('a name keeps its type', () => {
    const m = createMetrics()
    m.counter('x').inc()
    expect(codeOf(() => m.histogram('x'))).toBe(
      'invalid_metric: x is a counter; it cannot also be a histogram',
    )
  })

  it.each([
    [
      'a bad metric name',
      (m: ReturnType<typeof createMetrics>) => m.counter('tts-requests'),
      /metric name "tts-requests"/,
    ],
    [
      'a bad label name',
      (m: ReturnType<typeof createMetrics>) => m.counter('x', { 'bad-name': 'v' }),
      /label "bad-name"/,
    ],
    [
      'a reserved label',
      (m: ReturnType<typeof createMetrics>) => m.histogram('x', { quantile: '1' }),
      /label "quantile"/,
    ],
    [
      'a __ label',
      (m: ReturnType<typeof createMetrics>) => m.gauge('x', { __name__: 'y' }),
      /label "__name__"/,
    ],
    [
      'a negative increment',
      (m: ReturnType<typeof createMetrics>) => m.counter('x').inc(-1),
      /increment must be a finite number ≥ 0, got -1/,
    ],
    [
      'a NaN gauge',
      (m: ReturnType<typeof createMetrics>) => m.gauge('x').set(Number.NaN),
      /gauge value must be a finite number/,
    ],
    [
      'a negative latency',
      (m: ReturnType<typeof createMetrics>) => m.histogram('x').record(-5),
      /≥ 0, got -5/,
    ],
  ])('rejects %s with a message that says what is allowed', (_, act, message) => {
    expect(codeOf(() => act(createMetrics()))).toMatch(message)
  })

  it('caps label sets per metric, so an unbounded label cannot eat memory', () => {
    const m = createMetrics({ maxSeriesPerMetric: 3 })
    for (const id of ['a', 'b', 'c']) m.counter('req', { id }).inc()
    expect(codeOf(() => m.counter('req', { id: 'd' }))).toMatch(/already has 3 label sets/)
    m.counter('req', { id: 'a' }).inc() // existing ones still work
  })

  it('a label set seen before is the same series, and checking is not skipped for new ones', () => {
    const m = createMetrics()
    m.counter('hot', { route: 'speech', cache: 'hit' }).inc()
    m.counter('hot', { route: 'speech', cache: 'hit' }).inc(2)
    m.counter('hot', { cache: 'hit', route: 'speech' }).inc(3)
    expect(m.snapshot().counters).toEqual([
      expect.objectContaining({ name: 'hot', labels: { cache: 'hit', route: 'speech' }, value: 6 }),
    ])
    // Values that hold the key's separators are their own series, never another set's.
    m.counter('hot', { route: 'speech\u0000cache', cache: 'hit\u0001' }).inc()
    m.counter('hot', { route: 'speech\u0001cache\u0000hit' }).inc()
    expect(m.snapshot().counters).toHaveLength(3)
    // A set that fails the check fails every time, after good ones were seen.
    for (let i = 0; i < 2; i++) {
      expect(codeOf(() => m.counter('hot', { route: 1 as unknown as string }))).toMatch(
        /must be a string/,
      )
      expect(codeOf(() => m.counter('hot', { le: 'x' }))).toMatch(/label "le"/)
      expect(codeOf(() => m.counter('ho t'))).toMatch(/metric name "ho t"/)
    }
  })

  it('reset() forgets everything', () => {
    const m = createMetrics()
    m.counter('x').inc()
    m.reset()
    expect(m.snapshot().counters).toEqual([])
  })
})

describe('the standard TTS set and its rates', () => {
  it('records synthesis latency, cache results, outcomes and audio produced', () => {
    const m = createMetrics()
    m.recordSynthesis(450, { provider: 'xtts' })
    m.recordSynthesis(550, { provider: 'xtts' })
    for (const r of ['hit', 'hit', 'hit', 'miss', 'stale'] as const) m.recordCache(r)
    for (let i = 0; i < 6; i++) m.recordOutcome('success', { provider: 'edge' })
    for (let i = 0; i < 3; i++) m.recordOutcome('fallback', { provider: 'local' })
    m.recordOutcome('error')
    // Callers who left are counted, and kept out of the shares: the three still add up to 1.
    m.recordOutcome('client_closed')
    m.recordOutcome('client_closed')
    m.recordAudio({ seconds: 2.5, bytes: 120_044 })
    m.recordAudio({ seconds: 1, bytes: 48_044 })
    const snap = m.snapshot()
    expect(snap.histograms[0]).toMatchObject({
      name: 'tts.synthesis.duration',
      labels: { provider: 'xtts' },
      count: 2,
      sum: 1000,
      unit: 'ms',
    })
    expect(snap.rates.cacheHitRate).toBeCloseTo(0.8, 12)
    expect(snap.rates.cacheMissRate).toBeCloseTo(0.2, 12)
    expect(snap.rates.successRate).toBeCloseTo(0.6, 12)
    expect(snap.rates.fallbackRate).toBeCloseTo(0.3, 12)
    expect(snap.rates.errorRate).toBeCloseTo(0.1, 12)
    const counter = (name: string) => snap.counters.find((c) => c.name === name)
    expect(
      snap.counters.find((c) => c.name === 'tts.requests' && c.labels.outcome === 'client_closed'),
    ).toMatchObject({ value: 2 })
    expect(counter('tts.audio.seconds')).toMatchObject({ value: 3.5, unit: 'seconds' })
    expect(counter('tts.audio.bytes')).toMatchObject({ value: 168_088, unit: 'bytes' })
  })

  it('rates are null before any event, not 0 or NaN', () => {
    expect(createMetrics().snapshot().rates).toEqual({
      cacheHitRate: null,
      cacheMissRate: null,
      successRate: null,
      fallbackRate: null,
      errorRate: null,
    })
  })

  it('rates stay null when every caller left: nobody was answered', () => {
    const m = createMetrics()
    m.recordOutcome('client_closed')
    expect(m.snapshot().rates).toMatchObject({ successRate: null, errorRate: null })
  })

  it('snapshots are plain JSON', () => {
    const m = createMetrics()
    m.recordSynthesis(450)
    m.histogram('empty')
    m.recordCache('miss')
    const snap = m.snapshot()
    expect(JSON.parse(JSON.stringify(snap))).toEqual(snap)
  })
})

describe('merge', () => {
  it('adds counters and gauges and merges sketches, from a registry or its JSON snapshot', () => {
    const whole = createMetrics()
    const a = createMetrics()
    const b = createMetrics()
    const c = createMetrics()
    for (let i = 1; i <= 3000; i++) {
      const ms = 100 + ((i * 7919) % 2000)
      whole.recordSynthesis(ms)
      ;[a, b, c][i % 3]?.recordSynthesis(ms)
    }
    a.recordCache('hit')
    b.recordCache('hit')
    b.recordCache('miss')
    a.gauge('queue').set(2)
    c.gauge('queue').set(3)
    a.merge(b)
    a.merge(JSON.parse(JSON.stringify(c.snapshot())))
    const snap = a.snapshot()
    const [h] = snap.histograms
    const [w] = whole.snapshot().histograms
    expect([h?.count, h?.p50, h?.p95, h?.p99]).toEqual([w?.count, w?.p50, w?.p95, w?.p99])
    expect(snap.rates.cacheHitRate).toBeCloseTo(2 / 3, 12)
    expect(snap.gauges[0]?.value).toBe(5)
  })

  it('a bad snapshot changes nothing', () => {
    const m = createMetrics()
    m.recordCache('hit')
    const other = createMetrics({ relativeAccuracy: 0.02 })
    other.recordCache('miss')
    other.recordSynthesis(10)
    expect(codeOf(() => m.merge(other))).toMatch(/relative accuracy 0.02 into one of 0.01/)
    expect(m.snapshot().counters.map((c) => c.labels.result)).toEqual(['hit'])
    const corrupt = createMetrics()
    corrupt.recordCache('miss')
    corrupt.recordSynthesis(10)
    const snap = corrupt.snapshot()
    const [h] = snap.histograms
    if (h) h.sketch.count = 5
    expect(codeOf(() => m.merge(snap))).toMatch(/bins hold 1 values but its count is 5/)
    expect(m.snapshot().counters.map((c) => c.labels.result)).toEqual(['hit'])
  })
})

describe('METRIC log lines', () => {
  it('with a logger, each observation is one line in the integration guide’s shape', () => {
    const log = memoryLogger()
    const m = createMetrics({ logger: log })
    m.recordSynthesis(450, { provider: 'coqui' })
    expect(JSON.stringify(log.lines[0])).toBe(
      '{"message":"METRIC","data":{"metric":"tts.synthesis.duration","value":450,"unit":"ms","provider":"coqui"}}',
    )
    m.recordCache('hit')
    m.gauge('queue').set(4)
    expect(log.lines.slice(1).map((l) => l.data)).toEqual([
      { metric: 'tts.cache.requests', value: 1, unit: 'count', result: 'hit' },
      { metric: 'queue', value: 4, unit: 'count' },
    ])
  })

  it('emit() writes values, quantiles and rates of the current state', () => {
    const m = createMetrics()
    for (let i = 1; i <= 100; i++) m.recordSynthesis(i * 10, { provider: 'xtts' })
    m.recordCache('hit')
    m.recordCache('miss')
    m.histogram('never.recorded')
    const log = memoryLogger()
    m.emit(log)
    expect(log.lines.every((l) => l.message === 'METRIC')).toBe(true)
    const data = log.lines.map((l) => l.data as Record<string, unknown>)
    const p95 = data.find((d) => d.metric === 'tts.synthesis.duration' && d.quantile === 0.95)
    expect(p95).toMatchObject({ unit: 'ms', provider: 'xtts' })
    expect(Math.abs((p95?.value as number) - 950) / 950).toBeLessThanOrEqual(0.01)
    expect(data).toContainEqual({
      metric: 'tts.synthesis.duration.count',
      value: 100,
      unit: 'count',
      provider: 'xtts',
    })
    expect(data).toContainEqual({ metric: 'tts.cache.hit_ratio', value: 0.5, unit: 'ratio' })
    expect(data).toContainEqual({
      metric: 'tts.cache.requests',
      value: 1,
      unit: 'count',
      result: 'miss',
    })
    expect(data.some((d) => d.metric === 'never.recorded')).toBe(false)
    expect(data.some((d) => d.metric === 'tts.requests.error_ratio')).toBe(false)
  })
})
