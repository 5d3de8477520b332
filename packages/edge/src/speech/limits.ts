/**
 * @module speech/limits — how much one speech request may ask for, checked where the work is
 * decided: the input's length before normalisation (the route's schema) and after it (a few
 * code points grow under NFC: U+FB2C becomes three), and the number of sentences a miss may
 * synthesize. Each sentence costs a cache lookup, a pool call and a cache write (about six
 * subrequests), so the sentence cap keeps one request inside a Worker's subrequest budget and
 * one caller from queueing hundreds of syntheses at once.
 */
import { ProblemError } from '../problem/index.ts'

/**
 * The longest `input` (OpenAI's limit), in characters — Unicode code points, as the route's
 * schema (zod) and XTTS count them — before and after NFC.
 */
export const MAX_INPUT = 4096

/**
 * Code points of `text` (a surrogate pair is one character).
 *
 * @example
 * codePoints('👍a') // 2
 */
export function codePoints(text: string): number {
  let n = 0
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i)
    // A high surrogate followed by a low one is one code point.
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = text.charCodeAt(i + 1)
      if (next >= 0xdc00 && next <= 0xdfff) i++
    }
    n++
  }
  return n
}

/**
 * The most distinct sentences (pieces for the upstream or the segment cache) per request. A
 * sentence repeated counts once: one request synthesizes each distinct sentence once.
 */
export const MAX_SENTENCES = 100

/**
 * Throws a 400 when the normalised text is longer than `MAX_INPUT`.
 *
 * @example
 * checkNormalisedLength(normalizeText('\uFB2C'.repeat(4096))) // throws: 12288 characters after normalisation
 */
export function checkNormalisedLength(text: string): void {
  // Cheap first: a text of at most MAX_INPUT units has at most MAX_INPUT code points.
  const length = text.length <= MAX_INPUT ? text.length : codePoints(text)
  if (length <= MAX_INPUT) return
  throw new ProblemError(
    'invalid_request',
    `\`input\` is ${length} characters after Unicode normalisation (NFC); it must be at most ${MAX_INPUT}`,
    { details: { normalisedLength: length, maxLength: MAX_INPUT }, param: 'input' },
  )
}

/**
 * Throws a 400 when a text has more than `MAX_SENTENCES` distinct sentences.
 *
 * @example
 * checkSentenceCount(new Set(sentences).size) // throws past 100
 */
export function checkSentenceCount(count: number): void {
  if (count <= MAX_SENTENCES) return
  throw new ProblemError(
    'invalid_request',
    `\`input\` has ${count} distinct sentences; one request may have at most ${MAX_SENTENCES} distinct sentences (send longer texts in several requests)`,
    { details: { sentences: count, maxSentences: MAX_SENTENCES }, param: 'input' },
  )
}

/**
 * Throws a 400 when the text has no letter or digit: zero-width, control or combining marks
 * alone, or bare symbols, make silence or a spelled-out character name, never speech, and a
 * GPU would be spent on it for a 502.
 *
 * @example
 * checkSpeakable('\u200B\u0301') // throws
 */
export function checkSpeakable(text: string): void {
  if (/[\p{L}\p{N}]/u.test(text)) return
  throw new ProblemError(
    'invalid_request',
    '`input` has no letters or digits to speak (only marks, symbols, punctuation or invisible characters)',
    { param: 'input' },
  )
}
