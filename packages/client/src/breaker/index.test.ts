import { describe, expect, it } from 'vitest'
import { memoryQueueStorage } from '../queue/index.ts'
import { createClientBreaker, endpointId } from './index.ts'

describe('client breaker', () => {
  it('restores an open circuit after a restart and closes it after the cool-down', async () => {
    let t = 1_000_000
    const now = () => t
    const storage = memoryQueueStorage()
    const first = createClientBreaker({ threshold: 2, openMs: 60_000, now, storage })
    await first.ready
    for (let i = 0; i < 2; i++) {
      expect(first.current().tryAcquire()).toBe(true)
      first.current().failure(new Error('down'))
    }
    expect(first.current().state).toBe('open')
    await expect.poll(() => storage.load()).toContain('"open"')

    const second = createClientBreaker({ threshold: 2, openMs: 60_000, now, storage })
    await second.ready
    expect(second.current().state).toBe('open')
    expect(second.current().tryAcquire()).toBe(false)
    t += 60_000
    expect(second.current().state).toBe('half-open')
  })

  it('starts closed from a damaged snapshot', async () => {
    const storage = memoryQueueStorage()
    await storage.save('{"version":1,"state":"sideways"}')
    const b = createClientBreaker({ threshold: 5, openMs: 1000, now: Date.now, storage })
    await b.ready
    expect(b.current().state).toBe('closed')
  })

  it('keys saved state by endpoint', () => {
    expect(endpointId('https://a.example/')).toBe(endpointId('https://a.example'))
    expect(endpointId('https://a.example')).not.toBe(endpointId('https://b.example'))
    expect(endpointId('https://a.example')).toMatch(/^[0-9a-f]{8}$/)
  })
})
