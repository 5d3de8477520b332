/**
 * @module speech/segment-audio — one sentence's audio as the pieces loop holds it: from the
 * segment cache (`lookUpDistinct`, one read per distinct sentence) or checked when it arrives
 * from the upstream (`checked`: valid, plausible for its text, mono) before it is cached.
 */
import { isAudioError, validateAudio } from '@tts/core/audio'
import { UpstreamError } from '../upstream/index.ts'
import { bytesPcm, pcmBytes } from '../upstream/pcm.ts'
import type { SpeechContext } from './context.ts'
import type { PcmChunk } from './pieces.ts'
import type { PreparedSpeech } from './prepare.ts'

/** Validates a sentence's whole audio; its duration, or an `upstream_invalid_audio` error. */
export function checked(
  pcm: Int16Array,
  sampleRate: number,
  channels: number,
  sentence: string,
  prepared: PreparedSpeech,
): number {
  try {
    const audio = { sampleRate, channels, encoding: 'pcm16' as const, data: pcmBytes(pcm) }
    const { durationMs } = validateAudio(audio, {
      text: sentence,
      language: prepared.language,
      speed: prepared.speed,
    })
    if (channels !== 1) {
      throw new UpstreamError(
        'upstream_invalid_audio',
        `the upstream sent ${channels} channels; XTTS speaks mono`,
      )
    }
    return durationMs
  } catch (cause) {
    if (!isAudioError(cause)) throw cause
    throw new UpstreamError(
      'upstream_invalid_audio',
      `the upstream audio failed validation: ${cause.message}`,
      { cause },
    )
  }
}

/** A sentence's source audio, from the cache or synthesized earlier in this request. */
export interface Heard {
  chunk: PcmChunk
  durationMs: number
}

/** The cached source audio of each of `keys` (distinct) that the segment cache holds. */
export async function lookUpDistinct(
  ctx: SpeechContext,
  keys: string[],
): Promise<Map<string, Heard>> {
  const lookups = await Promise.all(keys.map((key) => ctx.cache.get(key)))
  const heard = new Map<string, Heard>()
  for (const [i, key] of keys.entries()) {
    const lookup = lookups[i]
    if (!lookup || !('bytes' in lookup)) continue
    const { sampleRate, durationMs } = lookup.meta
    heard.set(key, { chunk: { pcm: bytesPcm(lookup.bytes), sampleRate, channels: 1 }, durationMs })
  }
  return heard
}
