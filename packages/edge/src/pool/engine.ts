/**
 * @module pool/engine — the pool's brain, kept apart from the Durable Object shell. It wires
 * the jobs together — roster (members from config), selection, attempts with retries,
 * probes, voice calls (`voice-call.ts`) — and does single-flight itself: identical syntheses
 * in flight share one upstream call.
 */

import type { GatePriority } from '@tts/core/resilience'
import type { PoolConfig } from '../settings/index.ts'
import type { SynthesisRequest } from '../upstream/index.ts'
import { pcmBytes } from '../upstream/pcm.ts'
import { type AttemptDeps, releaseAfterGpu, synthesizeWithRetries } from './attempt.ts'
import { type PoolFailure, toFailure } from './errors.ts'
import { createFlight, type Flight, type FlightHead } from './flight.ts'
import { createLedger } from './ledger.ts'
import type { MemberStatus } from './member.ts'
import { createPoisonMemo, judgeFailure, rejectInput } from './poison.ts'
import { createProber } from './probes.ts'
import { applyConfig } from './roster.ts'
import { withRetryAfter } from './selection.ts'
import { codeOf, type EngineHost, optionsOf, ordered, type PoolState } from './state.ts'
import { callVoice, type VoiceCall } from './voice-call.ts'

export type { EngineHost } from './state.ts'

/** A synthesis that is flowing: its format and a stream of s16le PCM bytes. */
export interface PoolAudio extends FlightHead {
  ok: true
  /** True when this caller joined a synthesis another caller started. */
  coalesced: boolean
  body: ReadableStream<Uint8Array>
}

/** How a caller asks: its priority at the gate, and a ticket to `cancel` by if it leaves. */
export interface SynthesisCallOptions {
  priority?: GatePriority
  ticket?: string
}

/** The pool's state for `/readyz`. */
export interface PoolStatus {
  ready: boolean
  upstreams: MemberStatus[]
  flights: number
}

/**
 * A pool engine. `configure` first, then `synthesize`.
 *
 * @example
 * const engine = createPoolEngine(host)
 * await engine.configure(config)
 * const audio = await engine.synthesize(request, key)
 */
