/**
 * @module audio/validate — is upstream audio fit to serve and cache? Complete, non-empty, not
 * silence, and of a duration a voice could plausibly need for the text.
 */
import { AudioError } from './errors.ts'
import { frameBytes, type PcmAudio } from './format.ts'

/** Options of `validateAudio`. */
export interface ValidateAudioOptions {
  /** The text that was spoken; enables the duration check. */
  text?: string
  /** The language asked for; reported in errors (the bounds follow each character's script). */
  language?: string
  /** The speaking rate asked for (0.25–4.0); bounds scale with it. Default 1. */
  speed?: number
}

/**
 * Per-character duration bounds at speed 1, in ms. Normal speech is about 60–90 ms per letter
 * of alphabetic text and 120–250 ms per CJK character (a syllable or more); the bounds sit
 * 3–4× beyond that on both sides, so they only catch audio that is broken (a cut stream, a
 * stray chunk) or runaway (a model that keeps talking), never a slow or fast voice. Digits get
 * a high maximum because one digit can be read as a whole word ("7" → "seven", "2024").
 * `slackMs` is added to the maximum for leading and trailing silence.
 */
export const DURATION_BOUNDS = Object.freeze({
  letter: Object.freeze({ minMs: 20, maxMs: 300 }),
  cjk: Object.freeze({ minMs: 60, maxMs: 800 }),
  digit: Object.freeze({ minMs: 20, maxMs: 1000 }),
  slackMs: 3000,
})

/** Peak below this (−60 dBFS, full scale 1.0) is silence: nothing was said. */
export const SILENCE_PEAK = 0.001

const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u
const LETTER = /\p{L}/u
const DIGIT = /\p{N}/u

/**
 * The plausible duration range, in ms, for speaking `text` at `speed`. Punctuation and
 * spaces add nothing; a text with no letters or digits has no bounds (`undefined`).
 *
 * @example
 * plausibleDurationMs('Hello world') // { minMs: 200, maxMs: 6000 }
 */
export function plausibleDurationMs(
  text: string,
  speed = 1,
): { minMs: number; maxMs: number } | undefined {
  let minMs = 0
  let maxMs = 0
  for (const ch of text) {
    const kind = CJK.test(ch)
      ? DURATION_BOUNDS.cjk
      : LETTER.test(ch)
        ? DURATION_BOUNDS.letter
        : DIGIT.test(ch)
          ? DURATION_BOUNDS.digit
          : undefined
    if (kind) {
      minMs += kind.minMs
      maxMs += kind.maxMs
    }
  }
  if (maxMs === 0) return undefined
  return { minMs: minMs / speed, maxMs: maxMs / speed + DURATION_BOUNDS.slackMs }
}

/** What `validateAudio` measured. */
export interface AudioReport {
  durationMs: number
  frames: number
  /** Largest absolute sample, full scale 1.0. */
  peak: number
}

function peakOf(audio: PcmAudio): number {
  const { data } = audio
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength)
  let peak = 0
  if (audio.encoding === 'pcm16') {
    for (let i = 0; i + 1 < data.byteLength; i += 2) {
      const v = Math.abs(view.getInt16(i, true))
      if (v > peak) peak = v
    }
    return peak / 32768
  }
  for (let i = 0; i + 3 < data.byteLength; i += 4) {
    const v = Math.abs(view.getFloat32(i, true))
    // NaN/Infinity is corrupt data, not loudness; it must not mask silence.
    if (v > peak && Number.isFinite(v)) peak = v
  }
  return Math.min(peak, 1)
}

/**
 * Checks audio before it is served or cached: non-empty, a whole number of frames (a cut
 * stream usually is not), not silence, and — given the text — a duration within
 * `plausibleDurationMs(text, speed)`.
 *
 * @throws AudioError (`invalid_audio`) whose message says what was wrong; `details.reason`
 *   is `empty`, `partial_frame`, `silent`, `too_short` or `too_long`.
 * @example
 * const report = validateAudio(parseWav(bytes), { text: 'Hello world', language: 'en' })
 */
export function validateAudio(audio: PcmAudio, options: ValidateAudioOptions = {}): AudioReport {
  const { text, language, speed = 1 } = options
  if (!(speed >= 0.25 && speed <= 4)) {
    throw new AudioError('invalid_argument', `speed must be between 0.25 and 4.0, got ${speed}`)
  }
  const bytes = audio.data.byteLength
  if (bytes === 0) throw new AudioError('empty', 'audio has no samples')
  const frame = frameBytes(audio)
  if (bytes % frame !== 0) {
    throw new AudioError(
      'partial_frame',
      `audio data is ${bytes} bytes, not a whole number of ${frame}-byte frames: the stream was cut mid-sample`,
      { bytes, frameBytes: frame },
    )
  }
  const frames = bytes / frame
  const durationMs = (frames * 1000) / audio.sampleRate
  const peak = peakOf(audio)
  if (peak < SILENCE_PEAK) {
    throw new AudioError(
      'silent',
      `audio is silence: its loudest sample is ${peak.toExponential(2)} of full scale, below ${SILENCE_PEAK}`,
      { peak, durationMs },
    )
  }
  const bounds = text === undefined ? undefined : plausibleDurationMs(text, speed)
  if (bounds) {
    const facts = { durationMs, ...bounds, textLength: text?.length, language, speed }
    const what = `${durationMs.toFixed(0)} ms of audio for ${text?.length} characters${language ? ` of ${language}` : ''}`
    if (durationMs < bounds.minMs) {
      throw new AudioError(
        'too_short',
        `${what} is implausibly short; at speed ${speed} expected at least ${Math.ceil(bounds.minMs)} ms`,
        facts,
      )
    }
    if (durationMs > bounds.maxMs) {
      throw new AudioError(
        'too_long',
        `${what} is implausibly long; at speed ${speed} expected at most ${Math.floor(bounds.maxMs)} ms`,
        facts,
      )
    }
  }
  return { durationMs, frames, peak }
}
