/**
 * @module auth/token — short-lived browser tokens: `ttsb1.<claims>.<signature>`, the claims a
 * base64url JSON object, the signature HMAC-SHA-256 over `ttsb1.<claims>` with a key of the
 * `TOKEN_KEYS` ring ("id:base64,...", newest first: the newest signs, any listed key verifies, so
 * a key is rotated by adding a new one in front and retired ≥ 15 minutes later). The edge checks
 * a token with no lookup: signature, version, expiry; what a request may do with it is
 * auth/token-request.ts's job.
 *
 * Not a JWT, on purpose: a JWT library brings algorithm negotiation (`alg: none`, RS/HS
 * confusion) we would have to switch off, and the claims are ours anyway; HMAC over a fixed
 * prefix with `crypto.subtle.verify` (constant time) is the whole format.
 *
 * `TOKEN_KEYS` is read here rather than in settings/ so the settings schema can fold it in later
 * without touching callers. In dev mode without the secret, an ephemeral key is used (tokens then
 * live only as long as the isolate), as the cache's key ring does.
 */
import { decodeBase64, encodeBase64 } from '@tts/core/bytes'
import { KEY_ID_PATTERN } from '@tts/core/crypto'
import { ProblemError } from '../problem/index.ts'
import { settingsOf } from '../settings/index.ts'

/** The prefix of every browser token (format version 1). */
export const TOKEN_PREFIX = 'ttsb1'
/** The longest a token may live. */
export const TOKEN_MAX_TTL_S = 900

/** What a token says; signed, so the edge trusts it without a lookup. */
export interface TokenClaims {
  v: 1
  /** Id of the `TOKEN_KEYS` key that signed it. */
  kid: string
  /** The minting key's tenant. */
  tenant: string
  /** The minting key's id (first 12 hex of its hash): rate limit, voices and revocation. */
  key: string
  scopes: ['speech']
  /** Issued at / expires at, Unix seconds. */
  iat: number
  exp: number
  /** When set, the only page origin the token works from. */
  origin?: string
  /** When set, the longest `input` one request may synthesize with it. */
  chars?: number
  /** Random id: two tokens minted in the same second still differ. */
  jti: string
}

interface TokenRing {
  currentId: string
  keys: ReadonlyMap<string, CryptoKey>
}

const rings = new Map<string, Promise<TokenRing>>()
let ephemeral: string | undefined

function base64url(bytes: Uint8Array): string {
  return encodeBase64(bytes).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

async function importRing(spec: string): Promise<TokenRing> {
  const keys = new Map<string, CryptoKey>()
  for (const part of spec.split(',').map((p) => p.trim())) {
    if (!part) continue
    const colon = part.indexOf(':')
    const id = part.slice(0, Math.max(colon, 0))
    const raw = colon > 0 ? decodeBase64(part.slice(colon + 1)) : undefined
    if (!KEY_ID_PATTERN.test(id) || keys.has(id) || !raw || raw.length < 32) {
      throw new ProblemError(
        'internal_error',
        'configuration TOKEN_KEYS must be "id:base64[,id:base64...]", newest first, unique ids, keys of at least 32 bytes',
      )
    }
    const key = await crypto.subtle.importKey(
      'raw',
      raw,
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['sign', 'verify'],
    )
    raw.fill(0)
    keys.set(id, key)
  }
  const currentId = keys.keys().next().value
  if (currentId === undefined)
    throw new ProblemError('internal_error', 'configuration TOKEN_KEYS holds no key')
  return { currentId, keys }
}

/** The token key ring of this `Env`, or `undefined` when tokens are not configured. */
function ringOf(env: Env): Promise<TokenRing> | undefined {
  let spec = (env as { TOKEN_KEYS?: string }).TOKEN_KEYS
  if (!spec) {
    if (!settingsOf(env).devMode) return undefined
    ephemeral ??= `dev:${base64url(crypto.getRandomValues(new Uint8Array(32)))}`
    spec = ephemeral
  }
  let ring = rings.get(spec)
  if (!ring) {
    ring = importRing(spec)
    rings.set(spec, ring)
    ring.catch(() => rings.delete(spec))
  }
  return ring
}

/** True when this worker can mint and check tokens. */
export function tokensConfigured(env: Env): boolean {
  return ringOf(env) !== undefined
}

/** The claims a caller chooses; the rest is filled in by {@link signToken}. */
export type TokenRequest = Omit<TokenClaims, 'v' | 'kid' | 'scopes' | 'iat' | 'jti'>

/**
 * Signs a token with the newest key of `TOKEN_KEYS`.
 *
 * @example
 * const token = await signToken(env, { tenant: 'a', key: 'ab12…', exp: now + 300 })
 */
export async function signToken(
  env: Env,
  request: TokenRequest,
  nowS = Math.floor(Date.now() / 1000),
): Promise<string> {
  const ring = await ringOf(env)
  if (!ring) {
    throw new ProblemError(
      'not_implemented',
      'browser tokens are not configured on this worker (secret TOKEN_KEYS)',
    )
  }
  const claims: TokenClaims = {
    v: 1,
    kid: ring.currentId,
    tenant: request.tenant,
    key: request.key,
    scopes: ['speech'],
    iat: nowS,
    exp: request.exp,
    ...(request.origin === undefined ? {} : { origin: request.origin }),
    ...(request.chars === undefined ? {} : { chars: request.chars }),
    jti: base64url(crypto.getRandomValues(new Uint8Array(9))),
  }
  const body = `${TOKEN_PREFIX}.${base64url(new TextEncoder().encode(JSON.stringify(claims)))}`
  const key = ring.keys.get(ring.currentId) as CryptoKey
  const signature = await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(body))
  return `${body}.${base64url(new Uint8Array(signature))}`
}

