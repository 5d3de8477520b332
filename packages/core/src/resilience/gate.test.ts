import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { isGateFullError, isGateTimeoutError } from './errors.ts'
import { createConcurrencyGate } from './gate.ts'

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

/** A task the test finishes by hand, recording when it started. */
function manualTask(name: string, started: string[]) {
  let finish: () => void = () => {}
  const fn = () =>
    new Promise<string>((resolve) => {
      started.push(name)
      finish = () => resolve(name)
    })
  return { fn, finish: () => finish() }
}

describe('createConcurrencyGate', () => {
  it('runs at most `limit` calls at once', async () => {
    const gate = createConcurrencyGate({ limit: 2, maxQueue: 5 })
    const started: string[] = []
    const tasks = ['a', 'b', 'c'].map((n) => manualTask(n, started))
    const runs = tasks.map((t) => gate.run(t.fn))
    await vi.advanceTimersByTimeAsync(0)
    expect(started).toEqual(['a', 'b'])
    expect(gate.stats()).toMatchObject({ inFlight: 2, queued: 1 })
    tasks[0]?.finish()
    await expect(runs[0]).resolves.toBe('a')
    await vi.advanceTimersByTimeAsync(0)
    expect(started).toEqual(['a', 'b', 'c'])
    expect(gate.stats()).toMatchObject({ inFlight: 2, queued: 0 })
    tasks[1]?.finish()
    tasks[2]?.finish()
    await Promise.all(runs)
    expect(gate.stats()).toMatchObject({ inFlight: 0, queued: 0, admitted: 3 })
  })

  it('hands freed slots to waiters in FIFO order, never to a newcomer', async () => {
    const gate = createConcurrencyGate({ limit: 1, maxQueue: 10 })
    const started: string[] = []
    const tasks = ['first', 'w1', 'w2', 'w3'].map((n) => manualTask(n, started))
    const runs = tasks.map((t) => gate.run(t.fn))
    await vi.advanceTimersByTimeAsync(0)
    tasks[0]?.finish()
    // A newcomer arriving as the slot frees must queue behind w1..w3.
    const late = manualTask('late', started)
    runs.push(gate.run(late.fn))
    for (const t of [...tasks.slice(1), late]) {
      await vi.advanceTimersByTimeAsync(0)
      t.finish()
    }
    await Promise.all(runs)
    expect(started).toEqual(['first', 'w1', 'w2', 'w3', 'late'])
  })

  it('interactive waiters go before background ones; a raised waiter counts as interactive', async () => {
    const gate = createConcurrencyGate({ limit: 1, maxQueue: 10 })
    const started: string[] = []
    const names = ['first', 'bg1', 'bg2', 'raised', 'person']
    const tasks = names.map((n) => manualTask(n, started))
    let raised: 'interactive' | 'background' = 'background'
    const priorities = [undefined, 'background', 'background', () => raised, 'interactive'] as const
    const runs = tasks.map((t, i) => {
      const priority = priorities[i]
      return gate.run(t.fn, priority ? { priority } : {})
    })
    await vi.advanceTimersByTimeAsync(0)
    expect(gate.stats()).toMatchObject({ inFlight: 1, queued: 4 })
    raised = 'interactive'
    for (const name of ['first', 'raised', 'person', 'bg1', 'bg2']) {
      await vi.advanceTimersByTimeAsync(0)
      expect(started.at(-1)).toBe(name)
      tasks[names.indexOf(name)]?.finish()
    }
    await Promise.all(runs)
    expect(started).toEqual(['first', 'raised', 'person', 'bg1', 'bg2'])
  })

  it('refuses at once with GateFullError when the queue is full', async () => {
    const gate = createConcurrencyGate({ limit: 1, maxQueue: 2 })
    const started: string[] = []
    const tasks = ['a', 'b', 'c'].map((n) => manualTask(n, started))
    const runs = tasks.map((t) => gate.run(t.fn))
    const refused = await gate.run(async () => 'never').catch((e: unknown) => e)
    expect(isGateFullError(refused)).toBe(true)
    expect(refused).toMatchObject({ code: 'upstream_busy', details: { limit: 1, maxQueue: 2 } })
    expect(gate.stats()).toMatchObject({ inFlight: 1, queued: 2, rejected: 1 })
    for (const t of tasks) {
      await vi.advanceTimersByTimeAsync(0)
      t.finish()
    }
    await Promise.all(runs)
  })

  it('maxQueue 0 means no waiting at all', async () => {
    const gate = createConcurrencyGate({ limit: 1, maxQueue: 0 })
    const t = manualTask('a', [])
    const run = gate.run(t.fn)
    await expect(gate.run(async () => 1)).rejects.toMatchObject({ name: 'GateFullError' })
    t.finish()
    await run
  })

  it('a waiter gives up after maxWaitMs with GateTimeoutError and frees its queue place', async () => {
    const gate = createConcurrencyGate({ limit: 1, maxQueue: 1, maxWaitMs: 1000 })
    const started: string[] = []
    const holder = manualTask('holder', started)
    const running = gate.run(holder.fn)
    const waiting = gate.run(async () => 'late').catch((e: unknown) => e)
    await vi.advanceTimersByTimeAsync(999)
    expect(gate.stats().queued).toBe(1)
    await vi.advanceTimersByTimeAsync(1)
    const error = await waiting
    expect(isGateTimeoutError(error)).toBe(true)
    expect(error).toMatchObject({ code: 'upstream_busy', details: { waitedMs: 1000 } })
    expect(gate.stats()).toMatchObject({ queued: 0, timedOut: 1, inFlight: 1 })
    // Its place is free again.
    const next = gate.run(async () => 'next')
    holder.finish()
    await expect(next).resolves.toBe('next')
    await running
  })

  it("a waiter's own deadline wins when sooner than maxWaitMs", async () => {
    const gate = createConcurrencyGate({ limit: 1, maxQueue: 5, maxWaitMs: 60_000 })
    const holder = manualTask('holder', [])
    const running = gate.run(holder.fn)
    const waiting = gate.run(async () => 1, { deadline: Date.now() + 250 }).catch((e: unknown) => e)
    await vi.advanceTimersByTimeAsync(249)
    expect(gate.stats().queued).toBe(1)
    await vi.advanceTimersByTimeAsync(1)
    expect(await waiting).toMatchObject({ name: 'GateTimeoutError', details: { waitedMs: 250 } })
    holder.finish()
    await running
  })

  it('a deadline already past fails at once instead of queueing', async () => {
    const gate = createConcurrencyGate({ limit: 1 })
    const holder = manualTask('holder', [])
    const running = gate.run(holder.fn)
    await expect(gate.run(async () => 1, { deadline: Date.now() - 5 })).rejects.toMatchObject({
      name: 'GateTimeoutError',
    })
    expect(gate.stats().queued).toBe(0)
    holder.finish()
    await running
  })

  it('a deadline does not matter when a slot is free', async () => {
    const gate = createConcurrencyGate({ limit: 1 })
    await expect(gate.run(async () => 'now', { deadline: Date.now() - 5 })).resolves.toBe('now')
  })

  it('an aborted waiter leaves the queue at once with its reason, and the queue moves on', async () => {
    const gate = createConcurrencyGate({ limit: 1, maxQueue: 3 })
    const started: string[] = []
    const holder = manualTask('holder', started)
    const running = gate.run(holder.fn)
    const controller = new AbortController()
    const w1 = manualTask('w1', started)
    const w2 = manualTask('w2', started)
    const r1 = gate.run(w1.fn, { signal: controller.signal }).catch((e: unknown) => e)
    const r2 = gate.run(w2.fn)
    await vi.advanceTimersByTimeAsync(0)
    controller.abort(new DOMException('client gone', 'AbortError'))
    expect(await r1).toMatchObject({ name: 'AbortError', message: 'client gone' })
    expect(gate.stats()).toMatchObject({ queued: 1, aborted: 1 })
    holder.finish()
    await vi.advanceTimersByTimeAsync(0)
    expect(started).toEqual(['holder', 'w2'])
    w2.finish()
    await Promise.all([running, r2])
    expect(vi.getTimerCount()).toBe(0)
  })

  it('an already-aborted signal is refused without queueing', async () => {
    const gate = createConcurrencyGate()
    await expect(gate.run(async () => 1, { signal: AbortSignal.abort('nope') })).rejects.toBe(
      'nope',
    )
    expect(gate.stats()).toMatchObject({ inFlight: 0, aborted: 1 })
  })

  it('frees the slot when fn throws', async () => {
    const gate = createConcurrencyGate({ limit: 1 })
    await expect(gate.run(() => Promise.reject(new Error('synthesis failed')))).rejects.toThrow(
      'synthesis failed',
    )
    await expect(
      gate.run(() => {
        throw new Error('sync throw')
      }),
    ).rejects.toThrow('sync throw')
    expect(gate.stats().inFlight).toBe(0)
    await expect(gate.run(async () => 'ok')).resolves.toBe('ok')
  })

  it('acquire() holds a slot until released, and a double release frees only one slot', async () => {
    const gate = createConcurrencyGate({ limit: 1, maxQueue: 2 })
    const release = await gate.acquire()
    const started: string[] = []
    const a = gate.run(async () => started.push('a'))
    const b = gate.run(async () => started.push('b'))
    await vi.advanceTimersByTimeAsync(0)
    expect(started).toEqual([])
    release()
    release()
    await a
    await b
    expect(started).toEqual(['a', 'b'])
    expect(gate.stats().inFlight).toBe(0)
  })

  it.each([
    [{ limit: 0 }, /limit.*integer ≥ 1, got 0/],
    [{ limit: 1.5 }, /limit/],
    [{ maxQueue: -1 }, /maxQueue.*integer ≥ 0/],
    [{ maxWaitMs: Number.POSITIVE_INFINITY }, /maxWaitMs.*finite/],
  ])('rejects bad options %o', (options, message) => {
    expect(() => createConcurrencyGate(options)).toThrow(message)
  })
})
