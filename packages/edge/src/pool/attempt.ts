/**
 * @module pool/attempt — one call on one member (gate slot, breaker permit, time limit, the
 * verdict recorded on the breaker), and a synthesis's attempts with retries and failover.
 */
import {
  type GatePriority,
  isGateFullError,
  isGateTimeoutError,
  retry,
  withTimeout,
} from '@tts/core/resilience'
import { type PoolOptions, synthesisDeadlineMs } from '../settings/index.ts'
import type { SynthesisRequest, SynthesisResult, Synthesizer } from '../upstream/index.ts'
import { failureCode, PoolError } from './errors.ts'
import type { Ledger } from './ledger.ts'
import type { Member } from './member.ts'
import { busyRetryS, choose, unserved } from './selection.ts'
import { codeOf, optionsOf, ordered, type PoolState } from './state.ts'

const RETRYABLE_CODES = new Set(['upstream_unavailable', 'upstream_error', 'upstream_busy'])
const BAD_AUDIO_CODES = new Set(['upstream_invalid_audio', 'upstream_truncated'])

/** A member that accepted a synthesis, with the audio flowing and its slot to give back. */
export interface Granted {
  member: Member
  result: SynthesisResult
  release: () => void
  /** When the synthesis was sent (epoch ms), for `releaseAfterGpu`. */
  sentAt: number
}

/**
 * Gives a slot back once the GPU work a call started has likely ended: at once when the call
 * ended by itself, else the member's recent first-chunk time (at most `ttfbMs`; `ttfbMs`
 * before any was seen) + `gpuMsPerChar` per character after it was sent. Our own time-out or
 * a caller leaving closes the connection, not the server's synchronous handler.
 *
 * @example
 * releaseAfterGpu(release, member, options, request.text.length, sentAt, abandoned)
 */
export function releaseAfterGpu(
  release: () => void,
  member: Pick<Member, 'firstChunk'>,
  options: PoolOptions,
  chars: number,
  sentAt: number | undefined,
  abandoned: boolean,
): void {
  const firstChunkMs = member.firstChunk.estimateMs(options.ttfbMs)
  const left =
    abandoned && sentAt !== undefined
      ? sentAt + firstChunkMs + chars * options.gpuMsPerChar - Date.now()
      : 0
  if (left > 0) setTimeout(release, left)
  else release()
}

/** What the attempts need besides the state: who starts probes for half-open members. */
export interface AttemptDeps {
  state: PoolState
  probe(members: readonly Member[]): void
}

/**
 * A slot on `member` (gate, then breaker permit), or undefined when it has none to give.
 * Throws `upstream_busy` when the wait for a slot ran past its limit.
 */
async function admit(
  member: Member,
  maxWaitMs: number,
  signal: AbortSignal | undefined,
  deadline: number,
  priority?: () => GatePriority,
): Promise<(() => void) | undefined> {
  let release: () => void
  try {
    release = await member.gate.acquire({
      ...(signal ? { signal } : {}),
      ...(priority ? { priority } : {}),
      deadline,
    })
  } catch (error) {
    if (isGateFullError(error)) return undefined
    if (isGateTimeoutError(error)) {
      throw new PoolError(
        'upstream_busy',
        `no upstream slot became free within ${maxWaitMs} ms`,
        busyRetryS(maxWaitMs),
      )
    }
    throw error
  }
  if (member.breaker.tryAcquire()) return release
  release()
  return undefined
}

/**
 * Runs `fn` on the best member that admits it, failing over to the next on an error that
 * says nothing about our request; each call gets the breaker and `timeoutMs`, and GPU work
 * (`gated`: a clone) a gate slot too. Lookups (voices, identities) skip the gate: they must
 * not queue behind a long synthesis.
 *
 * @example
 * const voices = await onAnyMember(deps, { timeoutMs: 10_000, gated: false }, (s, signal) => s.voices({ signal }))
 */
