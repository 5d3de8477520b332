/**
 * @module errors/limits — the edge's refusals an app handles on their own: a 429 (`quota_exceeded`:
 * the key's work quota is spent; `rate_limited`: too many requests; `queue_full`: the tenant's
 * prefetch queue is full), and a 422 `input_rejected` (the upstream model fails on this input).
 * Subclasses of the two edge errors, so code written against those keeps working.
 */
import { EdgeRequestError, EdgeUnavailableError } from './index.ts'

/** The 429 codes of the edge. */
export type EdgeLimitCode = 'quota_exceeded' | 'rate_limited' | 'queue_full'

/** Where one quota window stood, from the edge's `x-ratelimit-*-characters[-day]` headers. */
export interface QuotaWindowFigures {
  /** Characters of synthesis the window allows. */
  limit: number
  /** Characters left in it. */
  remaining: number
  /** Milliseconds until it starts afresh. */
  resetMs: number
}

/** The windows the edge reported; only those the key has are present. */
export interface RateLimitFigures {
  minute?: QuotaWindowFigures
  day?: QuotaWindowFigures
}

/**
 * The edge refused for a limit (429). `code` says which: `quota_exceeded` (characters per
 * minute or day spent; `limits` holds the figures, `retryAfterMs` when the window resets),
 * `rate_limited` (requests per key), `queue_full` (the tenant's prefetch queue). An
 * `EdgeUnavailableError` too: with a local engine the client speaks locally and says why in the
 * `fallback` event (`reason` is the code).
 *
 * @example
 * if (isEdgeLimitError(e) && e.code === 'quota_exceeded')
 *   notify(`speech quota used up; back in ${Math.ceil((e.retryAfterMs ?? 0) / 1000)} s`)
 */
export class EdgeLimitError extends EdgeUnavailableError {
  declare readonly code: EdgeLimitCode
  /** The edge's quota windows at the refusal (empty for `rate_limited` and `queue_full`). */
  readonly limits: RateLimitFigures

  constructor(
    code: EdgeLimitCode,
    message: string,
    options: {
      retryAfterMs?: number
      requestId?: string
      limits?: RateLimitFigures
      cause?: unknown
    } = {},
  ) {
    super(code, message, { ...options, status: 429 })
    this.name = 'EdgeLimitError'
    this.limits = options.limits ?? {}
    if (this.details && Object.keys(this.limits).length > 0) this.details.limits = this.limits
  }
}

/**
 * The upstream model cannot synthesize this input (422 `input_rejected`): it failed on this
 * text and language repeatedly while other text succeeded; the edge remembers that for a few
 * minutes. The edge is up, so this never counts against the client's breaker. With a local
 * engine the text is spoken locally (`fallback` event with `reason: 'input_rejected'`); without
 * one the call fails with this error at once, with no retry. An `EdgeRequestError` too.
 *
 * @example
 * if (isInputRejectedError(e)) showHint('try rewording this sentence')
 */
export class InputRejectedError extends EdgeRequestError {
  constructor(message: string, requestId?: string) {
    super(422, 'input_rejected', message, { status: 422 }, requestId)
    this.name = 'InputRejectedError'
  }
}
