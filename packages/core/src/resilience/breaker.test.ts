import { describe, expect, it } from 'vitest'
import { isTtsError, TtsError } from '../errors/index.ts'
import { type CircuitTransition, createCircuitBreaker } from './breaker.ts'
import { HttpStatusError, isBrokenCircuitError } from './errors.ts'

/** A clock the test moves by hand. */
function fakeClock(start = 1_700_000_000_000) {
  let t = start
  return {
    now: () => t,
    advance: (ms: number) => {
      t += ms
    },
  }
}

function failTimes(breaker: ReturnType<typeof createCircuitBreaker>, n: number) {
  for (let i = 0; i < n; i++) {
    expect(breaker.tryAcquire()).toBe(true)
    breaker.failure(new Error(`fail ${i}`))
  }
}

describe('createCircuitBreaker', () => {
  it('stays closed below the threshold and a success resets the count', () => {
    const clock = fakeClock()
    const breaker = createCircuitBreaker({ now: clock.now })
    failTimes(breaker, 4)
    expect(breaker.state).toBe('closed')
    expect(breaker.failures).toBe(4)
    breaker.success()
    expect(breaker.failures).toBe(0)
    failTimes(breaker, 4)
    expect(breaker.state).toBe('closed')
  })

  it('opens after 5 consecutive failures and refuses calls while open', () => {
    const clock = fakeClock()
    const breaker = createCircuitBreaker({ now: clock.now })
    const seen: CircuitTransition[] = []
    breaker.on('change', (t) => seen.push(t))
    failTimes(breaker, 5)
    expect(breaker.state).toBe('open')
    expect(seen).toHaveLength(1)
    expect(seen[0]).toMatchObject({ from: 'closed', to: 'open', at: clock.now(), failures: 5 })
    expect(seen[0]?.error).toMatchObject({ message: 'fail 4' })
    expect(breaker.tryAcquire()).toBe(false)
    expect(breaker.retryAfterMs()).toBe(300_000)
    clock.advance(120_000)
    expect(breaker.retryAfterMs()).toBe(180_000)
  })

  it('turns half-open after 5 minutes, not a millisecond before', () => {
    const clock = fakeClock()
    const breaker = createCircuitBreaker({ now: clock.now })
    const halfOpen: CircuitTransition[] = []
    breaker.on('half-open', (t) => halfOpen.push(t))
    failTimes(breaker, 5)
    clock.advance(299_999)
    expect(breaker.state).toBe('open')
    expect(breaker.tryAcquire()).toBe(false)
    clock.advance(1)
    expect(breaker.state).toBe('half-open')
    expect(breaker.retryAfterMs()).toBe(0)
    expect(halfOpen).toEqual([{ from: 'open', to: 'half-open', at: clock.now(), failures: 5 }])
  })

  it('lets exactly one probe through while half-open', () => {
    const clock = fakeClock()
    const breaker = createCircuitBreaker({ now: clock.now })
    failTimes(breaker, 5)
    clock.advance(300_000)
    expect(breaker.tryAcquire()).toBe(true)
    expect(breaker.tryAcquire()).toBe(false)
    expect(breaker.tryAcquire()).toBe(false)
    expect(breaker.state).toBe('half-open')
  })

  it('closes when the probe succeeds', () => {
    const clock = fakeClock()
    const breaker = createCircuitBreaker({ now: clock.now })
    const closes: CircuitTransition[] = []
    breaker.on('close', (t) => closes.push(t))
    failTimes(breaker, 5)
    clock.advance(300_000)
    expect(breaker.tryAcquire()).toBe(true)
    breaker.success()
    expect(breaker.state).toBe('closed')
    expect(breaker.failures).toBe(0)
    expect(closes).toEqual([{ from: 'half-open', to: 'closed', at: clock.now(), failures: 0 }])
    // Closed again means a fresh count: four failures do not re-open it.
    failTimes(breaker, 4)
    expect(breaker.state).toBe('closed')
  })

  it('re-opens for another full period when the probe fails', () => {
    const clock = fakeClock()
    const breaker = createCircuitBreaker({ now: clock.now })
    const opens: CircuitTransition[] = []
    breaker.on('open', (t) => opens.push(t))
    failTimes(breaker, 5)
    clock.advance(300_000)
    expect(breaker.tryAcquire()).toBe(true)
    const probeError = new Error('still down')
    breaker.failure(probeError)
    expect(breaker.state).toBe('open')
    expect(opens.map((t) => t.from)).toEqual(['closed', 'half-open'])
    expect(opens[1]?.error).toBe(probeError)
    expect(breaker.retryAfterMs()).toBe(300_000)
    clock.advance(299_999)
    expect(breaker.tryAcquire()).toBe(false)
    clock.advance(1)
    expect(breaker.tryAcquire()).toBe(true)
  })

  it('emits every transition of a full cycle in order, and unsubscribes', () => {
    const clock = fakeClock()
    const breaker = createCircuitBreaker({ threshold: 2, openMs: 1000, now: clock.now })
    const seen: string[] = []
    const off = breaker.on('change', (t) => seen.push(`${t.from}>${t.to}`))
    failTimes(breaker, 2)
    clock.advance(1000)
    breaker.tryAcquire()
    breaker.failure()
    clock.advance(1000)
    breaker.tryAcquire()
    breaker.success()
    expect(seen).toEqual([
      'closed>open',
      'open>half-open',
      'half-open>open',
      'open>half-open',
      'half-open>closed',
    ])
    off()
    failTimes(breaker, 2)
    expect(breaker.state).toBe('open')
    expect(seen).toHaveLength(5)
  })

  it('a listener that throws does not stop the transition or other listeners', () => {
    const breaker = createCircuitBreaker({ threshold: 1 })
    const seen: string[] = []
    breaker.on('open', () => {
      throw new Error('listener bug')
    })
    breaker.on('change', (t) => seen.push(t.to))
    breaker.failure()
    expect(breaker.state).toBe('open')
    expect(seen).toEqual(['open'])
  })

  it('ignores late results that arrive while open', () => {
    const clock = fakeClock()
    const breaker = createCircuitBreaker({ threshold: 1, now: clock.now })
    breaker.failure()
    breaker.success()
    expect(breaker.state).toBe('open')
    clock.advance(200_000)
    breaker.failure()
    expect(breaker.retryAfterMs()).toBe(100_000)
  })

  it('frees the probe slot on release(), and after probeTimeoutMs if the probe never answers', () => {
    const clock = fakeClock()
    const breaker = createCircuitBreaker({
      threshold: 1,
      openMs: 10,
      probeTimeoutMs: 500,
      now: clock.now,
    })
    breaker.failure()
    clock.advance(10)
    expect(breaker.tryAcquire()).toBe(true)
    breaker.release()
    expect(breaker.state).toBe('half-open')
    expect(breaker.tryAcquire()).toBe(true)
    clock.advance(499)
    expect(breaker.tryAcquire()).toBe(false)
    clock.advance(1)
    expect(breaker.tryAcquire()).toBe(true)
  })

  describe('execute', () => {
    it('counts failures, then throws a circuit_open error without calling fn', async () => {
      const clock = fakeClock()
      const breaker = createCircuitBreaker({ threshold: 2, openMs: 1000, now: clock.now })
      let calls = 0
      const boom = async () => {
        calls++
        throw new TypeError('fetch failed')
      }
      await expect(breaker.execute(boom)).rejects.toThrow('fetch failed')
      await expect(breaker.execute(boom)).rejects.toThrow('fetch failed')
      clock.advance(400)
      const refused = await breaker.execute(boom).catch((e: unknown) => e)
      expect(calls).toBe(2)
      expect(isBrokenCircuitError(refused)).toBe(true)
      expect(isTtsError(refused) && refused.code).toBe('circuit_open')
      expect((refused as { retryAfterMs: number }).retryAfterMs).toBe(600)
    })

    it('returns the value and closes from half-open on success', async () => {
      const clock = fakeClock()
      const breaker = createCircuitBreaker({ threshold: 1, openMs: 1000, now: clock.now })
      breaker.failure()
      clock.advance(1000)
      await expect(breaker.execute(() => 'audio')).resolves.toBe('audio')
      expect(breaker.state).toBe('closed')
    })

    it('refuses a second caller while the probe is out', async () => {
      const clock = fakeClock()
      const breaker = createCircuitBreaker({ threshold: 1, openMs: 1000, now: clock.now })
      breaker.failure()
      clock.advance(1000)
      let finish: (v: string) => void = () => {}
      const probe = breaker.execute(() => new Promise<string>((r) => (finish = r)))
      await expect(breaker.execute(() => 'second')).rejects.toMatchObject({ code: 'circuit_open' })
      finish('first')
      await expect(probe).resolves.toBe('first')
      await expect(breaker.execute(() => 'third')).resolves.toBe('third')
    })

    it('a non-retryable 4xx means the upstream answered: it does not count as a failure', async () => {
      const breaker = createCircuitBreaker({ threshold: 2 })
      breaker.failure()
      await expect(
        breaker.execute(async () => {
          throw new HttpStatusError(400, 'bad voice')
        }),
      ).rejects.toThrow('bad voice')
      expect(breaker.failures).toBe(0)
      await breaker.execute(() => Promise.reject(new HttpStatusError(503, 'busy'))).catch(() => {})
      await breaker.execute(() => Promise.reject(new HttpStatusError(429, 'slow'))).catch(() => {})
      expect(breaker.state).toBe('open')
    })

    it("a caller's abort neither counts nor keeps the probe slot", async () => {
      const clock = fakeClock()
      const breaker = createCircuitBreaker({ threshold: 1, openMs: 1000, now: clock.now })
      breaker.failure()
      clock.advance(1000)
      const abort = new DOMException('user left', 'AbortError')
      await expect(breaker.execute(() => Promise.reject(abort))).rejects.toBe(abort)
      expect(breaker.state).toBe('half-open')
      expect(breaker.tryAcquire()).toBe(true)
    })

    it('our own bugs and bad input are not the upstream failing', async () => {
      const breaker = createCircuitBreaker({ threshold: 1 })
      await breaker
        .execute(() => Promise.reject(new ReferenceError('oops is not defined')))
        .catch(() => {})
      await breaker
        .execute(() => Promise.reject(new TtsError('invalid_options', 'x')))
        .catch(() => {})
      expect(breaker.state).toBe('closed')
      await breaker
        .execute(() => Promise.reject(new TtsError('invalid_audio', 'cut short')))
        .catch(() => {})
      expect(breaker.state).toBe('open')
    })

    it('uses a custom classify', async () => {
      const breaker = createCircuitBreaker({ threshold: 1, classify: () => 'ignore' })
      await breaker.execute(() => Promise.reject(new Error('x'))).catch(() => {})
      expect(breaker.state).toBe('closed')
    })
  })

  describe('toJSON and restore', () => {
    it('round-trips a closed breaker with its failure count', () => {
      const a = createCircuitBreaker()
      failTimes(a, 3)
      const saved = JSON.parse(JSON.stringify(a))
      expect(saved).toEqual({ version: 1, state: 'closed', failures: 3, openedAt: null })
      const b = createCircuitBreaker({ initialState: saved })
      failTimes(b, 2)
      expect(b.state).toBe('open')
    })

    it('restores an open breaker with the time it has left, without emitting', () => {
      const clock = fakeClock()
      const a = createCircuitBreaker({ now: clock.now })
      failTimes(a, 5)
      clock.advance(100_000)
      const saved = JSON.parse(JSON.stringify(a.toJSON()))
      expect(saved).toMatchObject({ state: 'open', failures: 5 })
      const b = createCircuitBreaker({ now: clock.now, initialState: saved })
      const seen: string[] = []
      b.on('change', (t) => seen.push(`${t.from}>${t.to}`))
      expect(b.state).toBe('open')
      expect(b.retryAfterMs()).toBe(200_000)
      expect(b.tryAcquire()).toBe(false)
      expect(seen).toEqual([])
      clock.advance(200_000)
      expect(b.tryAcquire()).toBe(true)
      expect(seen).toEqual(['open>half-open'])
      b.success()
      expect(b.state).toBe('closed')
    })

    it('restores a half-open breaker with its probe slot free (the old probe died with the old instance)', () => {
      const clock = fakeClock()
      const a = createCircuitBreaker({ now: clock.now })
      failTimes(a, 5)
      clock.advance(300_000)
      expect(a.tryAcquire()).toBe(true)
      const saved = a.toJSON()
      expect(saved.state).toBe('half-open')
      const b = createCircuitBreaker({ now: clock.now, initialState: saved })
      expect(b.state).toBe('half-open')
      expect(b.tryAcquire()).toBe(true)
      expect(b.tryAcquire()).toBe(false)
      b.failure()
      expect(b.state).toBe('open')
      expect(b.retryAfterMs()).toBe(300_000)
    })

    it('an open state saved long ago restores as half-open', () => {
      const clock = fakeClock()
      const saved = { version: 1, state: 'open', failures: 5, openedAt: clock.now() - 600_000 }
      const b = createCircuitBreaker({ now: clock.now, initialState: saved })
      expect(b.state).toBe('half-open')
    })

    it('an openedAt from a clock running ahead never holds the circuit longer than openMs', () => {
      const clock = fakeClock()
      const saved = { version: 1, state: 'open', failures: 5, openedAt: clock.now() + 3_600_000 }
      const b = createCircuitBreaker({ now: clock.now, initialState: saved })
      expect(b.retryAfterMs()).toBe(300_000)
    })

    it.each([
      ['a string', 'open', /must be an object/],
      [
        'an unknown version',
        { version: 2, state: 'closed', failures: 0, openedAt: null },
        /version 2/,
      ],
      ['an unknown state', { version: 1, state: 'ajar', failures: 0, openedAt: null }, /"ajar"/],
      [
        'negative failures',
        { version: 1, state: 'closed', failures: -1, openedAt: null },
        /failures -1/,
      ],
      [
        'open without openedAt',
        { version: 1, state: 'open', failures: 5, openedAt: null },
        /openedAt/,
      ],
    ])('rejects %s as initialState, saying what is allowed', (_, initialState, message) => {
      expect(() => createCircuitBreaker({ initialState })).toThrow(message)
    })
  })

  it.each([
    [{ threshold: 0 }, /threshold.*positive integer, got 0/],
    [{ threshold: 2.5 }, /threshold/],
    [{ openMs: -1 }, /openMs.*≥ 0/],
    [{ probeTimeoutMs: Number.NaN }, /probeTimeoutMs/],
  ])('rejects bad options %o', (options, message) => {
    expect(() => createCircuitBreaker(options)).toThrow(message)
  })
})
