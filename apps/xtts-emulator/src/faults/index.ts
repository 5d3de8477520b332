/**
 * @module faults — the failures the emulator injects on demand, and the one function that
 * turns a loose patch (flags, env JSON, `POST /__faults`) into a checked set.
 */

/** Retry-After seconds of an injected 429. */
export interface RateLimitFault {
  retryAfterS: number
}

/** Everything that can go wrong, all off by default. */
export interface Faults {
  /** Share of requests (0..1) answered with `errorStatus` instead of being served. */
  errorRate: number
  /** Status of those answers; 500 gives uvicorn's `text/plain` "Internal Server Error". */
  errorStatus: number
  /** Accept the request and never answer (the socket stays open until the caller gives up). */
  hang: boolean
  /** Extra delay before anything is sent, headers included. */
  firstByteDelayMs: number
  /** Destroy the socket after this many body bytes of an audio answer (no terminating chunk). */
  cutAfterBytes: number | null
  /** Answer 429 with `Retry-After`. */
  rateLimit: RateLimitFault | null
  /** Answer 200 with a body that is not audio (a proxy's HTML error page). */
  garbage: boolean
  /** Destroy every non-admin request's socket without a response: a network error. */
  down: boolean
  /**
   * Fail every synthesis whose text contains this (case-sensitive), as the real server fails
   * on input its model cannot take: `/tts_stream` a 200 with no body and no last chunk, `/tts`
   * and `/v1/audio/speech` a 500. Other texts are served: poison input, not a sick server.
   */
  failText: string | null
}

/** No faults. */
export const NO_FAULTS: Readonly<Faults> = Object.freeze({
  errorRate: 0,
  errorStatus: 500,
  hang: false,
  firstByteDelayMs: 0,
  cutAfterBytes: null,
  rateLimit: null,
  garbage: false,
  down: false,
  failText: null,
})

/** A bad fault patch; `message` says which field and what is allowed. */
export class FaultsError extends Error {
  override name = 'FaultsError'
}

const KEYS = Object.keys(NO_FAULTS)

function number(value: unknown, field: string, min: number, max: number, integer = false): number {
  if (
    typeof value !== 'number' ||
    !Number.isFinite(value) ||
    value < min ||
    value > max ||
    (integer && !Number.isInteger(value))
  ) {
    throw new FaultsError(
      `${field} must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max}, got ${JSON.stringify(value)}`,
    )
  }
  return value
}

function boolean(value: unknown, field: string): boolean {
  if (typeof value !== 'boolean')
    throw new FaultsError(`${field} must be true or false, got ${JSON.stringify(value)}`)
  return value
}

/**
 * Applies a patch to `base`; fields not in the patch keep their value.
 *
 * @example
 * mergeFaults(NO_FAULTS, { errorRate: 1, errorStatus: 503 })
 */
export function mergeFaults(base: Readonly<Faults>, patch: unknown): Faults {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) {
    throw new FaultsError(`faults must be a JSON object with any of: ${KEYS.join(', ')}`)
  }
  const next: Faults = { ...base }
  for (const [key, value] of Object.entries(patch)) {
    switch (key) {
      case 'errorRate':
        next.errorRate = number(value, key, 0, 1)
        break
      case 'errorStatus':
        next.errorStatus = number(value, key, 400, 599, true)
        break
      case 'hang':
        next.hang = boolean(value, key)
        break
      case 'firstByteDelayMs':
        next.firstByteDelayMs = number(value, key, 0, 600_000)
        break
      case 'cutAfterBytes':
        next.cutAfterBytes = value === null ? null : number(value, key, 0, 2 ** 31, true)
        break
      case 'rateLimit':
        if (value === null) next.rateLimit = null
        else if (typeof value === 'object' && !Array.isArray(value)) {
          const retryAfterS = (value as { retryAfterS?: unknown }).retryAfterS ?? 1
          next.rateLimit = {
            retryAfterS: number(retryAfterS, 'rateLimit.retryAfterS', 0, 86_400, true),
          }
        } else
          throw new FaultsError(
            `rateLimit must be null or {"retryAfterS": seconds}, got ${JSON.stringify(value)}`,
          )
        break
      case 'garbage':
        next.garbage = boolean(value, key)
        break
      case 'down':
        next.down = boolean(value, key)
        break
      case 'failText':
        if (value !== null && (typeof value !== 'string' || value === '' || value.length > 1000))
          throw new FaultsError(
            `failText must be null or a string of 1 to 1000 characters, got ${JSON.stringify(value)}`,
          )
        next.failText = value
        break
      default:
        throw new FaultsError(`unknown fault '${key}'; known: ${KEYS.join(', ')}`)
    }
  }
  return next
}

/**
 * True when `faults.failText` makes a synthesis of `text` fail.
 *
 * @example
 * if (failsOn(faults, input.text)) return sendError(res, 500)
 */
export function failsOn(faults: Readonly<Faults>, text: string): boolean {
  return faults.failText !== null && text.includes(faults.failText)
}
