/**
 * @module wait-http — waits for a local server to come up: the dev stack (scripts/stack.mjs) and
 * the benchmarks (apps/bench) both start servers and must not talk to them before they answer.
 * Plain JavaScript so that scripts run by Node without a build can use it; types in
 * wait-http.d.mts.
 */

/**
 * Polls `url` until it answers below 500, or throws after `timeoutMs`. A 4xx counts as up: the
 * server answers, whatever it thinks of the request. The error names `name` when given.
 *
 * @example
 * await waitForHttp('http://127.0.0.1:8787/healthz', 60_000, { name: 'edge' })
 */
export async function waitForHttp(url, timeoutMs, { name, everyMs = 250 } = {}) {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(5000) })
      await res.body?.cancel()
      if (res.status < 500) return
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, everyMs))
  }
  const who = name === undefined ? `${url} did not answer` : `${name} did not answer at ${url}`
  throw new Error(`${who} within ${timeoutMs / 1000} s`)
}
