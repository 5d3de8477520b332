/**
 * @module lang/detect — `detectLanguage`: scripts first, then the n-gram model for what scripts
 * cannot tell apart (the 11 Latin-script languages; Chinese vs Japanese in Han-only text).
 */

import { LanguageError, type XttsLanguage } from './languages.ts'
import { guessHan, guessLatin, isNgramModelLoaded, loadNgramModel } from './ngram.ts'
import { countScripts, scriptVerdict } from './script.ts'

/** The outcome of language detection. */
export interface LanguageDetection {
  language: XttsLanguage
  /**
   * 0..1. Script decisions: the share of letters in the deciding script. N-gram decisions: that
   * share times the model's relative margin over the runner-up. 0 means no evidence at all and
   * `language` is the fallback. On UDHR snippets of 1–3 words, answers with confidence ≥ 0.05
   * (88 % of them) are 98.6 % right, against 94 % for all; 20–40 characters: 99.96 % at ≥ 0.05.
   */
  confidence: number
  /** What decided: the writing system, the n-gram model, or nothing (the fallback). */
  source: 'script' | 'ngram' | 'fallback'
}

/** Options of {@link detectLanguage}. */
export interface DetectLanguageOptions {
  /** Returned, with confidence 0, for text with no letters or none the model knows. Default `en`. */
  fallback?: XttsLanguage
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
  return loadNgramModel()
}

/** True once the n-gram model is loaded and {@link detectLanguageSync} can decide any text. */
export function isLanguageDetectorReady(): boolean {
  return isNgramModelLoaded()
}

/**
 * Detects which of XTTS's 17 languages `text` is in, loading the n-gram model on first use.
 *
 * @example
 * await detectLanguage('Bonjour tout le monde') // { language: 'fr', confidence: 0.4, source: 'ngram' }
 * await detectLanguage('ImageProxy HTTPエラー') // { language: 'ja', confidence: 0.3, source: 'script' }
 */
export async function detectLanguage(
  text: string,
  options: DetectLanguageOptions = {},
): Promise<LanguageDetection> {
  if (!isNgramModelLoaded()) await loadNgramModel()
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
  const fallback = options.fallback ?? 'en'
  const sample = text.length > MAX_SAMPLE ? text.slice(0, MAX_SAMPLE) : text
  const verdict = scriptVerdict(countScripts(sample))
  switch (verdict.kind) {
    case 'none':
      return { language: fallback, confidence: 0, source: 'fallback' }
    case 'language':
      return { language: verdict.language, confidence: round(verdict.share), source: 'script' }
    case 'han': {
      // Han alone is far more often Chinese; Japanese needs the model to say so.
      const guess = needModel() && guessHan(sample)
      if (!guess)
        return { language: 'zh-cn', confidence: round(verdict.share / 2), source: 'script' }
      const language = guess.language === 'ja' ? 'ja' : 'zh-cn'
      return { language, confidence: round(verdict.share * guess.margin), source: 'ngram' }
    }
    case 'latin': {
      const guess = needModel() && guessLatin(sample)
      if (!guess) return { language: fallback, confidence: 0, source: 'fallback' }
      return {
        language: guess.language,
        confidence: round(verdict.share * guess.margin),
        source: 'ngram',
      }
    }
  }
}

function needModel(): true {
  if (!isNgramModelLoaded()) {
    throw new LanguageError(
      'detector_not_ready',
      'the language model is not loaded yet: await initLanguageDetector() (or use detectLanguage) first',
    )
  }
  return true
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000
}
