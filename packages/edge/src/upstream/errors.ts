/**
 * @module upstream/errors — failures of an upstream synthesis. Every one of them is "not
 * cached, counts against the breaker"; the app maps them to 5xx problems.
 */
import { TtsError } from '@tts/core/errors'

/** Codes of upstream failures. */
export type UpstreamErrorCode =
  | 'upstream_unavailable'
  | 'upstream_error'
  | 'upstream_invalid_audio'
  | 'upstream_truncated'
  | 'upstream_timeout'
  | 'upstream_busy'
  | 'not_implemented'

/**
 * A failed call to an upstream server.
 *
 * @example
 * throw new UpstreamError('upstream_error', 'the upstream answered 500', { status: 500 })
 */
export class UpstreamError extends TtsError {
  readonly upstreamStatus: number | undefined
  readonly retryAfterS: number | undefined

  constructor(
    code: UpstreamErrorCode,
    message: string,
    options: { status?: number; retryAfterS?: number; cause?: unknown } = {},
  ) {
    super(code, message, options.cause === undefined ? {} : { cause: options.cause })
    this.name = 'UpstreamError'
    this.upstreamStatus = options.status
    this.retryAfterS = options.retryAfterS
  }
}
