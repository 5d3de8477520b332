import { describe, expect, it } from 'vitest'
import { createEmitter } from './index.ts'

describe('createEmitter', () => {
  it('delivers payloads to listeners until they unsubscribe', () => {
    const events = createEmitter<{ a: number; b: string }>()
    const seen: number[] = []
    const off = events.on('a', (n) => seen.push(n))
    events.emit('a', 1)
    events.emit('b', 'ignored')
    off()
    events.emit('a', 2)
    expect(seen).toEqual([1])
  })

  it('keeps going when a listener throws and reports the error', () => {
    const errors: unknown[] = []
    const events = createEmitter<{ a: number }>((e) => errors.push(e))
    const seen: number[] = []
    events.on('a', () => {
      throw new Error('boom')
    })
    events.on('a', (n) => seen.push(n))
    events.emit('a', 7)
    expect(seen).toEqual([7])
    expect(errors).toHaveLength(1)
  })
})
