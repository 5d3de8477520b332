/**
 * @module encode/errors — the one error type of the audio encoders.
 */
import { TtsError, type TtsErrorOptions } from '@tts/core/errors'

/**
 * Why encoding failed: `unsupported_format` (a format this worker does not produce),
 * `invalid_audio` (sample rate, channels or samples the format cannot take) or
 * `encode_failed` (the codec itself failed; not the caller's fault).
 */
export type EncodeErrorCode = 'unsupported_format' | 'invalid_audio' | 'encode_failed'

/**
 * Thrown by `encodeAudio` and `createEncoder`.
 *
 * @example
 * if (isTtsError(e) && e.code === 'unsupported_format') return badRequest(e.message)
 */
export class EncodeError extends TtsError {
  override readonly code: EncodeErrorCode

  constructor(code: EncodeErrorCode, message: string, options: TtsErrorOptions = {}) {
    super(code, message, options)
    this.name = 'EncodeError'
    this.code = code
  }
}
