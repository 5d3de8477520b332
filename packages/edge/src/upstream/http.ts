/**
 * @module upstream/http — one `fetch` to an upstream with its credential, turning network
 * failures and error statuses into {@link UpstreamError}s. The credential is added here and
 * nowhere else, so it never reaches a log or an answer.
 */
import { UpstreamError } from './errors.ts'

/** Where an upstream lives and how to authenticate to it. */
export interface UpstreamTarget {
  url: string
  apiKey: string | undefined
}

/**
 * Calls the upstream; resolves only for a 2xx answer.
 *
 * @example
 * const res = await upstreamFetch(target, '/languages', { signal })
 */
export async function upstreamFetch(
  target: UpstreamTarget,
  path: string,
  init: {
    method?: string
    headers?: HeadersInit
    body?: BodyInit
    signal?: AbortSignal | undefined
  },
): Promise<Response> {
  const headers = new Headers(init.headers)
  if (target.apiKey) headers.set('authorization', `Bearer ${target.apiKey}`)
  let res: Response
  try {
    res = await fetch(`${target.url}${path}`, {
      method: init.method ?? 'GET',
      headers,
      body: init.body ?? null,
      signal: init.signal ?? null,
    })
  } catch (cause) {
    if (init.signal?.aborted) throw init.signal.reason
    throw new UpstreamError('upstream_unavailable', 'the upstream server could not be reached', {
      cause,
    })
  }
  if (res.ok) return res
  await res.body?.cancel().catch(() => {})
  const retryAfter = Number(res.headers.get('retry-after'))
  const retryAfterS = Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined
  if (res.status === 429) {
    throw new UpstreamError('upstream_busy', 'the upstream server is busy (it answered 429)', {
      status: 429,
      ...(retryAfterS === undefined ? {} : { retryAfterS }),
    })
  }
  const code = res.status === 503 ? 'upstream_unavailable' : 'upstream_error'
  throw new UpstreamError(code, `the upstream server answered ${res.status}`, {
    status: res.status,
    ...(retryAfterS === undefined ? {} : { retryAfterS }),
  })
}
