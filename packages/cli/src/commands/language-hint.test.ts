import { describe, expect, it } from 'vitest'
import { languageHint } from './language-hint.ts'

describe('languageHint', () => {
  it("takes the shell's locale as a BCP-47 tag, LC_ALL first", () => {
    expect(languageHint({ LANG: 'pt_BR.UTF-8' })).toEqual(['pt-BR'])
    expect(languageHint({ LANG: 'de_DE@euro' })).toEqual(['de-DE'])
    expect(languageHint({ LANG: 'fr' })).toEqual(['fr'])
    expect(languageHint({ LANG: 'en_US.UTF-8', LC_MESSAGES: 'es_ES.UTF-8' })).toEqual(['es-ES'])
    expect(languageHint({ LANG: 'en_US.UTF-8', LC_ALL: 'it_IT.UTF-8' })).toEqual(['it-IT'])
  })

  it('gives none for the C locale, an unset one or a value that is no language tag', () => {
    expect(languageHint({})).toEqual([])
    expect(languageHint({ LANG: 'C.UTF-8' })).toEqual([])
    expect(languageHint({ LANG: 'POSIX' })).toEqual([])
    expect(languageHint({ LANG: '/etc/weird' })).toEqual([])
  })

  it('lets TTS_LANGUAGE_HINT name the languages, or none when empty', () => {
    expect(languageHint({ TTS_LANGUAGE_HINT: 'es-ES, pt-BR', LANG: 'en_US.UTF-8' })).toEqual([
      'es-ES',
      'pt-BR',
    ])
    expect(languageHint({ TTS_LANGUAGE_HINT: '', LANG: 'de_DE.UTF-8' })).toEqual([])
  })

  it('rejects a TTS_LANGUAGE_HINT that is not language tags, saying what is allowed', () => {
    expect(() => languageHint({ TTS_LANGUAGE_HINT: 'es-ES,<b>' })).toThrow(
      /TTS_LANGUAGE_HINT must be up to 10 language tags .*"<b>"/,
    )
    expect(() => languageHint({ TTS_LANGUAGE_HINT: Array(11).fill('en').join(',') })).toThrow(
      /up to 10/,
    )
  })
})
