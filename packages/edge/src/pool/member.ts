/**
 * @module pool/member — one upstream of the pool: its adapter, circuit breaker, concurrency
 * gate and health. Built from config; the breaker starts from its saved state, so a restarted
 * object keeps an open circuit open.
 */
import {
  type CircuitBreaker,
  type CircuitBreakerSnapshot,
  type ConcurrencyGate,
  createCircuitBreaker,
  createConcurrencyGate,
  type FailureVerdict,
  isTimeoutError,
} from '@tts/core/resilience'
import type { PoolOptions, UpstreamConfig } from '../settings/index.ts'
import type { Synthesizer } from '../upstream/index.ts'
import { resolveSynthesizer } from '../upstream/index.ts'
import { createFirstChunkMeter, type FirstChunkMeter } from './first-chunk.ts'

/** What `/readyz` shows of one upstream. */
export interface MemberStatus {
  id: string
  url: string
  adapter: string
  weight: number
  breaker: 'closed' | 'open' | 'half-open'
  failures: number
  /** Seconds until the breaker lets a probe through (0 unless open). */
  retryAfterS: number
  inFlight: number
  queued: number
  maxConcurrency: number
  lastErrorAt: string | null
  lastError: string | null
  lastSuccessAt: string | null
}

/** One upstream, live. */
export interface Member {
  /** Its URL: the key of its breaker state and of the roster; shown only in admin `/readyz`. */
  readonly id: string
  /** Its configured name (`upstream-1`, …): what logs and metric labels call it, never the host. */
  readonly name: string
  readonly config: UpstreamConfig
  readonly breaker: CircuitBreaker
  readonly gate: ConcurrencyGate
  /** Its recent first-chunk time, for how long a slot stays held after a call we left. */
  readonly firstChunk: FirstChunkMeter
  /** The adapter (detected from `/openapi.json` when configured `auto`). */
  synthesizer(signal?: AbortSignal): Promise<Synthesizer>
  /** The breaker's verdict on a failed call (the `classify` it was built with). */
  classify(error: unknown): FailureVerdict
  /**
   * Records a failed call: the breaker's verdict applied (failure, success or a released
   * permit), and the error noted for `/readyz` unless it said nothing (a caller's abort).
   */
  settle(error: unknown): void
  /** Records a failure's time and code for `/readyz`. */
  noteError(error: unknown): void
  noteSuccess(): void
  status(): MemberStatus
  /** True when nothing is running or waiting (the gate can be replaced). */
  idle(): boolean
}

const codeOf = (error: unknown) =>
  (error as { code?: string } | null)?.code ?? (error as Error | null)?.name ?? 'unknown'

/**
 * How a failed call counts against an upstream's breaker: a 429 or a caller's abort says
 * nothing about its health; a 4xx other than 408 is an answer (alive); anything else —
 * network errors, 5xx, time-outs, broken or invalid audio — is a failure.
 *
 * @example
 * classifyUpstreamFailure(new UpstreamError('upstream_busy', '429', { status: 429 })) // 'ignore'
 */
export function classifyUpstreamFailure(error: unknown): FailureVerdict {
  if ((error as { name?: string } | null)?.name === 'AbortError') return 'ignore'
  if (isTimeoutError(error)) return 'failure'
  const status = (error as { upstreamStatus?: number } | null)?.upstreamStatus
  if (status === 429) return 'ignore'
  if (status !== undefined && status >= 400 && status < 500 && status !== 408) return 'success'
  const code = codeOf(error)
  // Our request was wrong (an unknown voice, a speed the server cannot do): not its fault.
  if (code === 'unknown_voice' || code === 'invalid_request' || code === 'circuit_open') {
    return 'ignore'
  }
  return 'failure'
}

/**
 * A pool member for `config`, its breaker restored from `saved`.
 *
 * @example
 * const member = createMember(config, options, await storage.get(`breaker:${config.url}`), env, model)
 */
export function createMember(
  config: UpstreamConfig,
  options: PoolOptions,
  saved: CircuitBreakerSnapshot | undefined,
  env: Env,
  model: string,
): Member {
  const breaker = createCircuitBreaker({
    threshold: options.breakerThreshold,
    openMs: options.breakerOpenMs,
    probeTimeoutMs: options.probeTimeoutMs,
    classify: classifyUpstreamFailure,
    ...(saved ? { initialState: saved } : {}),
  })
  const gate = createConcurrencyGate({
    limit: config.maxConcurrency,
    maxQueue: options.maxQueue,
    maxWaitMs: options.maxWaitMs,
  })
  const secrets = env as unknown as Record<string, string | undefined>
  const apiKey = config.credential ? secrets[config.credential] || undefined : undefined
  let adapter: Promise<Synthesizer> | undefined
  let lastErrorAt: number | null = null
  let lastError: string | null = null
  let lastSuccessAt: number | null = null
  let adapterName: string = config.adapter

  const member: Member = {
    id: config.url,
    name: config.name,
    config,
    breaker,
    gate,
    firstChunk: createFirstChunkMeter(),
    classify: classifyUpstreamFailure,
    settle(error) {
      const verdict = classifyUpstreamFailure(error)
      if (verdict === 'failure') breaker.failure(error)
      else if (verdict === 'success') breaker.success()
      else breaker.release()
      if (verdict !== 'ignore' || codeOf(error) === 'upstream_busy') member.noteError(error)
    },
    synthesizer(signal) {
      if (!adapter) {
        const pending = resolveSynthesizer(
          {
            upstreamUrl: config.url,
            upstreamAdapter: config.adapter,
            upstreamModel: model,
            upstreamApiKey: apiKey,
          } as Parameters<typeof resolveSynthesizer>[0],
          signal,
        )
        adapter = pending
        pending.then(
          (s) => {
            adapterName = s.adapter
          },
          () => {
            adapter = undefined
          },
        )
      }
      return adapter
    },
    noteError(error) {
      lastErrorAt = Date.now()
      lastError = codeOf(error)
    },
    noteSuccess() {
      lastSuccessAt = Date.now()
    },
    idle() {
      const s = gate.stats()
      return s.inFlight === 0 && s.queued === 0
    },
    status() {
      const s = gate.stats()
      const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString())
      return {
        id: config.url,
        url: config.url,
        adapter: adapterName,
        weight: config.weight,
        breaker: breaker.state,
        failures: breaker.failures,
        retryAfterS: Math.ceil(breaker.retryAfterMs() / 1000),
        inFlight: s.inFlight,
        queued: s.queued,
        maxConcurrency: config.maxConcurrency,
        lastErrorAt: iso(lastErrorAt),
        lastError,
        lastSuccessAt: iso(lastSuccessAt),
      }
    },
  }
  return member
}
