/**
 * @module pool/engine — the pool's brain, kept apart from the Durable Object shell: members
 * (breaker + gate + health per upstream), choosing one, retries with failover, time limits,
 * single-flight, and half-open probes with a fixed phrase.
 */
import type { CircuitBreakerSnapshot } from '@tts/core/resilience'
import { isGateFullError, isGateTimeoutError, retry, withTimeout } from '@tts/core/resilience'
import type { Logger } from '../observe/index.ts'
import { type PoolConfig, type PoolOptions, synthesisDeadlineMs } from '../settings/pool.ts'
import type { SynthesisRequest, SynthesisResult, VoiceRef } from '../upstream/index.ts'
import { PoolError, type PoolFailure, toFailure, UNSERVED_CODES } from './errors.ts'
import { createFlight, type Flight, type FlightHead } from './flight.ts'
import { classifyUpstreamFailure, createMember, type Member, type MemberStatus } from './member.ts'

/** A synthesis that is flowing: its format and a stream of s16le PCM bytes. */
export interface PoolAudio extends FlightHead {
  ok: true
  /** True when this caller joined a synthesis another caller started. */
  coalesced: boolean
  body: ReadableStream<Uint8Array>
}

/** What the engine needs from its host. */
export interface EngineHost {
  env: Env
  log: Logger
  loadBreaker(id: string): Promise<CircuitBreakerSnapshot | undefined>
  saveBreaker(id: string, snapshot: CircuitBreakerSnapshot): void
  /** Asks to be woken (`wake()`) at `at` (epoch ms) to probe half-open upstreams. */
  wakeAt(at: number): void
  /** Counts an event for `/metrics`. */
  count(name: string, labels: Record<string, string>): void
}

/** The pool's state for `/readyz`. */
export interface PoolStatus {
  ready: boolean
  upstreams: MemberStatus[]
  flights: number
}

const RETRYABLE_CODES = new Set(['upstream_unavailable', 'upstream_error', 'upstream_busy'])
const BAD_AUDIO_CODES = new Set(['upstream_invalid_audio', 'upstream_truncated'])

function pcmBytes(pcm: Int16Array): Uint8Array {
  // Workers run little-endian, as s16le is: the samples' memory is already the wire format.
  return new Uint8Array(pcm.buffer, pcm.byteOffset, pcm.byteLength).slice()
}

function codeOf(error: unknown): string {
  return (error as { code?: string } | null)?.code ?? 'unknown'
}

/**
 * A pool engine. `configure` first (with the config each caller sends), then `synthesize`.
 *
 * @example
 * const engine = createPoolEngine(host)
 * await engine.configure(config)
 * const audio = await engine.synthesize(request, key)
 */
