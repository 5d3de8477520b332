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

// workerd's own words for a call cut off by a deadline or a departed caller; they reach us as
// plain `Error`s (no name, no code) when the abort crossed an RPC or a stream boundary.
const DEADLINE_MESSAGES =
  /aborted due to timeout|operation was aborted|signal is aborted|network connection lost|the caller went away|request (was )?cancell?ed|script will never generate a response|every listener went away/i

/**
 * True when `error` says a deadline passed or the caller went away, in any of the forms it
 * can take: our `TimeoutError` (code `timeout`), an `upstream_timeout`, a `DOMException`
 * named `TimeoutError`/`AbortError` or with legacy code 23 (TIMEOUT_ERR) or 20 (ABORT_ERR),
 * workerd's messages ("The operation was aborted due to timeout", "Network connection
 * lost" on a cancelled call), or any of these as a `cause`. An error that carries an
 * upstream status or another string code of ours is what it says, not a deadline.
 *
 * @example
 * isDeadlineError(new DOMException('The operation was aborted due to timeout', 'TimeoutError')) // true
 */
export function isDeadlineError(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > 4) return false
  const e = error as { name?: unknown; code?: unknown; message?: unknown; cause?: unknown }
  if (e.code === 'timeout' || e.code === 'upstream_timeout') return true
  // `upstream_unavailable` wrapping "Network connection lost" is a real network failure.
  if (
    typeof e.code === 'string' ||
    typeof (e as { upstreamStatus?: unknown }).upstreamStatus === 'number'
  )
    return false
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return true
  if (e.code === 23 || e.code === 20) return true
  if (typeof e.message === 'string' && DEADLINE_MESSAGES.test(e.message)) return true
  return isDeadlineError(e.cause, depth + 1)
}