export async function onAnyMember<T>(
  deps: AttemptDeps,
  how: {
    timeoutMs: number
    gated: boolean
    /** Loading `fn` needs first (speaker latents): bounded by `prepareMs`, not `timeoutMs`. */
    prepare?: (synth: Synthesizer, signal: AbortSignal) => Promise<void>
    prepareMs?: number
  },
  fn: (synth: Synthesizer, signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const opts = optionsOf(deps.state)
  const { timeoutMs } = how
  const { ready, halfOpen } = choose(ordered(deps.state), new Set())
  deps.probe(halfOpen)
  let lastError: unknown
  for (const member of ready) {
    const release = how.gated
      ? await admit(member, opts.maxWaitMs, undefined, Date.now() + opts.maxWaitMs)
      : member.breaker.tryAcquire()
        ? () => {}
        : undefined
    if (!release) continue
    try {
      const synth = await member.synthesizer(AbortSignal.timeout(timeoutMs))
      const { prepare } = how
      if (prepare) await withTimeout((signal) => prepare(synth, signal), how.prepareMs ?? timeoutMs)
      const value = await withTimeout((signal) => fn(synth, signal), timeoutMs)
      member.breaker.success()
      member.noteSuccess()
      return value
    } catch (error) {
      member.settle(error)
      lastError = error
      // Our request was wrong, not the upstream: another would say the same.
      if (codeOf(error) === 'unknown_voice' || member.classify(error) === 'success') throw error
    } finally {
      release()
    }
  }
  // A member that is still closed answered (or ran out of time): that is the answer, not
  // "every upstream is busy" — a hung upstream is a 504, not a 503.
  if (lastError !== undefined && ordered(deps.state).some((m) => m.breaker.state === 'closed')) {
    throw lastError
  }
  throw unserved(ordered(deps.state), opts, lastError)
}

async function attempt(
  deps: AttemptDeps,
  request: SynthesisRequest,
  signal: AbortSignal,
  bodySignal: AbortSignal,
  deadline: number,
  tried: Set<string>,
  last: { error?: unknown },
  ledger: Ledger,
  how: AttemptHow,
): Promise<Granted> {
  const opts = optionsOf(deps.state)
  const { ready, halfOpen } = choose(ordered(deps.state), tried)
  deps.probe(halfOpen)
  for (const member of ready) {
    const release = await admit(member, opts.maxWaitMs, signal, deadline, how.priority)
    if (!release) continue
    tried.add(member.id)
    how.onSlot?.(true)
    let sentAt: number | undefined
    try {
      const synth = await member.synthesizer(signal)
      // Speaker latents load here, before the first-byte clock starts: a large speaker list
      // must not have to arrive within ttfbMs (the deadline still bounds it).
      await synth.prepare?.(request.voice, { signal: AbortSignal.any([signal, bodySignal]) })
      // A whole (non-streamed) answer's first byte is its last: allow for its length.
      const firstByteMs = request.stream
        ? opts.ttfbMs
        : opts.ttfbMs + Math.ceil(request.text.length * opts.deadlinePerCharMs)
      sentAt = Date.now()
      const result = await withTimeout(
        (ttfb) => synth.synthesize(request, { signal: AbortSignal.any([ttfb, bodySignal]) }),
        firstByteMs,
        { signal },
      )
      return { member, result, release, sentAt }
    } catch (error) {
      how.onSlot?.(false)
      ledger.failed(member, error)
      const abandoned = failureCode(error) === 'upstream_timeout'
      releaseAfterGpu(release, member, opts, request.text.length, sentAt, abandoned)
      last.error = error
      deps.state.host.log.warn('upstream attempt failed', {
        upstream: member.name,
        code: codeOf(error),
      })
      throw error
    }
  }
  throw unserved(ordered(deps.state), opts, last.error)
}

/** How a synthesis's attempts queue: their priority at the gate, and who hears of a slot. */
export interface AttemptHow {
  /** Read each time the gate orders its queue (default interactive). */
  priority?: () => GatePriority
  /** A slot was taken (`true`: the upstream is being asked) or given back after a failure. */
  onSlot?: (held: boolean) => void
}

/**
 * A synthesis's attempts: retried with backoff, failing over to untried members, within the
 * synthesis deadline. Resolves once a member's audio flows. Failures go to `ledger`, which
 * tells each member's breaker once, when the caller commits it.
 *
 * @example
 * const { member, result, release } = await synthesizeWithRetries(deps, request, abort.signal, ledger)
 */
export function synthesizeWithRetries(
  deps: AttemptDeps,
  request: SynthesisRequest,
  abort: AbortSignal,
  ledger: Ledger,
  how: AttemptHow = {},
): Promise<Granted> {
  const opts = optionsOf(deps.state)
  const deadline = Date.now() + synthesisDeadlineMs(opts, request.text.length)
  const bodySignal = AbortSignal.any([abort, AbortSignal.timeout(deadline - Date.now())])
  const tried = new Set<string>()
  const last: { error?: unknown } = {}
  return retry(
    (_n, signal) => attempt(deps, request, signal, bodySignal, deadline, tried, last, ledger, how),
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
        if (BAD_AUDIO_CODES.has(code)) {
          return choose(ordered(deps.state), tried).ready.some((m) => !tried.has(m.id))
        }
        if (!RETRYABLE_CODES.has(code) || error instanceof PoolError) return false
        const status = (error as { upstreamStatus?: number }).upstreamStatus
        return status === undefined || status === 408 || status === 429 || status >= 500
      },
      retryAfterMs: (error) => {
        const s = (error as { retryAfterS?: number }).retryAfterS
        return error instanceof PoolError || s === undefined ? undefined : s * 1000
      },
      onRetry: (e) => deps.state.host.count('tts.edge.pool.retries', { code: codeOf(e.error) }),
    },
  )
}
