/**
 * @module resilience/errors — the typed errors the resilience policies throw, and the
 * `HttpStatusError` callers throw to tell retry and breaker "this failure had status N".
 * Guards check `code`/`name` on a `TtsError`, so they hold across bundles where
 * `instanceof` fails.
 */

import { isTtsError, TtsError } from '../errors/index.ts'

/**
 * Thrown when the circuit is open (or half-open with its one probe already out).
 * `retryAfterMs` says when the breaker may let a call through again.
 *
 * @example
 * if (isBrokenCircuitError(e)) return problem(503, 'circuit_open', { retryAfterMs: e.retryAfterMs })
 */
export class BrokenCircuitError extends TtsError {
  readonly retryAfterMs: number

  constructor(retryAfterMs: number) {
    super('circuit_open', `circuit is open; next attempt allowed in ${retryAfterMs} ms`, {
      details: { retryAfterMs },
    })
    this.name = 'BrokenCircuitError'
    this.retryAfterMs = retryAfterMs
  }
}

/**
 * Thrown when a time budget ran out: `withTimeout`'s limit or `retry`'s overall deadline.
 *
 * @example
 * throw new TimeoutError(3000)
 */
export class TimeoutError extends TtsError {
  readonly timeoutMs: number

  constructor(timeoutMs: number, message = `operation timed out after ${timeoutMs} ms`) {
    super('timeout', message, { details: { timeoutMs } })
    this.name = 'TimeoutError'
    this.timeoutMs = timeoutMs
  }
}

/**
 * Thrown at once when a concurrency gate's slots and wait queue are all taken.
 *
 * @example
 * if (isGateFullError(e)) return problem(503, 'upstream_busy')
 */
export class GateFullError extends TtsError {
  constructor(limit: number, maxQueue: number) {
    super('upstream_busy', `all ${limit} slots are busy and the wait queue (${maxQueue}) is full`, {
      details: { limit, maxQueue },
    })
    this.name = 'GateFullError'
  }
}

/**
 * Thrown to a waiter of a concurrency gate whose wait reached its deadline.
 *
 * @example
 * if (isGateTimeoutError(e)) return problem(503, 'upstream_busy')
 */
export class GateTimeoutError extends TtsError {
  constructor(waitedMs: number) {
    super('upstream_busy', `no slot became free within ${waitedMs} ms`, { details: { waitedMs } })
    this.name = 'GateTimeoutError'
  }
}

/** What an `HttpStatusError` carries besides its status. */
export interface HttpStatusErrorOptions {
  /** How long the server asked us to wait (already parsed; see `parseRetryAfter`). */
  retryAfterMs?: number
  cause?: unknown
}

/**
 * A failure with an HTTP status, so `retry` can tell 408/429/5xx (retry) from other 4xx (do
 * not) and honour `Retry-After`. Build one from a `fetch` response with `fromResponse`.
 *
 * @example
 * const res = await fetch(url, { signal })
 * if (!res.ok) throw HttpStatusError.fromResponse(res)
 */
export class HttpStatusError extends TtsError {
  readonly status: number
  readonly retryAfterMs: number | undefined

  constructor(status: number, message: string, options: HttpStatusErrorOptions = {}) {
    const details: Record<string, unknown> = { status }
    if (options.retryAfterMs !== undefined) details.retryAfterMs = options.retryAfterMs
    super('http_status', message, { cause: options.cause, details })
    this.name = 'HttpStatusError'
    this.status = status
    this.retryAfterMs = options.retryAfterMs
  }

  /**
   * The error for a non-OK response, with its `Retry-After` parsed against `now`.
   * The body is left unread; cancel it if you will not read it.
   */
  static fromResponse(
    response: Pick<Response, 'status' | 'statusText' | 'headers' | 'url'>,
    now: () => number = Date.now,
  ): HttpStatusError {
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), now())
    const where = response.url ? ` from ${new URL(response.url).origin}` : ''
    return new HttpStatusError(
      response.status,
      `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}${where}`,
      retryAfterMs === undefined ? {} : { retryAfterMs },
    )
  }
}

/**
 * A `Retry-After` header value in milliseconds from `nowMs`: delta-seconds (`"120"`) or an
 * HTTP-date (`"Wed, 21 Oct 2026 07:28:00 GMT"`). A date in the past gives 0; a missing or
 * malformed value gives `undefined`.
 *
 * @example
 * parseRetryAfter('3', Date.now()) // 3000
 */
export function parseRetryAfter(
  value: string | null | undefined,
  nowMs: number,
): number | undefined {
  if (value == null) return undefined
  const text = value.trim()
  if (/^\d+$/.test(text)) return Number(text) * 1000
  // RFC 9110 dates always name the weekday and the zone; requiring letters keeps odd
  // numeric strings ("1.5", "-3") from being read as dates by the lenient Date.parse.
  if (!/^[A-Za-z]{3},/.test(text)) return undefined
  const at = Date.parse(text)
  if (Number.isNaN(at)) return undefined
  return Math.max(0, at - nowMs)
}

/** True for the breaker's `circuit_open` error, even from another copy of this module. */
export function isBrokenCircuitError(value: unknown): value is BrokenCircuitError {
  return isTtsError(value) && value.code === 'circuit_open'
}

/** True for a `TimeoutError` of this module (code `timeout`). */
export function isTimeoutError(value: unknown): value is TimeoutError {
  return isTtsError(value) && value.code === 'timeout'
}

/** True when a concurrency gate refused at once because its queue was full. */
export function isGateFullError(value: unknown): value is GateFullError {
  return isTtsError(value) && value.code === 'upstream_busy' && value.name === 'GateFullError'
}

/** True when a concurrency gate's waiter gave up at its deadline. */
export function isGateTimeoutError(value: unknown): value is GateTimeoutError {
  return isTtsError(value) && value.code === 'upstream_busy' && value.name === 'GateTimeoutError'
}
