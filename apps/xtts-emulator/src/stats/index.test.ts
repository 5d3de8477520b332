import { describe, expect, it } from 'vitest'
import { createStats } from './index.ts'

const gpu = { concurrency: 0, maxConcurrency: 1, queued: 0 }

describe('stats', () => {
  it('counts the syntheses that contained a text, and only those', () => {
    const stats = createStats()
    stats.synthesis(1, { text: 'Hello there kobaru tizefe.', route: '/tts_stream' })
    stats.synthesis(1, { text: 'Hello there kobaru tizefe.', route: '/tts' })
    stats.synthesis(2, { text: 'Something else mulopa.', route: '/tts' })
    stats.synthesis(1)
    expect(stats.snapshot(gpu, 'kobaru tizefe')).toMatchObject({
      matching: 2,
      matchingByRoute: { '/tts_stream': 1, '/tts': 1 },
    })
    expect(stats.snapshot(gpu, 'mulopa').matching).toBe(1)
    expect(stats.snapshot(gpu, 'never said').matching).toBe(0)
    expect(stats.snapshot(gpu)).not.toHaveProperty('matching')
    expect(stats.snapshot(gpu).syntheses).toBe(4)
  })

  it('forgets the texts on reset, and the oldest ones past its bound', () => {
    const stats = createStats()
    stats.synthesis(1, { text: 'first of many', route: '/tts' })
    stats.reset()
    expect(stats.snapshot(gpu, 'first of many').matching).toBe(0)
    stats.synthesis(1, { text: 'oldest text', route: '/tts' })
    for (let i = 0; i < 20_000; i++) stats.synthesis(0.1, { text: `filler ${i}`, route: '/tts' })
    expect(stats.snapshot(gpu, 'oldest text').matching).toBe(0)
    expect(stats.snapshot(gpu, 'filler 19999').matching).toBe(1)
  })
})
