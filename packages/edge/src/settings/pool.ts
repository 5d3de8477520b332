/**
 * @module settings/pool — the upstream pool's configuration: which servers (`UPSTREAMS`, or
 * the single `UPSTREAM_URL`), which pool object serves them (`POOL_NAME`) and its tuning
 * (`POOL_OPTIONS`: breaker, timeouts, retries, queue limits, stale serving, deferred synthesis).
 * Parsed with zod so a bad value is rejected early, naming the variable and the field.
 */
import { z } from 'zod'
import { ProblemError } from '../problem/index.ts'

const UpstreamSchema = z.object({
  url: z.url().transform((u) => u.replace(/\/+$/, '')),
  adapter: z.enum(['auto', 'xtts-streaming', 'openai']).default('auto'),
  /** Name of the secret (a binding of the worker) that holds this upstream's API key. */
  credential: z.string().min(1).optional(),
  weight: z.number().positive().default(1),
  maxConcurrency: z.number().int().min(1).max(64).default(1),
})

const OptionsSchema = z.object({
  breakerThreshold: z.number().int().min(1).default(5),
  breakerOpenMs: z.number().int().min(0).default(300_000),
  /** The longest a probe may stay unanswered before another may go. */
  probeTimeoutMs: z.number().int().min(100).default(30_000),
  /** A short fixed phrase, so a probe never carries a user's text. */
  probeText: z.string().min(1).max(200).default('Ready.'),
  probeLanguage: z.string().default('en'),
  ttfbMs: z.number().int().min(1).default(3000),
  /** Total deadline of one synthesis: base plus a per-character allowance. */
  deadlineBaseMs: z.number().int().min(1).default(15_000),
  deadlinePerCharMs: z.number().min(0).default(60),
  maxRetries: z.number().int().min(0).max(10).default(3),
  retryBaseMs: z.number().int().min(0).default(200),
  retryCapMs: z.number().int().min(0).default(2000),
  /** A `Retry-After` longer than this is not waited out: the request fails over or fails fast. */
  retryAfterCapMs: z.number().int().min(0).default(5000),
  maxQueue: z.number().int().min(0).default(8),
  maxWaitMs: z.number().int().min(0).default(10_000),
  /**
   * How long a finished synthesis still answers identical late arrivals (0: only those in
   * flight share it; a later ask finds the cache, or synthesizes again if the entry went).
   */
  lingerMs: z.number().int().min(0).default(0),
  serveStale: z.boolean().default(true),
  /** How long past its expiry a cached copy may still be served as STALE. */
  staleMaxMs: z
    .number()
    .int()
    .min(0)
    .default(30 * 86_400_000),
  deferOnFailure: z.boolean().default(true),
  /** Delivery attempts of a queued synthesis before it goes to the dead-letter queue. */
  queueMaxAttempts: z.number().int().min(1).default(5),
  queueRetryBaseS: z.number().int().min(0).default(10),
})

/** One upstream server of the pool. */
export type UpstreamConfig = z.infer<typeof UpstreamSchema>
/** The pool's tuning. */
export type PoolOptions = z.infer<typeof OptionsSchema>

/** Everything the pool object needs to know, sent with each call (plain JSON). */
export interface PoolConfig {
  upstreams: UpstreamConfig[]
  options: PoolOptions
  model: string
  voiceMap: Record<string, string>
}

/** Which pool object, and its configuration. */
export interface PoolSettings {
  name: string
  config: PoolConfig
  /** A hash of `config`: what each call to the pool carries instead of the document. */
  configId: string
}

/** A 53-bit string hash (cyrb53), hex: sync, so settings stay a sync parse. */
function hash53(text: string): string {
  let h1 = 0xdeadbeef
  let h2 = 0x41c6ce57
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i)
    h1 = Math.imul(h1 ^ ch, 2654435761)
    h2 = Math.imul(h2 ^ ch, 1597334677)
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909)
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909)
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(16)
}

const cache = new WeakMap<object, PoolSettings>()

function parseJson<T>(name: string, raw: string, schema: z.ZodType<T>): T {
  let value: unknown
  try {
    value = JSON.parse(raw)
  } catch {
    throw new ProblemError('internal_error', `configuration ${name} must be JSON`)
  }
  const parsed = schema.safeParse(value)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const where = issue?.path.length ? ` at ${issue.path.join('.')}` : ''
    throw new ProblemError(
      'internal_error',
      `configuration ${name} is invalid${where}: ${issue?.message ?? 'bad value'}`,
    )
  }
  return parsed.data
}

/**
 * The pool settings of this `Env` (parsed once per env object).
 *
 * @example
 * const { name, config } = poolSettingsOf(env) // name 'default', config.options.ttfbMs 3000
 */
export function poolSettingsOf(env: Env): PoolSettings {
  const known = cache.get(env)
  if (known) return known
  const vars = env as unknown as Record<string, string | undefined>
  const upstreams = vars.UPSTREAMS
    ? parseJson('UPSTREAMS', vars.UPSTREAMS, z.array(UpstreamSchema).min(1))
    : [
        UpstreamSchema.parse({
          url: env.UPSTREAM_URL || 'http://127.0.0.1:8020',
          adapter: env.UPSTREAM_ADAPTER || 'auto',
          credential: 'UPSTREAM_API_KEY',
        }),
      ]
  const options = parseJson('POOL_OPTIONS', vars.POOL_OPTIONS || '{}', OptionsSchema)
  let voiceMap: Record<string, string> = {}
  try {
    voiceMap = env.VOICE_MAP ? (JSON.parse(env.VOICE_MAP) as Record<string, string>) : {}
  } catch {}
  const config: PoolConfig = {
    upstreams,
    options,
    model: env.UPSTREAM_MODEL || 'xtts-v2',
    voiceMap,
  }
  const settings: PoolSettings = {
    name: vars.POOL_NAME || 'default',
    config,
    configId: hash53(JSON.stringify(config)),
  }
  cache.set(env, settings)
  return settings
}

/**
 * The total deadline of one synthesis of `chars` characters.
 *
 * @example
 * synthesisDeadlineMs(options, 120) // 15 000 + 120 × 60 = 22 200
 */
export function synthesisDeadlineMs(options: PoolOptions, chars: number): number {
  return options.deadlineBaseMs + Math.ceil(chars * options.deadlinePerCharMs)
}
