/**
 * @module settings — the worker's configuration, read once per `Env` from vars and secrets,
 * with defaults, and rejected early (with the variable's name) when malformed.
 */
import { ProblemError } from '../problem/index.ts'

/**
 * How cache entries are scoped between callers: `shared` (everyone), `tenant` (keys of one
 * tenant in API_KEYS), `key` (each key alone).
 */
export type CacheTenancy = 'shared' | 'tenant' | 'key'

/** Which upstream API the worker speaks. */
export type AdapterChoice = 'auto' | 'xtts-streaming' | 'openai'

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
  cacheTenancy: CacheTenancy
  maxBodyBytes: number
  maxCloneBytes: number
  corsOrigins: string[]
  logLevel: 'debug' | 'info' | 'warn' | 'error'
  devMode: boolean
}

const cache = new WeakMap<object, Settings>()

function positiveInt(env: Env, name: keyof Env, fallback: number): number {
  const raw = env[name] as unknown
  if (raw === undefined || raw === '') return fallback
  const value = Number(raw)
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new ProblemError(
      'internal_error',
      `configuration ${String(name)} must be a positive integer`,
    )
  }
  return value
}

function parseVoiceMap(raw: string | undefined): Record<string, string> {
  if (!raw) return {}
  try {
    const parsed: unknown = JSON.parse(raw)
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
      return Object.fromEntries(
        Object.entries(parsed).filter((e): e is [string, string] => typeof e[1] === 'string'),
      )
    }
  } catch {}
  throw new ProblemError('internal_error', 'configuration VOICE_MAP must be a JSON object of names')
}

/**
 * The settings of this `Env` (parsed once per env object).
 *
 * @example
 * const { cacheTtlMs } = settingsOf(c.env)
 */
export function settingsOf(env: Env): Settings {
  const known = cache.get(env)
  if (known) return known
  const adapter = env.UPSTREAM_ADAPTER || 'auto'
  if (adapter !== 'auto' && adapter !== 'xtts-streaming' && adapter !== 'openai') {
    throw new ProblemError(
      'internal_error',
      'configuration UPSTREAM_ADAPTER must be auto, xtts-streaming or openai',
    )
  }
  const level = env.LOG_LEVEL || 'info'
  const settings: Settings = {
    upstreamUrl: (env.UPSTREAM_URL || 'http://127.0.0.1:8020').replace(/\/+$/, ''),
    upstreamAdapter: adapter,
    upstreamModel: env.UPSTREAM_MODEL || 'xtts-v2',
    upstreamApiKey: env.UPSTREAM_API_KEY || undefined,
    voiceMap: parseVoiceMap(env.VOICE_MAP),
    cacheTtlMs: positiveInt(env, 'CACHE_TTL_SECONDS', 604_800) * 1000,
    cacheMaxBytes: positiveInt(env, 'CACHE_MAX_BYTES', 1024 ** 3),
    cacheTenancy:
      env.CACHE_TENANCY === 'key' || env.CACHE_TENANCY === 'shared' ? env.CACHE_TENANCY : 'tenant',
    maxBodyBytes: positiveInt(env, 'MAX_BODY_BYTES', 65_536),
    maxCloneBytes: positiveInt(env, 'MAX_CLONE_BYTES', 10 * 1024 * 1024),
    corsOrigins: (env.CORS_ORIGINS || '')
      .split(',')
      .map((o) => o.trim())
      .filter(Boolean),
    logLevel: level === 'debug' || level === 'warn' || level === 'error' ? level : 'info',
    devMode: env.DEV_MODE === 'true',
  }
  cache.set(env, settings)
  return settings
}
