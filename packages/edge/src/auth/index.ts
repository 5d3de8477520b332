/**
 * @module auth — bearer API keys: stored as SHA-256 hashes (secret `API_KEYS`), compared in
 * constant time, each with scopes and a tenant. 401 when no valid key, 403 when the key lacks
 * the scope.
 *
 * A warm isolate remembers keys it has accepted (bounded LRU, 60 s TTL), so a cache hit does
 * not hash the key again. An entry is used only while `API_KEYS` is the very value it was
 * accepted under: a revoked key stops working on the first request that sees the new secret.
 * Only accepted keys are remembered, so made-up keys cannot evict real ones and always take
 * the hashing, constant-time path.
 *
 * A short-lived browser token (auth/token.ts, minted by `POST /v1/tokens`) stands for the key
 * that minted it: same tenant and key id (so the same rate limit and voices), speech scope only.
 * It stops working when that key is removed from `API_KEYS` or loses the speech scope.
 */
import type { MiddlewareHandler } from 'hono'
import { LRUCache } from 'lru-cache'
import { ProblemError } from '../problem/index.ts'
import { keyQuotaOf, type QuotaLimits } from '../quota/limits.ts'
import { settingsOf } from '../settings/index.ts'
import { createRateCounter, type Limiter } from './rate.ts'
import { type TokenClaims, verifyToken } from './token.ts'
import { checkTokenUse, presentedToken } from './token-request.ts'

/** What a key may do. */
export type Scope = 'speech' | 'voices' | 'admin'

/** The caller behind a valid key. */
export interface Principal {
  /** Cache and voice ownership scope. */
  tenant: string
  scopes: readonly Scope[]
  /** A short, non-secret id of the key (first 12 hex chars of its hash) for logs and ownership. */
  keyId: string
  /** The key's work quota (`quota` in its API_KEYS entry); absent: unlimited. */
  quota?: QuotaLimits
}

interface StoredKey {
  hash: Uint8Array
  hex: string
  scopes: Scope[]
  tenant: string
  quota: QuotaLimits | undefined
}

const SCOPES: readonly Scope[] = ['speech', 'voices', 'admin']
const parsed = new Map<string, StoredKey[]>()

function fromHex(hex: string): Uint8Array | undefined {
  if (!/^[0-9a-f]{64}$/i.test(hex)) return undefined
  const out = new Uint8Array(32)
  for (let i = 0; i < 32; i++) out[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16)
  return out
}

function storedKeys(raw: string): StoredKey[] {
  const known = parsed.get(raw)
  if (known) return known
  let list: unknown
  try {
    list = JSON.parse(raw)
  } catch {
    throw new ProblemError('internal_error', 'configuration API_KEYS is not valid JSON')
  }
  if (!Array.isArray(list))
    throw new ProblemError('internal_error', 'configuration API_KEYS must be a JSON array')
  const keys = list.map((entry: unknown, i): StoredKey => {
    const e = (entry ?? {}) as {
      hash?: unknown
      scopes?: unknown
      tenant?: unknown
      quota?: unknown
    }
    const hash = typeof e.hash === 'string' ? fromHex(e.hash) : undefined
    const scopes = Array.isArray(e.scopes)
      ? e.scopes.filter((s): s is Scope => SCOPES.includes(s))
      : []
    if (!hash)
      throw new ProblemError(
        'internal_error',
        `configuration API_KEYS[${i}].hash must be 64 hex characters`,
      )
    return {
      hash,
      hex: (e.hash as string).toLowerCase(),
      scopes,
      tenant: typeof e.tenant === 'string' && e.tenant ? e.tenant : 'default',
      quota: keyQuotaOf(e.quota, i),
    }
  })
  parsed.set(raw, keys)
  return keys
}

/** A key accepted under one `API_KEYS` value. */
interface AcceptedKey {
  apiKeys: string
  principal: Principal
}

/** Accepted keys kept per isolate; sizes and TTL bound memory and staleness. */
export const ACCEPTED_KEYS_MAX = 256
export const ACCEPTED_KEYS_TTL_MS = 60_000
let accepted = new LRUCache<string, AcceptedKey>({
  max: ACCEPTED_KEYS_MAX,
  ttl: ACCEPTED_KEYS_TTL_MS,
})

/**
 * Forgets accepted keys; with `now`, the memo's clock (tests use a fake one).
 *
 * @example
 * resetAcceptedKeys(() => fakeNow)
 */
export function resetAcceptedKeys(now?: () => number): void {
  accepted = new LRUCache<string, AcceptedKey>({
    max: ACCEPTED_KEYS_MAX,
    ttl: ACCEPTED_KEYS_TTL_MS,
    ...(now ? { perf: { now }, ttlResolution: 0 } : {}),
  })
}

async function sha256(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)))
}

/** Constant-time equality of two 32-byte digests (workerd's `timingSafeEqual` where present). */
function equalDigests(a: Uint8Array, b: Uint8Array): boolean {
  const subtle = crypto.subtle as SubtleCrypto & {
    timingSafeEqual?: (a: BufferSource, b: BufferSource) => boolean
  }
  if (typeof subtle.timingSafeEqual === 'function')
    return subtle.timingSafeEqual(a as BufferSource, b as BufferSource)
  let diff = a.length ^ b.length
  for (let i = 0; i < a.length; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0)
  return diff === 0
}

