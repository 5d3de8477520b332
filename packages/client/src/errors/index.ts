/**
 * @module errors — what `@tts/client` throws: `TtsError` from core as the one base, a few
 * subclasses for the cases an app handles differently, and guards that check the marker and
 * `code`, so they hold across bundles where `instanceof` fails.
 */
import { ConfigError, isConfigError } from '@tts/core/config'
import { isTtsError, TtsError } from '@tts/core/errors'
// Types only: limits.ts extends the classes here, so a value import would be a cycle.
import type { EdgeLimitError, InputRejectedError } from './limits.ts'

export { ConfigError, isConfigError, isTtsError, TtsError }

/**
 * The edge refused the request because of the caller (bad input, auth, payload too large):
 * a 4xx other than 408/429. Never masked as a fallback — the local voice would hide a bug.
 * `code` is the problem+json `code` (`invalid_request`, `unauthorized`, ...).
 *
 * @example
 * if (isEdgeRequestError(e) && e.code === 'unauthorized') askForANewKey()
 */
export class EdgeRequestError extends TtsError {
  readonly status: number
  /** The edge's id of the request (`request_id` / `x-request-id`): quote it when reporting. */
  readonly requestId: string | undefined

  constructor(
    status: number,
    code: string,
    message: string,
    details?: Record<string, unknown>,
    requestId?: string,
  ) {
    super(code, message, details === undefined ? {} : { details })
    this.name = 'EdgeRequestError'
    this.status = status
    this.requestId = requestId
  }
}

/**
 * The edge could not answer: network error, timeout, 5xx, 408/429, an open client-side
 * breaker, or an answer that was not audio. Thrown only when no local engine took over.
 *
 * @example
 * if (isEdgeUnavailableError(e)) showOfflineBanner()
 */
export class EdgeUnavailableError extends TtsError {
  readonly status: number | undefined
  /** The edge's `Retry-After`, in ms; core's `retry` waits this long before the next try. */
  readonly retryAfterMs: number | undefined
  /** The edge's id of the request (`request_id` / `x-request-id`), when it answered. */
  readonly requestId: string | undefined

  constructor(code: string, message: string, options: EdgeUnavailableOptions = {}) {
    const details: Record<string, unknown> = {}
    if (options.status !== undefined) details.status = options.status
    if (options.retryAfterMs !== undefined) details.retryAfterMs = options.retryAfterMs
    if (options.requestId !== undefined) details.requestId = options.requestId
    super(code, message, { cause: options.cause, details })
    this.name = 'EdgeUnavailableError'
    this.status = options.status
    this.retryAfterMs = options.retryAfterMs
    this.requestId = options.requestId
  }
}

/** Options of an {@link EdgeUnavailableError}. */
export interface EdgeUnavailableOptions {
  status?: number
  retryAfterMs?: number
  requestId?: string
  cause?: unknown
}

/**
 * No local engine could produce speech (none configured, none available here, or each failed).
 *
 * @example
 * if (isLocalEngineError(e)) console.warn('no device voice:', e.message)
 */
export class LocalEngineError extends TtsError {
  constructor(
    message: string,
    options: { cause?: unknown; details?: Record<string, unknown> } = {},
  ) {
    super('local_engine_unavailable', message, options)
    this.name = 'LocalEngineError'
  }
}

/**
 * The call was cancelled by its `signal` or by `stop()`.
 *
 * @example
 * if (isAbortedError(e)) return // the user pressed stop
 */
export class AbortedError extends TtsError {
  constructor(message = 'speech was cancelled', cause?: unknown) {
    super('aborted', message, cause === undefined ? {} : { cause })
    this.name = 'AbortedError'
  }
}

/**
 * The edge's audio stream broke after its first bytes: the connection was cut, the edge
 * aborted it, or it outran its deadline. What arrived was played (by `speak()`) but is cached
 * nowhere; the call fails with this error rather than speaking the rest with a local voice,
 * because the client cannot tell at which sentence the edge stopped (see the README).
 *
 * @example
 * if (isStreamInterruptedError(e)) showRetryButton(`cut after ${e.receivedBytes} bytes`)
 */
export class StreamInterruptedError extends TtsError {
  /** Audio bytes that had arrived before the cut. */
  readonly receivedBytes: number

  constructor(message: string, options: { receivedBytes: number; cause?: unknown }) {
    super('stream_interrupted', message, {
      cause: options.cause,
      details: { receivedBytes: options.receivedBytes },
    })
    this.name = 'StreamInterruptedError'
    this.receivedBytes = options.receivedBytes
  }
}

/**
 * A call's argument was malformed (empty text, speed out of range); the message names the
 * field and what is allowed. Bad `createTtsClient` options throw core's `ConfigError`.
 *
 * @example
 * try { await tts.synthesize('') } catch (e) { if (isInvalidRequestError(e)) console.warn(e.field) }
 */
export class InvalidRequestError extends TtsError {
  readonly field: string

  constructor(field: string, message: string) {
    super('invalid_request', message, { details: { field } })
    this.name = 'InvalidRequestError'
    this.field = field
  }
}

const is =
  <T extends TtsError>(...names: string[]) =>
  (value: unknown): value is T =>
    isTtsError(value) && names.includes(value.name)

/** True for an `EdgeRequestError` (an `InputRejectedError` too), even from another copy of this module. */
export const isEdgeRequestError = is<EdgeRequestError>('EdgeRequestError', 'InputRejectedError')
/** True for an `EdgeUnavailableError` (an `EdgeLimitError` too), even from another copy of this module. */
export const isEdgeUnavailableError = is<EdgeUnavailableError>(
  'EdgeUnavailableError',
  'EdgeLimitError',
)
/** True for an `EdgeLimitError` (429: `quota_exceeded`, `rate_limited`, `queue_full`). */
export const isEdgeLimitError = is<EdgeLimitError>('EdgeLimitError')
/** True for an `InputRejectedError` (422 `input_rejected`). */
export const isInputRejectedError = is<InputRejectedError>('InputRejectedError')
/** True for a `LocalEngineError`, even one from another copy of this module. */
export const isLocalEngineError = is<LocalEngineError>('LocalEngineError')
/** True for an `AbortedError`, even one from another copy of this module. */
export const isAbortedError = is<AbortedError>('AbortedError')
/** True for an `InvalidRequestError`, even one from another copy of this module. */
export const isInvalidRequestError = is<InvalidRequestError>('InvalidRequestError')
/** True for a `StreamInterruptedError`, even one from another copy of this module. */
export const isStreamInterruptedError = is<StreamInterruptedError>('StreamInterruptedError')
