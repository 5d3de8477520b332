/**
 * @module observe/request-id — the id of one request: the caller's `x-request-id` when it is a
 * sane token (so a client or proxy can follow its own id through our logs), else Cloudflare's
 * `cf-ray`, else a fresh UUID. It is answered in `x-request-id` and in every problem body, and
 * every log line of the request carries it.
 */

/** 8–128 characters of letters, digits and `._:-`: safe in a header, a log line and a URN. */
const SANE = /^[A-Za-z0-9][A-Za-z0-9._:-]{7,127}$/

/**
 * The request id for a request's headers.
 *
 * @example
 * requestIdOf(new Headers({ 'x-request-id': 'checkout-4711-a' })) // 'checkout-4711-a'
 * requestIdOf(new Headers({ 'x-request-id': 'bad id\n' }))        // a fresh UUID
 */
export function requestIdOf(headers: Headers): string {
  for (const name of ['x-request-id', 'cf-ray']) {
    const given = headers.get(name)
    if (given && SANE.test(given)) return given
  }
  return crypto.randomUUID()
}
