/**
 * @module config/format — turns zod issues into `ConfigError` sentences: the field, what is
 * wrong with its value, what is allowed. zod's own messages name the type, not the field or
 * the allowed range, and its `input` would echo secrets.
 */
import type { z } from 'zod'
import { isSecretField } from '../log/redact.ts'
import { DEFAULTS, LIMITS } from './defaults.ts'
import { ENDPOINT_ALLOWED } from './endpoint.ts'
import { ConfigError, type ConfigIssue } from './errors.ts'

const range = (b: { min: number; max: number }) => `an integer from ${b.min} to ${b.max}`

/** What each known field allows, for error messages. */
export const ALLOWED_VALUES: Readonly<Record<string, string>> = {
  endpoint: ENDPOINT_ALLOWED,
  apiKey: `${LIMITS.apiKeyLength.min} to ${LIMITS.apiKeyLength.max} printable ASCII characters without spaces, or nothing`,
  timeoutMs: `${range(LIMITS.timeoutMs)} (milliseconds, default ${DEFAULTS.timeoutMs})`,
  maxRetries: `${range(LIMITS.maxRetries)} (default ${DEFAULTS.maxRetries})`,
  cacheTtlMs: `${range(LIMITS.cacheTtlMs)} (milliseconds, default ${DEFAULTS.cacheTtlMs} = 7 days)`,
  cacheMaxBytes: `${range(LIMITS.cacheMaxBytes)} (bytes, default ${DEFAULTS.clientCacheMaxBytes} = 100 MiB)`,
  logLevel: `one of debug, info, warn, error (default ${DEFAULTS.logLevel})`,
  debug: 'true or false ("true", "false", "1", "0" also read)',
}

/**
 * Builds a `ConfigError` from zod issues. `knownFields` lists the fields of the schema, shown
 * when an unknown field is found.
 *
 * @example
 * const r = schema.safeParse(input, { reportInput: true })
 * if (!r.success) throw toConfigError(r.error.issues, Object.keys(shape))
 */
export function toConfigError(
  issues: readonly z.core.$ZodIssue[],
  knownFields: readonly string[],
): ConfigError {
  return new ConfigError(issues.flatMap((issue) => describeIssue(issue, knownFields)))
}

function describeIssue(issue: z.core.$ZodIssue, knownFields: readonly string[]): ConfigIssue[] {
  const field = issue.path.map(String).join('.')
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => {
      const fullKey = field === '' ? key : `${field}.${key}`
      const hint = suggest(key, knownFields)
      return {
        field: fullKey,
        message: `\`${fullKey}\` is not a known field${hint}; allowed fields: ${knownFields.join(', ')}`,
      }
    })
  }
  // Messages of our own refinements are complete sentences already.
  if (issue.code === 'custom') return [{ field, message: issue.message }]
  if (field === '') {
    return [
      {
        field: '(config)',
        message: `the config is ${issue.input === undefined ? 'missing' : show(issue.input, false)}; allowed: an object with the fields ${knownFields.join(', ')}`,
      },
    ]
  }
  const secret = isSecretField(field)
  const allowed = ALLOWED_VALUES[field] ?? issue.message
  return [{ field, message: `\`${field}\` ${problem(issue, secret)}; allowed: ${allowed}` }]
}

function problem(issue: z.core.$ZodIssue, secret: boolean): string {
  if (issue.input === undefined) return 'is required'
  const value = show(issue.input, secret)
  switch (issue.code) {
    case 'invalid_type':
      return issue.expected === 'int' ? `is ${value}, not an integer` : `is ${value}`
    case 'too_small':
      return issue.origin === 'string' ? 'is too short' : `is ${value}, below the minimum`
    case 'too_big':
      return issue.origin === 'string' ? 'is too long' : `is ${value}, above the maximum`
    case 'invalid_format':
      return secret
        ? 'contains spaces or characters that are not printable ASCII'
        : `is ${value}, not in the expected format`
    default:
      return `is ${value}`
  }
}

function show(value: unknown, secret: boolean): string {
  if (secret) return typeof value === 'string' ? 'a string (value hidden)' : kind(value)
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  if (typeof value === 'string') {
    const cut = value.length > 40 ? `${value.slice(0, 40)}…` : value
    return `the string ${JSON.stringify(cut)}`
  }
  return kind(value)
}

function kind(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  if (typeof value === 'object') return 'an object'
  return `a ${typeof value}`
}

function suggest(key: string, known: readonly string[]): string {
  const lower = key.toLowerCase().replace(/[^a-z0-9]/g, '')
  const match = known.find((k) => {
    const candidate = k.toLowerCase()
    return lower.length >= 3 && (candidate.startsWith(lower) || lower.startsWith(candidate))
  })
  return match === undefined ? '' : ` (did you mean \`${match}\`?)`
}
