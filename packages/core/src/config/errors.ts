/** @module config/errors — `ConfigError`: bad configuration, naming the field and what is allowed. */
import { isTtsError, TtsError, type TtsErrorOptions } from '../errors/index.ts'

/** One problem found in a configuration. */
export interface ConfigIssue {
  /** Dotted path of the field, e.g. `timeoutMs`. */
  field: string
  /** A sentence naming the field, what is wrong with its value and what is allowed. */
  message: string
}

/**
 * Thrown when a configuration is invalid (code `invalid_config`). Its message names each bad
 * field, the value's problem and what is allowed; it never holds a secret value.
 *
 * @example
 * try { parseClientConfig(opts) } catch (e) { if (isConfigError(e)) console.error(e.message) }
 * // "`timeoutMs` is -5, below the minimum; allowed: an integer from 1 to 600000 (milliseconds, default 3000)"
 */
export class ConfigError extends TtsError {
  /** The first bad field. */
  readonly field: string
  readonly issues: readonly ConfigIssue[]

  constructor(issues: readonly ConfigIssue[], options: TtsErrorOptions = {}) {
    const first = issues[0] ?? { field: '(config)', message: 'configuration is invalid' }
    super('invalid_config', issues.map((issue) => issue.message).join('; ') || first.message, {
      ...options,
      details: { fields: issues.map((issue) => issue.field), ...options.details },
    })
    this.name = 'ConfigError'
    this.field = first.field
    this.issues = issues
  }
}

/**
 * True for a `ConfigError`, even one made by another copy of this module.
 *
 * @example
 * if (isConfigError(e)) exitWith(e.message)
 */
export function isConfigError(value: unknown): value is ConfigError {
  return isTtsError(value) && value.code === 'invalid_config' && value.name === 'ConfigError'
}
