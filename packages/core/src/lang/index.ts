/**
 * @module lang — XTTS-v2's languages: detection for `voice: 'auto'`, tag normalisation, BCP-47
 * locales for local voices, and per-language character limits.
 */

export {
  type DetectLanguageOptions,
  detectLanguage,
  detectLanguageSync,
  initLanguageDetector,
  isLanguageDetectorReady,
  type LanguageDetection,
} from './detect.ts'
export {
  CHAR_LIMITS,
  fromLocale,
  isXttsLanguage,
  LanguageError,
  normalizeLanguage,
  toLocale,
  XTTS_LANGUAGES,
  type XttsLanguage,
} from './languages.ts'
export { countScripts, type ScriptCounts } from './script.ts'
