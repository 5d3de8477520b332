/**
 * @module settings/schema — one zod schema for every variable the worker reads (secrets with
 * their own formats, API_KEYS and CACHE_KEYS, are parsed by auth/ and cache/ring). Defaults
 * live here and only here; an empty string counts as unset, as wrangler writes unset vars.
 */
import { z } from 'zod'

/** Parses a JSON text, then checks it against `schema` (a syntax error says "must be JSON"). */
function json<T extends z.ZodType>(schema: T) {
  return z
    .string()
    .transform((text, ctx) => {
      try {
        return JSON.parse(text) as unknown
      } catch {
        ctx.addIssue({ code: 'custom', message: 'must be JSON' })
        return z.NEVER
      }
    })
    .pipe(schema)
}

const positiveInt = (fallback: number) =>
  z.coerce
    .number()
    .int('must be a positive integer')
    .positive('must be a positive integer')
    .max(Number.MAX_SAFE_INTEGER, 'must be a positive integer')
    .default(fallback)

const ADAPTERS = ['auto', 'xtts-streaming', 'openai'] as const

/**
 * An upstream's public name: what `X-TTS-Upstream` and public logs show instead of its host.
 * Letters, digits, `_` and `-` only, so a host name or URL can never pass for one.
 */
export const UPSTREAM_NAME = /^[A-Za-z0-9_-]{1,64}$/

/** One upstream server of the pool (an item of `UPSTREAMS`). */
export const UpstreamSchema = z.object({
  url: z.url().transform((u) => u.replace(/\/+$/, '')),
  /** Shown in `X-TTS-Upstream`; default `upstream-<position from 1>` (never the host). */
  name: z
    .string()
    .regex(UPSTREAM_NAME, 'must be 1-64 letters, digits, _ or - (it is shown to callers)')
    .optional(),
  adapter: z.enum(ADAPTERS).default('auto'),
  /** Name of the secret (a binding of the worker) that holds this upstream's API key. */
  credential: z.string().min(1).optional(),
  weight: z.number().positive().default(1),
  maxConcurrency: z.number().int().min(1).max(64).default(1),
})

/** The pool's tuning (`POOL_OPTIONS`). */
export const PoolOptionsSchema = z.object({
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
  /**
   * An estimate of the GPU time a synthesis takes per character (about 15 characters a second
   * of speech at XTTS's real-time factor ~0.3, rounded up). A slot whose call we gave up on
   * (a time-out, a caller who left) stays taken until the upstream's recent first-chunk time
   * (at most `ttfbMs`, see pool/first-chunk) plus this per character have passed since it was sent: the server's synchronous handler keeps computing after the
   * connection closes, and a second call then would overlap it on a GPU that cannot take two.
   */
  gpuMsPerChar: z.number().min(0).default(25),
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
  /**
   * How long input the upstream failed on repeatedly while other text succeeded (poison
   * input) is answered 422 `input_rejected` without reaching an upstream.
   */
  poisonTtlMs: z.number().int().min(0).default(300_000),
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

/** Every variable the worker reads, with its default. */
export const EnvSchema = z.object({
  UPSTREAM_URL: z
    .url()
    .default('http://127.0.0.1:8020')
    .transform((u) => u.replace(/\/+$/, '')),
  UPSTREAM_ADAPTER: z
    .enum(ADAPTERS, { error: 'must be auto, xtts-streaming or openai' })
    .default('auto'),
  UPSTREAM_MODEL: z.string().min(1).default('xtts-v2'),
  UPSTREAM_API_KEY: z.string().optional(),
  /** OpenAI voice names → upstream speaker names. */
  VOICE_MAP: json(
    z.record(z.string(), z.string(), { error: 'must be an object of names' }),
  ).default({}),
  CACHE_TTL_SECONDS: positiveInt(604_800),
  CACHE_MAX_BYTES: positiveInt(1024 ** 3),
  /** Bytes of recently served plaintext each isolate keeps (cache/memory.ts); 0 keeps none. */
  CACHE_MEMORY_BYTES: z.coerce
    .number()
    .int('must be a whole number of bytes, 0 or more')
    .min(0, 'must be a whole number of bytes, 0 or more')
    .max(64 * 1024 * 1024, 'must be at most 67108864 (64 MiB: half an isolate)')
    .default(32 * 1024 * 1024),
  /** How long an isolate adds up cache hits and misses before writing them (cache/counters.ts). */
  CACHE_STATS_FLUSH_MS: z.coerce
    .number()
    .int('must be a whole number of milliseconds from 0 to 25000')
    .min(0, 'must be a whole number of milliseconds from 0 to 25000')
    // waitUntil work ends 30 s after the answer: the flush must come before that.
    .max(25_000, 'must be a whole number of milliseconds from 0 to 25000')
    .default(5_000),
  CACHE_TENANCY: z
    .enum(['shared', 'tenant', 'key'], { error: 'must be shared, tenant or key' })
    .default('tenant'),
  MAX_BODY_BYTES: positiveInt(65_536),
  MAX_CLONE_BYTES: positiveInt(10 * 1024 * 1024),
  /** Cloned voices one API key may own (a new clone past it: 409). */
  MAX_VOICES_PER_KEY: positiveInt(20),
  CORS_ORIGINS: z
    .string()
    .default('')
    .transform((s) =>
      s
        .split(',')
        .map((o) => o.trim())
        .filter(Boolean),
    ),
  LOG_LEVEL: z
    .enum(['debug', 'info', 'warn', 'error'], { error: 'must be debug, info, warn or error' })
    .default('info'),
  DEV_MODE: z
    .enum(['true', 'false'], { error: 'must be true or false' })
    .default('false')
    .transform((v) => v === 'true'),
  /** The pool's upstreams (empty: the one `UPSTREAM_URL`). */
  UPSTREAMS: json(
    z
      .array(UpstreamSchema)
      .min(1)
      .transform((list) => list.map((u, i) => ({ ...u, name: u.name ?? `upstream-${i + 1}` })))
      .refine((list) => new Set(list.map((u) => u.name)).size === list.length, {
        message: 'each upstream needs its own name',
      }),
  ).optional(),
  POOL_NAME: z.string().min(1).default('default'),
  /** Who changes the speed where both could: the upstream (native speed) or the edge. */
  SPEED_BY: z.enum(['upstream', 'edge'], { error: 'must be upstream or edge' }).default('upstream'),
  POOL_OPTIONS: json(PoolOptionsSchema).default(PoolOptionsSchema.parse({})),
  /** The most prefetch and deferred syntheses one tenant may have queued at once. */
  TENANT_QUEUE_MAX: positiveInt(200),
})

/** The variables, parsed. */
export type EnvVars = z.infer<typeof EnvSchema>
