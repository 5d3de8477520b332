/**
 * @module audio/errors — the one error type of the audio module. Every failure is
 * `invalid_audio` (the edge answers such upstream audio as a failure and never caches it); the
 * `reason` in `details` tells the cases apart for logs and tests.
 */
import { isTtsError, TtsError } from '../errors/index.ts'

/** Why audio was rejected. */
export type AudioErrorReason =
  | 'not_wav'
  | 'truncated'
  | 'malformed'
  | 'unsupported_format'
  | 'format_mismatch'
  | 'invalid_argument'
  | 'empty'
  | 'partial_frame'
  | 'silent'
  | 'too_short'
  | 'too_long'

/**
 * Audio that cannot be parsed, joined or trusted.
 *
 * @example
 * try { parseWav(bytes) } catch (e) { if (isAudioError(e)) log.warn(e.message, e.details) }
 */
export class AudioError extends TtsError {
  readonly reason: AudioErrorReason

  constructor(reason: AudioErrorReason, message: string, details: Record<string, unknown> = {}) {
    super('invalid_audio', message, { details: { reason, ...details } })
    this.name = 'AudioError'
    this.reason = reason
  }
}

/**
 * True for an `AudioError`, even one from another copy of this module.
 *
 * @example
 * if (isAudioError(e) && e.reason === 'truncated') breaker.failure()
 */
export function isAudioError(value: unknown): value is AudioError {
  return isTtsError(value) && value.code === 'invalid_audio'
}
