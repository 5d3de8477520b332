/**
 * @module auth/token-request — what one request may do with a browser token: where the token is
 * read from (the bearer header, or the `token` query parameter of `GET /v1/audio/speech`, for
 * `<audio src>`), which route it works on, which page origin it works from, and how long an
 * `input` it may synthesize.
 *
 * Origin: a browser sends `Origin` with `fetch` and CORS requests, but not with a plain
 * `<audio src>` load (a no-cors GET); that load carries `Referer`, which under the default
 * `strict-origin-when-cross-origin` policy is at least the page's origin. So the page origin is
 * `Origin` when present, else the origin of `Referer`; a bound token with neither is refused.
 * This stops another web page from using a leaked token; a non-browser client can forge both
 * headers, which is why tokens are short-lived and speech-only.
 *
 * Budget: `chars` is the longest `input` one request may synthesize (counted as the edge counts
 * its 4096 limit). It is per request, not a running total, so the edge needs no state to enforce
 * it; the total a token can spend is bounded by its lifetime (≤ 15 min) times the minting key's
 * rate limit, which it shares.
 */
import type { Context } from 'hono'
import { ProblemError } from '../problem/index.ts'
import { codePoints } from '../speech/limits.ts'
import { looksLikeToken, type TokenClaims } from './token.ts'

/** The only route a browser token works on. */
export const TOKEN_ROUTE = '/v1/audio/speech'

/**
 * The browser token a request presents, if any: a bearer that looks like one, else (on
 * `GET /v1/audio/speech` only) the `token` query parameter.
 *
 * @example
 * const token = presentedToken(c) // 'ttsb1.…' or undefined
 */
export function presentedToken(c: Context): string | undefined {
  const header = c.req.header('authorization')
  if (header) {
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1]
    return bearer && looksLikeToken(bearer) ? bearer : undefined
  }
  if ((c.req.method !== 'GET' && c.req.method !== 'HEAD') || c.req.path !== TOKEN_ROUTE)
    return undefined
  return c.req.query('token') || undefined
}

/** The page origin of a request: `Origin`, else the origin of `Referer`. */
function pageOrigin(headers: Headers): string | undefined {
  const origin = headers.get('origin')
  if (origin && origin !== 'null') return origin
  const referer = headers.get('referer')
  if (!referer) return undefined
  try {
    return new URL(referer).origin
  } catch {
    return undefined
  }
}

/** Code points as sent or after NFC, whichever is more: a budget of 10 must not buy 10 × U+FB2C (30). */
const counted = (input: string) => Math.max(codePoints(input), codePoints(input.normalize('NFC')))

async function inputLength(c: Context): Promise<number | undefined> {
  if (c.req.method === 'GET') {
    const input = c.req.query('input')
    return input === undefined ? undefined : counted(input)
  }
  try {
    const body = (await c.req.json()) as { input?: unknown }
    return typeof body?.input === 'string' ? counted(body.input) : undefined
  } catch {
    return undefined // not JSON: the route's validation answers that
  }
}

/**
 * Refuses a genuine token used where it may not be: another route, another page origin, a
 * longer input than its budget. Throws a 403 problem naming what was wrong.
 *
 * @example
 * await checkTokenUse(c, claims)
 */
export async function checkTokenUse(c: Context, claims: TokenClaims): Promise<void> {
  if (c.req.path !== TOKEN_ROUTE) {
    throw new ProblemError(
      'forbidden',
      `a browser token works only on ${TOKEN_ROUTE}; use an API key for ${c.req.path}`,
    )
  }
  if (claims.origin !== undefined) {
    const origin = pageOrigin(c.req.raw.headers)
    if (origin !== claims.origin) {
      throw new ProblemError(
        'token_origin_mismatch',
        origin === undefined
          ? `the browser token is bound to ${claims.origin}; the request carried neither Origin nor Referer (check the page's Referrer-Policy)`
          : `the browser token is bound to ${claims.origin}; the request came from ${origin}`,
        { details: { origin: claims.origin } },
      )
    }
  }
  if (claims.chars !== undefined) {
    const length = await inputLength(c)
    if (length !== undefined && length > claims.chars) {
      throw new ProblemError(
        'token_budget_exceeded',
        `the browser token allows an input of at most ${claims.chars} characters per request; this one has ${length}`,
        { details: { maxChars: claims.chars } },
      )
    }
  }
}
