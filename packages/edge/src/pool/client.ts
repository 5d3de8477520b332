/**
 * @module pool/client — the worker's side of the pool: a `Synthesizer` whose every call goes
 * through the `UpstreamPool` object, so the speech path is unchanged while breakers, gates,
 * single-flight and failover act for every isolate at once. Only the miss path creates one;
 * a cache hit never reaches the object.
 */
import { cacheKey } from '@tts/core/crypto'
import { type PoolSettings, poolSettingsOf } from '../settings/pool.ts'
import {
  type Latents,
  type SynthesisRequest,
  type SynthesisResult,
  type Synthesizer,
  UpstreamError,
  type UpstreamVoice,
} from '../upstream/index.ts'
import { fromFailure } from './errors.ts'
import type { MetaCall } from './index.ts'

/** What the pooled synthesizer saw, for the answer's headers. */
export interface PoolReport {
  /** Syntheses this request started. */
  started: number
  /** Syntheses this request joined (another request had started them). */
  coalesced: number
}

/** The pool stub of `env`. */
export function poolOf(env: Env, settings: PoolSettings = poolSettingsOf(env)) {
  return env.UPSTREAM_POOL.getByName(settings.name)
}

/**
 * The single-flight key of a synthesis: everything that changes its audio, and the cache
 * scope (tenant) it will be stored under, so tenants never share a synthesis.
 */
export function flightKey(
  request: SynthesisRequest,
  model: string,
  scope: string,
): Promise<string> {
  const voice = request.voice.kind === 'speaker' ? request.voice.name : `id:${request.voice.id}`
  return cacheKey({
    v: 1,
    scope,
    model,
    text: request.text,
    language: request.language,
    voice,
    speed: request.speed,
  })
}

async function* pcmChunks(
  body: ReadableStream<Uint8Array>,
  signal: AbortSignal | undefined,
): AsyncGenerator<Int16Array> {
  const reader = body.getReader()
  const onAbort = () => {
    reader.cancel(signal?.reason).catch(() => {})
  }
  signal?.addEventListener('abort', onAbort, { once: true })
  // RPC streams may split chunks anywhere; a sample's two bytes can arrive apart.
  let carry: Uint8Array | undefined
  try {
    for (;;) {
      let next: ReadableStreamReadResult<Uint8Array>
      try {
        next = await reader.read()
      } catch (cause) {
        if (signal?.aborted) throw signal.reason
        throw new UpstreamError(
          'upstream_truncated',
          'the upstream audio broke off before its end',
          { cause },
        )
      }
      if (next.done) break
      let bytes = next.value
      if (carry) {
        const joined = new Uint8Array(carry.byteLength + bytes.byteLength)
        joined.set(carry)
        joined.set(bytes, carry.byteLength)
        bytes = joined
        carry = undefined
      }
      const even = bytes.byteLength & ~1
      if (even < bytes.byteLength) carry = bytes.slice(even)
      if (even > 0) yield new Int16Array(bytes.slice(0, even).buffer)
    }
  } finally {
    signal?.removeEventListener('abort', onAbort)
    reader.releaseLock()
  }
}

/**
 * A `Synthesizer` backed by the pool object named in `env`'s settings.
 *
 * @example
 * const pooled = createPooledSynthesizer(env, 'tenant:acme')
 * ctx.upstream = async () => pooled
 * // after answering: pooled.report.coalesced > 0 → X-TTS-Cache: COALESCED
 */
export function createPooledSynthesizer(
  env: Env,
  scope: string,
  report: PoolReport = { started: 0, coalesced: 0 },
): Synthesizer & { report: PoolReport } {
  const settings = poolSettingsOf(env)
  const { config } = settings
  const stub = poolOf(env, settings)

  async function meta<T>(call: MetaCall): Promise<T> {
    const answer = await stub.meta(config, call)
    if (!answer.ok) throw fromFailure(answer)
    return answer.value as T
  }

  return {
    adapter: 'pool',
    model: config.model,
    report,
    async synthesize(request, { signal }): Promise<SynthesisResult> {
      const key = await flightKey(request, config.model, scope)
      const answer = await stub.synthesize({ config, request, key })
      if (!answer.ok) throw fromFailure(answer)
      if (answer.coalesced) report.coalesced++
      else report.started++
      return {
        sampleRate: answer.sampleRate,
        channels: answer.channels,
        upstream: answer.upstream,
        chunks: pcmChunks(answer.body, signal),
      }
    },
    voices: () => meta<UpstreamVoice[]>({ op: 'voices' }),
    languages: () => meta<string[]>({ op: 'languages' }),
    cloneVoice: (wav) => meta<Latents>({ op: 'cloneVoice', wav }),
    voiceIdentity: (voice) => meta<string>({ op: 'voiceIdentity', voice }),
  }
}
