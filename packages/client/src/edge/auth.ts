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
}

/** A token is refreshed this long before it expires, or halfway through a shorter life. */
const REFRESH_MARGIN_S = 30

/** When to fetch the next token: 30 s before `exp`, or halfway through a shorter life. */
function refreshAtMs(token: string): number {
  try {
    const { iat, exp } = JSON.parse(
      atob((token.split('.')[1] ?? '').replace(/-/g, '+').replace(/_/g, '/')),
    )
    return (exp - Math.min(REFRESH_MARGIN_S, (exp - iat) / 2)) * 1000 || Number.POSITIVE_INFINITY
  } catch {
    return Number.POSITIVE_INFINITY
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
    if (!fresh) throw new TypeError('getToken() must resolve to a token or { token }')
    current = { token: fresh, refreshAtMs: refreshAtMs(fresh) }
    return fresh
  }

  return {
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
