/**
 * @module pool-client — the worker's one way to the `UpstreamPool` object. Every call carries
 * the config's id; when the object holds another config (first call after a deploy or a
 * restart with new vars) it says so, and the client sends the config once and asks again.
 */

import { type GatePriority, withTimeout } from '@tts/core/resilience'
import type {
  NeedsConfig,
  PoolAudio,
  PoolFailure,
  PoolStatus,
  VoiceAnswer,
  VoiceCall,
} from '../pool/index.ts'
import { type PoolOptions, type PoolSettings, settingsOf } from '../settings/index.ts'
import type { SynthesisRequest } from '../upstream/index.ts'

export { createPooledSynthesizer, flightKey, type PoolReport } from './synthesizer.ts'

/** The pool object of one worker configuration. */
export interface PoolClient {
  readonly settings: PoolSettings
  /**
   * A synthesis (or a join of the identical one in flight, same `key`). `priority` orders it
   * at the gate (background work waits while a person does); aborting `signal` before the
   * audio comes tells the pool this caller left (see `UpstreamPool.cancel`). Aborting `leave`
   * says the same but drops the call only while it waits for a slot: work the upstream has
   * begun goes on for the cache.
   */
  synthesize(
    request: SynthesisRequest,
    key: string,
    options?: {
      priority?: GatePriority
      signal?: AbortSignal | undefined
      leave?: AbortSignal | undefined
    },
  ): Promise<PoolAudio | PoolFailure>
  /** A voice operation on a healthy upstream. */
  voice(call: VoiceCall): Promise<VoiceAnswer>
  /** Each upstream's state, for `/readyz`. */
  status(): Promise<PoolStatus>
  /** Closes every breaker (an operator's "the server is back"; test set-up). */
  reset(): Promise<PoolStatus>
  /** The object's counters, Prometheus text. */
  metricsText(): Promise<string>
  /** Counts a queued synthesis that went to the dead-letter queue. */
  countDeadLetter(): Promise<void>
}

/**
 * The longest the worker waits for a voice call's answer: what the pool object allows it
 * (its gate wait, its own time limits) plus a second, so the object's own, more precise
 * answer comes first. A backstop: a hung upstream or a stuck object still ends in a 504
 * `upstream_timeout`, never a request that does not answer.
 */
export function voiceDeadlineMs(call: VoiceCall, options: PoolOptions): number {
  const margin = 1000
  switch (call.op) {
    case 'cloneVoice':
      return options.maxWaitMs + options.deadlineBaseMs + margin
    case 'voiceIdentity':
      return options.deadlineBaseMs + options.ttfbMs + margin
    default:
      return options.ttfbMs + margin
  }
}

function needsConfig(value: unknown): value is NeedsConfig {
  return (value as Partial<NeedsConfig> | null)?.needsConfig === true
}

/**
 * The pool client of `env`.
 *
 * @example
 * const pool = poolClient(env)
 * const status = await pool.status()
 */
export function poolClient(env: Env, settings: PoolSettings = settingsOf(env).pool): PoolClient {
  const stub = env.UPSTREAM_POOL.getByName(settings.name)
  const { configId, config } = settings

  // RPC stubs type their answers as wrapped (disposable) copies; the values are plain data.
  async function configured<T>(call: () => Promise<unknown>): Promise<T> {
    const first = await call()
    if (!needsConfig(first)) return first as T
    await stub.configure(configId, config)
    const second = await call()
    if (needsConfig(second)) throw new Error('the pool object refused its configuration')
    return second as T
  }

  return {
    settings,
    async synthesize(request, key, options = {}) {
      const { signal, priority, leave } = options
      if (signal?.aborted) throw signal.reason
      if (leave?.aborted) throw leave.reason
      const ticket = signal || leave ? crypto.randomUUID() : undefined
      const abandon = () => {
        if (ticket) stub.cancel(ticket).catch(() => {})
      }
      const leaveQueue = () => {
        if (ticket) stub.cancel(ticket, 'queued').catch(() => {})
      }
      signal?.addEventListener('abort', abandon, { once: true })
      leave?.addEventListener('abort', leaveQueue, { once: true })
      try {
        return await configured<PoolAudio | PoolFailure>(() =>
          stub.synthesize({
            configId,
            request,
            key,
            ...(priority ? { priority } : {}),
            ...(ticket ? { ticket } : {}),
          }),
        )
      } finally {
        signal?.removeEventListener('abort', abandon)
        leave?.removeEventListener('abort', leaveQueue)
      }
    },
    voice: (call) =>
      withTimeout(
        () => configured<VoiceAnswer>(() => stub.voice(configId, call)),
        voiceDeadlineMs(call, config.options),
      ),
    status: () => configured<PoolStatus>(() => stub.status(configId)),
    reset: async () => (await stub.reset(configId, config)) as PoolStatus,
    metricsText: () => stub.metricsText(),
    countDeadLetter: () => stub.countDeadLetter(),
  }
}
