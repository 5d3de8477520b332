import { describe, expect, it } from 'vitest'
import type { SpeechRequest } from '../edge/index.ts'
import { createWarmQueue, memoryQueueStorage } from './index.ts'

const item = (input: string, extra: Partial<SpeechRequest> = {}): SpeechRequest => ({
  input,
  voice: 'default',
  language: 'en',
  response_format: 'wav',
  speed: 1,
  ...extra,
})

describe('warm queue', () => {
  it('collapses duplicates, keeping the latest position', async () => {
    const queue = createWarmQueue({ storage: memoryQueueStorage(), send: async () => {} })
    await queue.add(item('a'))
    await queue.add(item('b'))
    await queue.add(item('a'))
    await queue.add(item('a', { speed: 1.5 })) // another rendering: not a duplicate
    expect((await queue.items()).map((x) => `${x.input}@${x.speed}`)).toEqual([
      'b@1',
      'a@1',
      'a@1.5',
    ])
  })

  it('stays within maxItems by dropping the oldest', async () => {
    const queue = createWarmQueue({
      storage: memoryQueueStorage(),
      maxItems: 3,
      send: async () => {},
    })
    for (const s of ['1', '2', '3', '4', '5']) await queue.add(item(s))
    expect((await queue.items()).map((x) => x.input)).toEqual(['3', '4', '5'])
  })

  it('survives a restart through its storage', async () => {
    const storage = memoryQueueStorage()
    await createWarmQueue({ storage, send: async () => {} }).add(item('persisted'))
    const again = createWarmQueue({ storage, send: async () => {} })
    expect((await again.items()).map((x) => x.input)).toEqual(['persisted'])
  })

  it('starts empty from damaged storage', async () => {
    const queue = createWarmQueue({
      storage: { load: async () => '{not json', save: async () => {} },
      send: async () => {},
    })
    expect(await queue.size()).toBe(0)
  })

  it('flushes in batches and keeps what failed to send', async () => {
    const sent: string[][] = []
    let fail = false
    const queue = createWarmQueue({
      storage: memoryQueueStorage(),
      batchSize: 2,
      send: async (items) => {
        if (fail) throw new Error('edge down')
        sent.push(items.map((x) => x.input))
      },
    })
    for (const s of ['a', 'b', 'c']) await queue.add(item(s))
    expect(await queue.flush()).toBe(3)
    expect(sent).toEqual([['a', 'b'], ['c']])
    expect(await queue.size()).toBe(0)
    await queue.add(item('d'))
    fail = true
    await expect(queue.flush()).rejects.toThrow('edge down')
    expect(await queue.size()).toBe(1)
  })

  it('runs one flush at a time', async () => {
    let calls = 0
    const queue = createWarmQueue({
      storage: memoryQueueStorage(),
      send: async () => {
        calls++
        await new Promise((r) => setTimeout(r, 10))
      },
    })
    await queue.add(item('a'))
    const [x, y] = await Promise.all([queue.flush(), queue.flush()])
    expect([x, y]).toEqual([1, 1])
    expect(calls).toBe(1)
  })
})
