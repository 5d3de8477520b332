/**
 * @module speech/tempo — who changes speed and pitch: the upstream where its adapter can
 * (`nativeSpeed`, the `openai` adapter) and `SPEED_BY` lets it, else the edge, by WSOLA and
 * resampling of each sentence's PCM (`@tts/core/audio`'s `createTimeScale`), chunk by chunk.
 *
 * What is cached per sentence is the *source* audio, at the speed the upstream was asked for
 * (1 when the edge does speed) and never pitch-shifted, so a sentence heard at speed 1 is the
 * source for every other speed and pitch: no second synthesis. The whole-answer key covers the
 * requested speed and pitch.
 */
import { createTimeScale, isIdentityScale } from '@tts/core/audio'
import { settingsOf } from '../settings/index.ts'
import { resolveSynthesizer } from '../upstream/index.ts'
import type { SpeechContext } from './context.ts'
import type { PcmChunk } from './pieces.ts'

/** Speed and pitch of one answer split between the upstream and the edge. */
export interface TempoPlan {
  /** The speed the upstream is asked for, and the cached sentence audio has. */
  sourceSpeed: number
  /** What the edge still applies to the source audio. */
  edge: { speed: number; pitch: number }
}

/** Which wins where both could change the speed (`SPEED_BY`). */
export type SpeedBy = 'upstream' | 'edge'

/**
 * Samples processed at a time (0.1 s at 24 kHz): an upstream chunk or a cached sentence is cut
 * into these, so the first output leaves after a few milliseconds of DSP, not after a whole
 * chunk's worth (a first XTTS chunk of ~1 s at speed 0.55 took ~45 ms on a loaded box).
 */
const PIECE = 2400

/**
 * The `SPEED_BY` setting: `upstream` (default: native speed where the adapter has it) or
 * `edge` (always the edge's, so every speed of a sentence shares one synthesis).
 *
 * @example
 * speedBy(env) // 'upstream'
 */
export function speedBy(env: Env): SpeedBy {
  return settingsOf(env).speedBy
}

/**
 * True when every upstream of the pool honours `speed` (its adapter's `nativeSpeed`): any of
 * them may serve a synthesis, so one that cannot makes the edge do it for all. A member
 * configured `auto` is detected as the adapter detects it (once per isolate and URL).
 */
async function poolHasNativeSpeed(ctx: Pick<SpeechContext, 'env' | 'settings'>): Promise<boolean> {
  const members = settingsOf(ctx.env).pool.config.upstreams
  for (const member of members) {
    if (member.adapter === 'xtts-streaming') return false
    if (member.adapter === 'auto') {
      const vars = ctx.env as unknown as Record<string, string | undefined>
      const synthesizer = await resolveSynthesizer({
        ...ctx.settings,
        upstreamUrl: member.url,
        upstreamAdapter: 'auto',
        upstreamApiKey: member.credential ? vars[member.credential] || undefined : undefined,
      })
      if (synthesizer.nativeSpeed !== true) return false
    }
  }
  return true
}

/**
 * How the requested speed and pitch are produced. Looks at the upstreams' capability only
 * when the speed is not 1, so a speed-1 request never detects an upstream for this.
 *
 * @example
 * const plan = await planTempo(ctx, { speed: 0.55, pitch: 1 })
 */
export async function planTempo(
  ctx: Pick<SpeechContext, 'env' | 'settings'>,
  request: { speed: number; pitch?: number | undefined },
): Promise<TempoPlan> {
  const pitch = request.pitch ?? 1
  if (request.speed !== 1 && speedBy(ctx.env) === 'upstream' && (await poolHasNativeSpeed(ctx)))
    return { sourceSpeed: request.speed, edge: { speed: 1, pitch } }
  return { sourceSpeed: 1, edge: { speed: request.speed, pitch } }
}

/** A per-sentence processor: `push` chunks as they come, `end` at the sentence end. */
export interface SentenceScaler {
  /** The PCM to encode after `pcm`, in small pieces (none may come yet). */
  push(pcm: Int16Array): Generator<Int16Array>
  /** The rest of the sentence (maybe empty). */
  end(): Int16Array
}

/**
 * A per-sentence processor of `plan`. Identity (no copy, no work) when the edge has nothing
 * to do.
 *
 * @example
 * const scale = sentenceScaler(plan, 24_000)
 * for await (const pcm of upstream) yield* scale.push(pcm)
 * yield scale.end()
 */
export function sentenceScaler(plan: TempoPlan, sampleRate: number): SentenceScaler {
  const { speed, pitch } = plan.edge
  if (isIdentityScale(speed, pitch)) {
    return {
      *push(pcm) {
        yield pcm
      },
      end: () => new Int16Array(0),
    }
  }
  const scale = createTimeScale({ sampleRate, speed, pitch })
  return {
    *push(pcm) {
      for (let at = 0; at < pcm.length; at += PIECE) {
        const out = scale.push(pcm.subarray(at, at + PIECE))
        if (out.length > 0) yield out
      }
    },
    end: () => scale.flush(),
  }
}

/**
 * A whole cached sentence through `plan`, in small pieces (the first leaves before the rest
 * is processed).
 *
 * @example
 * for (const chunk of scaledSentence(plan, { pcm, sampleRate: 24_000, channels: 1 })) yield chunk
 */
export function* scaledSentence(plan: TempoPlan, chunk: PcmChunk): Generator<PcmChunk> {
  if (isIdentityScale(plan.edge.speed, plan.edge.pitch)) {
    yield chunk
    return
  }
  const scale = sentenceScaler(plan, chunk.sampleRate)
  for (const pcm of scale.push(chunk.pcm)) yield { ...chunk, pcm }
  yield { ...chunk, pcm: scale.end() }
}

/**
 * Duration of the edge's output for a source of `sourceMs`.
 *
 * @example
 * report.audioMs += scaledMs(plan, durationMs)
 */
export function scaledMs(plan: TempoPlan, sourceMs: number): number {
  return sourceMs / plan.edge.speed
}
