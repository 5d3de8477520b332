/**
 * @module lang/detect — `detectLanguage`: scripts first, then the n-gram model for what scripts
 * cannot tell apart (the 11 Latin-script languages; Chinese vs Japanese in Han-only text).
 */

import { fromLocale, LanguageError, type XttsLanguage } from './languages.ts'
import { countScripts, scriptVerdict } from './script.ts'

/** The outcome of language detection. */
export interface LanguageDetection {
  language: XttsLanguage
  /**
   * 0..1, calibrated: about the share of answers given with this confidence that are right.
   * Script decisions: the share of letters in the deciding script. N-gram decisions: how often
   * a decision with that lead over the runner-up and that many letters was right on the tuning
   * set; on the held-out UI strings, answers with confidence ≥ 0.9 are right ≥ 97 % of the time
   * (bench/ui.bench.ts prints the table). 0 means no evidence and `language` is the fallback.
   */
  confidence: number
  /** What decided: the writing system, the n-gram model, or nothing (the fallback). */
  source: 'script' | 'ngram' | 'fallback'
}

/** Options of {@link detectLanguage}. */
export interface DetectLanguageOptions {
  /**
   * Returned, with confidence 0, for text with no letters or none the model knows. Default: the
   * first language of `languageHint` XTTS speaks, else `en`.
   */
  fallback?: XttsLanguage
  /**
   * Languages the text is likely in: the app's UI locale, `navigator.languages`, or the list of
   * languages the app ships (BCP-47 tags; regions and tags XTTS does not speak are ignored).
   * A prior only: where the text alone is unsure (confidence under 0.9), a hinted language it
   * leaves plausible wins (`Editar`: es or pt, as the app says) — the shorter the text, the
   * further behind its favourite it may be: up to two thirds for a word or two, half up to 20
   * letters, a tenth up to 40, none past that — unless the text's words rule it out (a word
   * its vocabulary lacks that others hold: "Calendar" is not Spanish); an answer the text gives
   * with confidence ≥ 0.9 stands whatever the hint (an Arabic string in a French app is
   * Arabic, "Close window" in a French app is English).
   */
  languageHint?: string | readonly string[] | undefined
}

/** Past this length a text says nothing more about its language; keeps long inputs cheap. */
const MAX_SAMPLE = 1000

/**
 * Loads the n-gram model (about a second on first call; free after). Call it ahead of time —
 * at app start in a browser or Node, in `ctx.waitUntil` in a Worker — so the first detection
 * does not wait; {@link detectLanguage} calls it anyway.
 *
 * @example
 * await initLanguageDetector()
 * detectLanguageSync('Guten Morgen') // { language: 'de', ... }
 */
export function initLanguageDetector(): Promise<void> {
  loading ??= import('./decide.ts').then(
    async (module) => {
      await module.loadModel()
      decider = module
    },
    (error: unknown) => {
      // Let a later call try again (a chunk that failed to load in a browser).
      loading = undefined
      throw error
    },
  )
  return loading
}

/**
 * The n-gram half (scoring, data, decision rules): imported on first use only, so that the
 * browser entry holds the script check alone.
 */
let decider: typeof import('./decide.ts') | undefined
let loading: Promise<void> | undefined

/** True once the n-gram model is loaded and {@link detectLanguageSync} can decide any text. */
export function isLanguageDetectorReady(): boolean {
  return decider !== undefined
}

/**
 * Detects which of XTTS's 17 languages `text` is in, loading the n-gram model on first use.
 *
 * @example
 * await detectLanguage('Bonjour tout le monde') // { language: 'fr', confidence: 0.94, source: 'ngram' }
 * await detectLanguage('Editar', { languageHint: navigator.languages }) // 'pt' in a pt-BR browser
 * await detectLanguage('مرحبا', { languageHint: 'fr-FR' }) // 'ar': the hint never beats the script
 */
export async function detectLanguage(
  text: string,
  options: DetectLanguageOptions = {},
): Promise<LanguageDetection> {
  if (!isLanguageDetectorReady()) await initLanguageDetector()
  return detectLanguageSync(text, options)
}

/**
 * {@link detectLanguage} without the wait, for hot paths once {@link initLanguageDetector} has
 * resolved. Text that its script decides (Arabic, Cyrillic, Hangul, Kana, Devanagari) works
 * before that too; other text throws a `LanguageError` (`detector_not_ready`).
 *
 * @example
 * detectLanguageSync('Привет') // { language: 'ru', confidence: 1, source: 'script' }
 */
export function detectLanguageSync(
  text: string,
  options: DetectLanguageOptions = {},
): LanguageDetection {
  if (typeof text !== 'string') {
    throw new LanguageError('invalid_text', `text to detect must be a string, got ${typeof text}`)
  }
  const hint = hintLanguages(options.languageHint)
  const fallback = options.fallback ?? hint[0] ?? 'en'
  const sample = text.length > MAX_SAMPLE ? text.slice(0, MAX_SAMPLE) : text
  const counts = countScripts(sample)
  const verdict = scriptVerdict(counts)
  switch (verdict.kind) {
    case 'none':
      return { language: fallback, confidence: 0, source: 'fallback' }
    case 'language':
      return { language: verdict.language, confidence: round(verdict.share), source: 'script' }
    case 'han': {
      const { language, confidence } = needModel().decideHan(sample, counts.han, hint)
      return { language, confidence: round(confidence), source: 'ngram' }
    }
    case 'latin': {
      const decision = needModel().decideLatin(sample, counts.latin, hint)
      if (!decision) return { language: fallback, confidence: 0, source: 'fallback' }
      return {
        language: decision.language,
        confidence: round(decision.confidence),
        source: 'ngram',
      }
    }
  }
}

/**
 * The XTTS languages a `languageHint` names, in its order, without repeats. Apps pass the same
 * hint on every call, so the last answer per hint is kept (detection runs on every request).
 */
function hintLanguages(hint: DetectLanguageOptions['languageHint']): XttsLanguage[] {
  if (hint === undefined) return []
  if (hint === lastHint) return lastLanguages
  const tags = typeof hint === 'string' ? [hint] : hint
  if (!Array.isArray(tags) || tags.some((t) => typeof t !== 'string')) {
    throw new LanguageError(
      'invalid_hint',
      'languageHint must be a language tag or an array of them, e.g. "fr-FR" or navigator.languages',
    )
  }
  const out: XttsLanguage[] = []
  for (const tag of tags) {
    const language = fromLocale(tag)
    if (language && !out.includes(language)) out.push(language)
  }
  // An array may be changed in place later; only a string hint is safe to remember.
  if (typeof hint === 'string') {
    lastHint = hint
    lastLanguages = out
  }
  return out
}
let lastHint: string | undefined
let lastLanguages: XttsLanguage[] = []

function needModel(): typeof import('./decide.ts') {
  if (decider === undefined) {
    throw new LanguageError(
      'detector_not_ready',
      'the language model is not loaded yet: await initLanguageDetector() (or use detectLanguage) first',
    )
  }
  return decider
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000
}
