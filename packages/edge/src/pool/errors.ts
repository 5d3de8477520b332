/**
 * @module pool/errors — what the pool answers when it cannot serve, as plain data (errors
 * lose their class and fields on the way back over RPC) and as the error the app turns into
 * a problem+json answer with `Retry-After`.
 */
import { TtsError } from '@tts/core/errors'
import { isDeadlineError } from '../upstream/errors.ts'

/** Codes the pool answers with when no upstream served. */
export type PoolErrorCode =
  | 'circuit_open'
  | 'upstream_busy'
  | 'upstream_unavailable'
  | 'upstream_timeout'
  | 'upstream_error'
  | 'input_rejected'
  | 'upstream_invalid_audio'
  | 'upstream_truncated'
  | 'unknown_voice'
  | 'invalid_request'
  | 'not_implemented'

/** A failure as it crosses RPC. */
export interface PoolFailure {
  ok: false
  code: PoolErrorCode
  message: string
  retryAfterS?: number
}

const KNOWN = new Set<string>([
  'circuit_open',
  'upstream_busy',
  'upstream_unavailable',
  'upstream_timeout',
  'upstream_error',
  'input_rejected',
  'upstream_invalid_audio',
  'upstream_truncated',
  'unknown_voice',
  'invalid_request',
  'not_implemented',
])

/**
 * The pool could not serve: a `TtsError` whose `retryAfterS` becomes the `Retry-After` header.
 *
 * @example
 * throw new PoolError('circuit_open', 'every upstream circuit is open', 42)
 */
export class PoolError extends TtsError {
  readonly retryAfterS: number | undefined

  constructor(code: PoolErrorCode, message: string, retryAfterS?: number) {
    super(code, message, retryAfterS === undefined ? {} : { details: { retryAfterS } })
    this.name = 'PoolError'
    this.retryAfterS = retryAfterS
  }
}

/** Codes that mean "nothing could serve now": stale copies and deferred synthesis apply. */
export const UNSERVED_CODES: ReadonlySet<string> = new Set([
  'circuit_open',
  'upstream_busy',
  'upstream_unavailable',
  'upstream_timeout',
])

/**
 * Any error as a failure that can cross RPC.
 *
 * @example
 * return toFailure(error) // { ok: false, code: 'upstream_timeout', message: '…' }
 */
export function toFailure(error: unknown, retryAfterS?: number): PoolFailure {
  const e = error as { message?: string; retryAfterS?: number } | null
  const code = failureCode(error)
  const message =
    code === 'upstream_timeout'
      ? 'the upstream did not answer in time'
      : (e?.message ?? 'the upstream failed')
  const after = retryAfterS ?? e?.retryAfterS
  return { ok: false, code, message, ...(after === undefined ? {} : { retryAfterS: after }) }
}

/**
 * The pool code of any error: a deadline or a caller's departure in whatever form it took
 * (see `isDeadlineError`) is `upstream_timeout`, a known code is itself, anything else
 * `upstream_error`.
 *
 * @example
 * failureCode(new DOMException('The operation was aborted due to timeout', 'TimeoutError')) // 'upstream_timeout'
 */
export function failureCode(error: unknown): PoolErrorCode {
  if (isDeadlineError(error)) return 'upstream_timeout'
  const code = (error as { code?: unknown } | null)?.code
  return typeof code === 'string' && KNOWN.has(code) ? (code as PoolErrorCode) : 'upstream_error'
}

/** The error for a failure that came back over RPC. */
export function fromFailure(failure: PoolFailure): PoolError {
  return new PoolError(failure.code, failure.message, failure.retryAfterS)
}
