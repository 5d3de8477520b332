/**
 * @module lang/decide — the n-gram half's final say, loaded with the n-gram data: eld's scores
 * weighed with the letters only some languages use, the Han forms only Chinese or Japanese
 * write and the per-language correction fitted for UI text; a calibrated confidence; then the
 * caller's `languageHint` as a prior.
 *
 * How the hint weighs in: the text is read first without it. An answer the text gives with a
 * confidence of at least {@link CLEAR} (calibrated: such answers are right ≥ 97 % of the time)
 * is clear evidence and stands whatever the hint says. Below that, the hinted language wins if
 * the text leaves it plausible — its score at least 1 / `TUNED.hintRatio` of the best one's.
 * Short UI strings are where this matters: "Eliminar" is Spanish and Portuguese alike, and only
 * the app knows which it ships.
 */

export { loadNgramModel } from './ngram.ts'

import { binOf, calibrate, type DecisionKind, LETTER_EDGES } from './calibration.ts'
import { foreignLetters, hanForms, lexiconMasks, TUNED } from './evidence.ts'
import type { XttsLanguage } from './languages.ts'
import {
  HAN_MASK,
  LATIN_LANGUAGES,
  LATIN_MASK,
  type LatinLanguage,
  MODEL_LANGUAGES,
  ngramScores,
  scaledScore,
} from './ngram.ts'

/**
 * A decision: the language, its lead over the runner-up (0..1; 0 when the hint decided), and
 * the calibrated confidence.
 */
export interface Decision<L extends XttsLanguage = XttsLanguage> {
  language: L
  margin: number
  confidence: number
}

/** The confidence from which the text's own answer is clear evidence that no hint overturns. */
export const CLEAR = 0.9

const LATIN_INDEX = LATIN_LANGUAGES.map((l) => MODEL_LANGUAGES.indexOf(l))
const ZH = MODEL_LANGUAGES.indexOf('zh')
const JA = MODEL_LANGUAGES.indexOf('ja')
const HAN_LANGUAGES = ['zh-cn', 'ja'] as const

/**
 * The Latin-script language of `text` (`letters` Latin letters), or `undefined` when nothing
 * in it is known to the model and no hint names a Latin-script language.
 *
 * @example
 * decideLatin('Editar', 6, ['pt']) // { language: 'pt', ... } — es and pt spell it alike
 */
export function decideLatin(
  text: string,
  letters: number,
  hint: readonly XttsLanguage[],
): Decision<LatinLanguage> | undefined {
  let { scores, grams } = ngramScores(text, LATIN_MASK)
  // A word or two whose stride-3 n-grams the model lacks: try every 4-byte window.
  if (!scores.some((s) => s > 0)) ({ scores, grams } = ngramScores(text, LATIN_MASK, true))
  const lower = text.toLowerCase()
  const foreign = foreignLetters(lower, LATIN_LANGUAGES)
  const words = lexiconMasks(lower)
  // Still no n-gram known: letters and lexicon words decide alone (one unit each), if any speak.
  const unknown = !scores.some((s) => s > 0)
  if (unknown && words.length === 0 && !foreign.some((n) => n > 0)) return hintOnly(hint)
  let best = -1
  let bestScore = 0
  let second = 0
  const weighed = new Array<number>(LATIN_LANGUAGES.length).fill(0)
  for (let i = 0; i < LATIN_LANGUAGES.length; i++) {
    const language = LATIN_LANGUAGES[i] as LatinLanguage
    let score = unknown ? 1 : (scores[LATIN_INDEX[i] as number] as number)
    if (score === 0) continue
    score *= TUNED.bias[language] * TUNED.letterPenalty ** (foreign[i] as number)
    for (const mask of words) score *= mask & (1 << i) ? TUNED.lexiconBoost : TUNED.lexiconPenalty
    weighed[i] = score
    if (score > bestScore) {
      second = bestScore
      bestScore = score
      best = i
    } else if (score > second) second = score
  }
  if (best < 0) return hintOnly(hint)
  const top = scaledScore(bestScore, grams)
  const margin = (top - scaledScore(second, grams)) / top
  const own: Decision<LatinLanguage> = {
    language: LATIN_LANGUAGES[best] as LatinLanguage,
    margin,
    confidence: calibrate('latin', letters, margin),
  }
  return withHint(own, LATIN_LANGUAGES, weighed, bestScore, hint, hintRatio('latin', letters))
}

/**
 * The text's own decision, or the hinted language when the text is not clear about its answer
 * ({@link CLEAR}) and leaves the hinted one plausible: of the hinted languages scored within
 * `ratio` of the best, the one the text scores highest.
 */
function withHint<L extends XttsLanguage>(
  decision: Decision<L>,
  languages: readonly L[],
  scores: readonly number[],
  bestScore: number,
  hint: readonly XttsLanguage[],
  ratio: number,
): Decision<L> {
  if (hint.length === 0 || decision.confidence >= CLEAR) return decision
  let pick = -1
  for (let i = 0; i < languages.length; i++) {
    const score = scores[i] as number
    if (!hint.includes(languages[i] as L) || score * ratio < bestScore) continue
    if (pick < 0 || score > (scores[pick] as number)) pick = i
  }
  if (pick < 0 || languages[pick] === decision.language) return decision
  return {
    language: languages[pick] as L,
    margin: 0,
    confidence: TUNED.hintDecidedConfidence,
  }
}

/** The hint's reach for a text of `letters` letters (`TUNED.hintRatio`, by letter class). */
function hintRatio(kind: DecisionKind, letters: number): number {
  return TUNED.hintRatio[kind][binOf(letters, LETTER_EDGES[kind])] as number
}

/** The first Latin-script language the hint names, when the text says nothing. */
function hintOnly(hint: readonly XttsLanguage[]): Decision<LatinLanguage> | undefined {
  const hinted = hint.find((l): l is LatinLanguage => LATIN_LANGUAGES.includes(l as LatinLanguage))
  return hinted && { language: hinted, margin: 0, confidence: TUNED.hintOnlyConfidence }
}

/**
 * `zh-cn` or `ja` for Han-only `text` (`letters` Han characters). With no evidence either way
 * it is Chinese, which writes far more Han-only text than Japanese.
 *
 * @example
 * decideHan('设置', 2, []) // { language: 'zh-cn', ... }
 */
export function decideHan(
  text: string,
  letters: number,
  hint: readonly XttsLanguage[],
): Decision<'zh-cn' | 'ja'> {
  const { scores, grams } = ngramScores(text, HAN_MASK)
  const forms = hanForms(text)
  // One unit each when the model knows none of the n-grams, so that forms and hint still count.
  const zh = ((scores[ZH] as number) || 1) * TUNED.hanPenalty ** forms.ja
  const ja = ((scores[JA] as number) || 1) * TUNED.hanPenalty ** forms.zh
  const n = Math.max(grams, 1)
  const [win, lose] = zh >= ja ? [zh, ja] : [ja, zh]
  const margin = (scaledScore(win, n) - scaledScore(lose, n)) / scaledScore(win, n)
  const decision: Decision<'zh-cn' | 'ja'> = {
    language: zh >= ja ? 'zh-cn' : 'ja',
    margin,
    confidence: calibrate('han', letters, margin),
  }
  return withHint(decision, HAN_LANGUAGES, [zh, ja], win, hint, hintRatio('han', letters))
}
