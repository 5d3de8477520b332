/**
 * @module errors — the one error base of tts-edge (`TtsError`, a string `code`, a `cause`)
 * and guards that check a marker property, so they hold across bundles and realms where
 * `instanceof` fails.
 */

const MARKER = Symbol.for('tts-edge.error')

/** Options every `TtsError` takes. */
export interface TtsErrorOptions {
  cause?: unknown
  /** Extra, non-secret facts for logs and problem+json bodies. */
  details?: Record<string, unknown>
}

/**
 * The base of every error tts-edge throws on purpose.
 *
 * @example
 * throw new TtsError('invalid_request', '`speed` must be between 0.25 and 4.0, got 9')
 */
export class TtsError extends Error {
  readonly [MARKER] = true
  readonly code: string
  readonly details: Record<string, unknown> | undefined

  constructor(code: string, message: string, options: TtsErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'TtsError'
    this.code = code
    this.details = options.details
  }
}

/**
 * True for any `TtsError`, even one made by another copy of this module.
 *
 * @example
 * if (isTtsError(e) && e.code === 'circuit_open') useLocalVoice()
 */
export function isTtsError(value: unknown): value is TtsError {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Record<symbol, unknown>)[MARKER] === true
  )
}
