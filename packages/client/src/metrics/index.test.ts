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
    expect(m.registry.toPrometheus()).toContain('tts_requests')
  })
})
