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

/**
 * The check every streaming encoder's `push` makes first: not after its end, and whole frames
 * of interleaved samples only.
 *
 * @example
 * push(pcm) { checkPush(done, pcm, channels); ... }
 */
export function checkPush(done: boolean, pcm: Int16Array, channels: number): void {
  if (done) throw new EncodeError('encode_failed', 'push() after end() or abort()')
  if (pcm.length % channels !== 0) {
    throw new EncodeError(
      'invalid_audio',
      `${pcm.length} samples do not make whole frames of ${channels} channels`,
    )
  }
}
