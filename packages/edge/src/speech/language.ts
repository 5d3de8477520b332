/**
 * @module speech/language — resolves a request's `language`: an XTTS language (region
 * stripped, `zh` → `zh-cn`) or `auto`, detected by core's detector. The detector's n-gram data
 * is large and slow to initialise, so it is imported on first use, not at worker start.
 */
import { ProblemError } from '../problem/index.ts'

let lang: Promise<typeof import('@tts/core/lang')> | undefined
const loadLang = () => {
  lang ??= import('@tts/core/lang')
  return lang
}

/**
 * The XTTS language for `requested` (`auto` detects it from `text`, with `hint` as a prior:
 * the same core call the client makes, so both agree on the same text and hint).
 *
 * @example
 * await resolveLanguage('auto', 'Bonjour tout le monde') // 'fr'
 * await resolveLanguage('auto', 'Editar', ['pt-BR']) // 'pt'
 */
export async function resolveLanguage(
  requested: string,
  text: string,
  hint?: readonly string[],
): Promise<string> {
  const { detectLanguage, fromLocale, XTTS_LANGUAGES } = await loadLang()
  if (requested === 'auto') return (await detectLanguage(text, { languageHint: hint })).language
  const language = fromLocale(requested === 'zh' ? 'zh-cn' : requested)
  if (!language) {
    throw new ProblemError(
      'unsupported_language',
      `language "${requested}" is not supported; use "auto" or one of ${XTTS_LANGUAGES.join(', ')}`,
      { details: { supported: ['auto', ...XTTS_LANGUAGES] } },
    )
  }
  return language
}