export function createPoolEngine(host: EngineHost) {
  const state: PoolState = { host, config: undefined, members: new Map() }
  const flights = new Map<string, Flight>()
  const prober = createProber(state)
  const deps: AttemptDeps = { state, probe: prober.probe }
  const poison = createPoisonMemo(() => optionsOf(state).poisonTtlMs)
  /** Each flight's priority: interactive as soon as one interactive caller waits for it. */
  const priorities = new Map<Flight, GatePriority>()
  /** Callers still waiting for their first audio, by ticket: what `cancel` closes. */
  const waiting = new Map<string, { body: ReadableStream<Uint8Array>; flight: Flight }>()
  /**
   * Flights holding an upstream slot (the upstream works on them), with the tickets of callers
   * who left meanwhile: they are let go should the flight wait for a slot again (a retry).
   */
  const holding = new Map<Flight, Set<string>>()
  /** Tickets cancelled before their call arrived. */
  const left = new Set<string>()

  async function fly(
    flight: Flight & { start(head: FlightHead): void },
    request: SynthesisRequest,
    abort: AbortSignal,
  ): Promise<boolean> {
    let granted: Awaited<ReturnType<typeof synthesizeWithRetries>>
    const ledger = createLedger()
    try {
      granted = await synthesizeWithRetries(deps, request, abort, ledger, {
        priority: () => (priorities.get(flight) === 'background' ? 'background' : 'interactive'),
        onSlot: (held) => {
          if (held) {
            holding.set(flight, new Set())
            return
          }
          const gone = holding.get(flight)
          holding.delete(flight)
          for (const ticket of gone ?? []) cancel(ticket)
        },
      })
      ledger.commit()
    } catch (error) {
      const verdict = await judgeFailure(
        {
          memo: poison,
          ledger,
          key: flight.key,
          language: request.language,
          // A caller who left proves nothing either way: no probe for them.
          verify: (member) => (abort.aborted ? Promise.resolve(false) : prober.verify(member)),
        },
        error,
      ).catch(() => error)
      if (codeOf(verdict) === 'input_rejected') host.count('tts.edge.pool.input_rejected', {})
      flight.fail(withRetryAfter(verdict, ordered(state)))
      return false
    }
    const { member, result, release, sentAt } = granted
    flight.start({
      sampleRate: result.sampleRate,
      channels: result.channels,
      // The configured name, never the host: it reaches callers in X-TTS-Upstream and the cache.
      upstream: member.config.name,
    })
    try {
      let first = request.stream
      for await (const pcm of result.chunks) {
        // A streamed call's first chunk: what the slot held after a call we leave is sized by.
        if (first) member.firstChunk.note(Date.now() - sentAt)
        first = false
        flight.push(pcmBytes(pcm))
      }
      member.breaker.success()
      member.noteSuccess()
      flight.end()
      return true
    } catch (error) {
      // Every listener left and we stopped reading: the broken read is ours, and says nothing
      // of the upstream's health (counted, five callers closing a tab would open its circuit).
      const cause = abort.aborted ? abort.reason : error
      member.settle(cause)
      if (!abort.aborted) member.noteError(cause)
      flight.fail(cause)
      return false
    } finally {
      // Everyone left mid-stream: the server may still be computing what we stopped reading.
      releaseAfterGpu(release, member, optionsOf(state), request.text.length, sentAt, abort.aborted)
    }
  }

  async function listenTo(
    flight: Flight,
    coalesced: boolean,
    ticket: string | undefined,
  ): Promise<PoolAudio | PoolFailure> {
    const body = flight.listen()
    if (ticket) waiting.set(ticket, { body, flight })
    try {
      const head = await flight.head
      return { ok: true, ...head, coalesced, body }
    } catch (error) {
      await body.cancel().catch(() => {})
      return toFailure(error)
    } finally {
      if (ticket) waiting.delete(ticket)
    }
  }

  /**
   * The caller holding `ticket` left before its audio came: it stops listening, and when it
   * was the flight's last listener the flight is abandoned (its gate wait or upstream call
   * aborted). Others waiting for the same synthesis keep it going. `'queued'`: only while the
   * flight waits for a slot; once the upstream works on it, it is finished (the GPU time is
   * spent either way) and its audio cached for the next caller.
   */
  function cancel(ticket: string, only?: 'queued'): void {
    const entry = waiting.get(ticket)
    if (!entry) {
      // The cancel overtook its call (or the audio already came): remembered a minute.
      left.add(ticket)
      setTimeout(() => left.delete(ticket), 60_000)
      return
    }
    const held = only === 'queued' ? holding.get(entry.flight) : undefined
    if (held) {
      held.add(ticket)
      return
    }
    waiting.delete(ticket)
    entry.body.cancel().catch(() => {})
  }

  /** One synthesis through the pool, shared with identical ones in flight (same `key`). */
  async function synthesize(
    request: SynthesisRequest,
    key: string,
    call: SynthesisCallOptions = {},
  ): Promise<PoolAudio | PoolFailure> {
    const priority = call.priority ?? 'interactive'
    if (call.ticket && left.delete(call.ticket)) {
      return toFailure(new DOMException('the caller left before its call arrived', 'AbortError'))
    }
    const opts = optionsOf(state)
    // Input the upstream failed on (see pool/poison): answered at once, no upstream touched.
    if (poison.rejected(key)) {
      host.count('tts.edge.pool.input_rejected', {})
      return toFailure(rejectInput(request.language))
    }
    const existing = flights.get(key)
    if (existing) {
      host.count('tts.edge.pool.coalesced', {})
      if (priority === 'interactive') priorities.set(existing, 'interactive')
      return listenTo(existing, true, call.ticket)
    }
    const abort = new AbortController()
    const flight = createFlight(key, () =>
      abort.abort(new DOMException('every listener went away', 'AbortError')),
    )
    flights.set(key, flight)
    priorities.set(flight, priority)
    const forget = () => {
      priorities.delete(flight)
      holding.delete(flight)
      if (flights.get(key) === flight) flights.delete(key)
    }
    // Only syntheses in flight are shared (a finished one lingers only if configured); a failed
    // one is forgotten at once, so the next ask tries afresh.
    fly(flight, request, abort.signal).then((ok) => {
      if (ok && opts.lingerMs > 0) setTimeout(forget, opts.lingerMs)
      else forget()
    }, forget)
    return listenTo(flight, false, call.ticket)
  }

  function status(): PoolStatus {
    const upstreams = ordered(state).map((m) => m.status())
    return {
      ready: upstreams.some((u) => u.breaker === 'closed'),
      upstreams,
      flights: flights.size,
    }
  }

  /** Closes every breaker (saved state too) and forgets finished flights. */
  async function reset(next: PoolConfig): Promise<void> {
    for (const m of state.members.values()) {
      host.saveBreaker(m.id, { version: 1, state: 'closed', failures: 0, openedAt: null })
    }
    for (const [id, m] of state.members) if (m.idle()) state.members.delete(id)
    for (const [key, flight] of flights) if (flight.settled) flights.delete(key)
    state.config = undefined
    await applyConfig(state, next)
  }

  return {
    configure: (next: PoolConfig) => applyConfig(state, next),
    synthesize,
    cancel,
    voiceCall: (call: VoiceCall) => callVoice(deps, call),
    wake: prober.wake,
    status,
    reset,
  }
}

/** The engine's public face. */
export type PoolEngine = ReturnType<typeof createPoolEngine>
