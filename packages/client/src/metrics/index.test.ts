import { createMetrics } from '@tts/core/metrics'
import { describe, expect, it } from 'vitest'
import { createClientMetrics } from './index.ts'

describe('client metrics', () => {
  it('derives the seed figures from what the client recorded', () => {
    const m = createClientMetrics()
    for (let i = 1; i <= 100; i++) {
      m.success({
        provider: i <= 80 ? 'edge' : i <= 90 ? 'cache' : 'local',
        latencyMs: i * 10,
        audioSeconds: 1,
        audioBytes: 100,
      })
    }
    m.failure()
    m.cacheLookup(true)
    m.cacheLookup(false)
    m.cacheLookup(false)
    const s = m.snapshot()
    expect(s.providers).toEqual({ edge: 80, cache: 10, local: 10 })
    expect(s.requests).toBe(101)
    expect(s.errors).toBe(1)
    expect(s.fallbacks).toBe(10)
    expect(s.errorRate).toBeCloseTo(1 / 101)
    expect(s.fallbackRate).toBeCloseTo(10 / 101)
    expect(s.successRate).toBeCloseTo(90 / 101)
    expect(s.cache).toMatchObject({ hits: 1, misses: 2 })
    expect(s.cache.hitRate).toBeCloseTo(1 / 3)
    // DDSketch at 1 % relative accuracy
    expect(s.latencyMs.p50).toBeGreaterThan(480)
    expect(s.latencyMs.p50).toBeLessThan(520)
    expect(s.latencyMs.p95).toBeGreaterThan(930)
    expect(s.latencyMs.p95).toBeLessThan(970)
    expect(s.audioSeconds).toBe(100)
  })

  it("hands out the figures core's registry would have recorded itself", () => {
    const m = createClientMetrics()
    const direct = createMetrics()
    const calls = [
      { provider: 'edge', latencyMs: 120, audioSeconds: 1.5, audioBytes: 48_000 },
      { provider: 'cache', latencyMs: 4, audioSeconds: 1.5, audioBytes: 48_000 },
      { provider: 'local', latencyMs: 31, audioSeconds: 0.8, audioBytes: 25_600 },
    ] as const
    for (const call of calls) {
      m.success(call)
      direct.recordSynthesis(call.latencyMs)
      direct
        .counter(
          'tts.client.provider',
          { provider: call.provider },
          { help: 'Calls answered by the edge, the local cache or a local engine.', unit: 'count' },
        )
        .inc()
      direct.recordOutcome(call.provider === 'local' ? 'fallback' : 'success')
      direct.recordAudio({ seconds: call.audioSeconds, bytes: call.audioBytes })
    }
    m.failure()
    direct.recordOutcome('error')
    m.cacheLookup(true)
    direct.recordCache('hit')
    m.cacheLookup(false)
    direct.recordCache('miss')

    const registry = createMetrics()
    registry.merge(m.toCoreSnapshot())
    const ours = registry.snapshot()
    const theirs = direct.snapshot()
    const values = (s: typeof ours) =>
      s.counters.map((c) => [c.name, c.unit, c.labels, c.value]).sort()
    expect(values(ours)).toEqual(values(theirs))
    expect(ours.rates).toEqual(theirs.rates)
    expect(ours.histograms.map((h) => [h.name, h.unit, h.count, h.p50, h.p95])).toEqual(
      theirs.histograms.map((h) => [h.name, h.unit, h.count, h.p50, h.p95]),
    )
    // Prometheus text and METRIC lines as the registry itself writes them.
    expect(m.toPrometheus()).toBe(direct.toPrometheus())
    const lines = (
      emit: (l: { info(msg: string, data?: Record<string, unknown>): void }) => void,
    ) => {
      const out: unknown[] = []
      emit({ info: (msg, data) => out.push([msg, data]) })
      return out
    }
    expect(lines((l) => m.emit(l))).toEqual(lines((l) => direct.emit(l)))
    // Snapshots merge, e.g. two tabs' figures into one registry.
    registry.merge(m.toCoreSnapshot())
    expect(registry.snapshot().histograms[0]?.count).toBe(6)
  })

  it('reports zeros, not NaN, before any call', () => {
    const s = createClientMetrics().snapshot()
    expect(s).toMatchObject({ requests: 0, successRate: 0, errorRate: 0, audioSeconds: 0 })
    expect(s.latencyMs).toEqual({ count: 0, p50: 0, p95: 0, p99: 0 })
    expect(s.cache.hitRate).toBe(0)
  })
})
