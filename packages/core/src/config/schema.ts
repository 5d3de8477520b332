/**
 * @module config/schema — the zod schema of the client's settings, shared with the CLI and the
 * edge. Numbers and booleans also come as strings (env vars, CLI flags, wrangler vars), so
 * `"5000"`, `"true"` and `"1"` are read as what they say; anything else is an error.
 */
import { z } from 'zod'
import { LOG_LEVELS, type LogLevel } from '../log/types.ts'
import { DEFAULTS, LIMITS } from './defaults.ts'
import { endpointBase, parseEndpoint } from './endpoint.ts'
import { isConfigError } from './errors.ts'
import { toConfigError } from './format.ts'

const numberish = (value: unknown) =>
  typeof value === 'string' && /^\s*-?\d+(?:\.\d+)?\s*$/.test(value) ? Number(value) : value

const BOOLEAN_WORDS: Record<string, boolean> = { true: true, '1': true, false: false, '0': false }
const booleanish = (value: unknown) =>
  typeof value === 'string' ? (BOOLEAN_WORDS[value.trim().toLowerCase()] ?? value) : value

const integer = (bounds: { min: number; max: number }, fallback: number) =>
  z.preprocess(numberish, z.number().int().min(bounds.min).max(bounds.max)).default(fallback)

// An empty or blank key (an unset env var, a cleared field) means "no key", not an error.
const optionalKey = (value: unknown) => {
  if (typeof value !== 'string') return value
  const trimmed = value.trim()
  return trimmed === '' ? undefined : trimmed
}

/**
 * The fields of the client config, without the rule that ties `endpoint` to `debug`; spread it
 * into a larger `z.strictObject` to extend the config (the CLI does), then apply
 * `checkEndpointScheme`.
 *
 * @example
 * const cliSchema = z.strictObject({ ...clientConfigShape, keychain: z.boolean().default(true) })
 *   .transform(checkEndpointScheme)
 */
export const clientConfigShape = {
  endpoint: z.union([z.string(), z.instanceof(URL)]).superRefine((value, ctx) => {
    try {
      // Scheme-independent rules here; HTTPS is checked once `debug` is known.
      parseEndpoint(value, { debug: true })
    } catch (error) {
      if (!isConfigError(error)) throw error
      ctx.addIssue({ code: 'custom', message: error.message })
    }
  }),
  apiKey: z.preprocess(
    optionalKey,
    z
      .string()
      .min(LIMITS.apiKeyLength.min)
      .max(LIMITS.apiKeyLength.max)
      .regex(/^[\x21-\x7e]+$/)
      .optional(),
  ),
  timeoutMs: integer(LIMITS.timeoutMs, DEFAULTS.timeoutMs),
  maxRetries: integer(LIMITS.maxRetries, DEFAULTS.maxRetries),
  cacheTtlMs: integer(LIMITS.cacheTtlMs, DEFAULTS.cacheTtlMs),
  cacheMaxBytes: integer(LIMITS.cacheMaxBytes, DEFAULTS.clientCacheMaxBytes),
  logLevel: z
    .preprocess((v) => (typeof v === 'string' ? v.trim().toLowerCase() : v), z.enum(LOG_LEVELS))
    .default(DEFAULTS.logLevel),
  debug: z.preprocess(booleanish, z.boolean()).default(DEFAULTS.debug),
}

/** Settings as written by a user: strings allowed where the comment above says. */
export interface ClientConfigInput {
  endpoint: string | URL
  apiKey?: string | undefined
  timeoutMs?: number | string | undefined
  maxRetries?: number | string | undefined
  cacheTtlMs?: number | string | undefined
  cacheMaxBytes?: number | string | undefined
  logLevel?: LogLevel | Uppercase<LogLevel> | undefined
  debug?: boolean | 'true' | 'false' | '1' | '0' | undefined
}

/** Settings after parsing: defaults applied, `endpoint` a base URL without a trailing slash. */
export interface ClientConfig {
  endpoint: string
  apiKey?: string
  timeoutMs: number
  maxRetries: number
  cacheTtlMs: number
  cacheMaxBytes: number
  logLevel: LogLevel
  debug: boolean
}

/**
 * Applies the HTTPS rule (loopback or debug excepted) to a parsed config and normalises the
 * endpoint; for use in `.transform()` of schemas built on `clientConfigShape`.
 *
 * @example
 * z.strictObject(clientConfigShape).transform(checkEndpointScheme)
 */
export function checkEndpointScheme<T extends { endpoint: string | URL; debug: boolean }>(
  config: T,
  ctx: z.core.$RefinementCtx<T>,
): Omit<T, 'endpoint'> & { endpoint: string } {
  try {
    return {
      ...config,
      endpoint: endpointBase(parseEndpoint(config.endpoint, { debug: config.debug })),
    }
  } catch (error) {
    if (!isConfigError(error)) throw error
    ctx.addIssue({ code: 'custom', path: ['endpoint'], message: error.message })
    return z.NEVER
  }
}

/**
 * The client config schema: unknown fields rejected, defaults applied, HTTPS enforced.
 *
 * @example
 * const result = clientConfigSchema.safeParse({ endpoint: 'https://tts.example.com' })
 */
export const clientConfigSchema = z.strictObject(clientConfigShape).transform(checkEndpointScheme)

/**
 * Parses client settings, applying defaults. Throws `ConfigError` naming each bad field, the
 * value's problem and what is allowed (a secret's value is never shown).
 *
 * @example
 * const config = parseClientConfig({ endpoint: 'https://tts.example.com', apiKey: env.TTS_KEY })
 * config.timeoutMs // 3000
 */
export function parseClientConfig(input: unknown): ClientConfig {
  const result = clientConfigSchema.safeParse(input, { reportInput: true })
  if (!result.success) throw toConfigError(result.error.issues, Object.keys(clientConfigShape))
  const { apiKey, ...rest } = result.data
  return apiKey === undefined ? rest : { ...rest, apiKey }
}
