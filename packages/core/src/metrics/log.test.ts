import { describe, expect, it } from 'vitest'
import { createLogger, createMemorySink } from '../log/index.ts'
import { createMetrics } from './registry.ts'

// With the real logger (not a double): the lines are the integration guide's, envelope and all.
describe('metrics through @tts/core/log', () => {
  const now = () => Date.parse('2026-11-25T14:30:00.123Z')

  it('an observation becomes the guide’s METRIC line', () => {
    const sink = createMemorySink()
    const metrics = createMetrics({ logger: createLogger({ sink, now }) })
    metrics.recordSynthesis(450, { provider: 'coqui' })
    expect(sink.lines).toEqual([
      '{"timestamp":"2026-11-25T14:30:00.123Z","level":"info","message":"METRIC","data":{"metric":"tts.synthesis.duration","value":450,"unit":"ms","provider":"coqui"}}',
    ])
  })

  it('emit() writes the whole state as METRIC lines a log search can chart', () => {
    const sink = createMemorySink()
    const metrics = createMetrics()
    for (let i = 1; i <= 20; i++) metrics.recordSynthesis(i * 50, { provider: 'xtts' })
    metrics.recordOutcome('fallback')
    metrics.emit(createLogger({ sink, now }))
    const data = sink.records.map((r) => r.data)
    expect(sink.records.every((r) => r.message === 'METRIC' && r.level === 'info')).toBe(true)
    expect(data).toContainEqual({ metric: 'tts.requests.fallback_ratio', value: 1, unit: 'ratio' })
    expect(data).toContainEqual({
      metric: 'tts.synthesis.duration.count',
      value: 20,
      unit: 'count',
      provider: 'xtts',
    })
    expect(
      data.filter((d) => d?.metric === 'tts.synthesis.duration').map((d) => d?.quantile),
    ).toEqual([0.5, 0.95, 0.99])
  })
})