export function createPoolEngine(host: EngineHost) {
  let config: PoolConfig | undefined
  let configJson = ''
  const members = new Map<string, Member>()
  const flights = new Map<string, Flight>()
  const probing = new Set<string>()

  const options = (): PoolOptions => {
    if (!config) throw new PoolError('upstream_unavailable', 'the pool has no configuration yet')
    return config.options
  }

  async function configure(next: PoolConfig): Promise<void> {
    const json = JSON.stringify(next)
    if (json === configJson) return
    const previous = config
    config = next
    configJson = json
    const wanted = new Set(next.upstreams.map((u) => u.url))
    for (const [id, member] of members) {
      if (!wanted.has(id) && member.idle()) members.delete(id)
    }
    for (const upstream of next.upstreams) {
      const existing = members.get(upstream.url)
      const same =
        existing &&
        previous &&
        JSON.stringify(existing.config) === JSON.stringify(upstream) &&
        JSON.stringify(previous.options) === JSON.stringify(next.options) &&
        previous.model === next.model
      if (same || (existing && !existing.idle())) continue
      const saved = existing ? existing.breaker.toJSON() : await host.loadBreaker(upstream.url)
      const member = createMember(upstream, next.options, saved, host.env, next.model)
      member.breaker.on('change', (t) => {
        host.saveBreaker(member.id, member.breaker.toJSON())
        host.count('tts.edge.pool.breaker_transitions', { upstream: member.id, to: t.to })
        host.log.warn('upstream breaker changed', {
          event: 'breaker_transition',
          upstream: member.id,
          from: t.from,
          to: t.to,
          failures: t.failures,
          ...(t.error === undefined ? {} : { error: codeOf(t.error) }),
        })
        if (t.to === 'open') host.wakeAt(Date.now() + member.breaker.retryAfterMs() + 5)
      })
      members.set(upstream.url, member)
      if (member.breaker.state === 'open') host.wakeAt(Date.now() + member.breaker.retryAfterMs())
    }
  }

  function ordered(): Member[] {
    return (config?.upstreams ?? [])
      .map((u) => members.get(u.url))
      .filter((m): m is Member => m !== undefined)
  }

  /** Closed members, best first: untried, a free slot, the shortest queue, the most weight. */
  function candidates(tried: ReadonlySet<string>): Member[] {
    const open: Member[] = []
    for (const m of ordered()) {
      const state = m.breaker.state
      if (state === 'half-open') startProbe(m)
      if (state === 'closed') open.push(m)
    }
    return open
      .map((m) => ({ m, s: m.gate.stats() }))
      .sort(
        (a, b) =>
          Number(tried.has(a.m.id)) - Number(tried.has(b.m.id)) ||
          Number(a.s.inFlight >= a.s.limit) - Number(b.s.inFlight >= b.s.limit) ||
          a.s.queued - b.s.queued ||
          b.m.config.weight - a.m.config.weight,
      )
      .map((x) => x.m)
  }

  /** Why nothing can serve now, and when to come back. */
  function unserved(lastError: unknown): PoolError {
    const all = ordered()
    if (all.some((m) => m.breaker.state === 'closed')) {
      const waitS = Math.max(1, Math.ceil(options().maxWaitMs / 1000))
      return new PoolError(
        'upstream_busy',
        'every upstream is busy and its wait queue is full; try again shortly',
        waitS,
      )
    }
    const afterMs = Math.min(...all.map((m) => m.breaker.retryAfterMs() || 1000))
    const afterS = Math.max(1, Math.ceil(afterMs / 1000))
    if (lastError !== undefined) {
      return new PoolError(
        'upstream_unavailable',
        `the upstream failed (${codeOf(lastError)}) and its circuit is now open`,
        afterS,
      )
    }
    return new PoolError(
      'circuit_open',
      `every upstream's circuit is open after repeated failures; next try in ${afterS} s`,
      afterS,
    )
  }

  /**
   * A failure that tells the caller when to come back: its own `Retry-After`, else when the
   * first circuit may close, else a second.
   */
  function withRetryAfter(error: unknown): unknown {
    if (typeof (error as { retryAfterS?: unknown } | null)?.retryAfterS === 'number') return error
    const failure = toFailure(error)
    if (!UNSERVED_CODES.has(failure.code)) return error
    const waits = ordered()
      .map((m) => m.breaker.retryAfterMs())
      .filter((ms) => ms > 0)
    const afterS = Math.max(1, Math.ceil((waits.length > 0 ? Math.min(...waits) : 1000) / 1000))
    return new PoolError(failure.code, failure.message, afterS)
  }

  interface Granted {
    member: Member
    result: SynthesisResult
    release: () => void
  }

  /** Records an attempt's failure on its member's breaker. */
  function settleFailure(member: Member, error: unknown): void {
    const verdict = classifyUpstreamFailure(error)
    if (verdict === 'failure') member.breaker.failure(error)
    else if (verdict === 'success') member.breaker.success()
    else member.breaker.release()
    if (verdict !== 'ignore' || codeOf(error) === 'upstream_busy') member.noteError(error)
  }

  async function attempt(
    request: SynthesisRequest,
    signal: AbortSignal,
    bodySignal: AbortSignal,
    deadline: number,
    tried: Set<string>,
    lastError: { error?: unknown },
  ): Promise<Granted> {
    const opts = options()
    const list = candidates(tried)
    if (list.length === 0) throw unserved(lastError.error)
    for (const member of list) {
      let release: () => void
      try {
        release = await member.gate.acquire({ signal, deadline })
      } catch (error) {
        if (isGateFullError(error)) continue
        if (isGateTimeoutError(error)) {
          throw new PoolError(
            'upstream_busy',
            `no upstream slot became free within ${opts.maxWaitMs} ms`,
            Math.max(1, Math.ceil(opts.maxWaitMs / 1000)),
          )
        }
        throw error
      }
      if (!member.breaker.tryAcquire()) {
        release()
        continue
      }
      tried.add(member.id)
      try {
        const synth = await member.synthesizer(signal)
        // A whole (non-streamed) answer's first byte is its last: allow for its length.
        const firstByteMs = request.stream
          ? opts.ttfbMs
          : opts.ttfbMs + Math.ceil(request.text.length * opts.deadlinePerCharMs)
        const result = await withTimeout(
          (ttfb) => synth.synthesize(request, { signal: AbortSignal.any([ttfb, bodySignal]) }),
          firstByteMs,
          { signal },
        )
        return { member, result, release }
      } catch (error) {
        settleFailure(member, error)
        release()
        lastError.error = error
        host.log.warn('upstream attempt failed', {
          upstream: member.id,
          code: codeOf(error),
        })
        throw error
      }
    }
    throw unserved(lastError.error)
  }

  async function fly(
    flight: Flight & { start(head: FlightHead): void },
    request: SynthesisRequest,
    abort: AbortSignal,
  ): Promise<boolean> {
    const opts = options()
    const deadline = Date.now() + synthesisDeadlineMs(opts, request.text.length)
    const bodySignal = AbortSignal.any([abort, AbortSignal.timeout(deadline - Date.now())])
    const tried = new Set<string>()
    const lastError: { error?: unknown } = {}
    let granted: Granted
    try {
      granted = await retry(
        (_n, signal) => attempt(request, signal, bodySignal, deadline, tried, lastError),
        {
          maxRetries: opts.maxRetries,
          baseMs: opts.retryBaseMs,
          capMs: opts.retryCapMs,
          retryAfterCapMs: opts.retryAfterCapMs,
          deadline,
          signal: abort,
          isRetryable: (error) => {
            const code = codeOf(error)
            if (code === 'timeout') return true
            if (BAD_AUDIO_CODES.has(code)) return candidates(tried).some((m) => !tried.has(m.id))
            if (!RETRYABLE_CODES.has(code) || error instanceof PoolError) return false
            const status = (error as { upstreamStatus?: number }).upstreamStatus
            return status === undefined || status === 408 || status === 429 || status >= 500
          },
          retryAfterMs: (error) => {
            const s = (error as { retryAfterS?: number }).retryAfterS
            return error instanceof PoolError || s === undefined ? undefined : s * 1000
          },
          onRetry: (e) => host.count('tts.edge.pool.retries', { code: codeOf(e.error) }),
        },
      )
    } catch (error) {
      flight.fail(withRetryAfter(error))
      return false
    }
    const { member, result, release } = granted
    flight.start({
      sampleRate: result.sampleRate,
      channels: result.channels,
      upstream: result.upstream,
    })
    try {
      for await (const pcm of result.chunks) flight.push(pcmBytes(pcm))
      member.breaker.success()
      member.noteSuccess()
      flight.end()
      return true
    } catch (error) {
      settleFailure(member, error)
      member.noteError(error)
      flight.fail(error)
      return false
    } finally {
      release()
    }
  }

  async function listenTo(flight: Flight, coalesced: boolean): Promise<PoolAudio | PoolFailure> {
    const body = flight.listen()
    try {
      const head = await flight.head
      return { ok: true, ...head, coalesced, body }
    } catch (error) {
      await body.cancel().catch(() => {})
      return toFailure(error)
    }
  }

  /** One synthesis through the pool, shared with identical ones in flight (same `key`). */
  async function synthesize(
    request: SynthesisRequest,
    key: string,
  ): Promise<PoolAudio | PoolFailure> {
    const opts = options()
    const existing = flights.get(key)
    if (existing) {
      host.count('tts.edge.pool.coalesced', {})
      return listenTo(existing, true)
    }
    const abort = new AbortController()
    const flight = createFlight(key, () =>
      abort.abort(new DOMException('every listener went away', 'AbortError')),
    )
    flights.set(key, flight)
    const forget = () => {
      if (flights.get(key) === flight) flights.delete(key)
    }
    // Only syntheses in flight are shared (a finished one lingers only if configured); a failed
    // one is forgotten at once, so the next ask tries afresh.
    fly(flight, request, abort.signal).then((ok) => {
      if (ok && opts.lingerMs > 0) setTimeout(forget, opts.lingerMs)
      else forget()
    }, forget)
    return listenTo(flight, false)
  }

  function startProbe(member: Member): void {
    if (probing.has(member.id) || !config) return
    if (!member.breaker.tryAcquire()) return
    probing.add(member.id)
    const opts = config.options
    const mapped = Object.values(config.voiceMap)[0]
    const started = Date.now()
    const run = async () => {
      const release = await member.gate.acquire({ deadline: Date.now() + opts.ttfbMs })
      try {
        const synth = await member.synthesizer()
        const deadline = AbortSignal.timeout(synthesisDeadlineMs(opts, opts.probeText.length))
        // A configured voice, else the upstream's first: a probe must not fail on the name.
        const name =
          mapped ??
          (await withTimeout((s) => synth.voices({ signal: s }), opts.ttfbMs))[0]?.id ??
          'alloy'
        const voice: VoiceRef = { kind: 'speaker', name }
        const result = await withTimeout(
          (ttfb) =>
            synth.synthesize(
              {
                text: opts.probeText,
                language: opts.probeLanguage,
                voice,
                speed: 1,
                stream: true,
              },
              { signal: AbortSignal.any([ttfb, deadline]) },
            ),
          opts.ttfbMs,
        )
        let samples = 0
        for await (const pcm of result.chunks) samples += pcm.length
        if (samples === 0) throw new PoolError('upstream_invalid_audio', 'the probe got no audio')
      } finally {
        release()
      }
    }
    run().then(
      () => {
        member.breaker.success()
        member.noteSuccess()
        host.log.info('upstream probe succeeded', {
          event: 'probe',
          upstream: member.id,
          ms: Date.now() - started,
        })
        probing.delete(member.id)
      },
      (error: unknown) => {
        settleFailure(member, error)
        if (member.breaker.state === 'half-open') member.breaker.failure(error)
        host.log.warn('upstream probe failed', {
          event: 'probe',
          upstream: member.id,
          code: codeOf(error),
          reason: (error as Error | null)?.message ?? String(error),
        })
        probing.delete(member.id)
      },
    )
  }

  /** Probes every upstream whose open time is up; re-arms the wake-up for the others. */
  function wake(): void {
    let next = Number.POSITIVE_INFINITY
    for (const m of ordered()) {
      const state = m.breaker.state
      if (state === 'half-open') startProbe(m)
      else if (state === 'open') next = Math.min(next, Date.now() + m.breaker.retryAfterMs())
    }
    if (Number.isFinite(next)) host.wakeAt(next + 5)
  }

  function status(): PoolStatus {
    const upstreams = ordered().map((m) => m.status())
    return {
      ready: upstreams.some((u) => u.breaker === 'closed'),
      upstreams,
      flights: flights.size,
    }
  }

  /** A metadata call (voice identity, voices, languages) on the first healthy upstream. */
  async function meta<T>(
    fn: (synth: Awaited<ReturnType<Member['synthesizer']>>, signal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    const opts = options()
    let lastError: unknown
    for (const member of candidates(new Set())) {
      try {
        const synth = await member.synthesizer(AbortSignal.timeout(opts.ttfbMs))
        return await withTimeout((signal) => fn(synth, signal), opts.ttfbMs)
      } catch (error) {
        lastError = error
        if (codeOf(error) === 'unknown_voice') throw error
        if (classifyUpstreamFailure(error) === 'failure') {
          member.breaker.failure(error)
          member.noteError(error)
        }
      }
    }
    throw lastError ?? unserved(undefined)
  }

  /** Closes every breaker (saved state too) and forgets finished flights. */
  async function reset(next: PoolConfig): Promise<void> {
    for (const m of members.values()) {
      host.saveBreaker(m.id, { version: 1, state: 'closed', failures: 0, openedAt: null })
    }
    for (const [id, m] of members) if (m.idle()) members.delete(id)
    for (const [key, flight] of flights) if (flight.settled) flights.delete(key)
    configJson = ''
    await configure(next)
  }

  return { configure, synthesize, wake, status, meta, reset }
}

/** The engine's public face. */
export type PoolEngine = ReturnType<typeof createPoolEngine>
