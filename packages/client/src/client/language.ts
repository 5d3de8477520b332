/**
 * @module client/language — the language of a call that names none, with and without core's
 * n-gram model. The writing system decides it for free (Arabic, Cyrillic, Kana, …); only a local
 * engine, which needs a language the edge could not give, loads the model (about 800 KB gzip in
 * a browser, with the vocabularies).
 */

import { detectLanguage, detectLanguageSync, type XttsLanguage } from '@tts/core/lang'
import type { Logger } from '@tts/core/log'

/**
 * The language when the writing system decides it (or the model is already loaded), without
 * loading core's n-gram model; undefined when only the model could tell.
 *
 * @example
 * withoutModel('مرحبا', undefined) // 'ar'
 */
export function withoutModel(
  input: string,
  languageHint: readonly string[] | undefined,
): XttsLanguage | undefined {
  try {
    return detectLanguageSync(input, { languageHint }).language
  } catch (error) {
    if ((error as { code?: unknown }).code === 'detector_not_ready') return undefined
    throw error
  }
}

/**
 * The language with core's n-gram model, loading it if need be: the local engines need one.
 * Offline before the model's chunk was ever fetched, a voice in the default language beats no
 * speech at all, so that failure is English, logged.
 *
 * @example
 * await resolveWithModel('Bonjour à tous', undefined, logger) // 'fr'
 */
export async function resolveWithModel(
  input: string,
  languageHint: readonly string[] | undefined,
  logger: Logger | undefined,
): Promise<XttsLanguage> {
  try {
    return (await detectLanguage(input, { languageHint })).language
  } catch (error) {
    logger?.warn('language detection failed, speaking as English', { error: String(error) })
    return 'en'
  }
}
