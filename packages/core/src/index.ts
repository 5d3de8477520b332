/**
 * @module @tts/core — runtime-agnostic building blocks shared by the edge, the client and the
 * CLI. Import a subpath (`@tts/core/resilience`, `/crypto`, ...) to take only what you need.
 */

export type { TtsErrorOptions } from './errors/index.ts'
export { isTtsError, TtsError } from './errors/index.ts'
