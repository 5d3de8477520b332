/**
 * @module errors — `UserError`: a failure the user can fix (a bad flag, a damaged config file,
 * a rejected key). The entry point prints its message as one line and exits 1, with no stack.
 */
import { isTtsError, TtsError, type TtsErrorOptions } from '@tts/core/errors'

/**
 * A problem for the user to fix; its message says what was wrong and what to do.
 *
 * @example
 * throw new UserError('missing_endpoint', 'no endpoint given; pass --endpoint URL or set TTS_ENDPOINT')
 */
export class UserError extends TtsError {
  constructor(code: string, message: string, options: TtsErrorOptions = {}) {
    super(code, message, options)
    this.name = 'UserError'
  }
}

/**
 * True for a `UserError`, even one made by another copy of this module.
 *
 * @example
 * if (isUserError(e)) console.error(e.message)
 */
export function isUserError(value: unknown): value is UserError {
  return isTtsError(value) && value.name === 'UserError'
}
