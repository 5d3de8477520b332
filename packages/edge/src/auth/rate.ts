/**
 * @module auth/rate — the per-key request rate limit (`KEY_LIMITER`, Workers' rate-limiting
 * binding), counted in batches so that a warm key's request does not wait on the limiter.
 *
 * Every request is counted; what changes is when. A key's first request in an isolate waits
 * for the limiter (a key already past its limit elsewhere is refused at once), and so does
 * the first one after a refusal. After that an isolate lets the key's requests through and
 * adds them up in memory, and hands the sum to the limiter (`limit({ key, delta })`, in the
 * request's `waitUntil`, nobody waiting for it) once `batch` have gathered, or with the first
 * request that comes `flushMs` or more after the oldest of them. (No timer: a timer in
 * `waitUntil` would hold a request open that long. What a key sends just before it goes quiet
 * is counted with its next request, or not at all if the isolate ends first: at most
 * `batch - 1` requests, irrelevant to a limit that only bites on sustained traffic.)
 * When the limiter answers that the key is past its limit, the isolate refuses the key's
 * requests itself for `recheckMs`, then asks again. So a key can overshoot its limit by at most
 * about two batches per isolate in a window (the binding itself is eventually consistent
 * and per location), and the hit path has no limiter round trip: under `wrangler dev`, whose
 * stand-in for the binding is a JSON POST to a SQLite-backed Durable Object, that round trip
 * was a quarter of a cache hit's CPU (issue 17); on Cloudflare it is a call to a local service.
 * The same trade as API gateways that sync their counters every N requests (Kong's `sync_rate`).
 *
 * No library fits: the binding is Workers-only, and the batching is a dozen lines around it.
 */

/** The binding's shape (`RateLimit` in @cloudflare/workers-types). */
export interface Limiter {
  limit(options: { key: string; delta?: number }): Promise<{ success: boolean }>
}

/** How counts are batched. */
export interface RateBatching {
  /** Requests gathered before they are handed to the limiter. */
  batch: number
  /** Requests older than this are handed over with the next request, however few. */
  flushMs: number
  /** How long a refused key is refused without asking the limiter again. */
  recheckMs: number
}

/** The defaults: at most 8 requests per isolate counted late, none later than 250 ms once traffic goes on. */
export const RATE_BATCHING: RateBatching = { batch: 8, flushMs: 250, recheckMs: 1_000 }

interface KeyCount {
  /** A limiter answer for this key allowed requests, and none refused since. */
  allowed: boolean
  /** Requests let through and not yet handed to the limiter. */
  pending: number
  /** When the oldest of them came. */
  since: number
  /** Refused without asking until then. */
  refusedUntil: number
  /** A hand-over in flight. */
  flushing: Promise<void> | undefined
}

/** Counts each key's requests against a rate-limiting binding, batched (see the module comment). */
export interface RateCounter {
  /**
   * Counts one request of `key`; true if it may go on. `background` keeps a hand-over alive
   * after the response (the request's `waitUntil`). Throws what the limiter throws when it is
   * waited on.
   */
  admit(
    limiter: Limiter,
    key: string,
    background: (work: Promise<unknown>) => void,
  ): Promise<boolean>
  /** Requests counted in this isolate and not yet handed over, over all keys (tests, metrics). */
  pending(): number
}

/** Keys remembered at most; past it the least recently seen is dropped with its pending count. */
const MAX_KEYS = 10_000

/**
 * @example
 * const rates = createRateCounter()
 * if (!(await rates.admit(env.KEY_LIMITER, principal.keyId, (p) => ctx.waitUntil(p)))) throw tooMany()
 */
export function createRateCounter(
  batching: RateBatching = RATE_BATCHING,
  now: () => number = Date.now,
): RateCounter {
  const keys = new Map<string, KeyCount>()

  const countOf = (key: string): KeyCount => {
    let count = keys.get(key)
    if (count) {
      keys.delete(key)
    } else {
      count = { allowed: false, pending: 0, since: 0, refusedUntil: 0, flushing: undefined }
      if (keys.size >= MAX_KEYS) keys.delete(keys.keys().next().value as string)
    }
    keys.set(key, count)
    return count
  }

  const answered = (count: KeyCount, success: boolean) => {
    count.allowed = success
    if (!success) count.refusedUntil = now() + batching.recheckMs
  }

  const handOver = (limiter: Limiter, key: string, count: KeyCount): Promise<void> => {
    const delta = count.pending
    count.pending = 0
    // Through a `then`, so `flushing` is set before anything below can clear it.
    count.flushing = Promise.resolve()
      .then(() => limiter.limit({ key, delta }))
      .then(
        ({ success }) => answered(count, success),
        () => {
          // Not counted: keep the requests, and let the next one wait for the limiter (it
          // throws to its caller there if the limiter is still failing).
          count.pending += delta
          count.allowed = false
        },
      )
      .finally(() => {
        count.flushing = undefined
      })
    return count.flushing
  }

  return {
    async admit(limiter, key, background) {
      const count = countOf(key)
      const at = now()
      if (count.refusedUntil > at) return false
      if (!count.allowed) {
        // Waited on: this request and any not yet handed over.
        const delta = 1 + count.pending
        count.pending = 0
        let success: boolean
        try {
          success = (await limiter.limit(delta === 1 ? { key } : { key, delta })).success
        } catch (error) {
          count.pending += delta - 1
          throw error
        }
        answered(count, success)
        return success
      }
      if (count.pending === 0) count.since = at
      count.pending++
      if (
        count.flushing === undefined &&
        (count.pending >= batching.batch || at - count.since >= batching.flushMs)
      ) {
        background(handOver(limiter, key, count))
      }
      return true
    },
    pending: () => {
      let sum = 0
      for (const count of keys.values()) sum += count.pending
      return sum
    },
  }
}
