/**
 * @module commands/language-hint — the language hint of a CLI run: what `say` (through the SDK
 * client, commands/client.ts) and `warm` (detecting before it sends, commands/warm.ts) give the
 * detector, so that both resolve a phrase to the same language and `say` hits what `warm` made.
 */
import { UserError } from '../errors/index.ts'

/**
 * The languages the user's text is likely in, for `voice: 'auto'` text whose language the call
 * does not name (the client's `languageHint`): `TTS_LANGUAGE_HINT` (tags separated by commas;
 * empty for none), else the locale the shell runs in (`LC_ALL`, `LC_MESSAGES`, `LANG`: `de_DE.UTF-8`
 * → `de-DE`), none for `C`/`POSIX` or a value that is not a language tag. A browser app gets
 * the page's `<html lang>` the same way. Only a prior: text that is clear about its language
 * keeps it.
 *
 * @example
 * languageHint({ LANG: 'pt_BR.UTF-8' }) // ['pt-BR']
 * languageHint({ LANG: 'C.UTF-8' }) // []
 */
export function languageHint(env: Readonly<Record<string, string | undefined>>): string[] {
  const listed = env.TTS_LANGUAGE_HINT
  if (listed !== undefined) {
    const tags = listed.split(/[\s,]+/).filter((tag) => tag !== '')
    const bad = tags.find((tag) => !TAG.test(tag))
    if (bad !== undefined || tags.length > 10) {
      throw new UserError(
        'invalid_language_hint',
        `TTS_LANGUAGE_HINT must be up to 10 language tags separated by commas, e.g. "es-ES,pt-BR", or empty for none (got ${JSON.stringify(bad ?? listed).slice(0, 40)})`,
      )
    }
    return tags
  }
  const locale = env.LC_ALL || env.LC_MESSAGES || env.LANG || ''
  const tag = locale.replace(/[.@].*$/, '').replace(/_/g, '-')
  return TAG.test(tag) ? [tag] : []
}

/** A language tag as locales and BCP 47 write them: `pt`, `pt-BR`, `zh-Hans-CN`. */
const TAG = /^[a-z]{2,3}(-[a-z\d]{2,8})*$/i
