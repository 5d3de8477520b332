/**
 * @module client/hold-off — keeps calls off the edge while a limit it refused for lasts: after a
 * 429 (`quota_exceeded`, `rate_limited`) with `Retry-After`, every call before then would only
 * earn the same fast refusal, a round trip spent before the local voice starts. Until that time
 * the pipeline answers with the refusal it has; the first call after it asks the edge again.
 * Not the breaker's job: the edge is up, and a limit never counts against it.
 */
import { isEdgeLimitError } from '../errors/index.ts'

/** The refusal in force and when it ends; `note` starts one. */
export interface HoldOff {
  /** The limit refusal still in force (calls skip the edge), or undefined. */
  refusal(): unknown
  /** When the hold-off of `error` ends (client clock, ms), while it lasts. */
  until(error: unknown): number | undefined
  /** Starts holding off when `error` is a limit refusal that says when to come back. */
  note(error: unknown): void
}

/**
 * Makes the hold-off, on the client's clock.
 *
 * @example
 * const holdOff = createHoldOff(Date.now)
 * holdOff.note(error) // an EdgeLimitError with retryAfterMs: 30_000
 * holdOff.refusal() // that error, for the next 30 s
 */
export function createHoldOff(now: () => number): HoldOff {
  let held: unknown
  let end = 0
  const until = (error: unknown) => (error === held && now() < end ? end : undefined)
  return {
    refusal: () => (until(held) === undefined ? undefined : held),
    until,
    note(error) {
      if (!isEdgeLimitError(error) || error.retryAfterMs === undefined) return
      held = error
      end = now() + error.retryAfterMs
    },
  }
}
