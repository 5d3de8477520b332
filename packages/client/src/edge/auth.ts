/**
 * @module edge/auth — the credential the client sends the edge: a server's API key, or a browser
 * token (`POST /v1/tokens` on the app's server) given once as `token` or fetched by `getToken()`.
 * A fetched token is kept until shortly before it expires (its `exp` is read from the token's
 * claims; the edge, not the client, checks the signature), then fetched again; concurrent
 * requests share one `getToken()` call. After the edge refuses a token as expired or invalid,
 * `invalidate()` makes the next request fetch a fresh one.
 */

/** What `getToken()` may return: the token, or the edge's `POST /v1/tokens` answer as is. */
export type TokenSource = () => Promise<string | { token: string }>

/** Options of {@link createEdgeAuth}. */
export interface EdgeAuthOptions {
  apiKey?: string | undefined
  token?: string | undefined
  getToken?: TokenSource | undefined
  /** The clock, ms. */
  now: () => number
}

/** The credential provider of the edge transport. */
export interface EdgeAuth {
  /** The `Authorization` header value, or `undefined` for none. */
  header(): Promise<string | undefined>
  /** Forgets a fetched token; true when a fresh one can be fetched (`getToken` was given). */
  invalidate(): boolean
  /** True for a browser token: it works on `/v1/audio/speech` only. */
  readonly usesToken: boolean
}

/** A token is refreshed this long before it expires, or halfway through a shorter life. */
const REFRESH_MARGIN_S = 30

/** `{iat, exp}` of a `ttsb1.<claims>.<signature>` token, when readable. */
function lifetime(token: string): { iat: number; exp: number } | undefined {
  const payload = token.split('.')[1]
  if (!payload) return undefined
  try {
    const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/'))
    const { iat, exp } = JSON.parse(json) as { iat?: unknown; exp?: unknown }
    return typeof iat === 'number' && typeof exp === 'number' ? { iat, exp } : undefined
  } catch {
    return undefined
  }
}

/**
 * Builds the credential provider.
 *
 * @example
 * const auth = createEdgeAuth({ getToken: () => fetch('/tts-token').then((r) => r.json()), now: Date.now })
 * await auth.header() // 'Bearer ttsb1.…'
 */
export function createEdgeAuth(options: EdgeAuthOptions): EdgeAuth {
  const { apiKey, token, getToken, now } = options
  let current: { token: string; refreshAtMs: number } | undefined
  let pending: Promise<string> | undefined

  const fetchToken = async (source: TokenSource): Promise<string> => {
    const answer = await source()
    const fresh = typeof answer === 'string' ? answer : answer?.token
    if (typeof fresh !== 'string' || fresh.trim() === '') {
      throw new TypeError('getToken() must resolve to a token string or to { token }')
    }
    const life = lifetime(fresh)
    const margin = life ? Math.min(REFRESH_MARGIN_S, (life.exp - life.iat) / 2) : 0
    current = {
      token: fresh,
      refreshAtMs: life ? (life.exp - margin) * 1000 : Number.POSITIVE_INFINITY,
    }
    return fresh
  }

  return {
    usesToken: apiKey === undefined && (token !== undefined || getToken !== undefined),
    async header() {
      if (apiKey !== undefined) return `Bearer ${apiKey}`
      if (token !== undefined) return `Bearer ${token}`
      if (getToken === undefined) return undefined
      if (current && now() < current.refreshAtMs) return `Bearer ${current.token}`
      pending ??= fetchToken(getToken).finally(() => {
        pending = undefined
      })
      return `Bearer ${await pending}`
    },
    invalidate() {
      current = undefined
      return getToken !== undefined && apiKey === undefined && token === undefined
    },
  }
}
