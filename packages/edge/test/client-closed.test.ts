/**
 * Callers who go away before their answer is complete (nginx's 499 "client closed request"):
 * a whole-file caller who closes the connection while its sentence is queued or synthesized,
 * a streamed caller who cancels the body mid-way. Such a request is nobody's failure: one
 * info line with outcome `client_closed` (status 499 in the log, never sent), counted so on
 * `/metrics`, no error line, no error or success count, no deferred synthesis, the breaker
 * untouched. A deadline passed while the caller still waits stays a 504 error.
 */
import { waitOnExecutionContext } from 'cloudflare:test'
import { afterEach, describe, expect, it, vi } from 'vitest'
import {
  call,
  captureLogs,
  jsonLines,
  keys,
  type LogLine,
  openStream,
  sentence,
  speak,
} from './helpers.ts'
import { eventually, poolEmulators, poolEnv, releasePools, warm } from './pool-helpers.ts'
import { drain, restoreLatency, slowPool, wholeFile } from './slow-pool.ts'

afterEach(async () => {
  vi.restoreAllMocks()
  await restoreLatency()
  await releasePools()
})

// Long enough to arrive in many chunks at real-time pace, so a caller who read one is inside it.
const LONG = 'The quick brown fox jumps over the lazy dog and then runs all the way to the river'

