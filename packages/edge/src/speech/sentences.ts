/**
 * @module speech/sentences — the unit of the segment cache: one sentence (cut further by core's
 * `splitForSynthesis` only when it exceeds the language's XTTS limit). Core packs several
 * sentences into one piece, which is right for a single synthesis but would make a sentence's
 * cache entry depend on its neighbours; here each sentence stands alone, so one heard before
 * is found again in any paragraph.
 */
import { splitForSynthesis } from '@tts/core/text'

const SPEAKABLE = /[\p{L}\p{N}]/u

/**
 * The normalised text's sentences, each under the language's limit.
 *
 * @example
 * sentencesOf('Hello there. How are you?', 'en') // ['Hello there.', 'How are you?']
 */
export function sentencesOf(text: string, language: string): string[] {
  const locale = language === 'zh-cn' ? 'zh' : language
  const segmenter = new Intl.Segmenter(locale, { granularity: 'sentence' })
  const out: string[] = []
  for (const { segment } of segmenter.segment(text)) {
    const sentence = segment.trim()
    // A sentence with no letter or digit ("…", an emoji, a lone mark) has nothing XTTS can
    // speak: sent on its own it comes back as silence or noise, fails validation and would
    // fail the whole answer with a 502, so it is left out, as a pause between its neighbours.
    if (!SPEAKABLE.test(sentence)) continue
    for (const piece of splitForSynthesis(sentence, language))
      if (SPEAKABLE.test(piece)) out.push(piece)
  }
  return out
}
