/**
 * @module lang/decide — the n-gram half's final say, loaded with the n-gram data: eld's scores
 * weighed with the letters only some languages use, the Han forms only Chinese or Japanese
 * write and the per-language correction fitted for UI text; a calibrated confidence; the
 * languages' vocabularies where that is unclear; then the caller's `languageHint` as a prior.
 *
 * How the vocabulary weighs in (lang/vocabulary.ts): when the n-grams' answer is not clear
 * ({@link CLEAR}) and one of the text's words is not in its language's vocabulary while
 * other languages' vocabularies hold every word, the best-scored of those wins ("Gregorian
 * Calendar" scores Spanish above English; Spanish says "calendario"), and the hint cannot bring
 * a language so ruled out back.
 *
 * How the hint weighs in: the text is read first without it. An answer the text gives with a
 * confidence of at least {@link CLEAR} (calibrated: such answers are right ≥ 97 % of the time)
 * is clear evidence and stands whatever the hint says. Below that, the hinted language wins if
 * the text leaves it plausible — its score at least 1 / `TUNED.hintRatio` of the best one's.
 * Short UI strings are where this matters: "Eliminar" is Spanish and Portuguese alike, and only
 * the app knows which it ships.
 */

import { binOf, calibrate, type DecisionKind, LETTER_EDGES } from './calibration.ts'
import { foreignLetters, hanForms, lexiconMasks, TUNED } from './evidence.ts'
import type { XttsLanguage } from './languages.ts'
import {
  HAN_MASK,
  LATIN_LANGUAGES,
  LATIN_MASK,
  type LatinLanguage,
  loadNgramModel,
  MODEL_LANGUAGES,
  ngramScores,
  scaledScore,
} from './ngram.ts'
import { loadVocabulary, VOCABULARY_MASK, vocabularyMask } from './vocabulary.ts'

/**
 * Loads what decisions read: the n-gram data and the vocabulary, their chunks requested
 * together (in a browser, in parallel once this module has arrived).
 *
 * @example
 * await loadModel()
 */
export function loadModel(): Promise<void> {
  return Promise.all([loadNgramModel(), loadVocabulary()]).then(() => undefined)
}

/**
 * A decision: the language, its lead over the runner-up (0..1; 0 when the vocabulary or the
 * hint decided), the calibrated confidence, and what decided it: the text's n-grams and
 * letters, its words' vocabularies, or the hint.
 */
export interface Decision<L extends XttsLanguage = XttsLanguage> {
  language: L
  margin: number
  confidence: number
  by: 'text' | 'vocabulary' | 'hint'
}

/** The confidence from which the text's own answer is clear evidence that no hint overturns. */
export const CLEAR = 0.9

const LATIN_INDEX = LATIN_LANGUAGES.map((l) => MODEL_LANGUAGES.indexOf(l))
const ZH = MODEL_LANGUAGES.indexOf('zh')
const JA = MODEL_LANGUAGES.indexOf('ja')
const HAN_LANGUAGES = ['zh-cn', 'ja'] as const

/**
 * The Latin-script language of `text` (`letters` Latin letters), or `undefined` when nothing
 * in it is known to the model and no hint names a Latin-script language. `vocabulary: false`
 * leaves the vocabulary out: the text's n-grams and letters alone, as the confidence table
 * (calibration.ts) is fitted on them.
 *
 * @example
 * decideLatin('Editar', 6, ['pt']) // { language: 'pt', ... } — es and pt spell it alike
 */
export function decideLatin(
  text: string,
  letters: number,
  hint: readonly XttsLanguage[],
  vocabulary = true,
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
    by: 'text',
  }
  // Where the text is unclear, its words rule out the languages whose vocabulary lacks one of
  // them while others' hold them all: the answer moves off such a language, the hint cannot
  // bring it back.
  const holders = vocabulary && own.confidence < CLEAR ? vocabularyMask(lower) : 0
  const ruledOut = holders === 0 ? 0 : VOCABULARY_MASK & ~holders
  const read = ruledOut & (1 << best) ? byVocabulary(own, holders, weighed) : own
  const ratio = hintRatio('latin', letters)
  return withHint(read, LATIN_LANGUAGES, weighed, bestScore, hint, ratio, ~ruledOut)
}

/**
 * The best-scored of the languages whose vocabulary holds every word of the text (`holders`,
 * a bit mask over `LATIN_LANGUAGES`), or `decision` if none of them scores.
 */
function byVocabulary(
  decision: Decision<LatinLanguage>,
  holders: number,
  scores: readonly number[],
): Decision<LatinLanguage> {
  let pick = -1
  for (let i = 0; i < LATIN_LANGUAGES.length; i++) {
    const score = scores[i] as number
    if (holders & (1 << i) && score > 0 && (pick < 0 || score > (scores[pick] as number))) pick = i
  }
  if (pick < 0) return decision
  return {
    language: LATIN_LANGUAGES[pick] as LatinLanguage,
    margin: 0,
    confidence: TUNED.vocabularyConfidence,
    by: 'vocabulary',
  }
}

/**
 * The text's own decision, or the hinted language when the text is not clear about its answer
 * ({@link CLEAR}) and leaves the hinted one plausible: of the hinted languages scored within
 * `ratio` of the best and not ruled out (`allowed`, a bit mask over `languages`), the one the
 * text scores highest.
 */
function withHint<L extends XttsLanguage>(
  decision: Decision<L>,
  languages: readonly L[],
  scores: readonly number[],
  bestScore: number,
  hint: readonly XttsLanguage[],
  ratio: number,
  allowed = -1,
): Decision<L> {
  if (hint.length === 0 || decision.confidence >= CLEAR) return decision
  let pick = -1
  for (let i = 0; i < languages.length; i++) {
    const score = scores[i] as number
    if (!(allowed & (1 << i)) || !hint.includes(languages[i] as L) || score * ratio < bestScore)
      continue
    if (pick < 0 || score > (scores[pick] as number)) pick = i
  }
  if (pick < 0 || languages[pick] === decision.language) return decision
  return {
    language: languages[pick] as L,
    margin: 0,
    confidence: TUNED.hintDecidedConfidence,
    by: 'hint',
  }
}

/** The hint's reach for a text of `letters` letters (`TUNED.hintRatio`, by letter class). */
function hintRatio(kind: DecisionKind, letters: number): number {
  return TUNED.hintRatio[kind][binOf(letters, LETTER_EDGES[kind])] as number
}

/** The first Latin-script language the hint names, when the text says nothing. */
function hintOnly(hint: readonly XttsLanguage[]): Decision<LatinLanguage> | undefined {
  const hinted = hint.find((l): l is LatinLanguage => LATIN_LANGUAGES.includes(l as LatinLanguage))
  return hinted && { language: hinted, margin: 0, confidence: TUNED.hintOnlyConfidence, by: 'hint' }
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
    by: 'text',
  }
  return withHint(decision, HAN_LANGUAGES, [zh, ja], win, hint, hintRatio('han', letters))
}
