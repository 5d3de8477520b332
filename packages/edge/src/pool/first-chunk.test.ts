import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { PoolOptionsSchema } from '../settings/schema.ts'
import { releaseAfterGpu } from './attempt.ts'
import { createFirstChunkMeter } from './first-chunk.ts'

describe('the first-chunk meter', () => {
  it('falls back to the limit, follows what it sees, and never exceeds the limit', () => {
    const meter = createFirstChunkMeter()
    expect(meter.estimateMs(3000)).toBe(3000)
    meter.note(600)
    expect(meter.estimateMs(3000)).toBe(600)
    for (let i = 0; i < 20; i++) meter.note(800)
    expect(meter.estimateMs(3000)).toBeGreaterThan(790)
    expect(meter.estimateMs(3000)).toBeLessThanOrEqual(800)
    // A slow spell moves it only part of the way; the limit caps it.
    meter.note(20_000)
    expect(meter.estimateMs(3000)).toBe(3000)
    const moved = meter.estimateMs(60_000)
    expect(moved).toBeGreaterThan(3000)
    expect(moved).toBeLessThan(6000)
    // Nonsense is not an observation.
    meter.note(Number.NaN)
    meter.note(-1)
    expect(meter.estimateMs(60_000)).toBe(moved)
  })
})

describe('releaseAfterGpu', () => {
  beforeEach(() => {
    vi.useFakeTimers()
    vi.setSystemTime(1_000_000)
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  const options = { ...PoolOptionsSchema.parse({}), ttfbMs: 3000, gpuMsPerChar: 25 }

  /** When (ms after the call was sent) the slot of an abandoned 40-character call comes back. */
  function heldFor(member: { firstChunk: ReturnType<typeof createFirstChunkMeter> }): number {
    const sentAt = Date.now()
    let freedAt: number | undefined
    releaseAfterGpu(() => (freedAt = Date.now()), member, options, 40, sentAt, true)
    vi.advanceTimersByTime(10_000)
    if (freedAt === undefined) throw new Error('the slot was never released')
    return freedAt - sentAt
  }

  it('holds the slot for the observed first-chunk time plus the GPU estimate, ttfbMs before any', () => {
    const member = { firstChunk: createFirstChunkMeter() }
    expect(heldFor(member)).toBe(3000 + 40 * 25)
    member.firstChunk.note(600)
    expect(heldFor(member)).toBe(600 + 40 * 25)
    member.firstChunk.note(60_000)
    expect(heldFor(member)).toBe(3000 + 40 * 25)
  })

  it('gives the slot back at once when the call ended by itself', () => {
    const member = { firstChunk: createFirstChunkMeter() }
    let freed = false
    releaseAfterGpu(() => (freed = true), member, options, 40, Date.now(), false)
    expect(freed).toBe(true)
  })
})
