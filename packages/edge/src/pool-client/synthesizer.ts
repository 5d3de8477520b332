/**
 * @module pool-client/synthesizer — a `Synthesizer` whose every call goes through the pool
 * object, so the speech path is unchanged while breakers, gates, single-flight and failover
 * act for every isolate at once. Only the miss path uses it for synthesis; a cache hit never
 * reaches the object.
 */
import { concatBytes } from '@tts/core/bytes'
import { cacheKey } from '@tts/core/crypto'
import type { GatePriority } from '@tts/core/resilience'
import { fromFailure } from '../pool/errors.ts'
import type { VoiceCall, VoiceValue } from '../pool/index.ts'
import {
  type Latents,
  type SynthesisRequest,
  type SynthesisResult,
  type Synthesizer,
  UpstreamError,
  type UpstreamVoice,
} from '../upstream/index.ts'
import { bytesPcm } from '../upstream/pcm.ts'
import type { PoolClient } from './index.ts'

/** What the pooled synthesizer saw, for the answer's headers. */
export interface PoolReport {
  /** Syntheses this request started. */
  started: number
  /** Syntheses this request joined (another request had started them). */
  coalesced: number
}

/**
 * The single-flight key of a synthesis that has no segment key (a probe-like caller): everything
 * that changes its audio, and the cache scope (tenant), so tenants never share a synthesis.
 * The speech path passes its segment key instead (same fields, hashed once).
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
      // A cancelled reader reads as done: after an abort that is a cut, never the audio's end
      // (a sentence read so far must not pass for whole and be cached).
      if (next.done) {
        if (signal?.aborted) throw signal.reason
        break
      }
      let bytes = next.value
      if (carry) {
        bytes = concatBytes([carry, bytes])
        carry = undefined
      }
      const even = bytes.byteLength & ~1
      if (even < bytes.byteLength) carry = bytes.slice(even)
      // An aligned chunk is viewed, not copied; only an odd split costs a copy.
      if (even > 0) yield bytesPcm(bytes.subarray(0, even))
    }
  } finally {
    signal?.removeEventListener('abort', onAbort)
    reader.releaseLock()
  }
}

/**
 * A `Synthesizer` backed by `pool`; single-flight is scoped to `scope` (the cache's tenant).
 *
 * @example
 * const pooled = createPooledSynthesizer(poolClient(env), 'tenant:acme')
 * // after answering: pooled.report.coalesced > 0 → X-TTS-Cache: COALESCED
 */
export function createPooledSynthesizer(
  pool: PoolClient,
  scope: string,
  report: PoolReport = { started: 0, coalesced: 0 },
  /** `background` for work nobody waits for (queue consumer, prefetch, warming). */
  priority: GatePriority = 'interactive',
): Synthesizer & { report: PoolReport } {
  const { model } = pool.settings.config

  async function voice<T extends VoiceValue>(call: VoiceCall): Promise<T> {
    const answer = await pool.voice(call)
    if (!answer.ok) throw fromFailure(answer)
    return answer.value as T
  }

  return {
    adapter: 'pool',
    model,
    report,
    async synthesize(request, { signal, key: given, leave }): Promise<SynthesisResult> {
      const key = given ?? (await flightKey(request, model, scope))
      const answer = await pool.synthesize(request, key, { priority, signal, leave })
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
    voices: () => voice<UpstreamVoice[]>({ op: 'voices' }),
    languages: () => voice<string[]>({ op: 'languages' }),
    cloneVoice: (audio) => voice<Latents>({ op: 'cloneVoice', audio }),
    voiceIdentity: (ref) => voice<string>({ op: 'voiceIdentity', voice: ref }),
  }
}
