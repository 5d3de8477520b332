/**
 * @module resilience/classify — which failures are worth another try (and count against a
 * breaker), and how long a failure asked us to wait. Duck-typed, so our `HttpStatusError`,
 * ky's `HTTPError` (`error.response`) and any `{ status }` error all work.
 */

import { isTtsError } from '../errors/index.ts'
import { parseRetryAfter } from './errors.ts'

interface ResponseLike {
  status?: unknown
  headers?: { get?: (name: string) => string | null }
}

function fieldOf(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null
    ? (value as Record<string, unknown>)[key]
    : undefined
}

/**
 * The HTTP status a failure carries (`error.status` or `error.response.status`), if any.
 *
 * @example
 * httpStatusOf(new HttpStatusError(503, 'busy')) // 503
 */
export function httpStatusOf(error: unknown): number | undefined {
  const own = fieldOf(error, 'status')
  if (typeof own === 'number') return own
  const fromResponse = (fieldOf(error, 'response') as ResponseLike | undefined)?.status
  return typeof fromResponse === 'number' ? fromResponse : undefined
}

/**
 * How long, in ms, a failure asked us to wait: `error.retryAfterMs`, or the `Retry-After`
 * header of `error.response`. `undefined` when it did not say.
 *
 * @example
 * retryAfterOf(new HttpStatusError(429, 'slow down', { retryAfterMs: 2000 })) // 2000
 */
export function retryAfterOf(error: unknown, now: () => number = Date.now): number | undefined {
  const own = fieldOf(error, 'retryAfterMs')
  if (typeof own === 'number' && Number.isFinite(own)) return Math.max(0, own)
  const response = fieldOf(error, 'response') as ResponseLike | undefined
  const header =
    typeof response?.headers?.get === 'function' ? response.headers.get('retry-after') : null
  return parseRetryAfter(header, now())
}

/**
 * True when the caller gave up (an `AbortSignal` fired): neither the upstream's fault nor
 * worth retrying.
 *
 * @example
 * if (isAbortError(e)) return // the user navigated away
 */
export function isAbortError(error: unknown): boolean {
  return fieldOf(error, 'name') === 'AbortError'
}

/** Statuses that say "try again": request timeout, too many requests, any server error. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || (status >= 500 && status <= 599)
}

/**
 * The default "is this failure transient?" rule used by `retry` (should we try again?) and
 * by the breaker (does it count against the upstream?):
 * - an HTTP status decides by itself: 408, 429 and 5xx yes, anything else (400, 401, 404 …) no;
 * - a caller's abort, an open circuit and a full gate are not retried (the caller has moved
 *   on, or should fail over rather than wait), nor are bad input (`invalid_request`, `invalid_options` …) and our
 *   own bugs (`ReferenceError`, `SyntaxError`): another try gives the same answer;
 * - timeouts and everything else — network errors are a `TypeError` from `fetch` in browsers
 *   and Node but a plain `Error` in workerd; a truncated upstream stream is a `TtsError` —
 *   are.
 *
 * @example
 * isTransientError(new HttpStatusError(404, 'no such voice')) // false
 */
export function isTransientError(error: unknown): boolean {
  const status = httpStatusOf(error)
  if (status !== undefined) return isRetryableStatus(status)
  if (isAbortError(error)) return false
  if (error instanceof ReferenceError || error instanceof SyntaxError) return false
  if (isTtsError(error) && NOT_TRANSIENT_CODES.test(error.code)) return false
  return true
}

// Not `invalid_.*`: `invalid_audio` (a truncated upstream stream) is worth another try.
const NOT_TRANSIENT_CODES =
  /^(circuit_open|upstream_busy|unauthorized|forbidden|invalid_options|invalid_request|payload_too_large)$/
