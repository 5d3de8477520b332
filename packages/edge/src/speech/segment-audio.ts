/**
 * @module speech/segment-audio — one sentence's audio as the pieces loop holds it: from the
 * segment cache (`lookedUp`, one read per distinct sentence) or checked when it arrives
 * from the upstream (`checked`: valid, plausible for its text, mono) before it is cached.
 */
import { type AudioError, isAudioError, validateAudio } from '@tts/core/audio'
import type { CacheLookup } from '../cache/store.ts'
import { ProblemError } from '../problem/index.ts'
import { UpstreamError } from '../upstream/index.ts'
import { bytesPcm, pcmBytes } from '../upstream/pcm.ts'
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
    const mismatch = scriptMismatch(cause, sentence, prepared.language)
    if (mismatch) throw mismatch
    throw new UpstreamError(
      'upstream_invalid_audio',
      `the upstream audio failed validation: ${cause.message}`,
      { cause },
    )
  }
}

/** The letters each language's voice reads (XTTS's languages; the rest read Latin). */
const READS: Record<string, RegExp> = {
  ru: /\p{Script=Cyrillic}/u,
  ar: /\p{Script=Arabic}/u,
  hi: /\p{Script=Devanagari}/u,
  ko: /\p{Script=Hangul}/u,
  ja: /[\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Han}]/u,
  'zh-cn': /\p{Script=Han}/u,
}
const LATIN = /\p{Script=Latin}/u
const LETTER = /\p{L}/u
const NUMBER = /\p{N}/u
const ASCII_DIGIT = /[0-9]/

/**
 * A sentence whose audio came out implausible (too long, too short, silent) while it has
 * letters the language does not read — Arabic script sent as `en`, say — is the input's
 * failure, not the upstream's: a model asked to read letters it does not know spells them,
 * skips them or babbles. That is a 422 `input_rejected` that names the fix, not a 502 (which
 * would send a client to fall back as if the edge were down). Only on the failure path, so
 * the Unicode property regexes cost nothing on a good answer.
 */
function scriptMismatch(
  cause: AudioError,
  sentence: string,
  language: string,
): ProblemError | undefined {
  if (!['too_long', 'too_short', 'silent'].includes(cause.reason)) return undefined
  const reads = READS[language] ?? LATIN
  // Letters and numerals the voice cannot read: a cuneiform numeral is silence in any language.
  const unread = [...sentence].some(
    (ch) => (LETTER.test(ch) || (NUMBER.test(ch) && !ASCII_DIGIT.test(ch))) && !reads.test(ch),
  )
  if (!unread) return undefined
  return new ProblemError(
    'input_rejected',
    `a sentence of the text has letters of a script that language '${language}' does not read, so the speech server could not say it; send the text's own language (or language 'auto'), or split the text by language`,
    { cause },
  )
}

/** A sentence's source audio, from the cache or synthesized earlier in this request. */
export interface Heard {
  chunk: PcmChunk
  durationMs: number
}

/**
 * The cached source audio of each of `keys` (distinct) that the segment cache holds, from their
 * lookups (`lookups[i]` of `keys[i]`, started by the caller).
 */
export async function lookedUp(
  keys: string[],
  pending: Promise<CacheLookup>[],
): Promise<Map<string, Heard>> {
  const lookups = await Promise.all(pending)
  const heard = new Map<string, Heard>()
  for (const [i, key] of keys.entries()) {
    const lookup = lookups[i]
    if (!lookup || !('bytes' in lookup)) continue
    const { sampleRate, durationMs } = lookup.meta
    heard.set(key, { chunk: { pcm: bytesPcm(lookup.bytes), sampleRate, channels: 1 }, durationMs })
  }
  return heard
}
