/**
 * @module voices — which espeak-ng voice speaks each of XTTS-v2's 17 languages, and how a
 * caller's language tag is matched to one.
 */
import type { XttsLanguage } from '@tts/core/lang'

/**
 * XTTS-v2's languages, in its own order, each with the espeak-ng voice that speaks it.
 * Every one has a voice in espeak-ng's data; `zh-cn` is Mandarin (`cmn`). Typed against core's
 * `XttsLanguage`, so a language added to or dropped from core fails to compile here.
 */
export const ESPEAK_VOICES = {
  en: 'en-us',
  es: 'es',
  fr: 'fr',
  de: 'de',
  it: 'it',
  pt: 'pt',
  pl: 'pl',
  tr: 'tr',
  ru: 'ru',
  nl: 'nl',
  cs: 'cs',
  ar: 'ar',
  'zh-cn': 'cmn',
  hu: 'hu',
  ko: 'ko',
  ja: 'ja',
  hi: 'hi',
} as const satisfies Record<XttsLanguage, string>

/** A language the engine speaks: one of XTTS-v2's codes. */
export type EspeakLanguage = keyof typeof ESPEAK_VOICES

/**
 * The languages the engine speaks, in XTTS-v2's order.
 *
 * @example
 * SUPPORTED_LANGUAGES.includes('fr') // true
 */
export const SUPPORTED_LANGUAGES: readonly EspeakLanguage[] = Object.freeze(
  Object.keys(ESPEAK_VOICES) as EspeakLanguage[],
)

/**
 * Maps a caller's tag to a supported language, or `undefined`. Case and a region are
 * ignored (`fr-CA` → `fr`), as XTTS servers do, except that Chinese must say `zh-cn` (or
 * `zh`, `zh-Hans`, `cmn`): XTTS has no other Chinese.
 *
 * @example
 * resolveLanguage('en-US') // 'en'
 * resolveLanguage('zh-CN') // 'zh-cn'
 * resolveLanguage('xx') // undefined
 */
export function resolveLanguage(tag: string): EspeakLanguage | undefined {
  const lower = tag.trim().toLowerCase().replaceAll('_', '-')
  if (
    lower === 'zh' ||
    lower === 'cmn' ||
    lower.startsWith('zh-cn') ||
    lower.startsWith('zh-hans')
  ) {
    return 'zh-cn'
  }
  const base = lower.split('-')[0] ?? ''
  return base in ESPEAK_VOICES && base !== 'zh' ? (base as EspeakLanguage) : undefined
}