/** The sum of `/metrics` samples of `name` whose labels include every one of `labels`. */
async function counted(name: string, labels: Record<string, string>): Promise<number> {
  const text = new TextDecoder().decode((await call('/metrics', { key: keys.admin })).body)
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`)
  return text
    .split('\n')
    .filter((l) => l.startsWith(`${name}{`) && wanted.every((w) => l.includes(w)))
    .reduce((sum, l) => sum + Number(l.split(' ').at(-1)), 0)
}

/** Speech requests counted by outcome (and, for errors, code). */
const requests = (outcome: string, code?: string) =>
  counted('tts_requests_total', { outcome, ...(code ? { code } : {}) })

/** Everything the `/metrics` request counters and the deferred queue show right now. */
async function tallies() {
  return {
    closed: await requests('client_closed'),
    success: await requests('success'),
    error: await requests('error'),
    deferred: await counted('tts_edge_queue_deferred_total', {}),
  }
}

/** A request id of its own, so the test finds its request's log lines among all others. */
const requestId = () => `closed-${crypto.randomUUID()}`

/** The log lines of request `id`. */
const linesOf = (logs: () => string[], id: string): LogLine[] =>
  jsonLines(logs()).filter((l) => l.data.requestId === id)

/** The one line that says request `id`'s caller left: info, outcome and status, no stack. */
function expectClosedLine(lines: LogLine[]): void {
  const closed = lines.filter((l) => l.data.outcome === 'client_closed')
  expect(closed).toHaveLength(1)
  expect(closed[0]).toMatchObject({ level: 'info', data: { status: 499 } })
  expect(closed[0]?.data.cause).toBeUndefined()
  expect(lines.filter((l) => l.level === 'error' || l.level === 'warn')).toEqual([])
}

describe('a caller who goes away', () => {
  it('whole file, still queued: one info line, counted as client_closed, nothing deferred', async () => {
    const [a] = await poolEmulators()
    // Deferral on: a departed caller's request must not be queued for later all the same.
    const { pool, ask, gate, busy } = await slowPool(
      a,
      { ttfbMs: 4000, rtf: 0 },
      { deferOnFailure: true },
    )
    const logs = captureLogs()
    const before = await tallies()
    const first = ask(sentence('Holding the slot meanwhile'))
    await busy('the first to hold the slot')
    const id = requestId()
    const leaving = new AbortController()
    const whole = wholeFile(pool, sentence('Queued, then its caller left'), leaving.signal, {
      'x-request-id': id,
    })
    await eventually(async () => (await gate()).queued === 1, 10_000, 'the whole file to queue')
    leaving.abort()
    await whole
    await drain(await first)
    const lines = linesOf(logs, id)
    expectClosedLine(lines)
    // Logged once: nothing else about this request (no "queued for later", no error).
    expect(lines).toHaveLength(1)
    expect(await tallies()).toEqual({ ...before, closed: before.closed + 1 })
    expect(await gate()).toMatchObject({ breaker: 'closed', failures: 0, lastError: null })
  })

  it('whole file, while its sentence is synthesized: finished and cached, counted as client_closed', async () => {
    const [a] = await poolEmulators()
    const { pool, busy, gate } = await slowPool(a, { ttfbMs: 1500, rtf: 0 })
    const logs = captureLogs()
    const before = await tallies()
    const id = requestId()
    const text = sentence('Paid for, kept, and nobody heard it')
    const leaving = new AbortController()
    const whole = wholeFile(pool, text, leaving.signal, { 'x-request-id': id })
    await busy('the synthesis to start')
    leaving.abort()
    expect(await whole).toBe(200)
    expectClosedLine(linesOf(logs, id))
    expect(await tallies()).toEqual({ ...before, closed: before.closed + 1 })
    // Its work was finished for the next caller, as before.
    const again = await speak(
      { input: text, response_format: 'wav' },
      { env: pool, key: keys.speech },
    )
    expect(again.headers.get('x-tts-cache')).toBe('HIT')
    expect(await gate()).toMatchObject({ breaker: 'closed', failures: 0, lastError: null })
  })

  it('whole file, gone before its sentence reached the pool: client_closed, whatever the reason', async () => {
    const [a] = await poolEmulators()
    const pool = poolEnv([{ url: a.url }])
    await warm(pool)
    const logs = captureLogs()
    const before = await tallies()
    const asked = await a.synthesisRequests()
    const id = requestId()
    // Any reason: what the runtime puts in an aborted `request.signal` is not ours to choose.
    const gone = new AbortController()
    gone.abort(new Error('the test caller hung up'))
    await wholeFile(pool, sentence('Asked by someone already gone'), gone.signal, {
      'x-request-id': id,
    })
    const lines = linesOf(logs, id)
    expectClosedLine(lines)
    expect(lines).toHaveLength(1)
    expect(await tallies()).toEqual({ ...before, closed: before.closed + 1 })
    expect(await a.synthesisRequests()).toBe(asked)
  })

  it.each([
    ['audio', {}],
    ['sse', { stream_format: 'sse' }],
  ])(
    'a stream (%s) cancelled mid-way: client_closed, not success, no warning',
    async (_name, form) => {
      const [a] = await poolEmulators()
      // Real-time pace: the caller who read one chunk cancels while the edge reads the next.
      const { pool, gate } = await slowPool(a, { ttfbMs: 0, rtf: 1 })
      const logs = captureLogs()
      const before = await tallies()
      const id = requestId()
      const input = `${sentence(LONG)} ${sentence('Never heard')}`
      const { res, ctx, reader } = await openStream(
        { input, response_format: 'pcm', ...form },
        { env: pool, headers: { 'x-request-id': id } },
      )
      expect(res.status).toBe(200)
      expect((await reader.read()).done).toBe(false)
      await reader.cancel()
      await waitOnExecutionContext(ctx)
      const lines = await eventually(
        async () => {
          const mine = linesOf(logs, id)
          return mine.some((l) => l.data.outcome === 'client_closed') && mine
        },
        10_000,
        'the client_closed line',
      )
      expectClosedLine(lines)
      expect(await tallies()).toEqual({ ...before, closed: before.closed + 1 })
      expect(await gate()).toMatchObject({ breaker: 'closed', failures: 0, lastError: null })
    },
  )

  it('a deadline passed while the caller waits is still a 504 error', async () => {
    const [a] = await poolEmulators()
    const pool = poolEnv([{ url: a.url }], { ttfbMs: 500, maxRetries: 0 })
    await warm(pool)
    await a.faults({ hang: true })
    const logs = captureLogs()
    const before = await tallies()
    const timeouts = await requests('error', 'upstream_timeout')
    const id = requestId()
    const res = await speak(
      { input: sentence('Hung while its caller waits'), response_format: 'wav' },
      { env: pool, key: keys.speech, headers: { 'x-request-id': id } },
    )
    await a.faults({})
    expect(res.status).toBe(504)
    const lines = linesOf(logs, id)
    expect(lines.filter((l) => l.level === 'error')).toEqual([
      expect.objectContaining({ data: expect.objectContaining({ code: 'upstream_timeout' }) }),
    ])
    expect(lines.filter((l) => l.data.outcome === 'client_closed')).toEqual([])
    expect(await tallies()).toEqual({ ...before, error: before.error + 1 })
    expect(await requests('error', 'upstream_timeout')).toBe(timeouts + 1)
  })
})
