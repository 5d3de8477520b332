/**
 * @module load — fixed-connection, fixed-duration HTTP load on 127.0.0.1 with autocannon, with
 * every response time kept so p95 is exact (autocannon's summary has p90 and p97.5, not p95).
 */
import autocannon from 'autocannon'
import { round, summarize } from '../stats/index.ts'

/** What one load run measured. */
export interface LoadResult {
  requests: number
  requestsPerSecond: number
  p50Ms: number
  p95Ms: number
  p99Ms: number
  non2xx: number
  errors: number
  bytesPerResponse: number
}

/** One load run's settings. */
export interface LoadOptions {
  url: string
  method: 'GET' | 'POST'
  headers: Record<string, string>
  body?: string
  connections: number
  durationS: number
}

/**
 * Runs the load and summarises it.
 *
 * @example
 * const r = await runLoad({ url, method: 'POST', headers, body, connections: 10, durationS: 10 })
 */
export async function runLoad(o: LoadOptions): Promise<LoadResult> {
  return summarizeLoad([await loadSlice(o)], o.durationS)
}

/** One slice of load: every 2xx time, and the slice's failures. */
interface Slice {
  times: number[]
  bytes: number
  non2xx: number
  errors: number
}

function summarizeLoad(slices: Slice[], durationS: number): LoadResult {
  const times = slices.flatMap((x) => x.times)
  const bytes = slices.reduce((sum, x) => sum + x.bytes, 0)
  const s = summarize(times)
  return {
    requests: times.length,
    requestsPerSecond: round(times.length / durationS),
    p50Ms: round(s.p50),
    p95Ms: round(s.p95),
    p99Ms: round(s.p99),
    non2xx: slices.reduce((sum, x) => sum + x.non2xx, 0),
    errors: slices.reduce((sum, x) => sum + x.errors, 0),
    bytesPerResponse: times.length ? Math.round(bytes / times.length) : 0,
  }
}

/**
 * Loads several targets in turns (`rounds` slices of `durationS / rounds` each, A B A B …) and
 * summarises each over all its slices. On a shared machine whose load drifts, targets compared
 * by ratio then meet the same conditions, which one slice each after the other does not give.
 *
 * @example
 * const [ours, floor] = await runAlternating([oursOptions, floorOptions], 4)
 */
export async function runAlternating(
  targets: LoadOptions[],
  rounds: number,
): Promise<LoadResult[]> {
  const slices: Slice[][] = targets.map(() => [])
  for (let r = 0; r < rounds; r++) {
    for (const [i, o] of targets.entries())
      slices[i]?.push(await loadSlice({ ...o, durationS: o.durationS / rounds }))
  }
  return targets.map((o, i) => summarizeLoad(slices[i] ?? [], o.durationS))
}

async function loadSlice(o: LoadOptions): Promise<Slice> {
  if (!o.url.startsWith('http://127.0.0.1:')) throw new Error(`refusing to load ${o.url}`)
  const times: number[] = []
  let bytes = 0
  let finish: (r: autocannon.Result) => void = () => {}
  let fail: (e: unknown) => void = () => {}
  const finished = new Promise<autocannon.Result>((resolve, reject) => {
    finish = resolve
    fail = reject
  })
  const instance = autocannon(
    {
      url: o.url,
      method: o.method,
      headers: o.headers,
      ...(o.body === undefined ? {} : { body: o.body }),
      connections: o.connections,
      duration: o.durationS,
      pipelining: 1,
      timeout: 30,
    },
    (error, result) => (error ? fail(error) : finish(result)),
  )
  // Only successful answers count: a fast error is not a served request.
  instance.on('response', (_client: unknown, status: number, resBytes: number, ms: number) => {
    if (status < 200 || status > 299) return
    times.push(ms)
    bytes += resBytes
  })
  const result = await finished
  return { times, bytes, non2xx: result.non2xx, errors: result.errors + result.timeouts }
}
