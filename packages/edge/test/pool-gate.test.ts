/**
 * The gate: interactive work before background work, a caller's abort reaching the pool (a
 * queued synthesis only it waited for is dropped; a whole-file caller's too, through
 * `request.signal`, while work the upstream has begun is finished for the cache), and a slot
 * held after a caller left while the server may still be computing.
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { PoolAudio, PoolFailure } from '../src/pool/index.ts'
import { keys, sentence, speak } from './helpers.ts'
import { eventually, poolEmulators, releasePools } from './pool-helpers.ts'
import { drain, restoreLatency, slowPool, wholeFile } from './slow-pool.ts'

afterEach(async () => {
  await restoreLatency()
  await releasePools()
})

describe('the gate', () => {
  it('a person waiting goes before background work that queued first', async () => {
    const [a] = await poolEmulators()
    const { ask, gate, busy } = await slowPool(a, { ttfbMs: 600, rtf: 0 })
    const order: string[] = []
    const track = (name: string, p: Promise<PoolAudio | PoolFailure>) =>
      p.then(async (answer) => {
        order.push(name)
        expect(answer.ok).toBe(true)
        await drain(answer)
      })
    const first = track('first', ask(sentence('Holding the slot')))
    await busy('the first to hold the slot')
    const background = track('background', ask(sentence('Warming'), { priority: 'background' }))
    await eventually(async () => (await gate()).queued === 1, 10_000, 'background to queue')
    const person = track('person', ask(sentence('A person asks')))
    await eventually(async () => (await gate()).queued === 2, 10_000, 'the person to queue')
    await Promise.all([first, background, person])
    expect(order).toEqual(['first', 'person', 'background'])
  })

  it('a caller leaving drops queued work it alone waited for; a shared one goes on', async () => {
    const [a] = await poolEmulators()
    const { ask, gate, busy } = await slowPool(a, { ttfbMs: 1500, rtf: 0 })
    const before = await a.synthesisRequests()
    const first = ask(sentence('Holding the slot again'))
    await busy('the first to hold the slot')
    // Two callers of one synthesis; one leaves, the other still gets it.
    const key = crypto.randomUUID()
    const shared = sentence('Shared by two')
    const leaving = new AbortController()
    const left = ask(shared, { key, signal: leaving.signal })
    const staying = ask(shared, { key })
    // One caller alone, who leaves.
    const alone = new AbortController()
    const lonely = ask(sentence('Nobody else wants this'), { signal: alone.signal })
    await eventually(async () => (await gate()).queued === 2, 10_000, 'both syntheses to queue')
    leaving.abort()
    alone.abort()
    await eventually(async () => (await gate()).queued === 1, 10_000, 'the lonely one to leave')
    expect((await gate()).inFlight).toBe(1)
    await drain(await first)
    const kept = await staying
    expect(kept.ok).toBe(true)
    await drain(kept)
    expect((await lonely).ok).toBe(false)
    await left
    // The first and the shared synthesis reached the upstream; the abandoned one never did.
    expect((await a.synthesisRequests()) - before).toBe(2)
  })

  // A streamed caller is followed the same way (after its first byte: test/stream-leave.test.ts).
  it.each([
    ['a whole-file caller', false],
    ['a streamed caller, before its first byte,', true],
  ])(
    '%s who leaves while queued leaves the queue; the upstream never sees it',
    async (_who, stream) => {
      const [a] = await poolEmulators()
      const { pool, ask, gate, busy } = await slowPool(a, { ttfbMs: 4000, rtf: 0 })
      const before = await a.synthesisRequests()
      const first = ask(sentence('Holding the slot for a while'))
      await busy('the first to hold the slot')
      const leaving = new AbortController()
      const asked = sentence('Asked, then abandoned')
      const answer = wholeFile(pool, asked, leaving.signal, {}, { stream })
      await eventually(async () => (await gate()).queued === 1, 10_000, 'the request to queue')
      leaving.abort()
      await eventually(async () => (await gate()).queued === 0, 10_000, 'the request to leave')
      // It left the queue, not through the slot: the first still holds it.
      expect((await gate()).inFlight).toBe(1)
      await drain(await first)
      expect(await answer).not.toBe(200)
      expect((await a.synthesisRequests()) - before).toBe(1)
    },
  )

  it('a whole-file caller who leaves while its sentence is synthesized: finished, then a HIT', async () => {
    const [a] = await poolEmulators()
    const { pool, busy } = await slowPool(a, { ttfbMs: 1500, rtf: 0 })
    const before = await a.synthesisRequests()
    const text = sentence('Paid for, so kept')
    const leaving = new AbortController()
    const whole = wholeFile(pool, text, leaving.signal)
    await busy('the synthesis to start')
    leaving.abort()
    expect(await whole).toBe(200)
    const again = await speak(
      { input: text, response_format: 'wav' },
      { env: pool, key: keys.speech },
    )
    expect(again.status).toBe(200)
    expect(again.headers.get('x-tts-cache')).toBe('HIT')
    expect((await a.synthesisRequests()) - before).toBe(1)
  })

  it('a whole-file caller who left while its call ran is let go when that call fails: no retry for nobody', async () => {
    const [a] = await poolEmulators()
    const { pool, busy } = await slowPool(
      a,
      { ttfbMs: 0, rtf: 0 },
      { ttfbMs: 1000, deadlinePerCharMs: 0, maxRetries: 2, retryBaseMs: 10, retryCapMs: 10 },
    )
    await a.faults({ hang: true })
    const before = await a.synthesisRequests()
    const leaving = new AbortController()
    const whole = wholeFile(pool, sentence('Hangs, then nobody waits'), leaving.signal)
    await busy('the call to start')
    leaving.abort()
    expect(await whole).toBe(504)
    await a.faults({})
    // The one timed-out call; without the caller, its retries never went out.
    expect((await a.synthesisRequests()) - before).toBe(1)
  })

  it('a slot stays taken after its caller left, while the server may still compute', async () => {
    const [a] = await poolEmulators()
    // 60 characters × 100 ms + ttfb 1 s: the server may be busy ~7 s after the call was sent.
    const { ask, gate } = await slowPool(
      a,
      { ttfbMs: 200, rtf: 1 },
      { ttfbMs: 1000, gpuMsPerChar: 100 },
    )
    const text = sentence('Long enough to keep a GPU busy for a while')
    const answer = await ask(text)
    expect(answer.ok).toBe(true)
    if (!answer.ok) return
    const reader = answer.body.getReader()
    await reader.read()
    await reader.cancel()
    const leftAt = performance.now()
    const next = await ask(sentence('Next in line'))
    const waitedMs = performance.now() - leftAt
    await drain(next)
    // Before, the slot was free at once (~0.2 s to the next first byte).
    expect(waitedMs).toBeGreaterThan(3000)
    expect((await gate()).inFlight).toBe(0)
  })
})
