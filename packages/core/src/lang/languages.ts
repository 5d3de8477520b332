/**
 * @module lang/languages — the 17 languages XTTS-v2 speaks, their BCP-47 locales for local
 * voices, and XTTS's per-language character limits.
 */

import { TtsError } from '../errors/index.ts'

/**
 * XTTS-v2's language codes, in the order its server lists them. `zh-cn` keeps its region:
 * the server strips regions from every other code but matches `zh-cn` as a whole.
 *
 * @example
 * XTTS_LANGUAGES.includes('de') // true
 */
export const XTTS_LANGUAGES = [
  'en',
  'es',
  'fr',
  'de',
  'it',
  'pt',
  'pl',
  'tr',
  'ru',
  'nl',
  'cs',
  'ar',
  'zh-cn',
  'hu',
  'ko',
  'ja',
  'hi',
] as const

/** One of XTTS-v2's 17 language codes. */
export type XttsLanguage = (typeof XTTS_LANGUAGES)[number]

const LANGUAGE_SET: ReadonlySet<string> = new Set(XTTS_LANGUAGES)

/**
 * The most characters XTTS-v2's tokenizer accepts for one synthesis in each language (it warns
 * and may truncate past them); long input must be split below these.
 *
 * @example
 * CHAR_LIMITS['ja'] // 71
 */
export const CHAR_LIMITS: Readonly<Record<XttsLanguage, number>> = {
  en: 250,
  de: 253,
  fr: 273,
  es: 239,
  it: 213,
  pt: 203,
  pl: 224,
  'zh-cn': 82,
  ar: 166,
  cs: 186,
  ru: 182,
  nl: 251,
  tr: 226,
  ja: 71,
  hu: 224,
  ko: 95,
  hi: 150,
}

/**
 * The BCP-47 locale a local engine (Web Speech API, espeak-ng) should use for each XTTS
 * language: the region with the most speakers or the most commonly installed voices.
 */
const LOCALES: Readonly<Record<XttsLanguage, string>> = {
  en: 'en-US',
  es: 'es-ES',
  fr: 'fr-FR',
  de: 'de-DE',
  it: 'it-IT',
  pt: 'pt-BR',
  pl: 'pl-PL',
  tr: 'tr-TR',
  ru: 'ru-RU',
  nl: 'nl-NL',
  cs: 'cs-CZ',
  ar: 'ar-SA',
  'zh-cn': 'zh-CN',
  ja: 'ja-JP',
  hu: 'hu-HU',
  ko: 'ko-KR',
  hi: 'hi-IN',
}

/** Thrown for a language code that names none of XTTS's languages. */
export class LanguageError extends TtsError {
  constructor(
    code: string,
    message: string,
    options: { cause?: unknown; details?: Record<string, unknown> } = {},
  ) {
    super(code, message, options)
    this.name = 'LanguageError'
  }
}

/**
 * True when `value` is exactly one of the 17 XTTS codes (lower case, `zh-cn` with its region).
 *
 * @example
 * isXttsLanguage('fr') // true
 * isXttsLanguage('fr-FR') // false — use normalizeLanguage first
 */
export function isXttsLanguage(value: unknown): value is XttsLanguage {
  return typeof value === 'string' && LANGUAGE_SET.has(value)
}

/**
 * Maps a language tag to its XTTS code, or `undefined` when XTTS does not speak it.
 * Case and `_` vs `-` do not matter; a region is dropped (`en-US` → `en`, `pt-BR` → `pt`),
 * except that any Chinese tag (`zh`, `zh-CN`, `zh-Hans`, `cmn`) becomes `zh-cn`, the only
 * Chinese XTTS speaks.
 *
 * @example
 * fromLocale('de-AT') // 'de'
 * fromLocale('sv-SE') // undefined
 */
export function fromLocale(tag: string): XttsLanguage | undefined {
  if (typeof tag !== 'string') return undefined
  const lower = tag.trim().toLowerCase().replaceAll('_', '-')
  if (LANGUAGE_SET.has(lower)) return lower as XttsLanguage
  const primary = lower.split('-', 1)[0] ?? ''
  if (primary === 'zh' || primary === 'cmn') return 'zh-cn'
  return LANGUAGE_SET.has(primary) ? (primary as XttsLanguage) : undefined
}

/**
 * Like {@link fromLocale}, but throws a `LanguageError` (`unsupported_language`) that lists the
 * supported codes when the tag is not one XTTS speaks — for validating request input.
 *
 * @example
 * normalizeLanguage('en-US') // 'en'
 * normalizeLanguage('zh') // 'zh-cn'
 * normalizeLanguage('sv') // throws: language "sv" is not supported; use one of en, es, ...
 */
export function normalizeLanguage(tag: string): XttsLanguage {
  const language = fromLocale(tag)
  if (language === undefined) {
    throw new LanguageError(
      'unsupported_language',
      `language ${JSON.stringify(tag)} is not supported; use one of ${XTTS_LANGUAGES.join(', ')} (a region such as en-US is accepted and dropped)`,
      { details: { language: String(tag) } },
    )
  }
  return language
}

/**
 * The BCP-47 locale for an XTTS language (`ar` → `ar-SA`, `zh-cn` → `zh-CN`), for choosing a
 * local voice. Accepts any tag {@link normalizeLanguage} accepts.
 *
 * @example
 * toLocale('fr') // 'fr-FR'
 */
export function toLocale(language: XttsLanguage | string): string {
  return LOCALES[normalizeLanguage(language)]
}
