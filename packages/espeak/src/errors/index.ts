/**
 * @module errors — what the espeak engine throws: an unsupported language (naming the
 * supported ones), bad options, or an engine that could not load.
 */
import { TtsError, type TtsErrorOptions } from '@tts/core/errors'

/**
 * Any error the espeak engine throws on purpose. Codes: `unsupported_language`,
 * `invalid_request` (bad text or options), `engine_unavailable` (data or module failed to load).
 *
 * @example
 * if (isTtsError(e) && e.code === 'unsupported_language') pickAnotherVoice()
 */
export class EspeakError extends TtsError {
  constructor(code: string, message: string, options: TtsErrorOptions = {}) {
    super(code, message, options)
    this.name = 'EspeakError'
  }
}

/**
 * Thrown for a language espeak-ng cannot speak here; `supported` lists what it can.
 *
 * @example
 * try { await engine.synthesize('hi', { language: 'xx' }) }
 * catch (e) { if (e instanceof UnsupportedLanguageError) console.log(e.supported) }
 */
export class UnsupportedLanguageError extends EspeakError {
  readonly language: string
  readonly supported: readonly string[]

  constructor(language: string, supported: readonly string[]) {
    super(
      'unsupported_language',
      `Language '${language}' is not supported by the espeak engine; supported: ${supported.join(', ')}`,
      { details: { language, supported: [...supported] } },
    )
    this.name = 'UnsupportedLanguageError'
    this.language = language
    this.supported = supported
  }
}