/**
 * The principal for an `Authorization` header value, or a 401 problem.
 * Every stored key is compared, so the time taken does not reveal which one matched.
 *
 * @example
 * const who = await authenticate(env, request.headers.get('authorization'))
 */
export async function authenticate(env: Env, header: string | null): Promise<Principal> {
  const settings = settingsOf(env)
  if (!env.API_KEYS) {
    if (settings.devMode) return { tenant: 'dev', scopes: SCOPES, keyId: 'dev' }
    throw new ProblemError(
      'unauthorized',
      'this worker has no API keys configured (secret API_KEYS)',
      {
        headers: { 'www-authenticate': 'Bearer' },
      },
    )
  }
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '')
  if (!match?.[1]) {
    throw new ProblemError('unauthorized', 'send an API key as "Authorization: Bearer <key>"', {
      headers: { 'www-authenticate': 'Bearer' },
    })
  }
  const token = match[1]
  const known = accepted.get(token)
  if (known && known.apiKeys === env.API_KEYS) return known.principal
  const digest = await sha256(token)
  let found: StoredKey | undefined
  for (const key of storedKeys(env.API_KEYS)) {
    if (equalDigests(digest, key.hash) && !found) found = key
  }
  if (!found) {
    throw new ProblemError('unauthorized', 'the API key is not valid', {
      headers: { 'www-authenticate': 'Bearer error="invalid_token"' },
    })
  }
  // Frozen: one remembered principal is handed to many requests.
  const principal: Principal = Object.freeze({
    tenant: found.tenant,
    scopes: Object.freeze([...found.scopes]),
    keyId: found.hex.slice(0, 12),
    ...(found.quota ? { quota: found.quota } : {}),
  })
  accepted.set(token, { apiKeys: env.API_KEYS, principal })
  return principal
}

/**
 * The principal a genuine token stands for, as long as the key that minted it is still in
 * `API_KEYS` with the speech scope and the same tenant (a lookup in memory, not in storage).
 *
 * @example
 * const who = await tokenPrincipal(env, await verifyToken(env, token))
 */
export async function tokenPrincipal(env: Env, claims: TokenClaims): Promise<Principal> {
  let minter: StoredKey | undefined
  if (env.API_KEYS) {
    minter = /^[0-9a-f]{12}$/.test(claims.key)
      ? storedKeys(env.API_KEYS).find((k) => k.hex.startsWith(claims.key))
      : undefined
    if (!minter || minter.tenant !== claims.tenant || !minter.scopes.includes('speech')) {
      throw new ProblemError(
        'token_invalid',
        'the browser token is not valid: the API key that minted it was revoked or lost the speech scope',
        { headers: { 'www-authenticate': 'Bearer error="invalid_token"' } },
      )
    }
  }
  // The minting key's quota: a token spends what its key may spend, no more.
  const quota = minter?.quota
  return Object.freeze({
    tenant: claims.tenant,
    scopes: Object.freeze(['speech'] as Scope[]),
    keyId: claims.key,
    ...(quota ? { quota } : {}),
  })
}

/** Seconds a limited key is told to wait: the limiter's window. */
const RATE_WINDOW_S = 60

/** This isolate's batched request counts (auth/rate.ts). */
const rates = createRateCounter()

/**
 * Counts a request against the key's rate limit (Workers' rate-limiting binding, when bound),
 * in batches (auth/rate.ts): a warm key's request does not wait for the limiter; what it hands
 * the limiter later goes to `background` (the request's `waitUntil`).
 *
 * @example
 * await checkRate(env, principal, (p) => c.executionCtx.waitUntil(p)) // throws a 429 problem past the limit
 */
export async function checkRate(
  env: Env,
  principal: Principal,
  background: (work: Promise<unknown>) => void,
): Promise<void> {
  const limiter = (env as { KEY_LIMITER?: Limiter }).KEY_LIMITER
  if (!limiter) return
  if (!(await rates.admit(limiter, principal.keyId, background))) {
    throw new ProblemError(
      'rate_limited',
      `this API key sent too many requests; wait ${RATE_WINDOW_S} s`,
      {
        retryAfterS: RATE_WINDOW_S,
      },
    )
  }
}

/** Hono variables set by {@link requireScope}. */
export interface AuthVariables {
  principal: Principal
}

/**
 * Middleware: a valid key with `scope`, else 401/403 problem.
 *
 * @example
 * app.use('/v1/cache', requireScope('admin'))
 */
export function requireScope(
  scope: Scope,
): MiddlewareHandler<{ Bindings: Env; Variables: AuthVariables }> {
  return async (c, next) => {
    const token = presentedToken(c)
    let principal: Principal
    if (token) {
      const claims = await verifyToken(c.env, token)
      principal = await tokenPrincipal(c.env, claims)
      await checkTokenUse(c, claims)
    } else {
      principal = await authenticate(c.env, c.req.header('authorization') ?? null)
    }
    if (!principal.scopes.includes(scope)) {
      throw new ProblemError('forbidden', `this API key lacks the "${scope}" scope`, {
        details: { requiredScope: scope },
      })
    }
    await checkRate(c.env, principal, (p) => c.executionCtx.waitUntil(p))
    c.set('principal', principal)
    await next()
  }
}
