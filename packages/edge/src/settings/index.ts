/**
 * @module settings — the worker's configuration, parsed once per `Env` with one zod schema
 * (settings/schema), and rejected early with the variable's name (and the field's, inside a
 * JSON variable) when malformed.
 */
import type { z } from 'zod'
import { ProblemError } from '../problem/index.ts'
import { EnvSchema, type PoolOptionsSchema, UPSTREAM_NAME, UpstreamSchema } from './schema.ts'

/**
 * How cache entries are scoped between callers: `shared` (everyone), `tenant` (keys of one
 * tenant in API_KEYS), `key` (each key alone).
 */
export type CacheTenancy = 'shared' | 'tenant' | 'key'

/** Which upstream API the worker speaks. */
export type AdapterChoice = 'auto' | 'xtts-streaming' | 'openai'

/** One upstream server of the pool, with its public name. */
export type UpstreamConfig = z.infer<typeof UpstreamSchema> & { name: string }
/** The pool's tuning. */
export type PoolOptions = z.infer<typeof PoolOptionsSchema>

/** Everything the pool object needs to know (plain JSON; sent when its id changes). */
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

/** The worker's configuration. */
export interface Settings {
  upstreamUrl: string
  upstreamAdapter: AdapterChoice
  upstreamModel: string
  upstreamApiKey: string | undefined
  /** OpenAI voice names → upstream speaker names. */
  voiceMap: Record<string, string>
  cacheTtlMs: number
  cacheMaxBytes: number
  /** Bytes of recent plaintext kept per isolate (0: none). */
  cacheMemoryBytes: number
  /** How long an isolate adds up cache lookups before writing them (0: at once). */
  cacheStatsFlushMs: number
  cacheTenancy: CacheTenancy
  maxBodyBytes: number
  maxCloneBytes: number
  /** Cloned voices one API key may own. */
  maxVoicesPerKey: number
  corsOrigins: string[]
  logLevel: 'debug' | 'info' | 'warn' | 'error'
  devMode: boolean
  /** Who changes the speed where both could (see speech/tempo). */
  speedBy: 'upstream' | 'edge'
  pool: PoolSettings
  /** The most queued syntheses (prefetch + deferred) one tenant may have waiting. */
  tenantQueueMax: number
}

const cache = new WeakMap<object, Settings>()

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

/** The first problem of a failed parse, as "configuration NAME is invalid at field: why". */
function describe(error: z.ZodError): string {
  const issue = error.issues[0]
  const [name, ...field] = issue?.path ?? []
  const why = issue?.message ?? 'bad value'
  if (why === 'must be JSON') return `configuration ${String(name)} must be JSON`
  const at = field.length > 0 ? ` at ${field.join('.')}` : ''
  return `configuration ${String(name)} is invalid${at}: ${why}`
}

/**
 * The settings of this `Env` (parsed once per env object).
 *
 * @example
 * const { cacheTtlMs, pool } = settingsOf(c.env) // pool.config.options.ttfbMs 3000
 */
export function settingsOf(env: Env): Settings {
  const known = cache.get(env)
  if (known) return known
  // wrangler writes an unset var as '': treat it as absent, so the default applies.
  const vars = Object.fromEntries(
    Object.keys(EnvSchema.shape).map((name) => {
      const value = (env as unknown as Record<string, unknown>)[name]
      return [name, value === '' ? undefined : value]
    }),
  )
  const parsed = EnvSchema.safeParse(vars)
  if (!parsed.success) throw new ProblemError('internal_error', describe(parsed.error))
  const v = parsed.data
  const upstreams = v.UPSTREAMS ?? [
    UpstreamSchema.parse({
      url: v.UPSTREAM_URL,
      adapter: v.UPSTREAM_ADAPTER,
      credential: 'UPSTREAM_API_KEY',
      // The one upstream goes by the pool's name when that can be shown, else by position.
      name: UPSTREAM_NAME.test(v.POOL_NAME) ? v.POOL_NAME : 'upstream-1',
    }) as UpstreamConfig,
  ]
  const config: PoolConfig = {
    upstreams,
    options: v.POOL_OPTIONS,
    model: v.UPSTREAM_MODEL,
    voiceMap: v.VOICE_MAP,
  }
  const settings: Settings = {
    upstreamUrl: v.UPSTREAM_URL,
    upstreamAdapter: v.UPSTREAM_ADAPTER,
    upstreamModel: v.UPSTREAM_MODEL,
    upstreamApiKey: v.UPSTREAM_API_KEY || undefined,
    voiceMap: v.VOICE_MAP,
    cacheTtlMs: v.CACHE_TTL_SECONDS * 1000,
    cacheMaxBytes: v.CACHE_MAX_BYTES,
    cacheMemoryBytes: v.CACHE_MEMORY_BYTES,
    cacheStatsFlushMs: v.CACHE_STATS_FLUSH_MS,
    cacheTenancy: v.CACHE_TENANCY,
    maxBodyBytes: v.MAX_BODY_BYTES,
    maxCloneBytes: v.MAX_CLONE_BYTES,
    maxVoicesPerKey: v.MAX_VOICES_PER_KEY,
    corsOrigins: v.CORS_ORIGINS,
    logLevel: v.LOG_LEVEL,
    devMode: v.DEV_MODE,
    speedBy: v.SPEED_BY,
    pool: { name: v.POOL_NAME, config, configId: hash53(JSON.stringify(config)) },
    tenantQueueMax: v.TENANT_QUEUE_MAX,
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