/**
 * True when a credential has the shape of a browser token (so it is not an API key).
 *
 * @example
 * looksLikeToken('ttsb1.eyJ2…') // true
 */
export function looksLikeToken(credential: string): boolean {
  return credential.startsWith(`${TOKEN_PREFIX}.`)
}

function invalid(why: string): ProblemError {
  return new ProblemError('token_invalid', `the browser token is not valid: ${why}`, {
    headers: { 'www-authenticate': 'Bearer error="invalid_token"' },
  })
}

function parseClaims(text: string): TokenClaims | undefined {
  try {
    const c = JSON.parse(text) as Partial<TokenClaims>
    const ok =
      c.v === 1 &&
      typeof c.tenant === 'string' &&
      typeof c.key === 'string' &&
      Number.isSafeInteger(c.exp) &&
      Number.isSafeInteger(c.iat) &&
      Array.isArray(c.scopes) &&
      c.scopes.length === 1 &&
      c.scopes[0] === 'speech' &&
      (c.origin === undefined || typeof c.origin === 'string') &&
      (c.chars === undefined || Number.isSafeInteger(c.chars))
    return ok ? (c as TokenClaims) : undefined
  } catch {
    return undefined
  }
}

/**
 * The claims of a genuine, unexpired token, or a 401 problem saying what was wrong (the token
 * itself never appears in the message).
 *
 * @example
 * const claims = await verifyToken(env, credential)
 */
export async function verifyToken(
  env: Env,
  token: string,
  nowS = Math.floor(Date.now() / 1000),
): Promise<TokenClaims> {
  const parts = token.split('.')
  if (parts.length !== 3 || parts[0] !== TOKEN_PREFIX)
    throw invalid('it is malformed; send the token exactly as POST /v1/tokens returned it')
  const [, payload = '', sig = ''] = parts
  const json = decodeBase64(payload)
  const signature = decodeBase64(sig)
  const claims = json ? parseClaims(new TextDecoder().decode(json)) : undefined
  if (!claims || !signature)
    throw invalid('it is malformed; send the token exactly as POST /v1/tokens returned it')
  const ring = await ringOf(env)
  const key = ring?.keys.get(claims.kid)
  if (!key) throw invalid('it was signed with a key this worker does not know (rotated out?)')
  const body = new TextEncoder().encode(`${TOKEN_PREFIX}.${payload}`)
  if (!(await crypto.subtle.verify('HMAC', key, signature, body)))
    throw invalid('its signature does not match (forged or altered)')
  if (claims.exp <= nowS) {
    throw new ProblemError(
      'token_expired',
      `the browser token expired ${nowS - claims.exp + 1} s ago; get a new one from POST /v1/tokens`,
      {
        headers: { 'www-authenticate': 'Bearer error="invalid_token"' },
        details: { expiredAt: new Date(claims.exp * 1000).toISOString() },
      },
    )
  }
  if (claims.exp - claims.iat > TOKEN_MAX_TTL_S)
    throw invalid(`it claims to live longer than ${TOKEN_MAX_TTL_S} s`)
  return claims
}
